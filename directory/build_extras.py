"""Build steps around hospital resolution that turn lists into answers an agent can use:

before resolution  – services printed twice become one (service_merge), the service catalog is read and
                     checked (service_catalog; services the manuals describe without a list are added as
                     kind `no_list`), every row's printed notes are kept (`listings.row_note`);
after resolution   – statements per service (`service_conditions`), rows whose note rules a service out
                     (`row_restrictions`), teams and their specialties (`teams`), places abroad
                     (`overseas_places`) and the placing of non-mainland hospitals.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from directory.manifest import Manifest, sources_dir
from directory.row_notes import restrictions, row_notes
from directory.service_catalog import CATALOG_FILE, Catalog, load_catalog
from directory.service_merge import apply_merges, find_duplicates
from directory.teams import build_teams

NO_LIST = "no_list"


@dataclass
class Extras:
    merges: list[dict[str, Any]] = field(default_factory=list)
    catalog: Catalog | None = None
    root: Path | None = None  # the bundled sources folder of this build (catalog, reference files)


def before_resolve(parsed: Any, manifest: Manifest) -> Extras:
    merges = find_duplicates(parsed)
    apply_merges(parsed, merges)
    bundled = [d.root for d in manifest.documents if d.origin == "bundled"]
    root = bundled[0] if bundled else sources_dir()
    catalog = load_catalog(manifest, root / CATALOG_FILE, merged={m["service_id"]: m["merged_into"] for m in merges})
    docs = {d.file: d for d in manifest.documents}
    known = {s["id"] for s in parsed.services}
    for entry in catalog.services:
        if entry.service_id in known or entry.name is None:
            continue
        doc = docs[entry.file]
        parsed.services.append({
            "id": entry.service_id, "name": entry.name, "insurer": doc.insurer, "product": doc.product,
            "source_file": doc.file, "kind": NO_LIST, "rule": "", "min_grade": None, "public_only": 0,
            "city_proper_only": 0, "aliases": json.dumps(list(entry.aliases), ensure_ascii=False)})
    for li in parsed.listings:
        notes = row_notes(li)
        li["row_note"] = "; ".join(n.text for n in notes) or None
    return Extras(merges, catalog, root)


def after_resolve(parsed: Any, resolved: dict[str, Any], extras: Extras,
                  facts: list[dict[str, Any]] | None = None) -> dict[str, list[dict[str, Any]]]:
    """`facts`: the facts stage's rows; places and points set here are added to them as chosen facts."""
    from directory.abroad_hospitals import place_abroad
    from geodata.abroad import load_places

    merged_into = {m["service_id"]: m["merged_into"] for m in extras.merges}
    conditions = []
    for entry in extras.catalog.services if extras.catalog else []:
        sid = merged_into.get(entry.service_id, entry.service_id)
        for c in entry.conditions:
            conditions.append({"id": len(conditions) + 1, **c.as_row(sid)})

    services = {s["id"]: {**s, "aliases": json.loads(s.get("aliases") or "[]")} for s in parsed.services}
    services_of_table: dict[str, list[dict[str, Any]]] = {}
    for ts in parsed.table_services:
        services_of_table.setdefault(ts["table_id"], []).append(services[ts["service_id"]])
    abroad = place_abroad(resolved["hospitals"], parsed.listings, facts if facts is not None else [], extras.root)
    resolved["aliases"].extend(abroad["aliases"])
    places = [{"code": p.code, "name": p.name, "name_en": p.name_en, "level": p.level, "country": p.country,
               "parent_code": p.parent_code, "lat": p.lat, "lon": p.lon, "aliases": "|".join(p.aliases),
               "coord_source": p.coord_source, "evidence": p.evidence} for p in load_places().values()]
    return {
        "service_conditions": conditions,
        "service_merges": extras.merges,
        "row_restrictions": restrictions(parsed.listings, services_of_table,
                                         {x["file"]: x.get("title") or x["file"] for x in parsed.sources}),
        "teams": build_teams(parsed.listings, parsed.table_services),
        "overseas_places": places,
    }
