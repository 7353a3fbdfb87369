"""Find the place a hospital's name states (北京市昌平区中医医院 → 北京 昌平区), minding institutions.

Rules: an institution prefix (中山大学, 吉林大学) is masked and contributes only its seat city from
institution_seats.tsv (weaker: status 'alias'); a place written with its suffix (市/区/县/省/州…)
anywhere counts; a bare name (温州, 北京) counts only at the start of the name or right after another
recognised span, and only for provinces and prefecture-level cities (bare county names such as 东方
or 大理 are words too often). The most specific explicit place wins over an institution's seat.
"""

import functools
import re

import ahocorasick

from geodata.divisions import MUNICIPALITIES, city_of, level_of, province_of
from geodata.match import PlaceMatch
from geodata.place_index import Entry, place_index, read_tsv

_SUFFIXED = ("省", "市", "区", "县", "州", "盟", "旗", "地区")
_SKIP = re.compile(r"[\s　]+")
_OPEN = "(（[【"
_LEVEL_RANK = {"province": 0, "city": 1, "district": 2}


@functools.cache
def _automaton() -> ahocorasick.Automaton:
    """Aho-Corasick over place names and institution names: value = (kind, entries)."""
    idx = place_index()
    found: dict[str, tuple[str, list[Entry]]] = {}
    for level, table in (("province", idx.province), ("city", idx.city), ("district", idx.district)):
        for name, entries in table.items():
            if name.endswith(_SUFFIXED):
                kind = "short" if len(name) < 3 else "suffixed"
            elif len(name) >= 2 and level != "district":
                # Province-administered county-level units (东方, 琼海) are county names: no bare form.
                entries = tuple(e for e in entries if e.adcode[2:4] != "90" and "county" not in e.how)
                kind = "bare"
            else:
                continue
            if not entries:
                continue
            if name in found and found[name][0] != kind:
                continue  # a suffixed reading wins over a bare one of the same string
            found.setdefault(name, (kind, []))[1].extend(entries)
    for row in read_tsv("institution_seats.tsv"):
        found[row["institution"]] = ("inst", [Entry(row["adcode"], f"seat of {row['institution']}")])
    auto = ahocorasick.Automaton()
    for name, (kind, entries) in found.items():
        codes = {e.adcode for e in entries}
        # 北京市 is both the municipality and its single city: keep the city, which implies both.
        entries = [e for e in entries if not (e.adcode[:2] in MUNICIPALITIES and e.adcode.endswith("0000")
                                              and e.adcode[:2] + "0100" in codes)]
        auto.add_word(name, (name, kind, tuple(entries)))
    auto.make_automaton()
    return auto


def _narrow(entries: tuple[Entry, ...], scope: str | None) -> tuple[Entry, ...]:
    if scope is None:
        return entries
    inside = tuple(e for e in entries if _within(e.adcode, scope) or _within(scope, e.adcode))
    return inside


def _within(code: str, scope: str) -> bool:
    """True when code lies inside (or is) the unit scope."""
    if code == scope:
        return True
    level = level_of(scope)
    if level == "province":
        return province_of(code) == scope
    if level == "city":
        return city_of(code) == scope
    return False


def _prefer_broad(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """A bare name that is both a province and one of its cities (吉林) claims only the province."""
    provs = [e for e in entries if level_of(e.adcode) == "province"]
    if provs and all(province_of(e.adcode) in {p.adcode for p in provs} for e in entries):
        return tuple(provs[:1])
    if provs:  # 海南 the province vs 海南州 in 青海: a bare province name means the province
        return tuple(provs[:1])
    return entries


def _match(adcode: str, status: str, reason: str) -> PlaceMatch:
    level = level_of(adcode)
    prov = province_of(adcode)
    city = city_of(adcode) if level != "province" or adcode[:2] in MUNICIPALITIES else None
    dist = adcode if level == "district" else None
    return PlaceMatch(prov, city, dist, status, reason)


@functools.lru_cache(maxsize=65536)
def place_from_name(hospital_name: str) -> PlaceMatch:
    """The most specific place a hospital name states, or its institution's seat (status 'alias')."""
    text = _SKIP.sub("", hospital_name or "")
    spans = list(_automaton().iter_long(text))
    ends = {0} | {i + 1 for i, ch in enumerate(text) if ch in _OPEN}
    explicit: list[tuple[str, str, tuple[Entry, ...]]] = []
    seats: list[Entry] = []
    for end, (name, kind, entries) in spans:
        start = end - len(name) + 1
        chained = start in ends
        if kind == "inst":
            seats.extend(entries)
            ends.add(end + 1)
            continue
        if kind in ("bare", "short") and not chained:
            continue
        if kind == "bare":
            entries = _prefer_broad(entries)
        explicit.append((name, kind, entries))
        ends.add(end + 1)

    best: Entry | None = None
    scope: str | None = None
    reasons: list[str] = []
    weak = False
    for name, kind, entries in explicit:
        narrowed = _narrow(entries, scope) or entries
        if len(narrowed) > 1 and seats:
            narrowed = _narrow(narrowed, seats[0].adcode) or narrowed
        if len(narrowed) > 1:
            if best is None:
                cands = tuple(e.adcode for e in narrowed)
                return PlaceMatch(None, None, None, "ambiguous", f"{name} names {len(cands)} places", cands)
            continue
        entry = narrowed[0]
        if scope is not None and not (_within(entry.adcode, scope) or _within(scope, entry.adcode)):
            reasons.append(f"{name} disagrees with {place_index().names[scope]}; ignored")
            continue
        weak |= kind == "bare" or entry.how != "official"
        label = "bare name" if kind == "bare" else entry.how
        reasons.append(f"{name} → {place_index().names[entry.adcode]} ({label})")
        if best is None or _LEVEL_RANK[level_of(entry.adcode)] >= _LEVEL_RANK[level_of(best.adcode)]:
            best = entry
        scope = best.adcode

    if best is not None:
        if seats and level_of(best.adcode) == "province" and _within(seats[0].adcode, best.adcode):
            reasons.append(f"city from {seats[0].how}")
            return _match(seats[0].adcode, "alias", "; ".join(reasons))
        if seats:
            reasons.append(f"explicit place preferred over {seats[0].how}")
        return _match(best.adcode, "alias" if weak else "exact", "; ".join(reasons))
    if seats:
        codes = tuple(dict.fromkeys(e.adcode for e in seats))
        if len(codes) > 1:
            return PlaceMatch(None, None, None, "ambiguous", "institutions with different seats", codes)
        return _match(codes[0], "alias", f"{place_index().names[codes[0]]}: {seats[0].how} (institution's seat)")
    return PlaceMatch(None, None, None, "unknown", "no place found in name")
