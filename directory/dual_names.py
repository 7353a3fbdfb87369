"""Dual names (一院两名): one hospital with a university-affiliated name and a city/province name.

Rule of name grammar, applied to clusters after ordinary resolution, inside one city:
- both names have the same specialty core (儿童医院, 肿瘤医院, 口腔医院 … — SPECIALTY_TYPES) and the
  same campus (main site with main site, 河西院区 with 河西院区);
- one is a university's: its core is the university plus the bare core (南京医科大学附属儿童医院);
- the other is a government's: the bare core after a city or province (南京市儿童医院, 江苏省口腔医院),
  with no university of its own and no district or county (a district's 肺科医院 is another owner);
- the city has exactly one university hospital and exactly one government hospital of that core;
- the government's place is the one the university is named after (南京医科大学 ↔ 南京市, 广西医科大学 ↔
  广西), or, for a university named after no place (同济大学, 中国科学院大学), a province or municipality.
  This keeps 中国医科大学附属口腔医院 (辽宁省口腔医院) apart from 沈阳市口腔医院, and 浙江大学医学院附属儿童医院
  (浙江省儿童医院) apart from 杭州市儿童医院.
Pairs the grammar cannot see live in directory/knowledge/dual_names.tsv (treated as must-links).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from directory.names import AFFILIATION_RE, PLAIN_UNIVERSITY_RE, NormalizedName, campus_key, place_names

# Cores that one city rarely has twice: general cores (人民医院, 中心医院, 中医医院) are numbered or
# district-owned and never pair this way.
SPECIALTY_TYPES = frozenset({
    "儿童医院", "肿瘤医院", "胸科医院", "肺科医院", "口腔医院", "眼科医院", "妇产医院", "妇产科医院", "妇婴医院",
    "精神卫生中心", "精神病医院", "传染病医院", "结核病医院", "皮肤病医院", "骨科医院", "脑科医院",
    "心血管病医院", "妇女儿童医院", "妇女儿童医疗中心", "肿瘤防治中心", "血液病医院", "眼耳鼻喉科医院",
})


@dataclass(frozen=True)
class DualForm:
    kind: str  # 'university' | 'government'
    core_type: str
    owner: str  # the university, or the government's place (南京, 江苏)
    campus: str | None = None  # campus key: 河西院区 of one name pairs only with 河西院区 of the other


@cache
def _province_level() -> frozenset[str]:
    from geodata.place_index import place_index

    idx = place_index()
    return frozenset(idx.province) | frozenset(n for n in idx.city if n.startswith(("北京", "天津", "上海", "重庆")))


@cache
def _city_level() -> frozenset[str]:
    from geodata.place_index import place_index

    return frozenset(place_index().city)


def _named_places(university: str) -> set[str]:
    """Places a university's name starts with (南京医科大学 → 南京; 同济大学 → none)."""
    names = place_names()
    return {university[:n] for n in range(2, len(university)) if university[:n] in names}


def _has_university(clean: str) -> bool:
    body = clean.split("(")[0]
    return bool(AFFILIATION_RE.match(body) or PLAIN_UNIVERSITY_RE.match(body) or "大学" in body)


def dual_form(n: NormalizedName) -> DualForm | None:
    """How a spelling can take part in a dual name, if at all."""
    t = n.institution_type
    if t not in SPECIALTY_TYPES or n.numbers:
        return None
    campus = campus_key(n.campus)
    if not n.places:
        owner = n.core[: -len(t)]
        if len(owner) >= 4 and owner.endswith(("大学", "学院", "科学院")):
            return DualForm("university", t, owner, campus)
        return None
    place = n.places[-1]
    if n.core == t and not _has_university(n.clean) and (place in _province_level() or place in _city_level()):
        return DualForm("government", t, place, campus)
    return None


def plausible(university: str, place: str) -> bool:
    """May this university's hospital carry this government's name? (see the module docstring)"""
    named = _named_places(university)
    if named:
        return place in named
    return place in _province_level()


def dual_name_pairs(clusters: dict[int, list[tuple[str, NormalizedName]]]) -> list[tuple[int, int, str]]:
    """(university cluster, government cluster, reason) for every dual name the grammar finds.

    `clusters` maps a cluster id to its (city key, spelling) pairs."""
    univ: dict[tuple, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    gov: dict[tuple, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for cid, spellings in clusters.items():
        for city, n in spellings:
            form = dual_form(n)
            if form is None or city is None:
                continue
            bucket = univ if form.kind == "university" else gov
            bucket[(city, form.core_type, form.campus)][cid].add(form.owner)
    out = []
    for key, by_cluster in univ.items():
        universities = {u for owners in by_cluster.values() for u in owners}
        govs = gov.get(key, {})
        if len(by_cluster) != 1 or len(universities) != 1 or len(govs) != 1:
            continue
        (u_cid,), (g_cid,) = by_cluster.keys(), govs.keys()
        (university,), places = universities, govs[g_cid]
        if u_cid == g_cid or len(places) != 1:
            continue
        (place,) = places
        if plausible(university, place):
            out.append((u_cid, g_cid, f"dual name: {university} and {place} hold the only {key[1]} of the city"))
    return out
