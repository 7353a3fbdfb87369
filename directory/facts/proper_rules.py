""""In the city proper" (市辖区) inferred from a hospital's name, by the rules of
directory/knowledge/city_proper_rules.tsv — each used only while it agrees with the districts that
sources state (directory/facts/validation.py).

A rule may only say "in a 市辖区" (a county in the name is read as the district itself), and only where:
- the hospital is a main site in a city that has both 市辖区 and counties or county-level cities (a city
  made only of 区 is decided by the city; one without 区 has no city proper to be in);
- its name names no county-level unit: none written with its suffix (the district rule reads those), none
  in a campus or bracket (榆林市第一医院（绥德）), and no bare name of one of its city's counties or
  county-level cities after its leading places (山西省汾阳医院 names 汾阳市);
- the places its name opens with, if any, are its own province or city (a name that opens with another
  city is a place conflict, not evidence);
- `{city}` rules: one of those leading places is the hospital's own city; `{province}` rules: the first is
  its own province; the rest of the pattern is a regular expression on the name without brackets.
Validation examples: registry hospitals whose chosen district is stated (a list cell, an import, a 2020
row's address or county, a reviewed address), and rows of the 2020 fever-clinic list with a county or an
address read inside their city (rows linked to an example hospital are counted once, as that hospital).
Campuses (院区, 分院 …; a registry hospital with a parent or a campus, a 2020 row whose name carries a
campus) are another population — often built where the city grows, or in a county — so each rule row says
whether it is for main sites or campuses (`sites`) and is validated on that population only.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from directory import provenance
from directory.facts.city_proper import is_urban_district
from directory.facts.district import _county_in_city, campus_texts
from directory.facts.knowledge import ProperRule, city_proper_rules
from directory.facts.names import leading_places, own_places, without_brackets
from directory.facts.point import districts_of
from directory.facts.records import Fact
from directory.facts.validation import RuleValidation, validation
from geodata.name_places import place_from_name
from geodata.names import district_stem
from geodata.place_index import place_index

_BRACKETS = re.compile(r"[(（]([^()（）]*)[)）]")
_UNIVERSITY = re.compile(r"(大学|医科大学|中医药大学|医学院|学院|医专|医学高等专科学校)")
W_NAME_RULE = 1  # the weakest city_proper evidence: a district, a point, the city's make-up all outweigh it


@dataclass(frozen=True)
class ProperExample:
    """A hospital whose district a source states: its name, city, the district and where it is stated."""

    name: str
    city: str
    district: str
    source: str
    campus: bool  # a campus (院区, 分院 …) rather than a main site

    @property
    def city_proper(self) -> bool:
        return is_urban_district(self.district)


@functools.cache
def _county_stems(city: str) -> tuple[str, ...]:
    """Bare and full names of the city's counties and county-level cities (not its 区)."""
    names = place_index().names
    out: set[str] = set()
    for code in districts_of(city):
        if is_urban_district(code):
            continue
        full = names[code]
        out.add(full)
        stem = district_stem(full)
        if stem and len(stem) >= 2:
            out.add(stem)
    return tuple(sorted(out, key=len, reverse=True))


@functools.cache
def _mixed_city(city: str) -> bool:
    units = districts_of(city)
    return any(is_urban_district(c) for c in units) and not all(is_urban_district(c) for c in units)


@functools.cache
def read_name(name: str, city: str) -> tuple[str, frozenset[str]] | None:
    """(the name without brackets and leading places, {'city', 'province'} — which of its own places the
    name opens with), or None when no rule may apply to this name in this city."""
    if not _mixed_city(city):
        return None
    if place_from_name(name).district_adcode:
        return None  # a county-level unit written with its suffix: the district rule reads it
    for text in campus_texts(name, None):
        inside, outside = _county_in_city(text, city)
        if inside or outside:
            return None
    plain = without_brackets(name)
    seen = own_places(name, city)
    if seen is None:
        # 郑州大学附属洛阳中心医院, 延安大学咸阳医院: a university named after another place runs a hospital named
        # after this city — the place is the university's, not a conflict. Without this city's name after it
        # (武汉科技大学附属天佑医院 placed in 咸宁) it stays a conflict.
        rest, found = leading_places(plain)
        if not (found and _UNIVERSITY.match(rest) and _city_stem(city) in rest):
            return None  # opens with another place: a conflict, or a county the suffix rule did not see
        seen = (rest, frozenset())
    rest, opens = seen
    if any(stem in " ".join([rest, *_BRACKETS.findall(name)]) for stem in _county_stems(city)):
        return None
    if _UNIVERSITY.match(rest):
        # 浙江大学…, 温州医科大学…: the place names a university, not the hospital's owner; the university
        # rule reads the whole name.
        return plain, frozenset()
    return rest, opens


def _city_stem(city: str) -> str:
    name = place_index().names.get(city, city)
    return name.removesuffix("市") if len(name) > 2 else name


def matches(rule: ProperRule, name: str, city: str, campus: bool) -> bool:
    if (rule.sites == "campus") != campus:
        return False
    if rule.any_main:
        return any(_reads(r, name, city) for r in city_proper_rules() if r.sites == "main" and not r.any_main)
    return _reads(rule, name, city)


def _reads(rule: ProperRule, name: str, city: str) -> bool:
    seen = read_name(name, city)
    if seen is None:
        return False
    rest, opens = seen
    if rule.leading and rule.leading not in opens:
        return False
    if rule.pattern is None:
        return True
    return rule.pattern.search(rest if rule.leading else without_brackets(name)) is not None


def validate(examples: list[ProperExample]) -> dict[str, RuleValidation]:
    """Every rule against every example it applies to."""
    names = place_index().names
    out = {}
    for rule in city_proper_rules():
        outcomes = []
        for ex in examples:
            if matches(rule, ex.name, ex.city, ex.campus):
                outcomes.append((ex.city_proper == (rule.value == "1"),
                                 f"{ex.name}（{names.get(ex.district, ex.district)}，{ex.source}）"))
        out[rule.rule_id] = validation(rule.rule_id, "city_proper", "在市辖区" if rule.value == "1" else "不在市辖区",
                                       rule.evidence, outcomes)
    return out


def candidates(hid: str, name: str, city: str, campus: bool, checks: dict[str, RuleValidation]) -> list[Fact]:
    """The inferred city_proper fact of the first validated rule that matches."""
    for rule in city_proper_rules():
        check = checks.get(rule.rule_id)
        if check and check.enabled and matches(rule, name, city, campus):
            city_name = place_index().names.get(city, city)
            return [Fact(hid, "city_proper", rule.value, "inferred", provenance.rule_ref(rule.rule_id),
                         f"'{name}'（{city_name}）：{rule.evidence} 验证：{check.describe()}", W_NAME_RULE)]
    return []
