"""Leaflet for the agent page's map, served straight from the installed datasette-leaflet package
(a dependency of datasette-cluster-map): no CDN, no copy to keep in step, the version is the package's."""
from __future__ import annotations

import functools
import re
from importlib import metadata
from pathlib import Path

from flask import Blueprint, abort, send_from_directory

bp = Blueprint("assets", __name__)


@functools.lru_cache(maxsize=1)
def leaflet_dir() -> Path:
    import datasette_leaflet

    return Path(datasette_leaflet.__file__).resolve().parent / "static"


@functools.lru_cache(maxsize=1)
def leaflet_version() -> dict[str, str]:
    """{'leaflet': '1.7.1', 'package': 'datasette-leaflet 0.2.2', 'js': …, 'css': …} from the installed files."""
    js = sorted(leaflet_dir().glob("leaflet-v*.min.js"))[-1].name
    version = re.search(r"leaflet-v([\d.]+)\.min\.js", js).group(1)
    return {"leaflet": version, "package": f"datasette-leaflet {metadata.version('datasette-leaflet')}",
            "js": f"/assets/leaflet/{js}", "css": f"/assets/leaflet/leaflet-v{version}.css"}


@bp.get("/assets/leaflet/<path:filename>")
def leaflet(filename: str):
    if not re.fullmatch(r"[\w.-]+(/[\w.-]+)?", filename):
        abort(404)
    return send_from_directory(leaflet_dir(), filename, max_age=86400)
