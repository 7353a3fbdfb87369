"""Hospitals: search by name/pinyin/place/grade/service, one hospital with everything known, and
name resolution (a name as people say it → the canonical hospital)."""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, jsonify

from api import params, queries
from api.catalog import Catalog, parse_min_grade
from api.context import API, catalog, db, live, service_index
from api.errors import bad_request, not_found
from directory.eligibility import VERDICTS, decide, hospital_brief, subject, verdict_answer
from directory.manual_titles import with_title
from directory.teams import team_evidence

bp = Blueprint("hospitals", __name__)
_ADCODE = re.compile(r"^\d{6}$")


def _province_adcode(cat: Catalog, province: str) -> str:
    if _ADCODE.match(province):
        return province
    provs = [r for r in cat.regions.values() if r["level"] == "province" and r["name"].startswith(province)]
    if len(provs) != 1:
        said = "、".join(r["name"] for r in provs)
        raise bad_request("unknown_province" if not provs else "ambiguous_province",
                          f"参数 province：没有名为“{province}”的省份，请写省名（如 广东）或 6 位行政区划代码" if not provs
                          else f"参数 province：“{province}”可能指 {len(provs)} 个省份（{said}），请写全名",
                          [cat.region_brief(r["adcode"]) for r in provs] or
                          [cat.region_brief(a) for a, r in cat.regions.items() if r["level"] == "province"])
    return provs[0]["adcode"]


@bp.get(f"{API}/resolve")
def resolve():
    cat = catalog()
    name = params.text("name", required=True, max_len=100)
    city_q = params.text("city", max_len=40)
    city_adcode = cat.resolve_city(city_q).city_adcode if city_q else None
    limit = params.integer("limit", 5, 1, 20)
    res = live().resolve_name(name, city_adcode=city_adcode, limit=limit)
    return jsonify({"query": name, "city_adcode": city_adcode, "status": res["status"], "message": res["message"],
                    "best": res.get("best"), "ambiguous_count": res["ambiguous_count"],
                    "candidates": res.get("candidates", [])})


def _verdict_filter() -> set[str]:
    """`verdict=eligible,likely` (with `service`): which verdicts to keep; default all but not_eligible."""
    text = params.text("verdict", max_len=60)
    if not text:
        return {"eligible", "likely", "unknown"}
    wanted = {v.strip() for v in text.split(",") if v.strip()}
    bad = wanted - set(VERDICTS) - {"not_eligible"}
    if bad or "not_eligible" in wanted:
        raise bad_request("invalid_parameter", f"参数 verdict 须为 eligible、likely、unknown 中的一个或几个"
                          f"（用英文逗号分隔），收到“{text}”")
    return wanted


@bp.get(f"{API}/hospitals")
def hospitals():
    return jsonify(hospitals_page())


