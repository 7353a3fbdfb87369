"""Finding what a caller names: a service (id, name or alias, narrowed by insurer) and a place (a city,
district or county in any printed form, an adcode, or an address such as 北京市海淀区中关村大街1号).
Failures raise LookupFailed with a code, a Chinese message an agent can read out (naming what was asked
for) and candidates; the API turns it into a 400, the CLI into a message."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from directory.eligibility.places import Regions
from directory.eligibility.services import Service

_SPACE = re.compile(r"\s+")


class LookupFailed(ValueError):
    def __init__(self, code: str, message: str, candidates: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.candidates = candidates or []


def _place_said(c: dict[str, Any]) -> str:
    """A candidate place with what it lies in, as read out: 吉林省长春市朝阳区; 北京市朝阳区 (a municipality's
    city level carries the province's name: said once)."""
    parts: list[str] = []
    for part in [*(c.get("in") or "").split(), c["name"]]:
        if not parts or parts[-1] != part:
            parts.append(part)
    return "".join(parts)


def _places(cands: list[dict[str, Any]], most: int = 5) -> str:
    """Candidate places as an agent reads them out: 北京市朝阳区、吉林省长春市朝阳区 …"""
    return "、".join(_place_said(c) for c in cands[:most]) + ("等" if len(cands) > most else "")


def _insurer_ok(service: Service, insurer: str | None) -> bool:
    if not insurer:
        return True
    a, b = insurer.lower(), service.insurer.lower()
    return bool(b) and (a in b or b in a)


def find_service(services: dict[str, Service], query: str, insurer: str | None = None) -> Service:
    """The one service a caller means, or LookupFailed (unknown_service, ambiguous_service, unknown_insurer,
    insurer_mismatch) with candidates."""
    q = _SPACE.sub(" ", query.strip())
    ql = q.lower()
    if q in services:
        s = services[q]
        if not _insurer_ok(s, insurer):
            raise LookupFailed("insurer_mismatch", f"服务 {q}（{s.name}）属于{s.insurer or '未注明的保险公司'}，"
                               f"不属于“{insurer}”", [s.brief()])
        return s
    pool = [s for s in services.values() if _insurer_ok(s, insurer)]
    if insurer and not pool:
        known = sorted({s.insurer for s in services.values() if s.insurer})
        raise LookupFailed("unknown_insurer", f"没有与“{insurer}”相符的保险公司；可选：{'、'.join(known)}",
                           [{"insurer": i} for i in known])
    compact = ql.replace(" ", "")
    tiers = [
        lambda s: s.name.lower() == ql or s.name.lower().replace(" ", "") == compact
        or compact in {a.lower().replace(" ", "") for a in s.aliases},
        lambda s: compact in s.name.lower().replace(" ", ""),
        lambda s: any(compact in a.lower().replace(" ", "") for a in s.aliases),
    ]
    for test in tiers:
        hits = [s for s in pool if test(s)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            insurers = sorted({s.insurer for s in hits})
            hint = "请指明保险公司，或使用服务 id" if len(insurers) > 1 else "请使用服务 id"
            raise LookupFailed("ambiguous_service",
                               f"“{q}”对应 {len(hits)} 项服务（{'、'.join(i or '未注明保险公司' for i in insurers)}）；{hint}",
                               [s.brief() for s in hits])
    choices = {}
    for s in pool or services.values():
        for label in [s.name, s.id, *s.aliases]:
            choices[(s.id, label)] = label.lower()
    close = process.extract(ql, choices, scorer=fuzz.WRatio, limit=15)
    cands, seen = [], set()
    for _label, score, key in close:
        if key[0] not in seen and score >= 40:
            seen.add(key[0])
            cands.append({**services[key[0]].brief(), "score": round(score, 1)})
    scope = f"与“{insurer}”相符的保险公司没有" if insurer else "没有"
    example = min(services, default="")
    like = f"；服务 id 形如 {example}，也可以写服务名称或别名" if example else ""
    raise LookupFailed("unknown_service", f"{scope}名为“{q}”的服务{like}", cands[:5])


@dataclass(frozen=True)
class QueriedPlace:
    """Where the caller is, as far as the query says. `scope` is the unit an answer is for: the county or
    county-level city when one was named (昆山市 is answered for itself), else the city (a 市辖区 such as
    海淀区 is part of its city proper, so 北京市 is answered, from 海淀区)."""

    query: str
    province_adcode: str | None
    city_adcode: str
    district_adcode: str | None
    scope: str
    how: str
    from_address: bool = False

    @property
    def county_level(self) -> bool:
        return self.scope != self.city_adcode


def find_place(regions: Regions, query: str) -> QueriedPlace:
    """A city, district, county, adcode or address → QueriedPlace, or LookupFailed (unknown_city,
    ambiguous_city, city_required) with candidates."""
    from geodata.places import place_from_name, resolve_city_query

    m = resolve_city_query(query)
    from_address = False
    if not m.city_adcode and not m.candidates and m.status == "unknown":
        # Not a place name: read the place an address or longer text starts with (北京市海淀区中关村大街1号).
        a = place_from_name(_SPACE.sub("", query))
        if a.status in ("exact", "alias") and a.city_adcode:
            m, from_address = a, True
    if not (m.city_adcode or m.province_adcode or m.candidates):
        # Not a place in China: a city, US state or country abroad (伦敦, London, 佛罗里达州, 日本, 首尔).
        r = regions.abroad(query)
        if r:
            country = r["country"]
            how = f"{query} = {r['name']} / {r['name_en']}（{regions.name_of(country) or country}，境外地点）"
            return QueriedPlace(query, country, r["adcode"], None, r["adcode"], how)
    if (m.candidates and not m.city_adcode) or m.status == "conflict":
        cands = [c for c in (regions.brief(a) for a in m.candidates) if c]
        where = f"可能指 {len(cands)} 个地方（{_places(cands)}）" if cands else "无法确定是哪里"
        raise LookupFailed("ambiguous_city", f"地点“{query}”{where}，请写出所在的省市，或使用 6 位行政区划代码",
                           cands)
    if not m.city_adcode:
        if m.province_adcode:
            cities = [regions.brief(a) for a, r in regions.rows.items()
                      if r["level"] == "city" and r["parent_adcode"] == m.province_adcode]
            raise LookupFailed("city_required",
                               f"“{query}”是省级地名（{regions.name_of(m.province_adcode)}），请写出其中的城市或区县",
                               [c for c in cities if c])
        names = {a: r["name"] for a, r in regions.rows.items() if r["level"] in ("city", "district")}
        close = process.extract(query, names, scorer=fuzz.WRatio, limit=5)
        raise LookupFailed("unknown_city", f"没有找到地点“{query}”：不是已知的城市、区县、行政区划代码、地址或境外地点",
                           [c for c in (regions.brief(a) for _n, sc, a in close if sc >= 50) if c])
    dist = m.district_adcode if regions.is_county_level(m.district_adcode) else None
    scope = dist if dist and regions.kind(dist) in ("county", "county_city") else m.city_adcode
    how = ("地址：" if from_address else "") + m.reason
    return QueriedPlace(query, m.province_adcode, m.city_adcode, dist, scope, how, from_address)
