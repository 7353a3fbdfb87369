"""About the service itself: the index, health, and the OpenAPI document."""
from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import Blueprint, jsonify

from api import queries
from api.context import API, db, live
from api.openapi import spec as openapi_spec

bp = Blueprint("meta", __name__)


def _endpoints() -> list[dict[str, str]]:
    out = []
    for path, item in sorted(openapi_spec()["paths"].items()):
        for method, op in item.items():
            out.append({"method": method.upper(), "path": path, "summary": op.get("summary", "")})
    return out


@bp.get(f"{API}/")
def api_index():
    """What the API offers: every endpoint with a one-line summary, and where the OpenAPI document is."""
    return jsonify({"name": "hospnet", "version": "v1", "openapi": f"{API}/openapi.json", "docs": f"{API}/docs",
                    "agent_page": "/", "health": "/healthz", "endpoints": _endpoints()})


@bp.get("/healthz")
def healthz():
    conn = db()
    timing = queries.build_timing(conn)
    build = live()
    built = datetime.fromtimestamp(build.signature[1] / 1e9, UTC)
    return jsonify({"status": "ok", "db": os.path.basename(build.path), "build_id": build.build_id,
                    "built_at": built.isoformat(timespec="seconds"),
                    "build_seconds": float(timing["total"]) if "total" in timing else None,
                    "counts": queries.table_counts(conn), "catalog_load_seconds": build.load_seconds,
                    "registry_loaded": datetime.fromtimestamp(build.loaded_at, UTC).isoformat(timespec="milliseconds"),
                    "registry_loaded_epoch": build.loaded_at, "worker_pid": os.getpid(),
                    "service_indexes_built": build.catalog.indexes_built(), "services": len(build.catalog.services),
                    "name_resolver": "directory.lookup"})


@bp.get(f"{API}/openapi.json")
def openapi():
    return jsonify(openapi_spec())
