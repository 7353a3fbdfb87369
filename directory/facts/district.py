"""District (GB/T 2260 county-level unit) of a hospital: candidates from every source, inside its city.

Sources and classes:
- a list cell or import column naming a county (彭州市, raw_district) — stated;
- a linked reference row: its address (parsed with the place index, scoped to the row's city) and
  its county column ('东城' → 东城区) — stated; the address is the site, so it weighs more;
- the name: a county written in it (北京市昌平区中医医院) — inferred (rule name-place);
- a campus or bracket naming a county (榆林市第一医院（绥德） → 绥德县) — inferred (rule campus-place);
- an exact point well inside a district polygon — inferred (rule point-in-district, see point.py).
A candidate outside the hospital's city is kept as a fact but never chosen; it is a place conflict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from directory import provenance
from directory.facts.knowledge import DistrictEvidence, district_weight
from directory.facts.place import PlaceEvidence
from directory.facts.records import Fact
from geodata.divisions import city_of, level_of
from geodata.name_places import place_from_name
from geodata.place_index import place_index

# Class and weight of each kind of evidence are data: the district_* rows of place_weights.tsv (an
# import's address, a list cell, a 2020 address, its county column, a reviewed address; inferred: a
# county in the name, a campus, a point in a polygon).
ADDRESS_EVIDENCE = "地址 "  # how an address candidate's evidence opens (address_check reads it back)
_CAMPUS_TAIL = re.compile(r"(院区|分院|总部|分部|新院|老院|本部|院|部)$")
_BRACKETS = re.compile(r"[(（]([^()（）]*)[)）]")


@dataclass(frozen=True)
class AddressPlace:
    district: str | None
    reason: str


def district_from_address(address: str, city: str) -> AddressPlace:
    """The county-level unit an address names, inside `city` (the address is read after the city's
    own name so '普陀区…' in 舟山 is 舟山's 普陀区, not 上海's)."""
    names = place_index().names
    city_name = names.get(city, "")
    text = re.sub(r"\s+", "", address)
    scoped = text if text.startswith(city_name) else city_name + text
    m = place_from_name(scoped)
    if m.status not in ("exact", "alias") or m.city_adcode != city or not m.district_adcode:
        return AddressPlace(None, m.reason)
    if level_of(m.district_adcode) != "district":
        return AddressPlace(None, m.reason)
    return AddressPlace(m.district_adcode, m.reason)


def _county_in_city(text: str, city: str) -> tuple[str | None, str | None]:
    """(code in city, code elsewhere) for a bare or suffixed county name such as 绥德, 番禺, 金山."""
    idx = place_index()
    found: set[str] = set()
    for form in (text, text + "区", text + "县", text + "市", text + "新区", text + "旗"):
        for e in idx.district.get(form, ()):
            found.add(e.adcode)
    for e in idx.district_stem.get(text, ()):
        found.add(e.adcode)
    inside = [c for c in found if city_of(c) == city]
    outside = [c for c in found if city_of(c) != city]
    return (inside[0] if len(inside) == 1 else None), (outside[0] if len(outside) == 1 and not inside else None)


def campus_texts(name: str, campus: str | None) -> list[str]:
    """Campus and bracket texts of a name, with campus words (院区, 分院, 总部 …) taken off."""
    texts = [campus or ""] + _BRACKETS.findall(name)
    out = []
    for t in texts:
        stem = _CAMPUS_TAIL.sub("", t.strip())
        if len(stem) >= 2 and stem not in out:
            out.append(stem)
    return out


def name_candidates(hid: str, city: str, evidence: list[PlaceEvidence]) -> list[Fact]:
    """District facts from listings: a county in the name (inferred) or in a list/import cell (stated)."""
    names = place_index().names
    out = []
    seen = set()
    for e in evidence:
        if not e.district or level_of(e.district) != "district" or e.kind == "name_campus":
            continue  # a campus's county is campus_candidates' (rule campus-place)
        key = (e.kind, e.district, e.source if e.kind != "name_explicit" else e.evidence)
        if key in seen:
            continue
        seen.add(key)
        klass, weight = district_weight("list_cell" if e.kind in ("list_cell", "import_cell") else "name")
        out.append(Fact(hid, "district", e.district, klass, e.source, f"{names[e.district]}：{e.evidence}", weight))
    return out


def campus_candidates(hid: str, name: str, campus: str | None, city: str) -> list[Fact]:
    """A county named by the campus or a bracket (榆林市第一医院（绥德）): inferred, rule campus-place."""
    names = place_index().names
    klass, weight = district_weight("campus")
    out = []
    for text in campus_texts(name, campus):
        inside, outside = _county_in_city(text, city)
        code = inside or outside
        if code:
            where = "" if inside else f"——不在{names.get(city, city)}内：地点冲突，未采用"
            out.append(Fact(hid, "district", code, klass, provenance.rule_ref("campus-place"),
                            f"'{name}' 中的 '{text}' 指{names[code]}{where}", weight))
    return out


def in_city(fact: Fact, city: str | None) -> bool:
    return bool(city) and city_of(fact.value) == city


def address_candidates(hid: str, address: str, city: str, source: str,
                       kind: DistrictEvidence = "reference_address") -> list[Fact]:
    """The district an address names inside the hospital's city (stated: the source gives the address)."""
    found = district_from_address(address, city)
    if not found.district:
        return []
    klass, weight = district_weight(kind)
    return [Fact(hid, "district", found.district, klass, source, f"{ADDRESS_EVIDENCE}'{address}'：{found.reason}", weight)]


def county_candidates(hid: str, county: str, county_adcode: str | None, reason: str, source: str) -> list[Fact]:
    """A reference row's county column ('东城', '路南区') resolved inside the row's city."""
    if not county_adcode or level_of(county_adcode) != "district":
        return []
    klass, weight = district_weight("reference_county")
    return [Fact(hid, "district", county_adcode, klass, source, f"区县栏 '{county}'：{reason}", weight)]


def county_after_city(name: str, city: str) -> str | None:
    """The county-level unit a name writes without its suffix right after its own city ('青岛市胶州中心医院' in
    青岛 → 胶州市), or None (a suffixed county is read by the name rule; an ambiguous stem gives nothing)."""
    from directory.facts.names import leading_places, without_brackets
    from geodata.name_places import place_from_name

    if place_from_name(name).district_adcode:
        return None
    _, found = leading_places(without_brackets(name))
    if len(found) < 2 or city not in found[0][1]:
        return None
    codes = [c for c in found[1][1] if level_of(c) == "district" and city_of(c) == city]
    return codes[0] if len(codes) == 1 else None


def stem_candidates(hid: str, name: str, city: str, rule_id: str, check_text: str) -> list[Fact]:
    code = county_after_city(name, city)
    if not code:
        return []
    klass, weight = district_weight("name_stem")
    names = place_index().names
    return [Fact(hid, "district", code, klass, provenance.rule_ref(rule_id),
                 f"'{name}' 在所在城市{names[city]}之后紧接着写了{names[code]}。验证：{check_text}", weight)]
