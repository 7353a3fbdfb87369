"""Public only (公立医院): the hospital's ownership must be public."""
from __future__ import annotations

from directory.eligibility.rules.base import Rule, RuleResult, Subject, with_class

OWNERSHIP_LABELS = {"public": "公立医院", "private": "民营医院"}


class PublicOnly(Rule):
    key = "public_only"
    title = "仅限公立医院"

    @classmethod
    def for_service(cls, service):
        return cls(service) if service.public_only else None

    def check(self, subject: Subject, ctx) -> RuleResult:
        s, o = self.service, subject.hospital.fact("ownership")
        if not o.known or o.value not in OWNERSHIP_LABELS:
            return self.result("unknown", [o], f"不知道是公立还是民营医院，{s.name}只限公立医院")
        if o.value == "public":
            return self.result("pass", [o], f"公立医院{with_class(o)}")
        return self.result("fail", [o], f"民营医院{with_class(o)}，{s.name}只限公立医院")
