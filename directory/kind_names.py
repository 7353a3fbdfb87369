"""Names that say only what kind of hospital is meant (儿童医院, 肿瘤医院, 中医院, 人民医院), heard within a city.

A caller who says 儿童医院 in 北京 means one of the city's hospitals whose name is nothing more than that kind
with a place or an owner in front (首都医科大学附属北京儿童医院, 首都儿科研究所附属儿童医院) — not one with a proper
name of its own (北京新世纪儿童医院) or a number (深圳市第二人民医院). Those are the kind's *carriers* in the city:

- two or more: the name is ambiguous among them;
- one, of a specialist kind (儿童医院, 口腔医院): that is the hospital people mean;
- one, of a kind every county has its own of (人民医院, 中医医院, 妇幼保健院: county_kinds.tsv): only a
  suggestion, because the caller may mean a county's hospital the manuals do not list. For those kinds a
  name with a word of its own counts too (东莞市太平人民医院: 太平 is a town the gazetteer lacks).

Pure functions over names; lookup.py brings the registry.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from directory.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_tsv
from directory.names import INSTITUTION_TYPES, clean_name, institution_type, unify_suffixes
from directory.short_names import segments, type_forms

# 医院 and 总医院 alone name no kind: every hospital is one.
_NO_KIND = frozenset({"医院", "总医院"})


@dataclass(frozen=True)
class CountyKind:
    """A kind of hospital every county (and district) may have its own of, with the rule that says so."""

    kind: str
    line: int
    evidence: str


@cache
def _kinds_by_form() -> dict[str, str]:
    """Every way a kind is said alone → the kind: the type word (中医院, 中医医院) and its stem (妇幼, 妇幼院,
    肿瘤); a form two kinds share (妇院: 妇幼保健院 or 妇产科医院) says neither."""
    forms: dict[str, set[str]] = defaultdict(set)
    for word in INSTITUTION_TYPES:
        kind = unify_suffixes(word)
        if kind in _NO_KIND or institution_type(kind) != kind:
            continue
        forms[word].add(kind)
        forms[kind].add(kind)
        if kind != "人民医院":  # 人民 and 人医 alone are no kind people say
            for form in type_forms(kind)[1:]:
                if len(form) >= 2 and not (len(form) == 2 and form.endswith("院")):  # 妇院, 肿院: too short to tell
                    forms[form].add(kind)
    return {form: next(iter(kinds)) for form, kinds in forms.items() if len(kinds) == 1}


def spoken_kind(text: str) -> str | None:
    """The kind a name says when it says nothing else (中医院 → 中医医院, 妇幼 → 妇幼保健院), else None."""
    return _kinds_by_form().get(unify_suffixes(clean_name(text)))


def names_a_kind_only(text: str) -> bool:
    """True when a spoken name is only an institution type (中医院, 人民医院, 医院): no short form reads it as a
    hospital's name (中医院 is not 中山医院 said short)."""
    t = unify_suffixes(clean_name(text))
    return t in _NO_KIND or spoken_kind(t) is not None


# Owners whose affiliated hospital is a hospital of traditional medicine (山西中医药大学附属医院 is a 中医院).
_TCM_OWNERS = frozenset({"中医药大学", "中医学院", "中医科学院"})
Carrying = Literal["plain", "named", "numbered"]


@lru_cache(maxsize=1 << 14)
def carried_kind(name: str, allow: Carrying = "plain") -> str | None:
    """The kind a hospital's name is, when it is nothing more than that kind with places, an owner or 附属
    before it: 北京大学肿瘤医院 and 中国医学科学院附属肿瘤医院 carry 肿瘤医院, and a traditional-medicine university's
    附属医院 carries 中医医院; 北京新世纪儿童医院 (a proper name) and 深圳市第二人民医院 (a number) carry none.
    `allow="named"`: a word of its own is allowed too (东莞市太平人民医院, 上海市光华中西医结合医院) — for the kinds
    every county and town has, whose place words (太平 is a town) the gazetteer does not know; `"numbered"`: a
    number too (天津市第一中心医院) — for a city with no other hospital of the kind."""
    segs = segments(name)
    if not segs:
        return None
    last = segs[-1]
    if last.kind == "type":
        kind = unify_suffixes(last.text)
    elif last.kind == "generic" and any(s.kind == "institution" and s.text in _TCM_OWNERS for s in segs) \
            and all(s.kind == "place" for s in segs[:-1] if s.own):
        kind = "中医医院"  # only with no word of its own: 中国中医科学院广安门医院 is 广安门医院, not "the" 中医院
    else:
        return None
    if kind in _NO_KIND:
        return None
    # Words after the owner (the hospital's own words) may only be places; the owner's may be anything.
    allowed = {"plain": ("place",), "named": ("place", "proper"), "numbered": ("place", "proper", "ordinal")}[allow]
    return kind if all(s.kind in allowed for s in segs[:-1] if s.own) else None


@lru_cache(maxsize=1)
def county_kinds(path: Path = KNOWLEDGE_DIR / "county_kinds.tsv") -> dict[str, CountyKind]:
    """county_kinds.tsv: the kinds a county-level government sets up one of its own."""
    out: dict[str, CountyKind] = {}
    for line, row in read_tsv(path, ("kind", "evidence"), ("kind", "evidence")):
        kind = unify_suffixes(row["kind"])
        if institution_type(kind) != kind:
            raise KnowledgeError(f"{path}:{line}: {row['kind']!r} is not a hospital kind the names grammar knows")
        out[kind] = CountyKind(kind, line, row["evidence"])
    return out
