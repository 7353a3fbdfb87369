"""Names that drop their own place, completed from the row's place (list cells), never across cities.

Lists inside one province or city write the hospital's own level word without the place: 省人民医院 in a
四川 list, 市中心医院 in a 大连 row, 区中心医院 in a 奉贤区 row, 自治区人民医院 in a 广西 list. The level word
says which of the row's places is meant; the row's province/city/district (from its cells) fills it in:
四川 + 省人民医院 = 四川省人民医院. A row whose cells do not give that level is left as printed.
"""
from __future__ import annotations

import re

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
