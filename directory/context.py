"""Names that drop their own place, completed from the row's place (list cells), never across cities.

Lists inside one province or city write the hospital's own level word without the place: 省人民医院 in a
四川 list, 市中心医院 in a 大连 row, 区中心医院 in a 奉贤区 row, 自治区人民医院 in a 广西 list. The level word
says which of the row's places is meant; the row's province/city/district (from its cells) fills it in:
四川 + 省人民医院 = 四川省人民医院. A row whose cells do not give that level is left as printed.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache

# Level words a name can start with, longest first, and the level of the row's place they stand for.
_LEVELS = (("自治区", "province"), ("省", "province"), ("地区", "city"), ("市", "city"), ("州", "city"),
           ("盟", "city"), ("区", "district"), ("县", "district"), ("旗", "district"))
_NAME_START = re.compile(r"^(自治区|省|地区|市|州|盟|区|县|旗)(?=[\u4e00-\u9fff]{2,})")


def _official(adcode: str | None) -> str | None:
    if not adcode:
        return None
    from geodata.divisions import load_regions

    r = load_regions().get(adcode)
    return r.name if r else None


def complete_name(name: str, province: str | None, city: str | None, district: str | None,
                  cells: tuple[str | None, ...] = ()) -> str:
    """`name` with a leading bare level word replaced by the row's own unit of that level, or `name`."""
    m = _NAME_START.match(name)
    if not m:
        return name
    word = m.group(1)
    level = dict(_LEVELS)[word]
    unit = _official({"province": province, "city": city, "district": district}[level])
    if level == "city" and unit and province and province[:2] in ("11", "12", "31", "50"):
        unit = _official(province)  # 北京市 is the municipality's one city
    for candidate in (unit, *cells):
        if candidate and candidate.endswith(word) and len(candidate) > len(word):
            return candidate + name[len(word):]
    return name


_LEADING_UNIT = re.compile(r"^([\u4e00-\u9fff]{2,4}?[市县区旗])(?=[\u4e00-\u9fff]{3,})")


def correct_place_typo(name: str, cells: tuple[str | None, ...]) -> str:
    """祠乡市第二人民医院 in a row whose county cell is 桐乡市: a leading unit that exists nowhere and differs
    from the row's own county or city cell by one character (same length, same suffix) is that cell."""
    from directory.names import place_names

    m = _LEADING_UNIT.match(name)
    if not m or m.group(1) in place_names():
        return name
    unit = m.group(1)
    for cell in cells:
        if cell and len(cell) == len(unit) and cell[-1] == unit[-1] and cell in place_names() \
                and sum(a != b for a, b in zip(cell, unit, strict=True)) == 1:
            return cell + name[len(unit):]
    return name


# ---- a list's county cells and names that drop their city ------------------------------------------

_CELL_NOISE = re.compile(r"[\s\u3000.。,，、;；:：]+")
_UNIT_SUFFIXES = ("自治县", "自治旗", "新区", "市", "区", "县", "旗")


@cache
def _units_of_city() -> dict[str, tuple[tuple[str, str], ...]]:
    """City adcode → (adcode, official name) of its county-level units."""
    from geodata.divisions import load_regions

    out: dict[str, list[tuple[str, str]]] = {}
    for r in load_regions().values():
        if r.level == "district" and r.parent_adcode:
            out.setdefault(r.parent_adcode, []).append((r.adcode, r.name))
    return {k: tuple(v) for k, v in out.items()}


def _stem(name: str) -> str:
    for suffix in _UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1 << 14)
