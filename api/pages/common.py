"""What every agent page needs: the manuals' titles, the services and insurers for the form, where
Datasette and the map tiles are, and an error from the API worded in Chinese with its candidates."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from flask import current_app, render_template

from api.context import catalog
from api.errors import ApiError
from api.pages import assets
from api.pages.view import error_text, grade_text, service_label

_PARAM = re.compile(r"参数 ([A-Za-z_]+)")  # api/params.py names a parameter so: 参数 city 必填
_PARAM_WORDS = {"service": "服务", "city": "城市、区县或地址", "insurer": "保险公司", "q": "医院名称或拼音",
                "lat": "纬度", "lon": "经度", "hospital": "医院"}
_CODE_PARAM = {"unknown_service": "service", "ambiguous_service": "service", "insurer_mismatch": "insurer",
               "unknown_insurer": "insurer", "unknown_city": "city", "ambiguous_city": "city",
               "city_required": "city", "unknown_hospital": "q", "ambiguous_hospital": "q"}


def titles() -> dict[str, str]:
    """Source file → the manual's title, for the stored provenance strings a page shows (directory.manual_titles)."""
    return catalog().titles


def services_for_form() -> list[dict[str, Any]]:
    """Services grouped as the form offers them: name, insurer, id, kind, aliases."""
    return [{"id": s.id, "name": s.name, "insurer": s.insurer, "kind": s.kind, "aliases": s.aliases,
             "label": service_label({"name": s.name, "insurer": s.insurer})}
            for s in sorted(catalog().services.values(), key=lambda s: (s.insurer, s.id))]


def insurers() -> list[str]:
    return list(catalog().insurers)


def page_error(exc: ApiError, form: dict[str, str]) -> dict[str, Any]:
    """An API error as the page shows it: a Chinese sentence and candidates as links that ask again."""
    m = _PARAM.search(exc.message)
    param = m.group(1) if m else _CODE_PARAM.get(exc.code, "")
    text = error_text(exc.code, form.get(param) or "", _PARAM_WORDS.get(param, param), exc.message)
    links = []
    for c in exc.candidates:
        if "adcode" in c:  # a place
            label = c.get("name", "") + (f"（{c['in']}）" if c.get("in") else "")
            links.append({"label": label, "href": "/?" + urlencode({**form, "city": c["adcode"]})})
        elif "kind" in c and "id" in c:  # a service
            links.append({"label": service_label(c), "href": "/?" + urlencode({**form, "service": c["id"],
                                                                              "insurer": ""})})
        elif "id" in c and "name" in c:  # a hospital
            where = " · ".join(x for x in (c.get("city"), c.get("province")) if x)
            links.append({"label": c["name"] + (f"（{where}）" if where else ""), "href": f"/hospital/{c['id']}"})
        elif "insurer" in c:
            links.append({"label": c["insurer"], "href": "/?" + urlencode({**form, "insurer": c["insurer"]})})
    return {"code": exc.code, "text": text, "candidates": links, "detail": exc.message}


def render(template: str, status: int = 200, **context: Any):
    cfg = current_app.config
    return render_template(template, datasette_url=cfg.get("DATASETTE_URL"), tile_url=cfg.get("TILE_URL"),
                           tile_attribution=cfg.get("TILE_ATTRIBUTION"),
                           leaflet=assets.leaflet_version(), grade_text=grade_text, **context), status
