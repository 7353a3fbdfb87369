"""New versions of a service's list: the newest list is the one in force, the older ones stay as sources.

An import made with `--service-id` replaces the lists of that service from every older document —
a bundled manual's table, or an earlier import. The older tables keep their rows (the manual still
printed them, with file and line) but no longer make anyone eligible for that service. The build
reports, per replaced service, the hospitals the new version adds and removes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from directory.list_diff import compare
from directory.manifest import DocumentSpec, Manifest


@dataclass(frozen=True)
class Version:
    service_id: str
    current_file: str
    current_tables: tuple[str, ...]
    previous_file: str | None
    previous_tables: tuple[str, ...]
    superseded_tables: tuple[str, ...]  # every older table that no longer serves the service


def _order(doc: DocumentSpec) -> tuple:
    # Bundled manuals are the first version; imports follow in the order they were made.
    return (doc.origin != "bundled", doc.imported_at, doc.file)


def apply_versions(manifest: Manifest, table_services: list[dict]) -> tuple[list[dict], list[Version]]:
    """Drop (table, service) pairs of superseded lists; return the pairs kept and the versions found."""
    doc_of_table = {f"{d.doc_id}-{t.key}": d for d in manifest.documents for t in d.tables}
    tables_of: dict[str, dict[str, list[str]]] = {}  # service → doc file → its tables serving it
    for ts in table_services:
        doc = doc_of_table[ts["table_id"]]
        tables_of.setdefault(ts["service_id"], {}).setdefault(doc.file, []).append(ts["table_id"])
    docs = {d.file: d for d in manifest.documents}
    versions: list[Version] = []
    dropped: set[tuple[str, str]] = set()
    for service_id, by_doc in tables_of.items():
        replacing = [f for f in by_doc if any(s.replaces and docs[f].service_id(s.key) == service_id
                                              for s in docs[f].services)]
        if not replacing or len(by_doc) == 1:
            continue  # no new version, or one whose older versions were all removed
        ordered = sorted(by_doc, key=lambda f: _order(docs[f]))
        current, older = ordered[-1], ordered[:-1]
        previous = older[-1] if older else None
        superseded = tuple(t for f in older for t in by_doc[f])
        dropped.update((t, service_id) for t in superseded)
        versions.append(Version(service_id, current, tuple(by_doc[current]), previous,
                                tuple(by_doc[previous]) if previous else (), superseded))
    kept = [ts for ts in table_services if (ts["table_id"], ts["service_id"]) not in dropped]
    return kept, versions


def relabel_superseded(listings: list[dict], table_services: list[dict], versions: list[Version]) -> None:
    """A listing of a superseded table names a service it still serves, and says what replaced it."""
    serving: dict[str, list[str]] = {}
    for ts in table_services:
        serving.setdefault(ts["table_id"], []).append(ts["service_id"])
    replaced_by = {t: v for v in versions for t in v.superseded_tables}
    for li in listings:
        v = replaced_by.get(li["table_id"])
        if v is None:
            continue
        still = serving.get(li["table_id"])
        if still:
            li["service_id"] = still[0]
        note = f"superseded for {v.service_id} by {v.current_file}"
        li["note"] = "; ".join(filter(None, [li.get("note"), note]))


def version_report(versions: list[Version], listings: list[dict], hospitals: list[dict],
                   coverage_entries: list[dict] = (), region_names: dict[str, str] | None = None) -> list[dict]:
    """Build-report rows (section 'service versions'): per replaced service, the hospitals (or, for a
    coverage service, the cities) the new version adds and removes."""
    name = {h["id"]: h["name"] for h in hospitals}
    by_table: dict[str, dict[str, str]] = {}
    for li in listings:
        if li.get("hospital_id"):
            by_table.setdefault(li["table_id"], {})[li["hospital_id"]] = name[li["hospital_id"]]
    region_names = region_names or {}
    for entry in coverage_entries:
        if entry.get("adcode"):
            label = region_names.get(entry["adcode"], entry["raw_city"])
            by_table.setdefault(entry["table_id"], {})[entry["adcode"]] = label
    rows = []
    for v in versions:
        new = {h: n for t in v.current_tables for h, n in by_table.get(t, {}).items()}
        old = {h: n for t in v.previous_tables for h, n in by_table.get(t, {}).items()}
        diff = compare(v.service_id, f"previous version {v.previous_file}", old, new).as_dict()
        diff.update(current=v.current_file, previous=v.previous_file)
        rows.append({"section": "service versions", "item": v.service_id,
                     "value": json.dumps(diff, ensure_ascii=False)})
    return rows
