"""Hospitals: search by name/pinyin/place/grade/service, one hospital with everything known, and
name resolution (a name as people say it → the canonical hospital)."""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, jsonify

from api import params, queries
from api.catalog import Catalog, parse_min_grade
from api.context import API, catalog, db, live
from api.errors import bad_request, not_found
from api.rules import candidates, evidence_for, hospital_brief, verdict
from directory.teams import team_evidence

bp = Blueprint("hospitals", __name__)
_ADCODE = re.compile(r"^\d{6}$")


def _province_adcode(cat: Catalog, province: str) -> str:
    if _ADCODE.match(province):
        return province
    provs = [r for r in cat.regions.values() if r["level"] == "province" and r["name"].startswith(province)]
    if len(provs) != 1:
        raise bad_request("unknown_province" if not provs else "ambiguous_province",
                          f"no single province matches {province!r}",
                          [cat.region_brief(r["adcode"]) for r in provs] or
                          [cat.region_brief(a) for a, r in cat.regions.items() if r["level"] == "province"])
    return provs[0]["adcode"]


@bp.get(f"{API}/resolve")
def resolve():
    cat = catalog()
    name = params.text("name", required=True, max_len=100)
    city_q = params.text("city", max_len=40)
    city_adcode = cat.resolve_city(city_q)["city_adcode"] if city_q else None
    limit = params.integer("limit", 5, 1, 20)
    res = live().resolve_name(name, city_adcode=city_adcode, limit=limit)
    return jsonify({"query": name, "city_adcode": city_adcode, "status": res["status"], "message": res["message"],
                    "best": res.get("best"), "ambiguous_count": res["ambiguous_count"],
                    "candidates": res.get("candidates", [])})


@bp.get(f"{API}/hospitals")
def hospitals():
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
        city_adcode = cat.resolve_city(city_q)["city_adcode"]
        clauses.append("(city_adcode = ? or province_adcode = ?)")  # a country abroad holds its hospitals
        args.extend([city_adcode, city_adcode])
    grade = params.text("grade", max_len=20)
    if grade:
        if grade in ("unknown", "未知"):
            clauses.append("(grade is null or grade = '')")
        else:
            _level, klass, label = parse_min_grade(grade)
            clauses.append("grade = ?" if klass else "grade like ?")
            args.append(label if klass else label + "%")
    only: set[str] | None = None
    service = params.text("service")
    if service:
        s = cat.resolve_service(service, params.text("insurer"))
        only = {h["id"] for h, listed in candidates(conn, cat, s) if verdict(cat, s, h, listed).eligible}
    rows = queries.hospitals_matching(conn, clauses, args)
    if only is not None:
        rows = [r for r in rows if r["id"] in only]
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
        results.append(item)
    return jsonify({"query": {"q": q, "province": province, "city": city_q, "grade": grade, "service": service},
                    "page": page, "per_page": per_page, "total": total,
                    "pages": (total + per_page - 1) // per_page, "results": results})


@bp.get(f"{API}/hospitals/<hospital_id>")
def hospital(hospital_id: str):
    hid = hospital_id
    cat = catalog()
    conn = db()
    if len(hid) > 64:
        raise not_found("unknown_hospital", "no such hospital id")
    h = queries.hospital(conn, hid)
    if h is None:
        scores = cat.search_names(hid)
        best = sorted(scores, key=lambda i: -scores[i])[:5]
        raise not_found("unknown_hospital", f"no hospital with id {hid!r}",
                        [{"id": i, "name": n} for i in best if (n := queries.hospital_name(conn, i))])
    listings = queries.listings_of(conn, hid)
    svc = []
    for sid in queries.listed_services_of(conn, hid):
        s = cat.services.get(sid)
        if s is None:
            continue
        restricted = cat.restrictions.get((sid, hid))  # the row's own note rules this service out
        svc.append({**s.brief(), "eligibility_status": "not_eligible" if restricted else "listed",
                    **({"reasons": [restricted["say"]]} if restricted else {}),
                    "evidence": [{"source_file": e["source_file"], "line": e["line"], "raw_name": e["raw_name"],
                                  "row_note": e["row_note"]} for e in listings if e["table_id"] in s.tables]})
    for s in cat.services.values():
        if s.kind != "city_coverage":
            continue
        v = verdict(cat, s, h, False)
        if v.eligible:
            ev = evidence_for(conn, s, [(h, v)])[0]
            svc.append({**s.brief(), "eligibility_status": v.status, "reasons": v.reasons,
                        "evidence": [{"source_file": e["source_file"], "line": e["line"],
                                      "raw_city": e["raw_city"]} for e in ev]})
    parent = queries.hospital(conn, h["parent_id"]) if h.get("parent_id") else None
    body = {**hospital_brief(h), "adcode": h.get("adcode"), "city_adcode": h.get("city_adcode"),
            "province_adcode": h.get("province_adcode"), "grade_source": h.get("grade_source"),
            "geo_source": h.get("geo_source"), "place_source": h.get("place_source"),
            "campus": h.get("campus"), "overseas_city": h.get("overseas_city"),
            "listing_count": h.get("listing_count"),
            "aliases": [{"alias": a, "sources": src} for a, src in queries.aliases_of(conn, hid).items()],
            "parent": hospital_brief(parent) if parent else None,
            "campuses": [hospital_brief(c) for c in queries.campuses_of(conn, hid)],
            "services": svc, "listings": listings,
            "teams": [team_evidence(t) for t in cat.teams.get(hid, [])]}
    return jsonify(body)
