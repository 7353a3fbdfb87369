"""Per-request access for the endpoint modules: the live registry, its catalog, a read-only connection,
and the parameter helpers every endpoint family shares (service, grade, hospital by id or name)."""
from __future__ import annotations

import sqlite3
from typing import Any

from flask import current_app, g

from api import params, queries
from api.catalog import Catalog, Service, parse_min_grade
from api.errors import bad_request, not_found
from api.registry import LiveRegistry, connect_ro

API = "/api/v1"


def live() -> LiveRegistry:
    return current_app.extensions["hospnet.registry"]


def catalog() -> Catalog:
    """The catalog of the registry loaded now (one request sees one catalog, even across a reload)."""
    if "catalog" not in g:
        g.catalog = live().catalog
    return g.catalog


def db() -> sqlite3.Connection:
    if "conn" not in g:
        g.conn = connect_ro(current_app.config["DB_PATH"])
    return g.conn


def close_db(_exc: BaseException | None = None) -> None:
    conn = g.pop("conn", None)
    if conn is not None:
        conn.close()


def resolve_service() -> Service:
    """The `service` parameter (with `insurer`) as one service, or a 400 with candidates."""
    return catalog().resolve_service(params.text("service", required=True), params.text("insurer"))


def min_grade() -> tuple[int, int, str] | None:
    text = params.text("min_grade", max_len=20)
    return parse_min_grade(text) if text else None


def candidate_brief(c: dict[str, Any]) -> dict[str, Any]:
    return {k: c.get(k) for k in ("id", "name", "province", "city", "score") if k in c}


def find_hospital(text: str, city_adcode: str | None = None) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A hospital by id, else by name as people say it (short names within `city_adcode`); (row, how it
    matched), or a 400 `ambiguous_hospital` / `unknown_hospital` with candidates and a Chinese message."""
    conn = db()
    h = queries.hospital(conn, text)
    if h:
        return h, None
    res = live().resolve_name(text, city_adcode=city_adcode, limit=5)
    if res.get("status") == "ambiguous":
        raise bad_request("ambiguous_hospital", res["message"],
                          [candidate_brief(c) for c in res["candidates"][: res["ambiguous_count"]]])
    best = res.get("best")
    if not best:
        raise bad_request("unknown_hospital", res.get("message") or f"no hospital id or name matches {text!r}",
                          [candidate_brief(c) for c in res.get("candidates", [])])
    h = queries.hospital(conn, best["id"])
    if h is None:
        raise not_found("unknown_hospital", f"hospital {best['id']} not found")
    return h, {"query": text, "score": best.get("score"), "method": best.get("method"),
               "reasons": best.get("reasons")}
