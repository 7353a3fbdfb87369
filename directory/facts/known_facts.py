"""Reviewed hospital facts (directory/knowledge/hospital_facts.tsv): what reviewers know for sure about a
listed hospital that no bundled source states — its grade above all (北京积水潭医院 is 三级甲等; a 上海 district
hospital is graded at least 二级), and, where certain, its ownership or whether it admits patients.

One row per fact: `manual_ref` (NNN:LINE of a manual listing of the hospital, stable across rebuilds) and
`manual_name` (the name printed there), `fact` (grade | ownership | inpatient), `value` and `evidence`
(what the knowledge rests on). A grade is a normalized grade (三级甲等, 三级, 二级 …) or a lower bound
(二级及以上, 三级及以上) when the reviewer is sure only of that; ownership is public | private; inpatient 1 | 0.

Following the reviewed addresses (hospital_addresses.tsv), each row is a **stated** fact with source
`knowledge hospital_facts.tsv:LINE`, weighed below every source (weight 0: a list cell, a whole-list
statement or a 2020 row decides wherever one exists, and a disagreement stays visible in `facts`). Rows
for hospitals whose grade a source states are checks, written without looking at the registry: the build
reports how many agree (grade.consistent), and tests/test_known_facts.py asserts ≥ 95 %.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from directory.facts.records import FactsError
from directory.facts.reviewed_rows import ReviewedRow, read_reviewed
from directory.grades import normalize_grade
from directory.knowledge import KNOWLEDGE_DIR

FACTS_FILE = "hospital_facts.tsv"
COLUMNS = ("manual_ref", "manual_name", "fact", "value", "evidence")
KnownFactKind = Literal["grade", "ownership", "inpatient"]
RANGES = ("二级及以上", "三级及以上")


@dataclass(frozen=True)
class KnownFact(ReviewedRow):
    """One reviewed row: the hospital listed at manual `doc`:`manual_line` has `fact` = `value`."""

    fact: KnownFactKind
    value: str
    evidence: str


def _check_value(fact: str, value: str) -> str | None:
    """The value as the registry writes it, or None when it is not a value of that fact."""
    if fact == "grade":
        if value in RANGES:
            return value
        g = normalize_grade(value)
        return g if g == value else None
    if fact == "ownership":
        return value if value in ("public", "private") else None
    if fact == "inpatient":
        return value if value in ("0", "1") else None
    return None


def read_known_facts(path: Path = KNOWLEDGE_DIR / FACTS_FILE) -> tuple[KnownFact, ...]:
    """Read and check the file; a bad row is a FactsError naming the file and line."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for row in read_reviewed(path, COLUMNS):
        r, where = row.cells, row.where
        if r["fact"] not in ("grade", "ownership", "inpatient"):
            raise FactsError(f"{where}: fact must be grade, ownership or inpatient, got {r['fact']!r}")
        value = _check_value(r["fact"], r["value"])
        if value is None:
            expected = {"grade": "a grade as 三级甲等, 三级, 二级 … or 二级及以上 / 三级及以上",
                        "ownership": "public or private", "inpatient": "1 or 0"}[r["fact"]]
            raise FactsError(f"{where}: {r['fact']} must be {expected}, got {r['value']!r}")
        key = (r["manual_ref"], r["fact"])
        if key in seen:
            raise FactsError(f"{where}: {r['fact']} of {r['manual_ref']} already on line {seen[key]}")
        seen[key] = row.head[2]
        out.append(KnownFact(*row.head, r["fact"], value, r["evidence"]))  # type: ignore[arg-type]
    return tuple(out)


@cache
def known_facts() -> tuple[KnownFact, ...]:
    """The bundled file, read once per process."""
    return read_known_facts()
