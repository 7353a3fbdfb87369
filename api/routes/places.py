"""Places: cities as callers name them, with tier and hospital count."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from api import params, queries
from api.context import API, catalog, db
from api.errors import ApiError

bp = Blueprint("places", __name__)


@bp.get(f"{API}/cities")
def cities():
    cat = catalog()
    q = params.text("q", max_len=40)
    limit = params.integer("limit", 50, 1, 500)
    counts = queries.hospitals_per_city(db())
    all_cities = [r for r in cat.regions.values() if r["level"] == "city"]
    if q:
        hits: list[dict[str, Any]] = []
        try:
            place = cat.resolve_city(q)
            hits.append(cat.regions[place.city_adcode])
        except ApiError:
            pass
        hits += [r for r in all_cities if (q in r["name"] or r["adcode"] == q) and r not in hits]
    else:
        hits = sorted(all_cities, key=lambda r: r["adcode"])
    out = [{"adcode": r["adcode"], "name": r["name"], "province": cat.name_of(r["parent_adcode"]),
            "tier": r["tier"], "lat": r["lat"], "lon": r["lon"], "hospitals": counts.get(r["adcode"], 0)}
           for r in hits[:limit]]
    return jsonify({"query": q, "count": len(out), "total": len(hits), "results": out})
