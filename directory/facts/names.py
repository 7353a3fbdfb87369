"""Views of a hospital name used by the name grammars: brackets off, leading place names off."""
from __future__ import annotations

import functools

from directory.names import outside_brackets
from geodata.divisions import city_of, level_of, province_of
from geodata.place_index import place_index


def without_brackets(name: str) -> str:
    """'榆林市第一医院（绥德）' → '榆林市第一医院'; '焦作煤业(集团) 中央医院' → '焦作煤业集团中央医院' (a bracket
    inside a name is part of it); a slash name keeps its first part. See directory.names.outside_brackets."""
    return outside_brackets(name)


@functools.cache
def _leading_names() -> dict[str, tuple[str, ...]]:
    """Place strings a name may start with (official names and generated short forms) → adcodes."""
    idx = place_index()
    out: dict[str, set[str]] = {}
    for table in (idx.province, idx.city, idx.district):
        for name, entries in table.items():
            if len(name) >= 2:
                out.setdefault(name, set()).update(e.adcode for e in entries)
    return {k: tuple(v) for k, v in out.items()}


def _within(code: str, scope: str) -> bool:
    if scope.endswith("0000") and level_of(scope) == "province":
        return province_of(code) == scope
    return city_of(code) == city_of(scope) if level_of(scope) != "district" else code == scope


def strip_places(name: str, max_places: int = 3) -> tuple[str, tuple[str, ...]]:
    """Take leading administrative place names off a name: '北京市昌平区中医医院' → ('中医医院',
    ('北京市', '昌平区')). After the first place, a county's bare stem counts only inside that place
    (北京丰台医院 → 丰台; 上海曲阳医院 keeps 曲阳, a county of 保定)."""
    rest, found = leading_places(name, max_places)
    return rest, tuple(head for head, _ in found)


def leading_places(name: str, max_places: int = 3) -> tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """strip_places with the adcodes each leading place may mean: '杭州市第一人民医院' → ('第一人民医院',
    (('杭州市', ('330100',)),))."""
    names = _leading_names()
    stems = place_index().district_stem
    rest, found = name, []
    scope: str | None = None
    for _ in range(max_places):
        hit = None
        for n in range(min(len(rest) - 1, 12), 1, -1):
            head = rest[:n]
            codes = names.get(head, ())
            if scope is not None:
                codes = tuple(c for c in codes if _within(c, scope)) or ()
                if not codes:
                    codes = tuple(e.adcode for e in stems.get(head, ()) if _within(e.adcode, scope))
            if codes:
                hit = (head, codes)
                break
        if hit is None:
            break
        head, codes = hit
        found.append((head, codes))
        rest = rest[len(head):]
        provinces = {province_of(c) for c in codes}
        if len(codes) == 1:
            scope = codes[0]
        elif len(provinces) == 1:  # 北京 is the municipality and its city; 吉林 the province and a city
            scope = codes[0][:2] + "0100" if codes[0][:2] in ("11", "12", "31", "50") else provinces.pop()
        if scope is None:
            break  # an ambiguous first place: stop rather than guess its scope
    return rest, tuple(found)


def own_places(name: str, city: str) -> tuple[str, frozenset[str]] | None:
    """Which of its own places a hospital's name opens with: (the name without brackets and leading places,
    a subset of {'city', 'province'}), or None when it opens with another place (a place conflict, or a
    county-level unit). '杭州市第一人民医院' in 杭州 → ('第一人民医院', {'city'}); '浙江省台州医院' in 台州 →
    ('医院', {'province', 'city'}); '北京协和医院' in 北京 → ('协和医院', {'city'})."""
    plain = without_brackets(name)
    rest, found = leading_places(plain)
    opens: set[str] = set()
    province = province_of(city)
    for i, (_, codes) in enumerate(found):
        if city in codes:
            opens.add("city")
        elif province in codes and i == 0:
            opens.add("province")
        else:
            return None
    return rest, frozenset(opens)
