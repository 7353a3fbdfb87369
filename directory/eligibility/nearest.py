"""Nearest hospitals for a service around a queried place, with verdicts and distances that say how
precise they are.

A ServiceIndex holds, per service, every hospital whose verdict is not `not_eligible` (built once per
registry, with its verdict and answer precomputed), so a query is a few array operations. Order in the
place: usable hospitals (eligible, likely) before those to check (unknown), then distance as shown (km,
rounded to 1 km when either end is a centroid) — unless the caller's position is only the city itself,
when distance from its centre ranks nobody and grade and prominence decide; elsewhere: distance first.
Ties by grade, then prominence (how many lists name the hospital), then id — never by the name's code
points.
"""
from __future__ import annotations

import marshal
import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from directory.eligibility.context import EligibilityContext
from directory.eligibility.coverage import place_coverage
from directory.eligibility.find import QueriedPlace
from directory.eligibility.grade_order import grade_rank
from directory.eligibility.places import Regions
from directory.eligibility.rules import Rule, Subject
from directory.eligibility.services import Service
from directory.eligibility.subjects import candidates
from directory.eligibility.verdict import Verdict, decide
from directory.eligibility.vocabulary import ANSWER_GROUP, VERDICT_LABELS, DistancePrecision, VerdictKind
from geodata.distance import haversine_km_np


@dataclass(frozen=True)
class Origin:
    """Where distances are measured from, and how precisely: the caller's own point, or a centroid."""

    lat: float
    lon: float
    precision: str  # 'exact' | 'district' | 'city'
    unit: str | None
    source: str
    say: str

    def as_dict(self) -> dict[str, Any]:
        return {"lat": self.lat, "lon": self.lon, "precision": self.precision, "source": self.source,
                "say": self.say}


def origin_for(regions: Regions, place: QueriedPlace, given: tuple[float, float] | None) -> Origin | None:
    """The caller's lat/lon when given; else the centroid of the district named (海淀区, or an address in
    it), else of the city."""
    if given:
        return Origin(given[0], given[1], "exact", None, "caller", "按来电者给出的坐标计算距离")
    for code, precision in ((place.district_adcode, "district"), (place.city_adcode, "city")):
        r = regions.get(code)
        if r and r["lat"] is not None and r["lon"] is not None:
            return Origin(r["lat"], r["lon"], precision, code, f"centre of {r['name']} ({code})",
                          f"来电者位置按{r['name']}的中心点估算")
    return None


def hospital_brief(h: dict[str, Any]) -> dict[str, Any]:
    return {"id": h["id"], "name": h["name"], "province": h.get("province"), "city": h.get("city"),
            "district": h.get("district") or None, "grade": h.get("grade") or None,
            # stated / inferred (二级及以上 is an inferred range), so no page shows an inferred grade as fact
            "grade_class": h.get("grade_class") if h.get("grade") else None,
            "geo_precision": h.get("geo_precision"), "lat": h.get("lat"), "lon": h.get("lon"),
            "country": h.get("country"), "parent_id": h.get("parent_id") or None}


def verdict_answer(v: Verdict) -> dict[str, Any]:
    """A verdict as the API shows it: verdict, label, sentence, reasons, inferred / to-check facts, rule
    results with their facts, and the manual lines."""
    return {**v.as_dict(), "evidence": v.evidence}


@dataclass
class Item:
    subject: Subject
    verdict: Verdict
    answer: dict[str, Any]  # hospital brief + verdict answer, computed once


@dataclass(frozen=True, slots=True)
class Entry:
    """One hospital of a ServiceIndex as a request needs it. The answer is kept serialized: as objects
    (subject, verdict, answer dicts) an item took ~14 KB, 150 MB for every service in each worker; as
    marshal bytes ~3 KB, decoded (a fresh dict) only for the few hospitals an answer shows."""

    id: str
    district_adcode: str | None
    verdict: VerdictKind
    packed: bytes

    @property
    def answer(self) -> dict[str, Any]:
        """Hospital brief + verdict answer (city, district, geo_precision, country, evidence…): a new dict."""
        return marshal.loads(self.packed)


