"""Services: the catalog of services, and coverage of a place by a city_coverage service."""
from __future__ import annotations

from flask import Blueprint, jsonify

from api import params, queries
from api.context import API, catalog, db, resolve_service
from api.errors import bad_request
from directory.eligibility import place_coverage

bp = Blueprint("services", __name__)


@bp.get(f"{API}/services")
def services():
    listed = queries.listed_counts(db())
    out = []
    for s in catalog().services.values():
        item = s.full()
        if s.kind == "city_coverage":
            item["covered_areas"] = len(s.areas)
        else:
            item["listed_hospitals"] = listed.get(s.id, 0)
        out.append(item)
    return jsonify({"count": len(out), "results": out})


@bp.get(f"{API}/coverage")
def coverage():
    cat = catalog()
    s = resolve_service()
    place = cat.resolve_city(params.text("city", required=True, max_len=100))
    if s.kind != "city_coverage":
        raise bad_request("not_a_coverage_service", f"{s.id} is a {s.kind} service; use /api/v1/nearest",
                          [x.brief() for x in cat.services.values() if x.kind == "city_coverage"])
    return jsonify({"service": s.full(), "city": cat.region_brief(place.city_adcode),
                    **place_coverage(cat.eligibility, s, place)})
