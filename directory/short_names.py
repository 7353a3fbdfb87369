"""Colloquial short names of hospitals (华西, 浙大二院, 中大附一, 湘雅三院, 省人医) by the grammar of the names.

People shorten an institution's name in a few regular ways, always keeping the order of its words:

- an owner's words (the university, the academy, the place before 大学) shrink to their first character
  (浙江大学 → 浙大, 中山大学 → 中大) or go: 四川大学华西医院 → 华西; 医科大学 → 医大/医, 医学院 → 医;
- 附属 becomes 附 or goes, and 第一附属 is said 一附 or 附一 (the order of the two does not matter);
- an ordinal stays, as a digit (第二 → 二), and must agree: 浙大二院 is never 浙大一院;
- the hospital's own name stays — a proper name (华西, 协和, 邵逸夫, or its first characters: 邵医) or,
  when it has none, the place it is named after (省人医 = 江苏省人民医院, 市一 = 南京市第一医院);
- a type keeps its stem (儿童医院 → 儿童/儿院, 人民医院 → 人民/人医) and 医院 becomes 院 or goes;
  a specialist type never goes (浙大儿院 is not 浙大二院); a traditional-medicine owner's 中医 goes only
  when nothing of the owner is said (一附院 is every university's 第一附属医院 in the city, 郑大一附院 is
  郑州大学's);
- inside the caller's city, the city's own hospital may go without the city's name (二院 in 南京 can be
  南京市第二医院 as well as 南京医科大学第二附属医院), but not after an owner was said (浙大一院) and not for a
  district's hospital (萧山区第一人民医院).

`segments(name)` splits a full name into those words, each with the forms it may take; `says(query,
segs)` tells whether the query is one way of saying the name. The grammar only says a short form is
*possible*; the caller accepts it only when exactly one hospital of the city admits it (lookup.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from directory.names import (
    INSTITUTION_TYPES,
    OWNER_PREFIXES,
    apply_renames,
    clean_name,
    digitize_ordinals,
    place_names,
    short_place,
    split_brackets,
    unify_affiliate_order,
    unify_suffixes,
)

Kind = Literal["place", "owner", "institution", "affiliation", "ordinal", "proper", "type", "generic"]
# Kinds whose words identify a hospital; a query made only of type and institution words (人民医院, 医大)
# names no hospital in particular.
DISTINCTIVE: frozenset[str] = frozenset({"place", "owner", "proper", "ordinal", "affiliation"})

# Words that say what kind of body owns a hospital, longest first, with the ways speakers shorten them.
INSTITUTION_FORMS: dict[str, tuple[str, ...]] = {
    "中医药大学": ("中医药大学", "中医药大", "中医大", "中医药", "中医", ""),
    "医学科学院": ("医学科学院", "医科院", ""),
    "中医科学院": ("中医科学院", "中医科学院", ""),
    "医科大学": ("医科大学", "医科大", "医大", "医", ""),
    "军医大学": ("军医大学", "军医大", "军大", ""),
    "交通大学": ("交通大学", "交大", ""),
    "科技大学": ("科技大学", "科大", "大", ""),
    "中医学院": ("中医学院", "中医", ""),
    "医学院": ("医学院", "医学", "医", ""),
    "科学院": ("科学院", "科院", ""),
    "大学": ("大学", "大", ""),
    "学院": ("学院", ""),
}
# A traditional-medicine owner may go only when the hospital has a name of its own (北京中医药大学东方医院
# → 东方医院); otherwise 中医 is what tells 河南中医药大学第一附属医院 from 郑州大学第一附属医院.
TCM_WORDS = frozenset({"中医药大学", "中医学院", "中医科学院"})
OWNER_FORMS: dict[str, tuple[str, ...]] = {
    "中国人民武装警察部队": ("中国人民武装警察部队", "武警", ""),
    **{p: (p, "解放军", "") if "解放军" in p else (p, "") for p in OWNER_PREFIXES},
}
AFFILIATION_FORMS = ("附属", "附", "")
HOSPITAL_FORMS = ("医院", "院", "医", "")
_LEXICON = sorted((*INSTITUTION_FORMS, *OWNER_FORMS, "附属"), key=len, reverse=True)
_ORDINAL = re.compile(r"第?(\d+)")
_TYPE_END = re.compile("(?:" + "|".join(map(re.escape, INSTITUTION_TYPES)) + ")$")
_CN_NUMERAL = "一二三四五六七八九十"


@dataclass(frozen=True)
class Segment:
    """One word of a hospital's name and the ways it may be said ("" = it may be left out)."""

    text: str
    kind: Kind
    forms: tuple[str, ...]
    own: bool = True  # part of the hospital's own name, not of its owner (university, academy, army)


# A type made of two words of two characters is said by the first character of each (妇女儿童 → 妇儿).
TYPE_CONTRACTIONS: dict[str, str] = {"妇女儿童": "妇儿"}


