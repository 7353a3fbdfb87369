"""The agent's questions: nearest eligible hospitals for a service in a city; is one hospital eligible."""
from __future__ import annotations

from flask import Blueprint, jsonify

from api import params, queries
from api.answers import (
    apply_caller,
    caller_facts,
    no_list_answer,
    service_guide,
    specialty_filter,
    team_grouped,
)
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
    facts = caller_facts()
    only, specialty = specialty_filter(cat)
    if s.kind == "no_list":
        body = no_list_answer(cat, s)
    else:
        body = nearest(db(), cat, s, place, origin, source or "none", limit, req, only)
    if specialty:
        body.setdefault("notes", []).append(specialty["note"])
    head = {"service": s.full(), "city": {**(cat.region_brief(place["city_adcode"]) or {}),
                                          "query": city_q, "how": place["reason"],
                                          "district": cat.region_brief(place.get("district_adcode"))},
            "limit": limit, "min_grade": req[2] if req else None, "specialty": specialty, **facts["query"]}
    body.update(service_guide(cat, s))
    apply_caller(cat, s, facts, body)
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
    ev = team_grouped(cat, s, h["id"], evidence_for(conn, s, [(h, v)])[0]) if v.eligible else []
    facts = caller_facts()
    notes = []
    if not v.eligible and s.kind != "city_coverage":
        related = queries.listed_related_sites(conn, s.id, h)
        if related:
            notes.append(f"related site(s) listed for this service: {'、'.join(related)}")
    restricted = cat.restrictions.get((s.id, h["id"]))
    if restricted:
        ev = [{"service_id": s.id, "source_file": restricted["source_file"], "line": restricted["line"],
               "note": restricted["note"], "listing_id": restricted["listing_id"]}]
    if s.kind == "no_list":
        notes.append(no_list_answer(cat, s)["message"])
    answer = {"listed": True, "covered": True, "unverified": None, "not_eligible": False}[v.status]
    body = {"hospital": hospital_brief(h), "matched": matched, "service": s.full(),
            "eligible": answer, "eligibility_status": v.status, "reasons": v.reasons,
            "notes": notes, "evidence": ev, **service_guide(cat, s)}
    apply_caller(cat, s, facts, body)
    if body.get("eligibility_status") == "not_eligible":
        body["eligible"] = False
    return jsonify(body)
