"""`/api/v1/docs`: the API's documentation for developers, rendered on the server from the same OpenAPI
document as /api/v1/openapi.json — always in step with it, readable without JavaScript, no bundle to vendor."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint

from api.openapi import spec
from api.pages.common import render

bp = Blueprint("docs", __name__)


def _schema_text(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    t = schema.get("type", "")
    bounds = [f"{k} {schema[k]}" for k in ("minimum", "maximum", "maxLength", "default") if k in schema]
    if "enum" in schema:
        bounds.append("one of " + ", ".join(map(str, schema["enum"])))
    return t + (f" ({'; '.join(bounds)})" if bounds else "")


def _example_url(path: str, params: list[dict[str, Any]]) -> str | None:
    if "{" in path:
        return None
    args = {p["name"]: p["example"] for p in params if "example" in p and p.get("in") == "query"}
    if any(p.get("required") and p["name"] not in args for p in params):
        return None
    return path + ("?" + urlencode(args) if args else "")


def operations() -> list[dict[str, Any]]:
    out = []
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            params = op.get("parameters") or []
            out.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "id": op.get("operationId") or path.strip("/").replace("/", "-"),
                "params": [{"name": p["name"], "in": p.get("in", "query"), "required": p.get("required", False),
                            "type": _schema_text(p.get("schema") or {}), "description": p.get("description", ""),
                            "example": p.get("example")} for p in params],
                "responses": [{"status": code, "description": r.get("description", ""),
                               "schema": _schema_text(((r.get("content") or {}).get("application/json") or {})
                                                      .get("schema") or {})}
                              for code, r in (op.get("responses") or {}).items()],
                "example": _example_url(path, params)})
    return out


def schemas() -> list[dict[str, Any]]:
    out = []
    for name, s in (spec().get("components") or {}).get("schemas", {}).items():
        parts = s.get("allOf") or [s]
        props = []
        for part in parts:
            if "$ref" in part:
                props.append({"name": "…", "type": "all fields of " + part["$ref"].rsplit("/", 1)[-1],
                              "description": ""})
            for pname, p in (part.get("properties") or {}).items():
                items = p.get("items") or {}
                t = _schema_text(p) + (f" of {_schema_text(items)}" if items else "")
                props.append({"name": pname, "type": t + (" | null" if p.get("nullable") else ""),
                              "description": p.get("description", "")})
        out.append({"name": name, "description": s.get("description", ""), "properties": props})
    return out


@bp.get("/api/v1/docs")
def api_docs():
    info = spec()["info"]
    return render("api_docs.html", info=info, operations=operations(), schemas=schemas(),
                  openapi_version=spec()["openapi"])
