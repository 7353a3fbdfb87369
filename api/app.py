"""The hospnet JSON API (Flask), versioned under /api/v1; served by gunicorn worker processes (api/serve.py).

create_app wires the pieces: the live registry (api/registry.py: follows rebuilds, one build per
answer, read-only connections kept open per build), the endpoint families (api/routes/*.py, one
blueprint each), and JSON errors. Every response says which build answered it (X-Hospnet-Build);
every SQL statement uses bound parameters (api/queries.py); every error is
    {"error": {"code": ..., "message": ..., "candidates": [...]}}
with `message` in Chinese an agent can read out, Flask's own 404 / 405 / 500 included.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from api.context import API, end_request, live, warm_indexes
from api.errors import ApiError
from api.pages import PAGE_BLUEPRINTS
from api.registry import LiveRegistry, connect_ro
from api.routes import BLUEPRINTS

__all__ = ["create_app", "connect_ro"]
log = logging.getLogger("hospnet.api")

_INTERNAL = "服务器内部出错，这次查询没有结果；请稍后再试，一再出现请告知技术人员"
# What Werkzeug's own HTTP errors say, in Chinese (its descriptions are English); 404 and 405 say more below.
_HTTP_MESSAGES = {500: _INTERNAL, 400: "请求格式有误，无法读取", 401: "需要登录", 403: "没有权限访问", 408: "请求超时",
                  413: "请求内容过大", 414: "请求地址过长", 415: "不支持这种内容格式", 429: "请求过于频繁，请稍后再试",
                  431: "请求头过大", 501: "不支持这种请求方法", 503: "服务暂时不可用，请稍后再试"}


def _register_errors(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.body()), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 500: "internal_error"}.get(
            exc.code or 500, (exc.name or "error").lower().replace(" ", "_"))
        path = request.path if len(request.path) <= 100 else request.path[:100] + "…"
        message = _HTTP_MESSAGES.get(exc.code or 500, f"请求无法处理（状态码 {exc.code}）")
        allow = exc.get_headers() and dict(exc.get_headers()).get("Allow")
        if exc.code == 404:
            message = f"没有这个地址：{path}；接口列表见 {API}/"
        elif exc.code == 405:
            message = f"{path} 不接受 {request.method} 请求" + (f"，只接受 {allow.replace(', ', '、')}" if allow else "")
        resp = jsonify({"error": {"code": code, "message": message, "candidates": []}})
        resp.status_code = exc.code or 500
        if exc.code == 405 and allow:
            resp.headers["Allow"] = allow
        return resp

    @app.errorhandler(Exception)
    def _server_error(exc: Exception):
        log.exception("unhandled error")
        return jsonify({"error": {"code": "internal_error", "message": _INTERNAL, "candidates": []}}), 500


def _take_build() -> None:
    live()  # this request's build, taken before anything else


def _say_which_build(resp):
    resp.headers["X-Hospnet-Build"] = live().build_id
    return resp


def create_app(db_path: str, datasette_url: str | None = None, warm: bool = False) -> Flask:
    """The Flask app over the registry file at db_path (which must exist): the JSON API under /api/v1 and
    the agent pages (/, /hospital/<id>, /search, /api/v1/docs). `datasette_url` (or HOSPNET_DATASETTE_URL)
    is where the pages link for browsing the registry; HOSPNET_TILE_URL is the map's tile URL (none: a
    grey map whose markers still show), HOSPNET_TILE_ATTRIBUTION the credit the tiles' provider asks for.
    `warm` builds every service's index before the app answers and after each rebuild (`hospnet serve`)."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"registry not found: {path}")
    app = Flask(__name__)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.config["DB_PATH"] = str(path.resolve())
    app.config["DATASETTE_URL"] = datasette_url or os.environ.get("HOSPNET_DATASETTE_URL") or None
    app.config["TILE_URL"] = os.environ.get("HOSPNET_TILE_URL") or None
    app.config["TILE_ATTRIBUTION"] = os.environ.get("HOSPNET_TILE_ATTRIBUTION") or None
    registry = LiveRegistry(app.config["DB_PATH"], on_load=warm_indexes if warm else None)
    app.extensions["hospnet.registry"] = registry
    app.before_request(_take_build)
    app.after_request(_say_which_build)
    app.teardown_appcontext(end_request)
    _register_errors(app)
    for bp in (*BLUEPRINTS, *PAGE_BLUEPRINTS):
        app.register_blueprint(bp)
    return app
