"""Loaders for the facts' knowledge files (directory/knowledge/*.tsv): each row has an evidence column."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from directory.facts.records import FactClass, FactsError
from directory.knowledge import KNOWLEDGE_DIR, KnowledgeError, read_tsv


def _rows(name: str, columns: tuple[str, ...], required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        return read_tsv(KNOWLEDGE_DIR / name, columns, required)
    except KnowledgeError as exc:
        raise FactsError(str(exc)) from exc


@cache
def place_weights() -> dict[str, tuple[str, int, str]]:
    """evidence kind → (class, weight, 'place_weights.tsv:LINE')."""
    out = {}
    for line, r in _rows("place_weights.tsv", ("evidence", "class", "weight", "rationale"),
                         ("evidence", "class", "weight", "rationale")):
        if r["class"] not in ("stated", "inferred") or not r["weight"].isdigit():
            raise FactsError(f"{KNOWLEDGE_DIR / 'place_weights.tsv'}:{line}: class must be stated|inferred "
                             "and weight a whole number")
        out[r["evidence"]] = (r["class"], int(r["weight"]), f"place_weights.tsv:{line}")
    return out


DistrictEvidence = Literal["import_address", "list_cell", "reference_address", "reference_county",
                           "knowledge_address", "name", "campus", "name_stem", "point"]


def district_weight(kind: DistrictEvidence) -> tuple[FactClass, int]:
    """(class, weight) of one kind of district evidence: the `district_<kind>` row of place_weights.tsv."""
    row = place_weights().get(f"district_{kind}")
    if row is None:
        raise FactsError(f"{KNOWLEDGE_DIR / 'place_weights.tsv'}: no row for evidence 'district_{kind}'")
    return row[0], row[1]  # type: ignore[return-value]


@dataclass(frozen=True)
class GrammarRule:
    """One row of a name grammar: a regular expression and what a match means."""

    rule_id: str  # 'facility_types.tsv:12'
    pattern: re.Pattern[str]
    # '{place}': the pattern applies to the name after its leading place names (行政区划);
    # '{suffixed_place}': the same, and the first place is written in full with its suffix (上海市, 浦东新区).
    needs_place: str
    values: dict[str, str]
    evidence: str


def _grammar(name: str, columns: tuple[str, ...], value_cols: tuple[str, ...],
             allowed: dict[str, frozenset[str]]) -> tuple[GrammarRule, ...]:
    path = KNOWLEDGE_DIR / name
    rules = []
    for line, r in _rows(name, columns, ("rule", "pattern", "evidence")):
        raw = r["pattern"]
        needs_place = next((t for t in ("{place}", "{suffixed_place}") if raw.startswith(t)), "")
        try:
            pattern = re.compile(raw.removeprefix(needs_place))
        except re.error as exc:
            raise FactsError(f"{path}:{line}: bad pattern {raw!r}: {exc}") from exc
        values = {c: r[c] for c in value_cols}
        for col, ok in allowed.items():
            if values[col] not in ok:
                raise FactsError(f"{path}:{line}: {col} {values[col]!r} is not one of {sorted(ok)}")
        rules.append(GrammarRule(f"{name}:{line} {r['rule']}", pattern, needs_place, values, r["evidence"]))
    return tuple(rules)


FACILITY_TYPES = frozenset({"综合", "专科", "中医", "妇幼", "口腔", "门诊部", "诊所", "体检机构", "防治所"})


@cache
def facility_grammar() -> tuple[GrammarRule, ...]:
    """facility_types.tsv: ordered; the first match with a type decides the type, the first with an
    inpatient value decides inpatient."""
    return _grammar("facility_types.tsv", ("rule", "pattern", "facility_type", "inpatient", "evidence"),
                    ("facility_type", "inpatient"),
                    {"facility_type": FACILITY_TYPES | {""}, "inpatient": frozenset({"0", "1", ""})})


@cache
def ownership_grammar() -> tuple[GrammarRule, ...]:
    """ownership_rules.tsv: every matching row is a candidate; public and private together mean unknown."""
    return _grammar("ownership_rules.tsv", ("rule", "pattern", "ownership", "kind", "evidence"),
                    ("ownership", "kind"),
                    {"ownership": frozenset({"public", "private"}),
                     "kind": frozenset({"government", "university", "military", "state_enterprise", "academy",
                                        "private"})})


@dataclass(frozen=True)
class GradeTerm:
    printed: str
    grade: str  # normalized grade, '未定级' (stated: not graded), or '' (not a grade: 省级, 市级)
    ref: str
    evidence: str


@cache
def grade_vocabulary() -> dict[str, GradeTerm]:
    """grade_vocabulary.tsv: how reference lists write a level → the registry's grade."""
    out = {}
    for line, r in _rows("grade_vocabulary.tsv", ("printed", "grade", "evidence"), ("printed", "evidence")):
        out[r["printed"]] = GradeTerm(r["printed"], r["grade"], f"grade_vocabulary.tsv:{line}", r["evidence"])
    return out