class ServiceIndex:
    """A service's hospitals that are not excluded, with verdicts and coordinates, for fast nearest queries."""

    def __init__(self, service: Service, items: list[Item], excluded: Counter) -> None:
        self.service = service
        # marshal: the answers are plain dicts, lists, strings and numbers, and loads() is several times
        # faster than json's; a value of another type fails here, at build, not in a request
        self.items = [Entry(it.subject.hospital.id, it.subject.hospital.district_adcode, it.verdict.verdict,
                            marshal.dumps(it.answer)) for it in items]
        self.excluded = excluded  # place adcode → hospitals there whose verdict is not_eligible
        rows = [it.subject.hospital.row for it in items]
        self.lat = np.array([np.nan if r.get("lat") is None else r["lat"] for r in rows], dtype=float)
        self.lon = np.array([np.nan if r.get("lon") is None else r["lon"] for r in rows], dtype=float)
        self.exact = np.array([r.get("geo_precision") == "exact" for r in rows], dtype=bool)
        self.group = np.array([ANSWER_GROUP[it.verdict.verdict] for it in items], dtype=int)
        self.grade = np.array([grade_rank(r.get("grade")) for r in rows], dtype=int)
        self.prominence = np.array([it.subject.hospital.prominence for it in items], dtype=int)
        order = sorted(range(len(items)), key=lambda i: rows[i]["id"])
        self.id_rank = np.empty(len(items), dtype=int)
        self.id_rank[order] = np.arange(len(items))
        by_place: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            h = it.subject.hospital
            codes = {h.city_adcode, h.district_adcode} - {None}
            if (h.row.get("country") or "中国") != "中国" and h.row.get("province_adcode"):
                codes.add(h.row["province_adcode"])  # a country abroad is a place too (日本)
            for code in codes:
                by_place.setdefault(code, []).append(i)
        self.by_place = {c: np.array(ix, dtype=int) for c, ix in by_place.items()}
        self.ids = {it.subject.hospital.id: i for i, it in enumerate(items)}

    @classmethod
    def build(cls, conn: sqlite3.Connection, ctx: EligibilityContext, s: Service,
              extra: list[Rule] | None = None) -> ServiceIndex:
        items, excluded = [], Counter()
        for sub in candidates(conn, ctx, s):
            v = decide(ctx, s, sub, extra)
            h = sub.hospital
            if v.verdict == "not_eligible":
                excluded.update({h.city_adcode, h.district_adcode} - {None})
                continue
            items.append(Item(sub, v, {**hospital_brief(h.row), "prominence": h.prominence, **verdict_answer(v)}))
        return cls(s, items, excluded)

    def positions(self, place: QueriedPlace) -> np.ndarray:
        return self.by_place.get(place.scope, np.array([], dtype=int))


def _precision(origin: Origin, exact: bool) -> DistancePrecision:
    if origin.precision == "exact":
        return "exact" if exact else "to_centroid"
    return "from_centroid" if exact else "centroid_to_centroid"


def _distance_note(regions: Regions, origin: Origin, h: dict[str, Any], precision: str, km: float) -> str | None:
    unit = h.get("district") if h.get("geo_precision") == "district" else h.get("city")
    if precision == "exact":
        return None
    if precision == "to_centroid":
        return f"医院的具体位置未知，按{unit}的中心点估算，距离只是近似值"
    o_name = regions.name_of(origin.unit) or "所在地"
    if precision == "from_centroid":
        return f"来电者位置按{o_name}的中心点估算，距离只是近似值"
    if km < 1:
        return f"来电者和医院的位置都只知道在{unit}（中心点），无法估算两者之间的距离"
    return (f"两端都是中心点：来电者按{o_name}的中心、医院按{unit}的中心估算，约 {km:.0f} 公里只能粗略比较远近，"
            "不是实际路程")


def _ranked(idx: ServiceIndex, positions: np.ndarray, origin: Origin | None, want: int | None = None,
            usable_first: bool = True) -> list[tuple[int, float | None, str | None]]:
    """(item, distance as shown, precision) in answer order; only the first `want` when given. Inside the
    place, usable hospitals come first; elsewhere (`usable_first=False`) distance comes first, so that a
    caller is not sent across the country to a 'likely' hospital past nearer ones still to check."""
    if len(positions) == 0:
        return []
    if origin is None:
        shown = np.full(len(positions), np.nan)
        precision = np.full(len(positions), None, dtype=object)
    else:
        km = haversine_km_np(origin.lat, origin.lon, idx.lat[positions], idx.lon[positions])
        exact = idx.exact[positions] & (origin.precision == "exact")
        shown = np.where(exact, np.round(km, 2), np.round(km, 0))
        precision = np.array([_precision(origin, bool(e)) for e in idx.exact[positions]], dtype=object)
    key_distance = np.where(np.isnan(shown), np.inf, shown)
    keys = [idx.id_rank[positions], -idx.prominence[positions], -idx.grade[positions]]
    if usable_first and origin is not None and origin.precision == "city":
        # The caller is only known to be somewhere in the city: the distance from its centre says nothing
        # about who is nearer to them (and would favour hospitals whose own place is least known, which
        # sit on that very centre). Inside the city: usable first, then grade and prominence.
        keys += [idx.group[positions]]
    else:
        keys += [idx.group[positions], key_distance] if not usable_first else [key_distance, idx.group[positions]]
    order = np.lexsort(keys)
    if want is not None:
        order = order[:want]
    return [(int(positions[k]), None if np.isnan(shown[k]) else float(shown[k]),
             None if np.isnan(shown[k]) else precision[k]) for k in order]