def type_forms(type_word: str) -> tuple[str, ...]:
    """Ways to say an institution type: 儿童医院 → 儿童医院, 儿童, 儿童院, 儿院; 妇女儿童医院 → …, 妇儿; 人民医院 may
    go entirely."""
    if type_word == "人民医院":
        return ("人民医院", "人民", "人医", *HOSPITAL_FORMS)
    stem = type_word
    for suffix in ("医院", "保健院", "保健所", "中心", "院"):
        if type_word.endswith(suffix) and len(type_word) > len(suffix):
            stem = type_word[: -len(suffix)]
            break
    forms = [type_word, stem, stem + "院", stem[0] + "院"]
    for word, short in TYPE_CONTRACTIONS.items():
        if stem.startswith(word):
            forms += [short + stem[len(word):], short + stem[len(word):] + "院"]
    return tuple(dict.fromkeys(f for f in forms if f))


def place_forms(place: str, local: bool = False) -> tuple[str, ...]:
    """Ways to say a place in a name: 江苏省 → 江苏省, 江苏, 江, 省, or nothing; 南京市 → …, 市. A county or
    district after the city (`local`: 萧山区 in 杭州市萧山区第一人民医院) is said by its name or stem (萧山) and
    never left out: it is what tells the county's hospital from the city's (嘉兴市第一医院 is not
    嘉兴市嘉善县第一人民医院)."""
    short = short_place(place)
    if local:
        stem = place[:-2] if place.endswith("新区") else place[:-1] if place[-1:] in "区县市旗" else place
        return tuple(dict.fromkeys(f for f in (place, short, stem) if len(f) >= 2))
    forms = [place, short, short[0]]
    if place.endswith("省"):
        forms.append("省")  # 省人医: the province's own hospital, said in that province
    if place.endswith("自治区"):
        forms += ["自治区", "区"]  # 区医院 in 南宁: the autonomous region's own hospital, as 省医 in a province
    if place.endswith("市"):
        forms.append("市")  # 市一医院: the city's own hospital, said in that city
    return tuple(dict.fromkeys(f for f in forms if f)) + ("",)


def _tokens(text: str) -> list[tuple[str, Kind]]:
    """Split a digitized name body (no type suffix) into owner words, places, ordinals and proper names."""
    places = place_names()
    out: list[tuple[str, Kind]] = []
    proper = ""
    i = 0
    while i < len(text):
        hit: tuple[str, Kind] | None = None
        m = _ORDINAL.match(text, i)
        if m:
            hit = (m.group(0), "ordinal")
        else:
            for word in _LEXICON:
                if text.startswith(word, i):
                    kind: Kind = "affiliation" if word == "附属" else "owner" if word in OWNER_FORMS else "institution"
                    hit = (word, kind)
                    break
            else:
                if text.startswith("医院", i) and i + 2 < len(text):
                    hit = ("医院", "generic")  # 医院 inside a name: 中国医学科学院肿瘤医院深圳医院
                else:
                    for n in range(min(9, len(text) - i), 1, -1):
                        if text[i : i + n] in places:
                            hit = (text[i : i + n], "place")
                            break
        if hit is None:
            proper += text[i]
            i += 1
            continue
        if proper:
            out.append((proper, "proper"))
            proper = ""
        out.append(hit)
        i += len(hit[0])
    if proper:
        out.append((proper, "proper"))
    return out


@lru_cache(maxsize=1 << 16)
def segments(name: str) -> tuple[Segment, ...]:
    """The words of a full hospital name with their spoken forms (brackets dropped: they are aliases)."""
    body, _groups = split_brackets(clean_name(name))
    body = unify_affiliate_order(digitize_ordinals(unify_suffixes(body.replace(" ", ""))))
    tail: Segment | None = None
    m = _TYPE_END.search(body)
    if m:  # the type may be the whole name (人民医院): then nothing else identifies the hospital
        tail = Segment(m.group(0), "type", type_forms(m.group(0)))
        body = body[: m.start()]
    elif body.endswith("医院") and len(body) > 2:
        tail = Segment("医院", "generic", HOSPITAL_FORMS)
        body = body[:-2]
    elif body.endswith("院") and len(body) > 1:
        tail = Segment("院", "generic", ("院", ""))
        body = body[:-1]
    tokens = _tokens(body)
    # The owner is everything up to the last institution word or 附属; the rest is the hospital's own name.
    split = max((k for k, (_t, kind) in enumerate(tokens) if kind in ("institution", "affiliation")), default=-1)
    segs: list[Segment] = []
    own_places = 0
    for k, (text, kind) in enumerate(tokens):
        own = k > split and kind != "owner"
        if own and kind == "place":
            own_places += 1
        if kind == "ordinal":
            digits = _ORDINAL.fullmatch(text).group(1)  # type: ignore[union-attr]
            forms: tuple[str, ...] = (str(int(digits)), "第" + str(int(digits)))
        elif kind == "institution":
            forms = INSTITUTION_FORMS[text]
        elif kind == "owner":
            forms = OWNER_FORMS[text]
        elif kind == "affiliation":
            forms = AFFILIATION_FORMS
        elif kind == "generic":
            forms = ("医院", "院", "")
        elif kind == "place":
            forms = place_forms(text, local=own and own_places > 1 and text[-1:] in "区县市旗")
        elif own:
            # the hospital's own proper name: whole, or its first characters (邵逸夫 → 邵医)
            forms = tuple(text[:n] for n in range(len(text), 0, -1))
        else:
            forms = (text, text[0], "")
        segs.append(Segment(text, kind, forms, own))
    if tail:
        segs.append(tail)
    return tuple(segs)


