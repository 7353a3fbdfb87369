"""Who is eligible for a service, with evidence, and the nearest eligible hospitals to a place.

hospital_list / overseas services: a hospital is eligible iff the registry's `eligibility` table
says so (it was listed); the evidence is its `listings` rows in the service's tables.

city_coverage services: a mainland hospital is eligible when its city (or its county-level unit)
is in `coverage` for the service, then the service's rule columns apply:
  - city_proper_only: the hospital must be in a 市辖区; one in a county or county-level city is
    excluded, one whose district is not recorded is shown as 'unverified';
  - min_grade: a lower grade is excluded, an unknown grade is 'unverified';
  - public_only: the registry records no ownership, so every hospital is 'unverified' for it.
Nothing is hidden for lack of data and nothing is passed silently: 'unverified' always carries
the reasons. The evidence is the coverage_entries rows (file, line, city as printed).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from api.answers import team_grouped
from api.catalog import Catalog, Service, district_kind, grade_parts, grade_rank, parse_min_grade
from api.queries import HOSPITAL_COLUMNS
from geodata.distance import haversine_km_np


@dataclass
class Verdict:
    status: str                      # 'listed' | 'covered' | 'unverified' | 'not_eligible'
    reasons: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)  # coverage adcodes that cover the hospital

    @property
    def eligible(self) -> bool:
        return self.status != "not_eligible"


def _placeholders(n: int) -> str:
    return ",".join("?" * n)


def hospital_district(h: dict[str, Any]) -> str | None:
    adcode = h.get("adcode")
    if adcode and len(adcode) == 6 and adcode[4:] != "00" and adcode != h.get("city_adcode"):
        return adcode
    return None


def grade_check(h: dict[str, Any], need: tuple[int, int, str], who: str) -> tuple[bool, str | None]:
    """(excluded?, reason-if-unverified) for a minimum grade."""
    level, klass, label = need
    h_level, h_class = grade_parts(h.get("grade"))
    if h_level is None:
        return False, f"grade not recorded; {who} {label} or above"
    if h_level < level:
        return True, None
    if h_level == level and klass:
        if not h_class:
            return False, f"grade {h['grade']} does not record 甲/乙/丙; {who} {label} or above"
        if h_class < klass:
            return True, None
    return False, None


def coverage_verdict(cat: Catalog, s: Service, h: dict[str, Any]) -> Verdict:
    city = h.get("city_adcode")
    if (h.get("country") or "中国") != "中国" or not city:
        return Verdict("not_eligible", ["not a mainland hospital with a known city"])
    dist = hospital_district(h)
    reasons: list[str] = []
    whole_city = False
    if city in s.areas:
        areas, whole_city = [city], True
    elif dist and dist in s.areas:
        areas = [dist]
    else:
        parts = sorted(a for a in s.areas if (cat.regions.get(a) or {}).get("parent_adcode") == city)
        if parts and not dist:
            areas = parts
            reasons.append(f"coverage lists only {'、'.join(cat.name_of(a) or a for a in parts)} in "
                           f"{cat.name_of(city)}; the hospital's district is not recorded")
        else:
            return Verdict("not_eligible", [f"{cat.name_of(dist or city) or city} is not covered"])
    if s.city_proper_only and whole_city:
        if dist:
            kind = district_kind(dist, cat.name_of(dist))
            if kind != "district":
                what = "a county" if kind == "county" else "a county-level city"
                return Verdict("not_eligible", [f"{cat.name_of(dist)} is {what}; the service covers the city "
                                                f"proper (市辖区) only"], areas)
        else:
            reasons.append("district not recorded; the service covers the city proper (市辖区) only")
    if s.min_grade:
        excluded, why = grade_check(h, parse_min_grade(s.min_grade), "the service requires")
        if excluded:
            return Verdict("not_eligible", [f"grade {h.get('grade')} is below {s.min_grade}"], areas)
        if why:
            reasons.append(why)
    if s.public_only:
        reasons.append("ownership (公立) not recorded; the service requires a public hospital")
    return Verdict("unverified" if reasons else "covered", reasons, areas)


def verdict(cat: Catalog, s: Service, h: dict[str, Any], listed: bool,
            min_req: tuple[int, int, str] | None = None) -> Verdict:
    if s.kind == "city_coverage":
        v = coverage_verdict(cat, s, h)
    elif s.kind == "no_list":  # the manual names no hospitals: no hospital is ruled in or out by a list
        v = Verdict("unverified", [f"{s.name}不按医院名单提供，手册没有印医院名单"])
    else:
        v = Verdict("listed") if listed else Verdict("not_eligible", [f"not in the {s.name} list"])
        restricted = cat.restrictions.get((s.id, h["id"])) if listed else None
        if restricted:  # the list row's own note rules this service out (directory/row_notes.py)
            return Verdict("not_eligible", [restricted["say"]])
    if v.eligible and min_req:
        excluded, why = grade_check(h, min_req, "you asked for")
        if excluded:
            return Verdict("not_eligible", [f"grade {h.get('grade')} is below the requested {min_req[2]}"], v.areas)
        if why:
            v.reasons.append(why)
            v.status = "unverified"
    return v


def candidates(conn: sqlite3.Connection, cat: Catalog, s: Service) -> list[tuple[dict[str, Any], bool]]:
    """Every hospital that could be eligible for the service, with whether it was listed."""
    if s.kind == "city_coverage":
        cities = set()
        for a in s.areas:
            r = cat.regions.get(a)
            if r is None:
                continue
            cities.add(a if r["level"] == "city" else r["parent_adcode"])
        cities.discard(None)
        if not cities:
            return []
        rows = conn.execute(f"select {HOSPITAL_COLUMNS} from hospitals where city_adcode in "
                            f"({_placeholders(len(cities))})", sorted(cities)).fetchall()
        return [(dict(r), False) for r in rows]
    rows = conn.execute(f"select {', '.join('h.' + c.strip() for c in HOSPITAL_COLUMNS.split(','))} "
                        "from eligibility e join hospitals h on h.id = e.hospital_id where e.service_id = ?",
                        (s.id,)).fetchall()
    return [(dict(r), True) for r in rows]


def listing_evidence(conn: sqlite3.Connection, s: Service, hospital_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if not hospital_ids or not s.tables:
        return out
    sql = (f"select id, hospital_id, source_file, line, raw_name, raw_province, raw_city, table_id from listings "
           f"where hospital_id in ({_placeholders(len(hospital_ids))}) and table_id in ({_placeholders(len(s.tables))}) "
           "order by source_file, line")
    for r in conn.execute(sql, [*hospital_ids, *s.tables]):
        out.setdefault(r["hospital_id"], []).append({
            "service_id": s.id, "source_file": r["source_file"], "line": r["line"], "raw_name": r["raw_name"],
            "raw_province": r["raw_province"], "raw_city": r["raw_city"], "listing_id": r["id"],
            "table_id": r["table_id"]})
    return out


def coverage_evidence(conn: sqlite3.Connection, s: Service, adcodes: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    if not adcodes or not s.tables:
        return out
    sql = (f"select id, adcode, source_file, line, raw_province, raw_city, table_id from coverage_entries "
           f"where adcode in ({_placeholders(len(adcodes))}) and table_id in ({_placeholders(len(s.tables))}) "
           "order by source_file, line")
    for r in conn.execute(sql, [*adcodes, *s.tables]):
        out.setdefault(r["adcode"], []).append({
            "service_id": s.id, "source_file": r["source_file"], "line": r["line"], "raw_city": r["raw_city"],
            "raw_province": r["raw_province"], "adcode": r["adcode"], "coverage_entry_id": r["id"],
            "table_id": r["table_id"]})
    return out


def evidence_for(conn: sqlite3.Connection, s: Service, items: list[tuple[dict[str, Any], Verdict]]) -> list[list[dict]]:
    if s.kind == "city_coverage":
        adcodes = sorted({a for _h, v in items for a in v.areas})
        by_area = coverage_evidence(conn, s, adcodes)
        return [[e for a in v.areas for e in by_area.get(a, [])] for _h, v in items]
    by_h = listing_evidence(conn, s, [h["id"] for h, _v in items])
    return [by_h.get(h["id"], []) for h, _v in items]


def hospital_brief(h: dict[str, Any]) -> dict[str, Any]:
    return {"id": h["id"], "name": h["name"], "province": h.get("province"), "city": h.get("city"),
            "district": h.get("district") or None, "grade": h.get("grade") or None,
            "geo_precision": h.get("geo_precision"), "lat": h.get("lat"), "lon": h.get("lon"),
            "country": h.get("country"), "parent_id": h.get("parent_id") or None}


def _sort_key(item: tuple[dict[str, Any], Verdict, float | None]) -> tuple:
    h, _v, d = item
    return (d is None, d if d is not None else 0.0, -grade_rank(h.get("grade")), h["name"] or "", h["id"])


@dataclass
class ServiceIndex:
    """A service's eligible hospitals with their base verdicts and coordinates, built once per registry
    so that a nearest query is a few array operations instead of a table scan."""

    items: list[tuple[dict[str, Any], Verdict]]
    lat: np.ndarray
    lon: np.ndarray
    by_city: dict[str | None, np.ndarray]
    evidence: list[list[dict]]  # per item, as evidence_for would return it

    @classmethod
    def build(cls, conn: sqlite3.Connection, cat: Catalog, s: Service) -> ServiceIndex:
        items = [(h, v) for h, listed in candidates(conn, cat, s) for v in (verdict(cat, s, h, listed),) if v.eligible]
        lat = np.array([np.nan if h.get("lat") is None else h["lat"] for h, _ in items], dtype=float)
        lon = np.array([np.nan if h.get("lon") is None else h["lon"] for h, _ in items], dtype=float)
        by_city: dict[str | None, list[int]] = {}
        for i, (h, _v) in enumerate(items):
            by_city.setdefault(h.get("city_adcode"), []).append(i)
            if (h.get("country") or "中国") != "中国" and h.get("province_adcode"):
                by_city.setdefault(h["province_adcode"], []).append(i)  # a country abroad is a place too
        evidence = evidence_for(conn, s, items) if items else []
        # one evidence item per team, not per printed row
        evidence = [team_grouped(cat, s, h["id"], ev) for (h, _v), ev in zip(items, evidence, strict=True)]
        return cls(items, lat, lon, {c: np.array(ix, dtype=int) for c, ix in by_city.items()}, evidence)


def _ranked(idx: ServiceIndex, positions: np.ndarray, origin: tuple[float, float] | None,
            want: int | None) -> list[tuple[int, float | None]]:
    """Positions ordered nearest first (ties by grade, then name); only about `want` of them when given."""
    if len(positions) == 0:
        return []
    if origin is None:
        dist = np.full(len(positions), np.nan)
    else:
        dist = haversine_km_np(origin[0], origin[1], idx.lat[positions], idx.lon[positions])
    order = np.arange(len(positions))
    if want is not None and len(positions) > want * 4:
        finite = np.where(np.isnan(dist), np.inf, dist)
        order = np.argpartition(finite, want * 4)[: want * 4]
        cutoff = finite[order].max()
        order = np.nonzero(finite <= cutoff)[0]  # keep every tie at the cut-off
    picked = [(int(positions[k]), None if np.isnan(dist[k]) else float(dist[k])) for k in order]
    picked.sort(key=lambda pd: _sort_key((idx.items[pd[0]][0], idx.items[pd[0]][1], pd[1])))
    return picked


def nearest(conn: sqlite3.Connection, cat: Catalog, s: Service, place: dict[str, Any],
            origin: tuple[float, float] | None, origin_source: str, limit: int,
            min_req: tuple[int, int, str] | None,
            only: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """`only`: hospital id → the evidence that keeps it (a specialty filter); others are left out."""
    city = place["city_adcode"]
    city_name = cat.name_of(city) or city
    idx = cat.service_index(s, lambda: ServiceIndex.build(conn, cat, s))

    def apply_min(ranked: list[tuple[int, float | None]]) -> list[tuple[dict[str, Any], Verdict, float | None]]:
        out = []
        for i, d in ranked:
            h, v = idx.items[i]
            if only is not None and h["id"] not in only:
                continue
            if min_req:
                v = verdict(cat, s, h, s.kind != "city_coverage", min_req)
                if not v.eligible:
                    continue
            out.append((h, v, d, i))
        return out

    city_positions = idx.by_city.get(city, np.array([], dtype=int))
    in_city = apply_min(_ranked(idx, city_positions, origin, None))
    if in_city:
        chosen = in_city[:limit]
        eligible_total = len(idx.items)
    else:
        others = np.setdiff1d(np.arange(len(idx.items)), city_positions, assume_unique=True)
        want = None if (min_req or only is not None) else limit
        chosen = apply_min(_ranked(idx, others, origin, want))[:limit]
        eligible_total = len(idx.items)
    results = []
    in_city_ids = {idx.items[i][0]["id"] for i in city_positions}
    for h, v, d, i in chosen:
        ev = only[h["id"]] if only is not None else idx.evidence[i]
        item = hospital_brief(h)
        item.update({"distance_km": None if d is None else round(d, 2),
                     "in_city": h["id"] in in_city_ids, "eligibility_status": v.status,
                     "reasons": v.reasons, "evidence": ev})
        results.append(item)
    out: dict[str, Any] = {"in_city_count": len(in_city), "eligible_total": eligible_total, "count": len(results)}
    notes: list[str] = []
    if s.kind == "city_coverage":
        out["coverage"] = city_coverage(conn, cat, s, place)
        notes.extend(out["coverage"]["notes"])
    if in_city:
        unverified = sum(1 for _h, v, _d, _i in in_city if v.status == "unverified")
        msg = f"{len(in_city)} eligible hospital(s) in {city_name}"
        if unverified:
            msg += f", {unverified} of them unverified (see reasons)"
        out["message"] = msg
    elif chosen:
        where: list[str] = []
        for h, _v, _d, _i in chosen:
            c = h.get("city") or h.get("country") or "?"
            if c not in where:
                where.append(c)
        out["message"] = (f"no eligible hospital in {city_name}; nearest eligible hospitals elsewhere "
                          f"({'、'.join(where[:5])})")
        out["nearest_covered_city"] = chosen[0][0].get("city")
    else:
        out["message"] = f"no eligible hospital for {s.name} anywhere in the registry"
    out["notes"] = notes
    out["origin"] = {"lat": origin[0], "lon": origin[1], "source": origin_source} if origin else None
    out["results"] = results
    return out


def areas_in_city(cat: Catalog, s: Service, city: str) -> list[str]:
    """The service's covered units that are this city or lie in it (grouped once per service)."""
    by_city = cat.service_index(s.id + "#areas", lambda: _group_areas(cat, s))
    return by_city.get(city, [])