def county_in_city(city: str | None, cell: str | None) -> str | None:
    """The county-level unit of `city` (adcode) a list's county cell names, or None.

    Lists write the cell as they like: with or without its suffix (东城, 溧水 → 溧水区), after the city
    (拉萨市城关区), with a stray space or full stop (丰 县, 玉田县.), under an old name (海门市 → 海门区, from the
    GB/T 2260 history) or with one character mistyped (秦准区 → 秦淮区, 乐亭具 → 乐亭县). Inside one city these
    readings are unambiguous; anything that does not name exactly one of its units gives None (市本级, 经开区)."""
    if not city or not cell:
        return None
    text = _CELL_NOISE.sub("", cell)
    units = _units_of_city().get(city, ())
    if not text or not units:
        return None
    city_name = _official(city) or ""
    for prefix in (city_name, city_name[:-1] if city_name.endswith("市") else ""):
        if prefix and text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix):]
            break
    exact = [code for code, name in units if name == text]
    if len(exact) == 1:
        return exact[0]
    stems = [code for code, name in units if _stem(name) == text or _stem(name) == _stem(text)]
    if len(stems) == 1:
        return stems[0]
    from geodata.history import current_division

    change = current_division(text, city)
    if change is not None and any(code == change.new_code for code, _ in units):
        return change.new_code
    from directory.names import place_names

    if text in place_names():
        return None  # 深州市 is a unit of 衡水 (a shifted row), not a typo of 唐山's 滦州市
    near = [code for code, name in units if len(name) == len(text) and len(text) >= 3
            and sum(a != b for a, b in zip(name, text, strict=True)) == 1]
    return near[0] if len(near) == 1 else None


@lru_cache(maxsize=1 << 15)
def complete_district_stem(name: str, city: str | None, county: str | None = None) -> str:
    """宜兴人民医院 in a 无锡 row is 宜兴市人民医院, 武进中医医院 in a 常州 row 武进区中医医院, 龙华新区中心医院 in a
    深圳 row 龙华区中心医院: a name that opens with the bare stem of one of its row's county-level units,
    followed by nothing but a hospital type and numbers, names that unit's hospital. The stem must name
    exactly one unit of the city, must not be a place name of its own (南昌 is the city, not 南昌县), and
    must agree with the row's county cell when there is one (`county`: an adcode)."""
    from directory.names import (
        digitize_ordinals,
        institution_type,
        is_trivial_rest,
        leftover,
        prefecture_names,
    )

    units = _units_of_city().get(city or "", ())
    if not units or not name:
        return name
    best: tuple[str, str, str] | None = None
    for code, unit in units:
        stem = _stem(unit)
        if len(stem) < 2 or stem[0] in "市县区旗" or not name.startswith(stem) or name.startswith(unit):
            continue
        if best is None or len(stem) > len(best[1]):
            best = (code, stem, unit)
    if best is None:
        return name
    code, stem, unit = best
    if county and county != code:
        return name
    if any(name.startswith(p) for p in prefecture_names() if len(p) >= len(stem)):
        return name  # 南昌大学…, 淮安中山医院: the stem is also the name of a city or province
    rest = name[len(stem):]
    if rest.startswith("新区") and unit.endswith("区"):
        rest = rest[2:]  # 龙华新区 became 龙华区 (2016), 光明新区 光明区 (2018)
    body = digitize_ordinals(rest.split("(")[0].split("（")[0])
    if is_trivial_rest(body) or not institution_type(body) and not body.endswith("医院") or len(leftover(body)) >= 2:
        return name  # 普陀医院 is a proper name; 宜兴康华医院 already says where it is
    return unit + rest


def is_place_note(campus: str | None, places: tuple[str | None, ...]) -> bool:
    """True when a bracket read as a campus only names the row's own places (深圳, 深圳福田, 龙岗, 光明):
    it says where the hospital is, not which of its sites. `places` are the row's city and district
    adcodes."""
    if not campus or len(campus) < 2:
        return False
    words: set[str] = set()
    for code in places:
        name = _official(code)
        if name:
            words |= {name, _stem(name), name[:-1] if name.endswith("市") else name}
    words = {w for w in words if len(w) >= 2}
    text = campus
    while text:
        for w in sorted(words, key=len, reverse=True):
            if text.startswith(w):
                text = text[len(w):]
                break
        else:
            return False
    return True
