"""How an inference rule agrees with facts that sources state: every rule that infers a fact (a grade
range from a name, "in the city proper" from a name, a campus's grade from its institution's) is used
only while it agrees with at least RULE_MIN_AGREEMENT of at least RULE_MIN_SUPPORT examples where the
same fact is stated by a source independent of the rule (a list cell, a 2020 row's level, county or
address, a reviewed address). The build computes this on every run and writes it to the
`inference_rules` table and the build report; benchmarks/bench_facts.py and bench_verdicts.py print it.
"""
from __future__ import annotations

from dataclasses import dataclass

RULE_MIN_SUPPORT = 10
RULE_MIN_AGREEMENT = 0.95
SHOWN_DISAGREEMENTS = 12  # disagreeing examples kept in the table, the rest only counted


@dataclass(frozen=True)
class RuleValidation:
    """One rule's agreement with stated facts, and whether it is therefore used."""

    rule_id: str  # 'city_proper_rules.tsv:2 city-named'
    fact: str  # the fact kind it infers
    conclusion: str  # what it concludes ('1', '二级及以上', "the parent's grade")
    applicable: int  # stated examples the rule applies to
    agree: int
    disagreements: tuple[str, ...]  # the first disagreeing examples: 'NAME (stated VALUE, SOURCE)'
    rationale: str

    @property
    def disagree(self) -> int:
        return self.applicable - self.agree

    @property
    def share(self) -> float:
        return self.agree / self.applicable if self.applicable else 0.0

    @property
    def enabled(self) -> bool:
        return self.applicable >= RULE_MIN_SUPPORT and self.agree >= RULE_MIN_AGREEMENT * self.applicable

    def describe(self) -> str:
        state = "采用" if self.enabled else "不采用"
        return (f"结论 {self.conclusion}；适用于 {self.applicable} 个来源载明的实例：{self.agree} 个相符，"
                f"{self.disagree} 个不符（{self.share:.1%}）；{state}（须至少 {RULE_MIN_SUPPORT} 个实例且"
                f"相符率至少 {RULE_MIN_AGREEMENT:.0%}）")

    def row(self) -> dict:
        """The `inference_rules` table row."""
        return {"rule": self.rule_id, "fact": self.fact, "conclusion": self.conclusion,
                "applicable": self.applicable, "agree": self.agree, "disagree": self.disagree,
                "agreement": round(self.share, 4), "used": int(self.enabled), "rationale": self.rationale,
                "disagreements": "; ".join(self.disagreements) or None}


def validation(rule_id: str, fact: str, conclusion: str, rationale: str,
               outcomes: list[tuple[bool, str]]) -> RuleValidation:
    """Summarize (agrees?, example text) outcomes of one rule."""
    bad = tuple(text for ok, text in outcomes if not ok)
    return RuleValidation(rule_id, fact, conclusion, len(outcomes), len(outcomes) - len(bad),
                          bad[:SHOWN_DISAGREEMENTS], rationale)


def rule_lines(conn) -> list[str]:
    """The `inference_rules` table of a built registry as printed lines (for the benchmarks and the report)."""
    if not conn.execute("select 1 from sqlite_master where type = 'table' and name = 'inference_rules'").fetchone():
        return ["inference_rules: not in this registry (built before rule validation)"]
    lines = [f"{'inference rule':<48} {'fact':<12} {'n':>5} {'agree':>6} {'disagree':>8} {'share':>7}  used"]
    for rule, fact, n, agree, disagree, share, used in conn.execute(
            "select rule, fact, applicable, agree, disagree, agreement, used from inference_rules order by fact, rule"):
        lines.append(f"{rule:<48} {fact:<12} {n:>5} {agree:>6} {disagree:>8} {100 * share:>6.1f}%  "
                     f"{'yes' if used else 'NO'}")
    lines.append(f"(a rule is used only with ≥ {RULE_MIN_SUPPORT} stated examples and ≥ {RULE_MIN_AGREEMENT:.0%} "
                 "agreement; disagreeing examples are in inference_rules.disagreements)")
    return lines
