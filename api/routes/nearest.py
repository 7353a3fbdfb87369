"""The agent's questions: nearest hospitals for a service around a place; may one hospital be used for a
service. HTTP glue only — the verdicts and the ordering come from directory.eligibility; how the service
is used, the caller's facts and the specialty filter from api/answers.py (logic in directory/)."""
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
from api.context import API, catalog, db, find_hospital, min_grade, resolve_service, service_index
from directory.eligibility import (
    CallerFacts,
    RequestedGrade,
    decide,
    hospital_brief,
    nearest,
    origin_for,
    subject,
    verdict_answer,
)

bp = Blueprint("nearest", __name__)


@bp.get(f"{API}/nearest")
def nearest_():
    return jsonify(nearest_answer())


def nearest_answer() -> dict:
    """The /nearest answer for the request's parameters (the agent page shows the same answer)."""
    cat = catalog()
    s = resolve_service()
    city_q = params.text("city", required=True, max_len=100)
    place = cat.resolve_city(city_q)
    limit = params.integer("limit", 10, 1, 100)
    need = min_grade()
    facts = caller_facts()
    only, specialty = specialty_filter(cat)
    origin = origin_for(cat.eligibility.regions, place, params.lat_lon())
    if s.kind == "no_list":
        body = no_list_answer(cat, s)
    else:
        body = nearest(cat.eligibility, service_index(s, need), place, origin, limit, only)
        if only is None:
            for item in body["results"]:
                item["evidence"] = team_grouped(cat, s, item["id"], item["evidence"])
    if specialty:
        body.setdefault("notes", []).append(specialty["note"])
    head = {"service": s.full(),
            "city": {**(cat.region_brief(place.city_adcode) or {}), "query": city_q, "how": place.how,
                     "district": cat.region_brief(place.district_adcode),
                     "answered_for": cat.region_brief(place.scope)},
            "limit": limit, "min_grade": need.label if need else None, "specialty": specialty, **facts["query"]}
    body.update(service_guide(cat, s))
    apply_caller(cat, s, facts, body)
    return {"query": head, **body}


@bp.get(f"{API}/eligibility")
def eligibility():
    cat = catalog()
    s = resolve_service()
    city_q = params.text("city", max_len=100)
    city_adcode = cat.resolve_city(city_q).city_adcode if city_q else None
    h, matched = find_hospital(params.text("hospital", required=True), city_adcode)
    need = min_grade()
    facts = caller_facts()
    conn = db()
    extra = [RequestedGrade(s, need)] if need else []
    if facts["query"]:  # the caller's own facts decide too (rule caller_facts), with the catalog's lines
        extra.append(CallerFacts(s, cat.conditions.get(s.id, []), facts["sum_insured"], facts["policy_start"],
                                 facts["diagnosed_on"]))
    v = decide(cat.eligibility, s, subject(conn, s, h["id"]), extra or None)
    notes = [n.say() for n in s.incomplete]
    if v.verdict == "not_eligible" and s.kind != "city_coverage":
        related = [n for n in queries.listed_related_sites(conn, s.id, h) if n != h["name"]]
        if related:
            notes.append(f"同一机构的其他院区在{s.name}名单中：{'、'.join(related)}")
    if s.kind == "no_list":
        notes.append(no_list_answer(cat, s)["message"])
    answer = verdict_answer(v)
    answer["evidence"] = team_grouped(cat, s, h["id"], answer["evidence"])
    body = {"hospital": hospital_brief(h), "matched": matched, "service": s.full(),
            "min_grade": need.label if need else None, **answer, "notes": notes, **service_guide(cat, s)}
    apply_caller(cat, s, facts, body, decided=True)
    return jsonify(body)
