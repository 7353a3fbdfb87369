"""Ownership facts: public (government, university, military, academy, state enterprise) or private.

Stated where a source says so (an import's ownership column); else inferred from the documented name
grammar in directory/knowledge/ownership_rules.tsv (every matching rule is a candidate); else unknown.
When rules of both kinds match a name, nothing is chosen: the conflict stays visible as candidates.
"""
from __future__ import annotations

from directory import provenance
from directory.facts.knowledge import ownership_grammar
from directory.facts.names import strip_places, without_brackets
from directory.facts.records import Fact

# How import files write ownership (a stated column), mapped to public/private.
STATED_WORDS = {
    "公立": "public", "公办": "public", "政府办": "public", "国有": "public", "公立医院": "public", "public": "public",
    "非公立": "private", "民营": "private", "私立": "private", "社会办": "private", "社会办医": "private",
    "民营医院": "private", "private": "private",
}
W_STATED, W_RULE = 2, 1


_SUFFIXES = ("省", "市", "区", "县", "州", "盟", "旗", "地区", "特别行政区")


def grammar_candidates(hid: str, name: str, shown_as: str = "") -> list[Fact]:
    """Every ownership rule that matches the name (brackets off; place rules after the places)."""
    text = without_brackets(name)
    rest, places = strip_places(text)
    out = []
    for rule in ownership_grammar():
        if rule.needs_place:
            if not places or (rule.needs_place == "{suffixed_place}" and not places[0].endswith(_SUFFIXES)):
                continue
            m = rule.pattern.match(rest)
        else:
            m = rule.pattern.search(text)
        if m:
            shown = f"'{''.join(places)}' + '{rest}'" if rule.needs_place else f"'{text}' 中有 '{m.group(0)}'"
            shown += shown_as
            out.append(Fact(hid, "ownership", rule.values["ownership"], "inferred",
                            provenance.rule_ref(rule.rule_id),
                            f"{shown}：{provenance.OWNER_KIND_WORDS.get(rule.values['kind'], rule.values['kind'])}"
                            f"——{rule.evidence}", W_RULE))
    return out


def stated_candidates(hid: str, raw: str | None, source: str) -> list[Fact]:
    """An import's ownership cell ('公立', '民营'); unknown words are ignored (and not guessed)."""
    word = (raw or "").strip()
    value = STATED_WORDS.get(word)
    if not value:
        return []
    return [Fact(hid, "ownership", value, "stated", source, f"所有制栏 '{word}'", W_STATED)]


def undecided(facts: list[Fact]) -> bool:
    """Inferred rules disagree (public and private both match) and nothing is stated: leave unknown."""
    if any(f.klass == "stated" for f in facts):
        return False
    return len({f.value for f in facts}) > 1