def _group_areas(cat: Catalog, s: Service) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for a in sorted(s.areas):
        out.setdefault(a, []).append(a)
        parent = (cat.regions.get(a) or {}).get("parent_adcode")
        if parent and parent != a:
            out.setdefault(parent, []).append(a)
    return {k: sorted(set(v)) for k, v in out.items()}


def city_coverage(conn: sqlite3.Connection, cat: Catalog, s: Service, place: dict[str, Any]) -> dict[str, Any]:
    """Is the queried city covered by a coverage service, by which entries, and what the rule says."""
    city, dist = place["city_adcode"], place.get("district_adcode")
    areas = areas_in_city(cat, s, city)
    notes = []
    if city in areas:
        covered = True
        if dist and s.city_proper_only and district_kind(dist, cat.name_of(dist)) != "district":
            notes.append(f"{cat.name_of(dist)} is not part of {cat.name_of(city)}'s city proper (市辖区); "
                         f"{s.name} covers the city proper only, so hospitals there are excluded")
    elif dist:
        covered = dist in areas
    else:
        covered = bool(areas)
        if areas:
            notes.append(f"only {'、'.join(cat.name_of(a) or a for a in areas)} of {cat.name_of(city)} is covered")
    ev = coverage_evidence(conn, s, areas)
    return {"city_covered": covered, "areas": [cat.region_brief(a) for a in areas],
            "evidence": [e for a in areas for e in ev.get(a, [])], "rule": s.rule or None, "notes": notes}
