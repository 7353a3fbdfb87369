"""City proper only (仅覆盖市区范围): the hospital must be in a 市辖区 of its city, not in a county or a
county-level city — unless the coverage table names that county-level unit itself. Where every county-level
unit of the city is a 市辖区 (北京, 上海, 广州, 深圳 …) or it has none (东莞), the city alone decides."""
from __future__ import annotations

from directory.eligibility.places import KIND_LABELS
from directory.eligibility.rules.base import Rule, RuleResult, Subject, with_class


class CityProperOnly(Rule):
    key = "city_proper"
    title = "仅限市辖区"

    @classmethod
    def for_service(cls, service):
        return cls(service) if service.city_proper_only else None

    def check(self, subject: Subject, ctx) -> RuleResult:
        s, h, regions = self.service, subject.hospital, ctx.regions
        city, dist = h.fact("city"), h.fact("district")
        city_name = regions.name_of(city.value) or "所在城市"
        if city.known and not regions.has_subdivisions(city.value):
            return self.result("pass", [city], f"{city_name}{with_class(city)}不设区县，全市都是市区")
        if city.known and not dist.known and regions.all_city_proper(city.value):
            return self.result("pass", [city], f"位于{city_name}{with_class(city)}，其所辖区县都是市辖区")
        if not dist.known:
            return self.result("unknown", [dist], f"不知道医院在{city_name}的哪个区县，{s.name}只覆盖市辖区，"
                               "不含县和县级市")
        d_name = regions.name_of(dist.value) or dist.value
        if dist.value in s.areas:
            return self.result("pass", [dist], f"{d_name}{with_class(dist)}由覆盖表单独列出",
                               s.coverage_evidence.get(dist.value, []), [dist.value])
        kind = regions.kind(dist.value)
        if kind == "district":
            return self.result("pass", [dist], f"位于{d_name}{with_class(dist)}（市辖区）")
        if kind is None:
            return self.result("unknown", [dist], f"不知道{d_name}是市辖区还是县，{s.name}只覆盖市辖区")
        return self.result("fail", [dist], f"位于{d_name}{with_class(dist)}（{KIND_LABELS[kind]}），"
                           f"{s.name}只覆盖市辖区，不含县和县级市")