def name_variants(name: str) -> tuple[str, ...]:
    """A name and, when a rename applies, its current form (第四军医大学西京医院 → 空军军医大学西京医院)."""
    renamed = apply_renames(clean_name(name))
    return (name,) if renamed == clean_name(name) else (name, renamed)


def query_form(text: str) -> str:
    """A spoken short name in the grammar's spelling: digits for ordinals, 附 before its number.

    湘雅三院 → 湘雅3院, 中大附一 → 中大附1, 南大一附院 → 南大附1院, 浙一 → 浙1.
    """
    q = digitize_ordinals(clean_name(text).replace(" ", ""))
    # numerals that are ordinals in speech: after 附 (附一), before 附 (一附院), or closing the name (湘雅二)
    q = re.sub(rf"(?<=附)([{_CN_NUMERAL}]+)", lambda m: digitize_ordinals("第" + m.group(1))[1:], q)
    q = re.sub(rf"([{_CN_NUMERAL}]+)(?=附)", lambda m: digitize_ordinals("第" + m.group(1))[1:], q)
    if len(q) >= 2:
        q = re.sub(rf"(?<=[^\d{_CN_NUMERAL}])([{_CN_NUMERAL}]{{1,3}})$",
                   lambda m: digitize_ordinals("第" + m.group(1))[1:], q)
    q = re.sub(r"(\d+)附属?", r"附\1", q)  # 一附院 = 附一院: the order of 附 and the number says nothing
    return q


def says(query: str, segs: tuple[Segment, ...], implied: frozenset[str] = frozenset()) -> bool:
    """True when `query` (already in query_form) is one way of saying the name split into `segs`.

    `implied` are the forms of the caller's own city (南京市, 南京): inside that city its own hospital may go
    without its place, so 二院 in 南京 can mean 南京市第二医院 as well as a university's 附属第二医院. A
    traditional-medicine owner may go unsaid only when nothing of the owner is said: 一附院 in 郑州 is every
    university's 第一附属医院 there, the TCM university's included, but 郑大一附院 is 郑州大学's."""
    n = len(segs)
    named = any(s.own and s.kind in ("place", "proper") for s in segs)
    if sum(1 for s in segs if s.own and s.kind == "place") != 1:
        implied = frozenset()  # only a city's own hospital, not one of its districts' (萧山区第一人民医院)
    memo: dict[tuple[int, int, bool, bool, bool], bool] = {}
    numbered = any(s.kind == "ordinal" for s in segs)  # an ordinal is never left out: if present, it was said

    def go(i: int, j: int, said_own: bool, distinct: bool, said_owner: bool) -> bool:
        if i == n:
            return j == len(query) and distinct and (said_own or not named)
        key = (i, j, said_own, distinct, said_owner)
        if key in memo:
            return memo[key]
        s = segs[i]
        ok = False
        for f in s.forms:
            if s.kind == "type" and f in HOSPITAL_FORMS and s.text != f and not said_own and not numbered:
                continue  # 人民医院 said as bare 医院 only after the hospital's own place or name or its number:
                #           省医, 上海九院 yes, but 郑州大学医院 is not 郑州大学人民医院
            if not f:
                if s.kind == "institution" and s.text in TCM_WORDS and not named and said_owner:
                    continue
                # the caller's own city said by being in it (二院 in 南京 = 南京市第二医院) — not after an
                # owner was said: 浙大一院 names 浙大's first hospital, not its 杭州市第一人民医院
                in_city = s.own and s.kind == "place" and s.text in implied and not said_owner
                ok = go(i + 1, j, said_own or in_city, distinct, said_owner)
            elif query.startswith(f, j):
                ok = go(i + 1, j + len(f), said_own or (s.own and s.kind in ("place", "proper")),
                        distinct or s.kind in DISTINCTIVE,
                        said_owner or (not s.own and s.kind in ("place", "proper", "owner")))
            if ok:
                break
        memo[key] = ok
        return ok

    return bool(query) and go(0, 0, False, False, False)


def is_short_form(query: str, name: str) -> bool:
    """True when the spoken `query` (raw) is a short form of the full hospital `name` (raw)."""
    q = query_form(query)
    return any(says(q, segments(v)) for v in name_variants(name))
