"""Hospital grade (医院等级) facts. A grade is only ever stated — by a list's grade cell, by a sentence
of a manual that covers every row of a list (list_statements.tsv, each decision argued there), or by a
reference list's level (grade_vocabulary.tsv maps its words; 未定级 is a stated 'not graded').
No rule infers a grade into `stated`. Inferred grades come only from grade_rules.tsv, and a rule is
used only while it agrees with the stated grades (validate_rules); its value is a range such as
'二级及以上' (at least 二级), never a class it cannot know.
"""
from __future__ import annotations

from dataclasses import dataclass

from directory import provenance
from directory.facts.knowledge import GradeRule, campus_rules, grade_rules, grade_vocabulary, list_statements
from directory.facts.names import own_places, without_brackets
from directory.facts.records import Fact
from directory.facts.validation import RuleValidation, validation
from directory.grades import normalize_grade

W_CELL, W_STATEMENT, W_REFERENCE = 3, 2, 1
NOT_GRADED = "未定级"


def cell_candidates(hid: str, listing: dict, source: str) -> list[Fact]:
    """A list's grade cell ('三甲' → 三级甲等)."""
    grade = normalize_grade(listing.get("raw_grade"))
    if not grade:
        return []
    return [Fact(hid, "grade", grade, "stated", source, f"等级栏 '{listing['raw_grade']}'", W_CELL)]


def statement_candidates(hid: str, listing: dict, source: str) -> list[Fact]:
    """Accepted whole-list statements covering the listing's table."""
    out = []
    for st in list_statements():
        if st.accepted and st.fact == "grade" and st.table_id == listing.get("table_id"):
            out.append(Fact(hid, "grade", st.value, "stated", provenance.doc_ref(st.doc, st.line),
                            f"适用于 {st.table_id} 的每一行，该表在 {source} 列有本院（{st.ref}）", W_STATEMENT))
    return out


def reference_grade(level: str) -> str | None:
    """The registry's grade for a reference list's level word; None when the word is not a grade."""
    term = grade_vocabulary().get(level.strip())
    if term is None or not term.grade:
        return None
    return term.grade


def reference_candidates(hid: str, level: str, source: str, date: str) -> list[Fact]:
    grade = reference_grade(level) if level else None
    if not grade:
        return []
    term = grade_vocabulary()[level.strip()]
    return [Fact(hid, "grade", grade, "stated", source,
                 f"等级 '{level}'（{date}）（{term.ref}：{term.evidence}）", W_REFERENCE)]


def unmapped_levels(levels: list[str]) -> list[str]:
    """Level words of a reference list that the vocabulary does not know (reported by the build)."""
    vocab = grade_vocabulary()
    return sorted({lv for lv in (x.strip() for x in levels) if lv and lv not in vocab})


# Inferred grade rules (directory/knowledge/grade_rules.tsv) are used only while they agree with
# stated grades: at least RULE_MIN_SUPPORT examples and RULE_MIN_AGREEMENT of them (facts/validation.py).
AT_LEAST = {"二级及以上": ("二级", "三级"), "三级及以上": ("三级",)}


@dataclass(frozen=True)
class RuleCheck:
    """How one inferred-grade rule agrees with stated grades."""

    rule: GradeRule
    counts: tuple[tuple[str, int], ...]  # stated grade level → count
    validation: RuleValidation

    @property
    def enabled(self) -> bool:
        return self.validation.enabled

    def describe(self) -> str:
        stated = "、".join(f"{g} {n} 家" for g, n in self.counts)
        return f"来源载明的等级：{stated or '无'}；{self.validation.describe()}"


def _level(grade: str) -> str:
    return grade if grade == NOT_GRADED else grade[:2]


def agrees(rule_grade: str, stated: str) -> bool:
    """A rule's grade agrees with a stated one: same level, or within its '及以上' range."""
    if rule_grade in AT_LEAST:
        return stated != NOT_GRADED and _level(stated) in AT_LEAST[rule_grade]
    return _level(stated) == _level(rule_grade)


def _prefecture(city: str | None) -> bool:
    """A prefecture-level city or a municipality, not a county-level unit run by its province (济源, 文昌)."""
    return bool(city) and city[2:4] != "90"


def rule_matches(rule: GradeRule, name: str, city: str | None) -> bool:
    """The rule reads this name: its pattern matches the name without brackets — after the leading places,
    which must include the hospital's own prefecture-level city ({city}) or open with its province
    ({province}), when the pattern opens with one of those."""
    if not rule.leading:
        return rule.pattern.search(without_brackets(name)) is not None
    if not city or (rule.leading == "city" and not _prefecture(city)):
        return False
    seen = own_places(name, city)
    return seen is not None and rule.leading in seen[1] and rule.pattern.search(seen[0]) is not None


