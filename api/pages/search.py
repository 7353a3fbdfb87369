"""`/search?q=`: hospitals by any name, alias, full pinyin or initials (GET /api/v1/hospitals?q=)."""
from __future__ import annotations

from flask import Blueprint, request

from api.errors import ApiError
from api.pages.common import page_error, render
from api.pages.view import place_text
from api.routes.hospitals import hospitals_page

bp = Blueprint("search", __name__)


@bp.get("/search")
def search():
    q = (request.args.get("q") or "").strip()
    page = error = None
    status = 200
    results = []
    if q:
        try:
            page = hospitals_page()
            results = [{**r, "place": place_text(r)} for r in page["results"]]
        except ApiError as exc:
            error = page_error(exc, {"q": q})
            status = exc.status
    return render("search.html", status=status, q=q, page=page, results=results, error=error)
