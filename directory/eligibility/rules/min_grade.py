"""Minimum grade (二级及以上 …): from the service's terms, or asked for by the caller (min_grade=)."""
from __future__ import annotations

from directory.eligibility.grade_order import GradeRequirement, meets, parse_min_grade
from directory.eligibility.rules.base import Rule, RuleResult, Subject, with_class


class MinimumGrade(Rule):
    key = "min_grade"
    title = "医院等级"

    def __init__(self, service, need: GradeRequirement) -> None:
        super().__init__(service)
        self.need = need

    @classmethod
    def for_service(cls, service):
        return cls(service, parse_min_grade(service.min_grade)) if service.min_grade else None

    def who(self) -> str:
        return f"{self.service.name}要求"

    def check(self, subject: Subject, ctx) -> RuleResult:
        g = subject.hospital.fact("grade")
        label = self.need.label
        if not g.known:
            return self.result("unknown", [g], f"医院等级未知，{self.who()}{label}及以上")
        ok = meets(g.value, self.need)
        if ok is None and str(g.value).endswith("以上"):
            return self.result("unknown", [g], f"等级只知道是{g.value}，{self.who()}{label}及以上")
        if ok is None:
            return self.result("unknown", [g], f"等级{g.value}未注明甲、乙、丙等，{self.who()}{label}及以上")
        if ok:
            return self.result("pass", [g], f"{g.value}{with_class(g)}，达到{label}及以上")
        return self.result("fail", [g], f"{g.value}{with_class(g)}，低于{self.who()}的{label}")


class RequestedGrade(MinimumGrade):
    """A minimum grade the caller asked for (not part of the service's terms)."""

    key = "requested_grade"
    title = "要求的医院等级"

    @classmethod
    def for_service(cls, service):
        return None

    def who(self) -> str:
        return "查询要求"
