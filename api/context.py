"""Per-request access for the endpoint modules: the build this request answers from (its catalog and
one of its read-only connections: never two builds in one answer), and the parameter helpers every
endpoint family shares (service, grade, hospital by id or name)."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from flask import current_app, g

from api import params, queries
from api.catalog import Catalog, Service, parse_min_grade
from api.errors import bad_request, not_found
from api.registry import LiveRegistry, LoadedBuild
from directory.eligibility import GradeRequirement, RequestedGrade, ServiceIndex

API = "/api/v1"


def registry() -> LiveRegistry:
    return current_app.extensions["hospnet.registry"]


def live() -> LoadedBuild:
    """The build this request answers from (taken once per request, even across a reload)."""
    if "build" not in g:
        g.build = registry().enter()
    return g.build


def catalog() -> Catalog:
    return live().catalog


def db() -> sqlite3.Connection:
    """A read-only connection on the same file as catalog()."""
    if "conn" not in g:
        g.conn = live().borrow()
    return g.conn


def end_request(_exc: BaseException | None = None) -> None:
    build = g.pop("build", None)
    if build is None:
        return
    conn = g.pop("conn", None)
    if conn is not None:
        build.give_back(conn)
    build.leave()


def resolve_service() -> Service:
    """The `service` parameter (with `insurer`) as one service, or a 400 with candidates."""
    return catalog().resolve_service(params.text("service", required=True), params.text("insurer"))


def min_grade() -> GradeRequirement | None:
    text = params.text("min_grade", max_len=20)
    return parse_min_grade(text) if text else None


def service_index(s: Service, need: GradeRequirement | None = None) -> ServiceIndex:
    """The service's nearest index (with a grade the caller asked for, its own), built once per registry."""
    return _service_index(catalog(), db, s, need)


def _service_index(cat: Catalog, conn: Callable[[], sqlite3.Connection], s: Service,
                   need: GradeRequirement | None = None) -> ServiceIndex:
    extra = [RequestedGrade(s, need)] if need else None
    key = (s.id, need.label) if need else s.id
    return cat.service_index(key, lambda: ServiceIndex.build(conn(), cat.eligibility, s, extra))


def warm_indexes(build: LoadedBuild) -> None:
    """Build every service's nearest index, how-to-use summary, list notes and caller questions of
    `build` now (about 1.7 s for the bundled registry), so no agent's first question after a start or
    a rebuild waits for them (up to 0.25 s each)."""
    build.enter()
    try:
        conn = build.borrow()
        try:
            from api.answers import caller_questions, service_guide

            for s in list(build.catalog.services.values()):
                _service_index(build.catalog, lambda: conn, s)
                service_guide(build.catalog, s)  # how to use it, the list's notes
                caller_questions(build.catalog, s)
        finally:
            build.give_back(conn)
    finally:
        build.leave()


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
        raise bad_request("unknown_hospital", res.get("message") or f"没有 id 或名称与“{text}”相符的医院",
                          [candidate_brief(c) for c in res.get("candidates", [])])
    h = queries.hospital(conn, best["id"])
    if h is None:
        raise not_found("unknown_hospital", f"登记册中没有 id 为“{best['id']}”的医院")
    return h, {"query": text, "score": best.get("score"), "method": best.get("method"),
               "reasons": best.get("reasons")}
