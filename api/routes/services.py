"""Services: the catalog of services, and coverage of a place by a city_coverage service."""
from __future__ import annotations

from flask import Blueprint, jsonify

from api import params, queries
from api.context import API, catalog, db, resolve_service
from api.errors import bad_request, not_found
from directory.eligibility import place_coverage

bp = Blueprint("services", __name__)


@bp.get(f"{API}/services")
def services():
    return jsonify(services_list())


def services_list() -> dict:
    """Every service with its kind, rule and aliases (the agent page offers them)."""
    listed = queries.listed_counts(db())
    cat = catalog()
    out = []
    for s in cat.services.values():
        item = s.full()
        if s.kind == "city_coverage":
            item["covered_areas"] = len(s.areas)
        else:
            item["listed_hospitals"] = listed.get(s.id, 0)
        item["how_to_use"] = cat.how_to_use(s.id)["say"]
        out.append(item)
    return {"count": len(out), "results": out}


@bp.get(f"{API}/services/<service_id>")
def service(service_id: str):
    """One service with its whole catalog entry: every statement by aspect, with its manual line."""
    from directory.service_catalog import grouped

    cat = catalog()
    if len(service_id) > 100:
        raise not_found("unknown_service", f"没有 id 为“{service_id[:100]}…”的服务")
    sid = cat.merged.get(service_id, service_id)
    s = cat.services.get(sid)
    if s is None:
        close = [x.brief() for x in cat.services.values() if service_id in x.id or service_id in x.name]
        example = min(cat.services, default="")
        raise not_found("unknown_service", f"没有 id 为“{service_id}”的服务" +
                        (f"；服务 id 形如 {example}" if example else "") + ("；以下是相近的服务" if close else ""),
                        close[:10])
    conn = db()
    merged = [{"id": m, "name": n} for m, n in conn.execute(
        "select service_id, name from service_merges where merged_into = ?", (s.id,))] if cat.merged else []
    item = s.full()
    if s.kind == "city_coverage":
        item["covered_areas"] = len(s.areas)
    elif s.kind != "no_list":
        item["listed_hospitals"] = queries.listed_counts(conn).get(s.id, 0)
    conds = cat.conditions.get(s.id, [])
    return jsonify({**item, "how_to_use": cat.how_to_use(s.id), "conditions": grouped(conds, cat.titles),
                    "condition_count": len(conds), "merged_services": merged,
                    "row_restrictions": [r for (sid2, _h), r in cat.restrictions.items() if sid2 == s.id]})


@bp.get(f"{API}/coverage")
def coverage():
    cat = catalog()
    s = resolve_service()
    place = cat.resolve_city(params.text("city", required=True, max_len=100))
    if s.kind != "city_coverage":
        raise bad_request("not_a_coverage_service", f"服务 {s.id}（{s.name}）不按城市覆盖，没有覆盖范围可查；"
                          "请用 /api/v1/nearest 查询可用的医院",
                          [x.brief() for x in cat.services.values() if x.kind == "city_coverage"])
    return jsonify({"service": s.full(), "city": cat.region_brief(place.city_adcode),
                    **place_coverage(cat.eligibility, s, place)})
