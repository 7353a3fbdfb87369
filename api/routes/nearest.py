"""The agent's questions: nearest eligible hospitals for a service in a city; is one hospital eligible."""
from __future__ import annotations

from flask import Blueprint, jsonify

from api import params, queries
from api.context import API, catalog, db, find_hospital, min_grade, resolve_service
from api.rules import evidence_for, hospital_brief, nearest, verdict

bp = Blueprint("nearest", __name__)


@bp.get(f"{API}/nearest")
def nearest_():
    cat = catalog()
    s = resolve_service()
    city_q = params.text("city", required=True, max_len=40)
    place = cat.resolve_city(city_q)
    limit = params.integer("limit", 10, 1, 100)
    req = min_grade()
    given = params.lat_lon()
    if given:
        origin, source = given, "caller"
    else:
        origin, source = None, None
        for code in (place.get("district_adcode"), place["city_adcode"]):
            r = cat.regions.get(code or "")
            if r and r["lat"] is not None and r["lon"] is not None:
                origin, source = (r["lat"], r["lon"]), f"centre of {r['name']} ({code})"
                break
    body = nearest(db(), cat, s, place, origin, source or "none", limit, req)
    head = {"service": s.full(), "city": {**(cat.region_brief(place["city_adcode"]) or {}),
                                          "query": city_q, "how": place["reason"],
                                          "district": cat.region_brief(place.get("district_adcode"))},
            "limit": limit, "min_grade": req[2] if req else None}
    return jsonify({"query": head, **body})


@bp.get(f"{API}/eligibility")
def eligibility():
    cat = catalog()
    s = resolve_service()
    city_q = params.text("city", max_len=40)
    city_adcode = cat.resolve_city(city_q)["city_adcode"] if city_q else None
    h, matched = find_hospital(params.text("hospital", required=True), city_adcode)
    conn = db()
    listed = queries.is_listed(conn, s.id, h["id"])
    v = verdict(cat, s, h, listed, min_grade())
    ev = evidence_for(conn, s, [(h, v)])[0] if v.eligible else []
    notes = []
    if not v.eligible and s.kind != "city_coverage":
        related = queries.listed_related_sites(conn, s.id, h)
        if related:
            notes.append(f"related site(s) listed for this service: {'、'.join(related)}")
    answer = {"listed": True, "covered": True, "unverified": None, "not_eligible": False}[v.status]
    return jsonify({"hospital": hospital_brief(h), "matched": matched, "service": s.full(),
                    "eligible": answer, "eligibility_status": v.status, "reasons": v.reasons,
                    "notes": notes, "evidence": ev})
