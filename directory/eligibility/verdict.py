"""Combine a service's rule results on one hospital into a verdict an agent can read out.

fail on any rule → not_eligible (the failing facts' evidence); else unknown on any rule → unknown
(what to check); else every rule passes: eligible when every fact used is stated, likely when some are
only inferred (named in the answer).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from directory.eligibility.context import EligibilityContext
from directory.eligibility.facts import Fact, Hospital
from directory.eligibility.rules import Rule, RuleResult, Subject, rules_for
from directory.eligibility.services import Service
from directory.eligibility.vocabulary import VERDICT_LABELS, VerdictKind, fact_label


def _labels(facts: list[Fact]) -> list[str]:
    return list(dict.fromkeys(fact_label(f.name) for f in facts))


@dataclass(frozen=True)
class Verdict:
    service: Service
    hospital: Hospital
    verdict: VerdictKind
    results: tuple[RuleResult, ...]

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @cached_property
    def failing(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.outcome == "fail")

    @cached_property
    def open(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.outcome == "unknown")

    @cached_property
    def inferred(self) -> list[Fact]:
        """Inferred facts a passing verdict rests on (what makes it 'likely')."""
        return [f for r in self.results if r.outcome == "pass" for f in r.inferred]

    @cached_property
    def to_check(self) -> list[Fact]:
        """Facts that keep the verdict open: those without evidence, or — where a rule has evidence that does
        not say enough (a grade known only as 二级及以上 against a 三级 minimum) — the facts it has."""
        return [f for r in self.open for f in (r.missing or r.facts)]

    @cached_property
    def reasons(self) -> list[str]:
        """The clauses that decide the verdict, in Chinese."""
        if self.verdict == "not_eligible":
            return [r.say for r in self.failing]
        if self.verdict == "unknown":
            return [r.say for r in self.open]
        return [r.say for r in self.results]

    @cached_property
    def evidence(self) -> list[dict[str, Any]]:
        """Manual lines behind the verdict (listing rows / coverage entries), deduplicated, each with its
        manual's title (`manual_title`) beside `source_file` and `line`."""
        seen, out = set(), []
        for r in self.results:
            for e in r.evidence:
                key = (e.get("source_file"), e.get("line"), e.get("service_id"))
                if key not in seen:
                    seen.add(key)
                    out.append(self.service.cite(e))
        return out

    @property
    def areas(self) -> list[str]:
        return [a for r in self.results for a in r.areas]

    @cached_property
    def say(self) -> str:
        h, s = self.hospital.name, self.service.name
        if self.verdict == "eligible":
            return f"{h}可以使用{s}：{'；'.join(self.reasons)}。"
        if self.verdict == "likely":
            return (f"{h}很可能可以使用{s}：{'；'.join(self.reasons)}。其中{'、'.join(_labels(self.inferred))}"
                    "是推断的，没有来源直接载明，请向客户说明或核实。")
        if self.verdict == "not_eligible":
            return f"{h}不能使用{s}：{'；'.join(self.reasons)}。"
        check = "、".join(_labels(self.to_check)) or "相关条件"
        return f"暂时无法确定{h}能否使用{s}：{'；'.join(self.reasons)}。请核实{check}。"

    def as_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "verdict_label": self.label, "say": self.say, "reasons": self.reasons,
                "inferred": _labels(self.inferred), "to_check": _labels(self.to_check),
                "facts_used": [r.as_dict(self.service.titles) for r in self.results]}


def combine(results: list[RuleResult]) -> VerdictKind:
    if any(r.outcome == "fail" for r in results):
        return "not_eligible"
    if any(r.outcome == "unknown" for r in results):
        return "unknown"
    if any(r.inferred or r.missing for r in results):
        return "likely"
    return "eligible"


def decide(ctx: EligibilityContext, service: Service, subject: Subject, extra: list[Rule] | None = None) -> Verdict:
    """The verdict of the service's rules (plus `extra`, e.g. a grade the caller asked for) on one hospital."""
    cache = ctx.data.setdefault("rules_of_service", {})
    if service.id not in cache:
        cache[service.id] = rules_for(service)
    rules = cache[service.id] + list(extra or [])
    # A rule with nothing to say about this hospital (a row note that restricts nothing) returns None.
    results = tuple(r for rule in rules if (r := rule.check(subject, ctx)) is not None)
    return Verdict(service, subject.hospital, combine(list(results)), results)
