"""City proper only (仅覆盖市区范围): the hospital must be in a 市辖区 of its city, not in a county or a
county-level city — unless the coverage table names that county-level unit itself.

Three kinds of evidence can decide: the hospital's district (its type: …区 or …县/…市/…旗); the facts
stage's `city_proper` fact (known even where the district is not, e.g. from an exact point inside the
city's 区 polygons); and the city itself when all its county-level units are 市辖区 (北京, 上海, 广州 …) or
it has none (东莞). A stated fact beats an inferred one; between facts of equal weight, one that places the
hospital outside the city proper decides.
"""
from __future__ import annotations

from directory.eligibility.facts import Fact
from directory.eligibility.places import KIND_LABELS
from directory.eligibility.rules.base import Rule, RuleResult, Subject, with_class


class CityProperOnly(Rule):
    key = "city_proper"
    title = "仅限市辖区"

    @classmethod
    def for_service(cls, service):
        return cls(service) if service.city_proper_only else None

    def _readings(self, subject: Subject, ctx) -> list[tuple[bool, Fact, str]]:
        """(in the city proper?, the fact, the clause) for every piece of evidence that decides."""
        s, h, regions = self.service, subject.hospital, ctx.regions
        city, dist, proper = h.fact("city"), h.fact("district"), h.fact("city_proper")
        city_name = regions.name_of(city.value) or "所在城市"
        out: list[tuple[bool, Fact, str]] = []
        if dist.known:
            d_name = regions.name_of(dist.value) or dist.value
            kind = regions.kind(dist.value)
            if kind == "district":
                out.append((True, dist, f"位于{d_name}{with_class(dist)}（市辖区）"))
            elif kind is not None:
                out.append((False, dist, f"位于{d_name}{with_class(dist)}（{KIND_LABELS[kind]}），{s.name}只覆盖"
                            "市辖区，不含县和县级市"))
        if proper.known:
            where = "位于" + city_name + ("的市辖区内" if proper.value else "的县或县级市，不在市辖区")
            out.append((bool(proper.value), proper, f"{where}{with_class(proper)}"
                        + ("" if proper.value else f"，{s.name}只覆盖市辖区")))
        if city.known and not regions.has_subdivisions(city.value):
            out.append((True, city, f"{city_name}{with_class(city)}不设区县，全市都是市区"))
        elif city.known and regions.all_city_proper(city.value):
            out.append((True, city, f"位于{city_name}{with_class(city)}，其所辖区县都是市辖区"))
        return out

    def check(self, subject: Subject, ctx) -> RuleResult:
        s, h, regions = self.service, subject.hospital, ctx.regions
        dist = h.fact("district")
        if dist.known and dist.value in s.areas:
            d_name = regions.name_of(dist.value) or dist.value
            return self.result("pass", [dist], f"{d_name}{with_class(dist)}由覆盖表单独列出",
                               s.coverage_evidence.get(dist.value, []), [dist.value])
        readings = self._readings(subject, ctx)
        if not readings:
            city_name = regions.name_of(h.city_adcode) or "所在城市"
            return self.result("unknown", [dist], f"不知道医院在{city_name}的哪个区县，{s.name}只覆盖市辖区，"
                               "不含县和县级市")
        strongest = [r for r in readings if r[1].klass == "stated"] or readings
        inside, fact, say = min(strongest, key=lambda r: r[0])  # a reading outside the city proper decides
        return self.result("pass" if inside else "fail", [fact], say)
