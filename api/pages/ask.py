"""`/`: the agent's question (service with insurer; city, district or address; optional caller position)
and the answer — the same answer as GET /api/v1/nearest with the same parameters."""
from __future__ import annotations

import json
from collections import Counter

from flask import Blueprint, request

from api.errors import ApiError
from api.pages.common import insurers, page_error, render, services_for_form, titles
from api.pages.view import answer_view, plain_text
from api.routes.nearest import nearest_answer

bp = Blueprint("ask", __name__)
# The form's fields are /api/v1/nearest's parameters: the page passes the request on as it is.
FORM = ("service", "insurer", "city", "lat", "lon", "specialty", "sum_insured", "policy_start", "diagnosed_on",
        "limit")


@bp.get("/")
def ask():
    form = {k: (request.args.get(k) or "").strip() for k in FORM}
    answer = error = None
    status = 200
    if form["service"] or form["city"]:
        try:
            answer = answer_view(nearest_answer(), titles())
        except ApiError as exc:
            error = page_error(exc, {k: v for k, v in form.items() if v})
            status = exc.status
    points: list[dict] = []
    map_note = None
    if answer:
        points = [{"id": h.id, "name": h.name, "lat": h.lat, "lon": h.lon, "verdict": h.verdict,
                   "label": h.verdict_label, "n": i}
                  for i, h in enumerate(answer.hospitals, 1) if h.lat is not None and h.lon is not None]
        stacked = max(Counter((p["lat"], p["lon"]) for p in points).values(), default=0)
        if answer.origin_point:
            points.insert(0, {**answer.origin_point, "origin": True, "name": answer.origin or "来电者位置"})
        if stacked > 1:
            # Hospitals known only to their city or district share its centre: say so, never spread them.
            map_note = f"地图上有 {stacked} 家医院标在同一点：它们的具体位置未知，按所在城市或区县的中心点标出。"
    return render("ask.html", status=status, form=form, answer=answer, error=error, text=plain_text(answer) if answer else "",
                  points=json.dumps(points, ensure_ascii=False), map_note=map_note, services=services_for_form(), insurers=insurers())
