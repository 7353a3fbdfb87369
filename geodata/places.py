"""Resolve the province/city/district strings printed in insurer lists to adcodes."""

import functools
import re

from geodata.divisions import MUNICIPALITIES, city_of, level_of, load_divisions, province_of
from geodata.match import PlaceMatch
from geodata.name_places import place_from_name
from geodata.place_index import Entry, place_index

__all__ = ["PlaceMatch", "place_from_name", "resolve_city_query", "resolve_place"]

# Column fillers that name a level, not a place: GB/T 2260 itself calls a municipality's city level
# 市辖区 (and 重庆's second block 县); 直辖县 is a province's group of directly administered counties.
_CITY_PLACEHOLDERS = frozenset({"市辖区", "县", "市", "城区", "郊县"})
_DIRECT_PLACEHOLDERS = frozenset({"直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县"})
_EMPTY = frozenset({"", "-", "--", "—", "/", "无", "全国", "全部"})
_SUFFIXES = ("地区", "市", "县", "区", "州", "盟")
_SPACE = re.compile(r"\s+")


def _clean(text: str | None) -> str:
    return _SPACE.sub("", text or "").strip("()（）")


def _describe(text: str, entry: Entry) -> str:
    name = place_index().names[entry.adcode]
    if entry.how == "official":
        return f"{text} = {name}"
    return f"{text} → {name} ({entry.how})"


def _codes(adcode: str | None) -> tuple[str | None, str | None, str | None]:
    """(province, city, district) adcodes implied by one code."""
    if adcode is None:
        return None, None, None
    level = level_of(adcode)
    if level == "province":
        if adcode[:2] in MUNICIPALITIES:
            return adcode, city_of(adcode), None
        return adcode, None, None
    if level == "city":
        return province_of(adcode), adcode, None
    return province_of(adcode), city_of(adcode), adcode


def _in(entries: tuple[Entry, ...], scope: str | None) -> tuple[Entry, ...]:
    if scope is None:
        return entries
    n = 2 if scope.endswith("0000") else 4 if scope[2:4] != "90" else 6
    return tuple(e for e in entries if e.adcode[:n] == scope[:n] or city_of(e.adcode) == scope)


def _city_tiers(text: str) -> list[tuple[str, tuple[Entry, ...]]]:
    """Candidate buckets for a city-column string, strongest first."""
    idx = place_index()
    tiers = [("city", idx.city.get(text, ())), ("district", idx.district.get(text, ()))]
    if not text.endswith(_SUFFIXES):
        tiers.append(("district-stem", idx.district_stem.get(text, ())))
    else:
        for suffix in _SUFFIXES:
            if text.endswith(suffix) and len(text) - len(suffix) >= 2:
                stem = text[: -len(suffix)]
                # The printed suffix is wrong (伊犁市, 永顺市): match the bare name, flagged as alias.
                found = idx.city.get(stem, ()) + idx.district_stem.get(stem, ())
                found = tuple(Entry(e.adcode, f"suffix {suffix} not in official name") for e in found)
                tiers.append(("suffix", found))
                break
    return [(k, v) for k, v in tiers if v]


def _pick_city(text: str, prov: str | None) -> tuple[str, Entry | None, tuple[str, ...], str]:
    """Resolve a city string within an optional province: (outcome, entry, candidates, reason)."""
    tiers = _city_tiers(text)
    for kind, entries in tiers:
        if kind == "district-stem" and prov is None:
            continue  # a bare county name alone (东方, 大理) is too weak nationally
        scoped = _in(entries, prov)
        if len(scoped) == 1:
            return "ok", scoped[0], (), _describe(text, scoped[0])
        if len(scoped) > 1:
            cands = tuple(e.adcode for e in scoped)
            return "ambiguous", None, cands, f"{text} matches {len(cands)} units"
    idx = place_index()
    if prov is not None and any(e.adcode == prov for e in idx.province.get(text, ())):
        return "province-only", None, (), f"city column repeats the province ({text})"
    if prov is None and text in idx.province:
        entry = idx.province[text][0]
        return "province-only", entry, (), _describe(text, entry)
    if prov is not None:
        national = [e for _, entries in tiers for e in entries]
        codes = tuple(dict.fromkeys(e.adcode for e in national))
        if len(codes) == 1:
            entry = national[0]
            given = idx.names[prov]
            return "conflict", entry, codes, (
                f"{_describe(text, entry)}, which is in {idx.names[province_of(entry.adcode)]}, "
                f"not {given} as given")
        if codes:
            return "ambiguous", None, codes, f"{text} is not in {idx.names[prov]}; matches elsewhere"
    return "unknown", None, (), f"city {text!r} not found"


def _resolve_province(text: str) -> tuple[str | None, str, bool]:
    entries = place_index().province.get(text, ())
    if len(entries) == 1:
        return entries[0].adcode, _describe(text, entries[0]), entries[0].how != "official"
    return None, f"province {text!r} not found", False


