"""Fact records: one candidate value about one hospital, with its class, origin and supporting text.

Classes (DESIGN.md "Facts carry their evidence"): `stated` — a source says it about this hospital
(a list cell, a reference register, an import column, a Wikidata item linked by review); `inferred` —
derived by a documented rule (name grammar, a point inside a polygon, a centroid). Unknown is the
absence of any fact. Sources are written in the registry's Chinese provenance words (directory/provenance.py):
`名单 NNN:LINE`, `参考数据 FILE:LINE`, `知识文件 FILE:LINE`, `Wikidata Qxxx`, `规则 RULE-ID`, `导入名单 FILE:LINE`,
`地理编码缓存 FILE:LINE`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from directory import provenance

FactKind = Literal["city", "district", "city_proper", "point", "address", "grade", "ownership", "facility_type",
                   "inpatient"]
FactClass = Literal["stated", "inferred"]
FACT_KINDS: tuple[FactKind, ...] = ("city", "district", "point", "city_proper", "address", "grade", "ownership",
                                    "facility_type", "inpatient")
CLASS_RANK = {"stated": 1, "inferred": 0}


class FactsError(ValueError):
    """A facts data file or reference file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Fact:
    """One candidate value for one fact kind of one hospital."""

    hospital_id: str
    fact: FactKind
    value: str
    klass: FactClass
    source: str  # where it comes from: '名单 002:75', '参考数据 fever_clinics_2020.tsv:12', '规则 …'
    evidence: str  # the text that supports it (a cell, an address, a rule's match)
    weight: int = 1  # strength within its class (documented per module); decides between candidates
    chosen: bool = False

    def row(self) -> dict:
        """The `facts` table row."""
        return {"hospital_id": self.hospital_id, "fact": self.fact, "value": self.value, "class": self.klass,
                "source": self.source, "evidence": self.evidence, "chosen": int(self.chosen)}


def manual_ref(source_file: str, line: int) -> str:
    """'002_e8b0….txt', 75 → '名单 002:75' (a manual's short id is its first three characters)."""
    return provenance.manual_ref(source_file, line)


def choose(candidates: Iterable[Fact]) -> tuple[list[Fact], Fact | None]:
    """Pick one value per (hospital, fact): stated beats inferred; within a class the value with the
    largest summed weight wins (ties: the single strongest candidate, then the earliest one). Returns
    every candidate (the chosen one flagged) and the chosen fact, or None when there is none."""
    facts = list(candidates)
    if not facts:
        return [], None
    top_class = max(CLASS_RANK[f.klass] for f in facts)
    pool = [f for f in facts if CLASS_RANK[f.klass] == top_class]
    totals: dict[str, int] = {}
    strongest: dict[str, int] = {}
    first: dict[str, int] = {}
    for i, f in enumerate(pool):
        totals[f.value] = totals.get(f.value, 0) + f.weight
        strongest[f.value] = max(strongest.get(f.value, 0), f.weight)
        first.setdefault(f.value, i)
    value = max(totals, key=lambda v: (totals[v], strongest[v], -first[v]))
    winner = max((f for f in pool if f.value == value), key=lambda f: f.weight)
    chosen = replace(winner, chosen=True)
    return [chosen if f is winner else f for f in facts], chosen


def conflicts(facts: Iterable[Fact], chosen: Fact | None) -> list[Fact]:
    """Candidates that disagree with the chosen value (kept visible, never dropped)."""
    if chosen is None:
        return []
    return [f for f in facts if f.value != chosen.value]
