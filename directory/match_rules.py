"""Hard name constraints that fuzzy scores miss, and a fuzzy score on normalized cores."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from directory.names import NormalizedName, campus_key, normalize_cached


def _norm(name: str) -> NormalizedName:
    """Normalize an alias string once; aliases repeat across thousands of comparisons."""
    return normalize_cached(name)


def variants(n: NormalizedName) -> tuple[NormalizedName, ...]:
    """The name itself plus its bracket aliases, plates, former names and known expansions, normalized."""
    others = tuple(_norm(a) for a in (*n.aliases, *n.former_names, *n.known_as) if a != n.clean)
    return (n, *others)


def identity(n: NormalizedName) -> tuple[str, tuple[str, ...], str | None]:
    """What must be equal for two names to be the same site: core, numbers, campus."""
    return n.core, n.numbers, campus_key(n.campus)


def alias_link(a: NormalizedName, b: NormalizedName) -> str | None:
    """Return the shared identity when some variant of a equals some variant of b, else None."""
    ids_b = {identity(v): v for v in variants(b)}
    for v in variants(a):
        hit = ids_b.get(identity(v))
        if hit is None:
            continue
        # A bare alias carries no place; only a real conflict of stated places breaks the link.
        if places_conflict(v, hit):
            continue
        # An alias names the main site; the entry's own campus still applies — unless the alias has a
        # number of its own (上海市第一人民医院分院(上海市第四人民医院)): then it names this site.
        if (v is not a or hit is not b) and _site_campus(v, a) != _site_campus(hit, b):
            continue
        return v.core
    return None


def _site_campus(variant: NormalizedName, owner: NormalizedName) -> str | None:
    """The campus a spelling of `owner` stands for."""
    if variant is not owner and variant.numbers and variant.numbers != owner.numbers:
        return campus_key(variant.campus)
    return campus_key(owner.campus)


def numbers_conflict(a: NormalizedName, b: NormalizedName) -> bool:
    """True when ordinals or hospital numbers differ (附属第一医院 vs 附属第二医院, 302 vs 307)."""
    return sorted(a.numbers) != sorted(b.numbers)


def campus_conflict(a: NormalizedName, b: NormalizedName) -> bool:
    """True when campus markers differ: 东院 vs 西院, or a named campus vs the main site."""
    return campus_key(a.campus) != campus_key(b.campus)


def type_conflict(a: NormalizedName, b: NormalizedName) -> bool:
    """True when both names state an institution type and the types differ (肿瘤医院 vs 人民医院)."""
    return (
        a.institution_type is not None
        and b.institution_type is not None
        and a.institution_type != b.institution_type
    )


def places_conflict(a: NormalizedName, b: NormalizedName) -> bool:
    """True when the places written in the names disagree (上海市第一人民医院 vs 杭州市第一人民医院)."""
    if not a.places or not b.places:
        return False
    sa, sb = set(a.places), set(b.places)
    if not a.distinctive or not b.distinctive:
        # A generic core (人民医院, 第1医院) is named by its place: the most local place must match.
        return a.places[-1] != b.places[-1] and not (a.places[-1] in sb and b.places[-1] in sa)
    return not (sa <= sb or sb <= sa)


def owner(core: str) -> str | None:
    """The university or academy a core keeps in front (中山大学第1医院 → 中山大学), or None."""
    m = re.match(r"^(.+?(?:大学|学院|科学院))", core)
    return m.group(1) if m else None


def compatible(a: NormalizedName, b: NormalizedName) -> tuple[bool, str]:
    """Return (False, reason) when a hard rule forbids a and b being one site, else (True, reason)."""
    link = alias_link(a, b)
    if link is not None:
        return True, f"alias match on {link}"
    if numbers_conflict(a, b):
        return False, f"numbers differ: {a.numbers} vs {b.numbers}"
    if campus_conflict(a, b):
        return False, f"campus differs: {a.campus} vs {b.campus}"
    if type_conflict(a, b):
        return False, f"institution type differs: {a.institution_type} vs {b.institution_type}"
    if places_conflict(a, b):
        return False, f"places differ: {'/'.join(a.places)} vs {'/'.join(b.places)}"
    oa, ob = owner(a.core), owner(b.core)
    if oa and ob and oa != ob:
        # 广州医科大学第1医院 vs 广州中医药大学第1医院: a university's numbered hospital is named by the university.
        return False, f"different universities: {oa} vs {ob}"
    return True, "no hard conflict"


def name_score(a: NormalizedName, b: NormalizedName) -> float:
    """Fuzzy similarity 0–100 of the cores; 100 when an alias links the two names."""
    if alias_link(a, b) is not None:
        return 100.0
    # Cores already carry one spelling of ordinals (第1医院), so 第一附属 vs 附属第一 no longer costs points.
    return float(fuzz.ratio(a.core, b.core))