@dataclass(frozen=True)
class GradeRule:
    rule_id: str  # 'grade_rules.tsv:3 university'
    pattern: re.Pattern[str]
    grade: str
    evidence: str
    # '{city}' / '{province}' opening the pattern: the name opens with the hospital's own prefecture-level
    # city / its own province, and the rest of the pattern is matched after those leading places.
    leading: str = ""


@cache
def grade_rules(path: Path = KNOWLEDGE_DIR / "grade_rules.tsv") -> tuple[GradeRule, ...]:
    """grade_rules.tsv: inferred grades by name grammar (validated at build time, see facts/grade.py)."""
    out = []
    columns = ("rule", "pattern", "grade", "evidence")
    try:
        rows = read_tsv(path, columns, columns)
    except KnowledgeError as exc:
        raise FactsError(str(exc)) from exc
    for line, r in rows:
        raw = r["pattern"]
        leading = next((t for t in ("city", "province") if raw.startswith("{" + t + "}")), "")
        rest = raw.removeprefix("{" + leading + "}") if leading else raw
        if "{city}" in rest or "{province}" in rest:
            raise FactsError(f"{path}:{line}: only {{city}} or {{province}} may open a pattern, got {raw!r}")
        try:
            pattern = re.compile(rest)
        except re.error as exc:
            raise FactsError(f"{path}:{line}: bad pattern: {exc}") from exc
        if r["grade"] not in ("二级及以上", "三级及以上"):
            raise FactsError(f"{path}:{line}: an inferred grade is a range (二级及以上, 三级及以上), got {r['grade']!r}")
        out.append(GradeRule(f"{path.name}:{line} {r['rule']}", pattern, r["grade"], r["evidence"], leading))
    return tuple(out)


@dataclass(frozen=True)
class ListStatement:
    """A manual's sentence about every hospital of one table, and whether it is taken as a fact."""

    doc: str  # '000'
    line: int
    table_id: str
    fact: str
    value: str
    accepted: bool
    evidence: str
    ref: str


@cache
def list_statements() -> tuple[ListStatement, ...]:
    path = KNOWLEDGE_DIR / "list_statements.tsv"
    out = []
    for line, r in _rows("list_statements.tsv", ("doc", "line", "table_id", "fact", "value", "decision", "evidence"),
                         ("doc", "line", "table_id", "fact", "value", "decision", "evidence")):
        if r["decision"] not in ("accepted", "rejected") or not r["line"].isdigit():
            raise FactsError(f"{path}:{line}: decision must be accepted|rejected and line a number")
        out.append(ListStatement(r["doc"], int(r["line"]), r["table_id"], r["fact"], r["value"],
                                 r["decision"] == "accepted", r["evidence"], f"list_statements.tsv:{line}"))
    return tuple(out)


@cache
def wikidata_countries() -> dict[str, str]:
    """Wikidata's English country label → the registry's country name (中国, 美国 …)."""
    return {r["wikidata_country"]: r["country"]
            for _, r in _rows("wikidata_countries.tsv", ("wikidata_country", "country", "evidence"),
                              ("wikidata_country", "country", "evidence"))}


def knowledge_path(name: str) -> Path:
    return KNOWLEDGE_DIR / name


ProperLeading = Literal["city", "province", ""]


@dataclass(frozen=True)
class ProperRule:
    """One row of city_proper_rules.tsv: when a hospital's name says it is in its city's 市辖区."""

    rule_id: str  # 'city_proper_rules.tsv:2 city-named'
    sites: Literal["main", "campus"]  # main sites, or campuses (院区, 分院 …): validated apart
    leading: ProperLeading  # '{city}' / '{province}': the name opens with the hospital's own city / province
    pattern: re.Pattern[str] | None  # on the name without brackets (after the leading place, for {city}/{province})
    value: str  # '1' (in a 市辖区)
    evidence: str
    any_main: bool = False  # '{main}': the name is one that any main-site rule of the file reads