def consistent(known: str, stated: str) -> bool:
    """A reviewer's grade agrees with a stated one: a range contains it; else the same level, and the same
    甲/乙/丙 where both say one (三级 agrees with 三级甲等; 三级甲等 does not with 三级乙等)."""
    if known in AT_LEAST:
        return agrees(known, stated)
    if NOT_GRADED in (known, stated):
        return known == stated
    if _level(known) != _level(stated):
        return False
    return len(known) <= 2 or len(stated) <= 2 or known[2:] == stated[2:]


def validate_rules(examples: list[tuple[str, str, str, str | None]]) -> dict[str, RuleCheck]:
    """Check every rule against (name, stated grade, source, city) examples: registry hospitals with a
    stated grade and every graded row of the reference lists."""
    out = {}
    for rule in grade_rules():
        counts: dict[str, int] = {}
        outcomes = []
        for name, stated, source, city in examples:
            if rule_matches(rule, name, city):
                counts[_level(stated)] = counts.get(_level(stated), 0) + 1
                outcomes.append((agrees(rule.grade, stated), f"{name}（{stated}，{source}）"))
        out[rule.rule_id] = RuleCheck(rule, tuple(sorted(counts.items(), key=lambda kv: -kv[1])),
                                      validation(rule.rule_id, "grade", rule.grade, rule.evidence, outcomes))
    return out


def rule_candidates(hid: str, name: str, city: str | None, checks: dict[str, RuleCheck]) -> list[Fact]:
    """Inferred grades from the rules that passed validation (first matching rule only)."""
    text = without_brackets(name)
    for rule in grade_rules():
        check = checks.get(rule.rule_id)
        if check and check.enabled and rule_matches(rule, name, city):
            return [Fact(hid, "grade", rule.grade, "inferred", provenance.rule_ref(rule.rule_id),
                         f"'{text}'：{rule.evidence} 验证：{check.describe()}", 1)]
    return []


# A campus takes its institution's grade as a range (campus_rules.tsv: campus-of-graded-institution).
CAMPUS_RULE = "campus-of-graded-institution"


def institution_key(name: str, city: str | None) -> tuple[str, bool] | None:
    """How to find a campus's institution in a list of the same city: the name without brackets, campus
    and leading own-city places, and whether it opens with its province ('鹤岗鹤矿医院富力分院' and
    '鹤矿医院' in 鹤岗 → ('鹤矿医院', False); '黑龙江省中医医院' ≠ '哈尔滨市中医医院'). None for a name that
    opens with another place (a county's hospital is not its city's)."""
    from directory.names import clean_name, split_brackets, split_campus

    if not city:
        return None
    body, _ = split_brackets(clean_name(name))
    base = split_campus(body)[0]
    seen = own_places(base, city)
    if seen is None or not seen[0]:
        return None
    return seen[0], "province" in seen[1]


def at_least_second(grade: str | None) -> bool:
    return bool(grade) and grade != NOT_GRADED and _level(grade) in ("二级", "三级")


def validate_campus_rule(campuses: list[tuple[str, str, str, str]],
                         institutions: dict[tuple[str, tuple[str, bool]], tuple[str, str, str]]) -> RuleValidation | None:
    """The campus rule against campuses whose own grade is stated — (name, grade, source, city) — and whose
    institution, found by institution_key in the same city, has a stated grade of 二级 or above:
    institutions maps (city, key) → (name, grade, source)."""
    rule = campus_rules().get(CAMPUS_RULE)
    if rule is None:
        return None
    outcomes = []
    for name, stated, source, city in campuses:
        key = institution_key(name, city)
        inst = institutions.get((city, key)) if key else None
        if inst and at_least_second(inst[1]):
            outcomes.append((at_least_second(stated), f"{name}（{stated}，{source}；所属机构 {inst[0]} "
                                                      f"{inst[1]}，{inst[2]}）"))
    return validation(rule.rule_id, "grade", rule.conclusion, rule.evidence, outcomes)


def campus_candidate(hid: str, name: str, parent_name: str, parent_grade: Fact,
                     check: RuleValidation | None) -> list[Fact]:
    """A campus's inferred grade range from its institution's stated grade (when the rule is validated)."""
    if check is None or not check.enabled or parent_grade.klass != "stated" or not at_least_second(parent_grade.value):
        return []
    rule = campus_rules()[CAMPUS_RULE]
    return [Fact(hid, "grade", rule.conclusion, "inferred", provenance.rule_ref(rule.rule_id),
                 f"'{name}' 是{parent_name}的院区，该院等级为{parent_grade.value}（来源载明，"
                 f"{parent_grade.source}）：{rule.evidence} 验证：{check.describe()}", 1)]
