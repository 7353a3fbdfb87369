"""Listed: a hospital-list service may be used at the hospitals its lists name (the list row is the evidence)."""
from __future__ import annotations

from directory.eligibility.facts import Fact
from directory.eligibility.rules.base import Rule, RuleResult, Subject
from directory.manual_titles import cite_line


class Listed(Rule):
    key = "listed"
    title = "服务名单"

    @classmethod
    def for_service(cls, service):
        return cls(service) if service.kind != "city_coverage" else None

    def check(self, subject: Subject, ctx) -> RuleResult:
        s = self.service
        if s.kind == "no_list":  # the manual describes the service without naming any hospital
            fact = Fact("listing", None, None, "手册未印医院名单", None)
            return self.result("unknown", [fact], f"{s.name}不按医院名单提供，手册没有印医院名单，请按其使用方式申请")
        if subject.listings:
            first = subject.listings[0]
            lines = "、".join(str(e["line"]) for e in subject.listings[:5] if e["source_file"] == first["source_file"])
            where = cite_line(first["source_file"], lines, ctx.titles)
            fact = Fact("listing", True, "stated", where, first.get("raw_name"), "在名单中")
            return self.result("pass", [fact], f"列在{s.name}名单中（{where}：“{first.get('raw_name')}”）",
                               subject.listings)
        if s.incomplete:
            fact = Fact("listing", None, None, s.where_printed(), None)
            return self.result("unknown", [fact], f"不在已解析的{s.name}名单中，但该名单不完整，无法确定")
        fact = Fact("listing", False, "stated", s.where_printed(), None, "不在名单中")
        return self.result("fail", [fact], f"不在{s.name}名单中（{s.where_printed()}）")
