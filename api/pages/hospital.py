"""`/hospital/<id>`: one hospital as GET /api/v1/hospitals/<id> describes it — current name, other names
with their sources, parent and campuses, services with verdict and evidence, place facts with class."""
from __future__ import annotations

import json

from flask import Blueprint

from api.errors import ApiError
from api.pages.common import page_error, render, titles
from api.pages.view import (
    PRECISION_LABELS,
    cited_source,
    evidence_item,
    evidence_list,
    place_facts,
    place_text,
    service_label,
    titled,
    verdict_of,
)
from api.routes.hospitals import hospital_detail

bp = Blueprint("hospital", __name__)


@bp.get("/hospital/<hospital_id>")
def hospital(hospital_id: str):
    try:
        h = hospital_detail(hospital_id)
    except ApiError as exc:
        return render("hospital.html", status=exc.status, h=None, error=page_error(exc, {"q": hospital_id}))
    t = titles()
    names = [{"name": a["alias"], "sources": [cited_source(s, t, short=True) for s in a["sources"]]}
             for a in h.get("aliases") or [] if a["alias"] != h["name"]]
    services, not_by_hospital = [], []
    for s in h.get("services") or []:
        if s.get("kind") == "no_list":
            # A service the manual offers without any hospital list concerns no hospital in particular.
            not_by_hospital.append({"id": s["id"], "label": service_label(s)})
            continue
        kind, label = verdict_of(s)
        services.append({"id": s["id"], "label": service_label(s), "verdict": kind, "verdict_label": label,
                         "say": titled(s.get("say"), t), "reasons": [titled(r, t) for r in s.get("reasons") or []],
                         "evidence": evidence_list(s.get("evidence"), t)})
    point = [{"name": h["name"], "lat": h["lat"], "lon": h["lon"], "verdict": "", "n": ""}] \
        if h.get("lat") is not None and h.get("lon") is not None else []
    precision = h.get("geo_precision")
    map_note = None if precision == "exact" else (
        f"具体位置未知，按{PRECISION_LABELS.get(precision or '', '中心点')}标出。" if point else None)
    teams = [{"team": x["team"], "specialties": "、".join(x.get("specialties") or []),
              "evidence": evidence_item({**x, "raw_name": x.get("raw_name")}, t),
              "lines": "、".join(str(n) for n in x.get("lines") or [x.get("line")])}
             for x in h.get("teams") or []]
    return render("hospital.html", h=h, place=place_text(h), names=names, services=services, teams=teams,
                  not_by_hospital=not_by_hospital,
                  facts=place_facts(h, t), points=json.dumps(point, ensure_ascii=False), map_note=map_note,
                  error=None)
