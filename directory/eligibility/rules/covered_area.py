"""Covered area: a city-coverage service may be used in the cities (or county-level units) its table
prints; the hospital's city — or its district, where the table names single districts — must be one."""
from __future__ import annotations

from directory.eligibility.facts import Fact
from directory.eligibility.rules.base import Rule, RuleResult, Subject, with_class
from directory.manual_titles import cite_line


def _printed(evidence: list[dict], titles) -> str:
    if not evidence:
        return ""
    e = evidence[0]
    return f"（{cite_line(e['source_file'], e['line'], titles)}：“{e.get('raw_city')}”）"


class CoveredArea(Rule):
    key = "covered_area"
    title = "服务区域"

    @classmethod
    def for_service(cls, service):
        return cls(service) if service.kind == "city_coverage" else None

    def check(self, subject: Subject, ctx) -> RuleResult:
        s, h, regions = self.service, subject.hospital, ctx.regions
        city, dist = h.fact("city"), h.fact("district")
        if not h.mainland:
            return self.result("fail", [Fact("city", None, "stated", "名单所列国家/地区", h.row.get("country"))],
                               f"不是中国大陆的医院，{s.name}只在覆盖城市提供")
        if not city.known:
            return self.result("unknown", [city], "不知道医院在哪个城市")
        c = city.value
        city_name = regions.name_of(c) or c
        if c in s.areas:
            ev = s.coverage_evidence.get(c, [])
            return self.result("pass", [city], f"{city_name}{with_class(city)}在{s.name}覆盖城市中{_printed(ev, ctx.titles)}",
                               ev, [c])
        if dist.known and dist.value in s.areas:
            ev = s.coverage_evidence.get(dist.value, [])
            d_name = regions.name_of(dist.value) or dist.value
            return self.result("pass", [city, dist], f"{d_name}{with_class(dist)}在{s.name}覆盖范围中{_printed(ev, ctx.titles)}",
                               ev, [dist.value])
        parts = sorted(a for a in s.areas if regions.parent_of(a) == c)
        if parts and not dist.known:
            names = "、".join(regions.name_of(a) or a for a in parts)
            return self.result("unknown", [city, dist],
                               f"{s.name}在{city_name}只覆盖{names}，不知道医院在哪个区县",
                               [e for a in parts for e in s.coverage_evidence.get(a, [])], parts)
        if s.coverage_incomplete:
            missing = Fact("coverage", None, None, "，".join(n.say() for n in s.incomplete))
            return self.result("unknown", [city, missing],
                               f"{city_name}不在已解析的{s.name}城市表中，但该表不完整，无法确定是否覆盖")
        where = regions.name_of(dist.value) if dist.known and parts else city_name
        used = [city, dist] if dist.known and parts else [city]
        return self.result("fail", used, f"{where}{with_class(used[-1])}不在{s.name}的覆盖城市中"
                           f"（{s.where_printed()}未列出）")