@cache
def city_proper_rules(path: Path = KNOWLEDGE_DIR / "city_proper_rules.tsv") -> tuple[ProperRule, ...]:
    """city_proper_rules.tsv: inferred "in the city proper" from name grammar, used only while validated
    (directory/facts/proper_rules.py)."""
    name = path.name
    out = []
    columns = ("rule", "sites", "pattern", "city_proper", "evidence")
    try:
        rows = read_tsv(path, columns, columns)
    except KnowledgeError as exc:
        raise FactsError(str(exc)) from exc
    for line, r in rows:
        if r["sites"] not in ("main", "campus"):
            raise FactsError(f"{path}:{line}: sites must be main or campus, got {r['sites']!r}")
        raw = r["pattern"]
        if raw == "{main}":
            out.append(ProperRule(f"{name}:{line} {r['rule']}", r["sites"], "", None, r["city_proper"],  # type: ignore[arg-type]
                                  r["evidence"], any_main=True))
            continue
        leading = next((t for t in ("city", "province") if raw.startswith("{" + t + "}")), "")
        rest = raw.removeprefix("{" + leading + "}") if leading else raw
        try:
            pattern = re.compile(rest) if rest else None
        except re.error as exc:
            raise FactsError(f"{path}:{line}: bad pattern {raw!r}: {exc}") from exc
        if "{city}" in rest or "{province}" in rest or "{main}" in rest:
            raise FactsError(f"{path}:{line}: only {{city}} or {{province}} may open a pattern, and {{main}} stands "
                             f"alone, got {raw!r}")
        if r["city_proper"] != "1":
            raise FactsError(f"{path}:{line}: city_proper must be 1 (a name can only place a hospital in a 市辖区; "
                             f"a county in the name is read as its district), got {r['city_proper']!r}")
        if pattern is None and not leading:
            raise FactsError(f"{path}:{line}: empty pattern")
        out.append(ProperRule(f"{name}:{line} {r['rule']}", r["sites"], leading, pattern, r["city_proper"], r["evidence"]))  # type: ignore[arg-type]
    return tuple(out)


@dataclass(frozen=True)
class CampusRule:
    """One row of campus_rules.tsv: a fact a campus takes from its institution."""

    rule_id: str  # 'campus_rules.tsv:2 campus-of-graded-institution'
    fact: str
    condition: str
    conclusion: str
    evidence: str


CAMPUS_RULES = {"campus-of-graded-institution": ("grade", "二级及以上")}  # the rules the code implements


@cache
def campus_rules(path: Path = KNOWLEDGE_DIR / "campus_rules.tsv") -> dict[str, CampusRule]:
    """campus_rules.tsv by rule name; a row the code does not implement, or with another fact or conclusion
    than the code draws, is refused (the file documents the rule and switches it on; the code applies it)."""
    columns = ("rule", "fact", "condition", "conclusion", "evidence")
    try:
        rows = read_tsv(path, columns, columns)
    except KnowledgeError as exc:
        raise FactsError(str(exc)) from exc
    out = {}
    for line, r in rows:
        if CAMPUS_RULES.get(r["rule"]) != (r["fact"], r["conclusion"]):
            raise FactsError(f"{path}:{line}: unknown campus rule {r['rule']!r} with fact {r['fact']!r} and "
                             f"conclusion {r['conclusion']!r} (known: {CAMPUS_RULES})")
        out[r["rule"]] = CampusRule(f"{path.name}:{line} {r['rule']}", r["fact"], r["condition"], r["conclusion"],
                                    r["evidence"])
    return out


@dataclass(frozen=True)
class DistrictRule:
    """One row of district_rules.tsv: a district read from a name, used only while validated."""

    rule_id: str  # 'district_rules.tsv:2 city-then-county'
    pattern: str  # '{city}{county}': the only form the code reads
    evidence: str


@cache
def district_rules(path: Path = KNOWLEDGE_DIR / "district_rules.tsv") -> tuple[DistrictRule, ...]:
    columns = ("rule", "pattern", "district", "evidence")
    try:
        rows = read_tsv(path, columns, columns)
    except KnowledgeError as exc:
        raise FactsError(str(exc)) from exc
    out = []
    for line, r in rows:
        if r["pattern"] != "{city}{county}" or r["district"] != "{county}":
            raise FactsError(f"{path}:{line}: the only district rule the code reads is pattern {{city}}{{county}} "
                             f"→ district {{county}}, got {r['pattern']!r} → {r['district']!r}")
        out.append(DistrictRule(f"{path.name}:{line} {r['rule']}", r["pattern"], r["evidence"]))
    return tuple(out)