def _count_say(counts: Counter) -> str:
    parts = [f"{counts[v]} 家{VERDICT_LABELS[v]}" for v in ("eligible", "likely", "unknown") if counts[v]]
    return "、".join(parts)


def nearest(ctx: EligibilityContext, idx: ServiceIndex, place: QueriedPlace, origin: Origin | None,
            limit: int, only: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Any]:
    """The answer for `service` around `place`: hospitals in the place (answered for the place itself: a
    county or county-level city by name, else the city; for a hospital list asked for a county, the
    list's nearest hospitals elsewhere fill the remaining places), else — unless the place is covered and
    simply has no known hospital — the nearest elsewhere; with coverage, notes, origin and a Chinese
    message. `only`: hospital id → the evidence that keeps it (a specialty filter: the matching teams);
    other hospitals are left out."""
    s, regions = idx.service, ctx.regions

    def kept(positions: np.ndarray) -> np.ndarray:
        if only is None:
            return positions
        return np.array([p for p in positions if idx.items[p].id in only], dtype=int)

    p_name = regions.name_of(place.scope) or place.scope
    coverage = place_coverage(ctx, s, place) if s.kind == "city_coverage" else None
    in_place = _ranked(idx, kept(idx.positions(place)), origin)
    in_place_ids = {int(i) for i in idx.positions(place)}
    counts = Counter(idx.items[i].verdict for i, _d, _p in in_place)
    out: dict[str, Any] = {"in_city_count": len(in_place), "eligible_total": len(idx.items),
                           "verdict_counts": dict(counts)}
    notes = [n.say() for n in s.incomplete]
    if in_place:
        chosen = in_place[:limit]
        message = f"{s.name}在{p_name}：{_count_say(counts)}。"
        if coverage and coverage["city_covered"] is None:
            message = f"{coverage['say']}。{message}"
        if place.county_level and coverage is None and len(chosen) < limit:
            # A county asked by name is answered for itself; a list's hospitals nearby (in its city) follow.
            others = np.setdiff1d(np.arange(len(idx.items)), idx.positions(place), assume_unique=True)
            more = _ranked(idx, kept(others), origin, limit - len(chosen), usable_first=False)
            if more:
                chosen = chosen + more
                message += f"另列出附近其他地方的 {len(more)} 家。"
    elif coverage and coverage["city_covered"]:
        chosen = []
        none = "符合条件的医院" if idx.excluded.get(place.scope) else "医院"
        message = f"{coverage['say']}；登记册中暂无{p_name}的{none}，可请客户选择当地任何符合上述条件的医院。"
    else:
        everywhere = np.arange(len(idx.items))
        others = np.setdiff1d(everywhere, idx.positions(place), assume_unique=True)
        chosen = _ranked(idx, kept(others), origin, limit, usable_first=False)
        head = coverage["say"] if coverage else f"{p_name}没有{s.name}名单上的医院"
        if chosen:
            where: list[str] = []
            for i, _d, _p in chosen:
                h = idx.items[i].answer
                c = h.get("city") or h.get("country") or "?"
                if c not in where:
                    where.append(c)
            message = f"{head}。最近的可选医院在{'、'.join(where[:5])}。"
            out["nearest_covered_city"] = idx.items[chosen[0][0]].answer.get("city")
        else:
            message = f"{head}。登记册中没有任何可用于{s.name}的医院。"
    results = []
    for i, d, precision in chosen:
        it = idx.items[i]
        item = it.answer
        if only is not None:
            item["evidence"] = only[it.id]
        in_place_flag = (it.district_adcode == place.scope) if place.county_level else i in in_place_ids
        item.update({"distance_km": d, "distance_precision": precision,
                     "distance_note": _distance_note(regions, origin, item, precision, d) if origin and d is not None
                     else None, "in_city": in_place_flag})
        results.append(item)
    if coverage is not None:
        out["coverage"] = coverage
    out.update({"count": len(results), "message": message, "notes": notes,
                "origin": origin.as_dict() if origin else None, "results": results})
    return out