def hospitals_page() -> dict:
    """The /hospitals page of results for the request's parameters (the agent page's search shows it)."""
    cat = catalog()
    conn = db()
    q = params.text("q", max_len=60)
    page = params.integer("page", 1, 1, 10_000)
    per_page = params.integer("per_page", 20, 1, 100)
    clauses: list[str] = []
    args: list[Any] = []
    province = params.text("province", max_len=40)
    if province:
        clauses.append("province_adcode = ?")
        args.append(_province_adcode(cat, province))
    city_q = params.text("city", max_len=40)
    city_adcode = None
    if city_q:
        city_adcode = cat.resolve_city(city_q).city_adcode
        clauses.append("(city_adcode = ? or province_adcode = ?)")  # a country abroad holds its hospitals
        args.extend([city_adcode, city_adcode])
    grade = params.text("grade", max_len=20)
    if grade:
        if grade in ("unknown", "未知"):
            clauses.append("(grade is null or grade = '')")
        else:
            need = parse_min_grade(grade, "grade")
            clauses.append("grade = ?" if need.klass else "grade like ?")
            args.append(need.label if need.klass else need.label + "%")
    verdicts = _verdict_filter()
    verdict_of: dict[str, dict[str, Any]] | None = None
    service = params.text("service")
    if service:
        idx = service_index(cat.resolve_service(service, params.text("insurer")))
        verdict_of = {hid: idx.items[i] for hid, i in idx.ids.items() if idx.items[i].verdict in verdicts}
    elif params.text("verdict"):
        raise bad_request("invalid_parameter", "参数 verdict 须与参数 service 一起使用：按哪项服务的结论筛选")
    rows = queries.hospitals_matching(conn, clauses, args)
    if verdict_of is not None:
        rows = [r for r in rows if r["id"] in verdict_of]
    scores: dict[str, int] = {}
    if q:
        scores = cat.search_names(q)
        if not q.isascii():
            # Short names, typos and renames (华西, 浙大二院, 北京协合医院): what /resolve would answer.
            res = live().resolve_name(q, city_adcode=city_adcode, limit=10)
            hits = res["candidates"][: res["ambiguous_count"]] if res["status"] == "ambiguous" else \
                [res["best"]] if res["best"] else []
            for c in hits:
                scores[c["id"]] = max(scores.get(c["id"], 0), 95 if res["status"] == "matched" else 75)
        rows = [r for r in rows if r["id"] in scores]
        rows.sort(key=lambda r: (-scores[r["id"]], -(r["listing_count"] or 0), r["name"]))
    total = len(rows)
    results = []
    for r in rows[(page - 1) * per_page: page * per_page]:
        item = hospital_brief(r)
        item["listing_count"] = r["listing_count"]
        if q:
            item["match_score"] = scores[r["id"]]
        if verdict_of is not None:
            v = verdict_of[r["id"]].answer
            item.update({"verdict": v["verdict"], "verdict_label": v["verdict_label"], "say": v["say"]})
        results.append(item)
    return {"query": {"q": q, "province": province, "city": city_q, "grade": grade, "service": service},
            "page": page, "per_page": per_page, "total": total,
            "pages": (total + per_page - 1) // per_page, "results": results}


@bp.get(f"{API}/hospitals/<hospital_id>")
def hospital(hospital_id: str):
    return jsonify(hospital_detail(hospital_id))


def hospital_detail(hospital_id: str) -> dict:
    """Everything known about one hospital (the agent page's hospital page shows it)."""
    hid = hospital_id
    cat = catalog()
    conn = db()
    if len(hid) > 64:
        raise not_found("unknown_hospital", f"没有 id 为“{hid[:64]}…”的医院")
    h = queries.hospital(conn, hid)
    if h is None:
        scores = cat.search_names(hid)
        best = sorted(scores, key=lambda i: -scores[i])[:5]
        raise not_found("unknown_hospital", f"没有 id 为“{hid}”的医院" + ("；以下是名称相近的医院" if best else ""),
                        [{"id": i, "name": n} for i in best if (n := queries.hospital_name(conn, i))])
    listings = queries.listings_of(conn, hid)
    svc = []
    for s in cat.services.values():
        sub = subject(conn, s, hid)
        if sub is None:
            continue
        v = decide(cat.eligibility, s, sub)
        # Services that do not concern this hospital at all (not on the list, not in a covered area) are left out.
        if any(r.outcome == "fail" and r.rule in ("listed", "covered_area") for r in v.results):
            continue
        svc.append({**s.brief(), **verdict_answer(v)})
    parent = queries.hospital(conn, h["parent_id"]) if h.get("parent_id") else None
    body = {**hospital_brief(h), "adcode": h.get("adcode"), "city_adcode": h.get("city_adcode"),
            "province_adcode": h.get("province_adcode"), "grade_source": h.get("grade_source"),
            "geo_source": h.get("geo_source"), "place_source": h.get("place_source"),
            "campus": h.get("campus"), "overseas_city": h.get("overseas_city"),
            "listing_count": h.get("listing_count"),
            "aliases": [{"alias": a, "sources": src} for a, src in queries.aliases_of(conn, hid).items()],
            "parent": hospital_brief(parent) if parent else None,
            "campuses": [hospital_brief(c) for c in queries.campuses_of(conn, hid)],
            "services": svc, "facts": [_fact_shown(cat, f) for f in queries.chosen_facts(conn, hid)],
            "listings": [with_title(li, cat.titles) for li in listings],
            "teams": [with_title(team_evidence(t), cat.titles) for t in cat.teams.get(hid, [])]}
    return body


def _fact_shown(cat: Catalog, f: dict) -> dict:
    """A chosen fact with its value as people read it (a place's name for its adcode)."""
    shown = cat.name_of(f["value"]) if f["fact"] in ("city", "district") else None
    return {"fact": f["fact"], "value": f["value"], "shown": shown or f["value"], "class": f["class"],
            "source": f["source"], "evidence": f["evidence"], "conflicting": f["conflicting"]}