def _resolve_district(text: str, scope: str | None) -> tuple[str | None, str, bool, tuple[str, ...]]:
    idx = place_index()
    for entries in (idx.district.get(text, ()), idx.district_stem.get(text, ())):
        scoped = _in(entries, scope)
        if len(scoped) == 1:
            return scoped[0].adcode, _describe(text, scoped[0]), scoped[0].how != "official", ()
        if len(scoped) > 1:
            return None, f"district {text} matches {len(scoped)} units", False, tuple(e.adcode for e in scoped)
    return None, f"district {text!r} not found", False, ()


@functools.lru_cache(maxsize=65536)
def resolve_place(province: str | None, city: str | None, district: str | None = None) -> PlaceMatch:
    """Resolve list columns (province, city, district) to adcodes with a status and reason."""
    p_txt, c_txt, d_txt = _clean(province), _clean(city), _clean(district)
    p_txt, c_txt, d_txt = ("" if t in _EMPTY else t for t in (p_txt, c_txt, d_txt))
    reasons: list[str] = []
    alias = False
    prov: str | None = None
    if p_txt:
        prov, why, used_alias = _resolve_province(p_txt)
        alias |= used_alias
        if prov is None and not c_txt:
            c_txt = p_txt  # some lists put the city in the region column
            why = f"{p_txt} is not a province; read as a city"
        reasons.append(why)
    if not c_txt and not d_txt:
        if prov is None:
            return PlaceMatch(None, None, None, "unknown", "; ".join(reasons) or "no place given")
        p, c, _ = _codes(prov)
        return PlaceMatch(p, c, None, "alias" if alias else "exact", "; ".join(reasons))

    city_code: str | None = None
    if c_txt in _CITY_PLACEHOLDERS and prov and prov[:2] in MUNICIPALITIES:
        city_code = city_of(prov)
        reasons.append(f"{c_txt} under {place_index().names[prov]} is the municipality's city level")
    elif c_txt in _DIRECT_PLACEHOLDERS or (c_txt in _CITY_PLACEHOLDERS and prov):
        if not d_txt:
            cands = tuple(c for c in load_divisions() if prov and c[:2] == prov[:2] and c[2:4] == "90")
            reasons.append(f"{c_txt} names a group of units, not one city")
            return PlaceMatch(prov, None, None, "ambiguous", "; ".join(reasons), cands)
    elif c_txt:
        outcome, entry, cands, why = _pick_city(c_txt, prov)
        reasons.append(why)
        if outcome in ("ambiguous", "unknown"):
            p = prov if prov else None
            return PlaceMatch(p, city_of(p) if p and p[:2] in MUNICIPALITIES else None, None,
                              outcome, "; ".join(reasons), cands)
        if outcome == "province-only":
            if entry is not None:
                prov = entry.adcode
                alias |= entry.how != "official"
        else:
            assert entry is not None
            alias |= entry.how != "official"
            p, city_code, dist = _codes(entry.adcode)
            if outcome == "conflict":
                return PlaceMatch(p, city_code, dist, "conflict", "; ".join(reasons), cands)
            prov = p
            if dist is not None:
                if d_txt:
                    reasons.append(f"district column {d_txt!r} ignored: city column already names a county")
                return PlaceMatch(p, city_code, dist, "alias" if alias else "exact", "; ".join(reasons))

    dist_code: str | None = None
    if d_txt:
        scope = city_code or prov
        dist_code, why, used_alias, cands = _resolve_district(d_txt, scope)
        reasons.append(why)
        alias |= used_alias
        if dist_code is None and cands and city_code is None:
            return PlaceMatch(prov, None, None, "ambiguous", "; ".join(reasons), cands)
        if dist_code is not None:
            prov, city_code = province_of(dist_code), city_of(dist_code)
            if level_of(dist_code) != "district":
                dist_code = None
    if prov is None and city_code is None:
        return PlaceMatch(None, None, None, "unknown", "; ".join(reasons))
    if prov is None and city_code is not None:
        prov = province_of(city_code)
    if city_code is None and prov and prov[:2] in MUNICIPALITIES:
        city_code = city_of(prov)
    status = "alias" if alias else "exact"
    if c_txt and city_code is None and status == "exact" and not d_txt:
        status = "exact"  # city column restated the province: province-only is the honest answer
    return PlaceMatch(prov, city_code, dist_code, status, "; ".join(reasons))


@functools.lru_cache(maxsize=16384)
def resolve_city_query(text: str) -> PlaceMatch:
    """Resolve an API query: a city name in any printed form, or a 6-digit adcode."""
    q = _clean(text)
    if len(q) == 6 and q.isdigit():
        divisions = load_divisions()
        if q not in divisions:
            if q == "500200":  # 重庆's 县 block is folded into its single city
                return PlaceMatch("500000", "500100", None, "alias", "500200 (重庆 县) → 500100 重庆市")
            return PlaceMatch(None, None, None, "unknown", f"adcode {q} not in the division table")
        p, c, d = _codes(q)
        return PlaceMatch(p, c, d, "exact", f"adcode {q} = {divisions[q].name}")
    return resolve_place(None, q)
