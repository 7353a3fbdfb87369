"""Caller facts: what the caller tells the agent about their own policy — its sum insured, when it started,
when the illness was diagnosed — against what the service's catalog says it needs (a minimum sum insured,
a counted waiting period; sources/catalog.toml with the manual lines). An extra rule, added only for the
facts the caller gave: given, they decide; not given, the answer asks for them instead (api/answers.py)."""
from __future__ import annotations

from datetime import date
from typing import Any

from directory.eligibility.facts import Fact
from directory.eligibility.rules.base import Rule, RuleResult, Subject
from directory.request_checks import check_caller


class CallerFacts(Rule):
    key = "caller_facts"
    title = "客户条件（保额、等待期）"

    def __init__(self, service, conditions: list[dict[str, Any]], sum_insured: float | None = None,
                 policy_start: date | None = None, diagnosed_on: date | None = None) -> None:
        super().__init__(service)
        self.conditions = conditions
        self.sum_insured, self.policy_start, self.diagnosed_on = sum_insured, policy_start, diagnosed_on

    @classmethod
    def for_service(cls, service):
        return None  # never one of a service's own rules: the caller's facts come with the question

    def check(self, subject: Subject, ctx) -> RuleResult | None:
        given = {"sum_insured": self.sum_insured is not None,
                 "waiting_period": self.policy_start is not None or self.diagnosed_on is not None}
        checks = [c for c in check_caller(self.conditions, ctx.titles, self.sum_insured, self.policy_start,
                                          self.diagnosed_on).checks if given[c.fact]]
        if not checks:
            return None
        outcome = "fail" if any(c.outcome == "fail" for c in checks) else (
            "unknown" if any(c.outcome == "unknown" for c in checks) else "pass")
        decisive = [c for c in checks if c.outcome == outcome]
        facts = [Fact(c.fact, (self.sum_insured if c.fact == "sum_insured" else
                               self.diagnosed_on.isoformat() if self.diagnosed_on else None),
                      "stated" if c.outcome != "unknown" else None, "来电者所述", c.say) for c in decisive]
        evidence = [{"source_file": e["source_file"], "line": e["line"], "text": e["text"],
                     "manual_title": e["manual_title"]} for c in decisive for e in c.evidence]
        return self.result(outcome, facts, "；".join(c.say for c in decisive), evidence)
