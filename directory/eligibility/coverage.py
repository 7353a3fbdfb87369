"""What a city-coverage service means for the place a caller names: covered or not (or unknown when the
table is incomplete), which printed entries say so, and what the service's terms allow there."""
from __future__ import annotations

from typing import Any

from directory.eligibility.context import EligibilityContext
from directory.eligibility.find import QueriedPlace
from directory.eligibility.places import KIND_LABELS
from directory.eligibility.services import Service
from directory.manual_titles import cite_line


def terms_say(s: Service) -> str:
    """The service's rule as one Chinese phrase: 市辖区内任何二级及以上公立医院（能收治住院）均可使用."""
    where = "市辖区内" if s.city_proper_only else "市内"
    kind = f"{s.min_grade}及以上" if s.min_grade else ""
    kind += "公立" if s.public_only else ""
    if not kind and not s.inpatient:
        return f"{where}均可使用"
    return f"{where}任何{kind}医院{'（须能收治住院）' if s.inpatient else ''}均可使用"


def areas_in_city(ctx: EligibilityContext, s: Service, city: str) -> list[str]:
    """The service's covered units that are this city or lie in it."""
    return sorted(a for a in s.areas if a == city or ctx.regions.parent_of(a) == city)


def _line(evidence: list[dict[str, Any]], titles) -> str:
    return f"（{cite_line(evidence[0]['source_file'], evidence[0]['line'], titles)}）" if evidence else ""


def place_coverage(ctx: EligibilityContext, s: Service, place: QueriedPlace) -> dict[str, Any]:
    """Is the queried place covered: True, False, or None (unknown: the table is incomplete)."""
    regions = ctx.regions
    city, dist = place.city_adcode, place.district_adcode
    c_name, p_name = regions.name_of(city) or city, regions.name_of(place.scope) or place.scope
    areas = areas_in_city(ctx, s, city)
    evidence = [e for a in areas for e in s.coverage_evidence.get(a, [])]
    notes: list[str] = []
    partial = False
    if dist and dist in s.areas:
        covered: bool | None = True
        say = f"{regions.name_of(dist)}在{s.name}覆盖范围内{_line(s.coverage_evidence.get(dist, []), ctx.titles)}"
    elif city in s.areas:
        if place.county_level and s.city_proper_only:
            covered = False
            say = (f"{s.name}在{c_name}只覆盖市辖区；{p_name}是{KIND_LABELS[regions.kind(dist)]}，"
                   f"不在服务范围内{_line(s.coverage_evidence.get(city, []), ctx.titles)}")
        else:
            covered = True
            say = f"{c_name}在{s.name}覆盖城市中{_line(s.coverage_evidence.get(city, []), ctx.titles)}"
            if s.city_proper_only:
                say += "，只限市辖区（不含所辖县和县级市）"
    elif areas:
        names = "、".join(regions.name_of(a) or a for a in areas)
        covered, partial = (False, False) if place.county_level else (True, True)
        say = f"{s.name}在{c_name}只覆盖{names}{_line(evidence, ctx.titles)}"
    elif s.coverage_incomplete:
        covered = None
        say = (f"{p_name}不在已解析的{s.name}城市表中，但该表不完整，无法确定是否覆盖，请向保险公司核实")
    else:
        covered = False
        say = f"{p_name}不在{s.name}的覆盖城市中（{s.where_printed()}未列出）"
    if covered:
        say += f"：{terms_say(s)}"
    notes.extend(n.say() for n in s.incomplete)
    return {"city_covered": covered, "partial": partial, "place": regions.brief(place.scope),
            "areas": [regions.brief(a) for a in areas], "evidence": evidence, "rule": s.rule or None,
            "terms": terms_say(s), "say": say, "notes": notes,
            "source_notes": [n.as_dict() for n in s.incomplete]}
