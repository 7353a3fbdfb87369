"""The seam for exact coordinates: a reviewable cache file, filled by an optional geocoder (AMap).

The build never calls a network service. `hospnet geocode` (with HOSPNET_AMAP_KEY set) asks AMap's
place-search API for hospitals and appends what it finds to the cache, with the coordinate system
AMap returns (GCJ-02) and the date; the build reads the cache and converts to WGS-84. Without a key
or cache entry a hospital keeps its district or city centroid, and geo_precision says so.
"""
from __future__ import annotations

import csv
import json
import os
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geodata.coords import gcj02_to_wgs84

CACHE_COLUMNS = ("name", "city_adcode", "lat", "lon", "crs", "source", "fetched")
AMAP_URL = "https://restapi.amap.com/v3/place/text"


class GeocodeError(RuntimeError):
    """The geocoder cannot run (no key, bad cache file, service error); the message says which."""


@dataclass(frozen=True)
class ExactPoint:
    lat: float  # WGS-84
    lon: float
    source: str


def cache_path() -> Path:
    """$HOSPNET_GEOCODE_CACHE, else geocode_cache.tsv in the user's data folder (directory/locations.py)."""
    from directory.locations import data_home

    return Path(os.environ.get("HOSPNET_GEOCODE_CACHE") or data_home() / "geocode_cache.tsv")


def load_cache(path: Path | None = None) -> dict[tuple[str, str], ExactPoint]:
    """(hospital name, city adcode) → WGS-84 point with its cited source; empty when no cache exists."""
    path = path or cache_path()
    if not path.exists():
        return {}
    out: dict[tuple[str, str], ExactPoint] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if tuple(reader.fieldnames or ()) != CACHE_COLUMNS:
            raise GeocodeError(f"{path}:1: header must be {' '.join(CACHE_COLUMNS)}")
        for lineno, row in enumerate(reader, start=2):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (TypeError, ValueError) as exc:
                raise GeocodeError(f"{path}:{lineno}: lat/lon must be numbers") from exc
            if row["crs"] == "GCJ-02":
                lon, lat = gcj02_to_wgs84(lon, lat)
                note = "converted from GCJ-02"
            elif row["crs"] == "WGS-84":
                note = "WGS-84 as cached"
            else:
                raise GeocodeError(f"{path}:{lineno}: crs must be GCJ-02 or WGS-84, got {row['crs']!r}")
            out[(row["name"], row["city_adcode"])] = ExactPoint(
                lat, lon, f"{row['source']} ({row['fetched']}; {note}; {path.name}:{lineno})")
    return out


def amap_search(name: str, city_adcode: str, key: str, timeout: float = 10.0) -> tuple[float, float] | None:
    """(lon, lat) in GCJ-02 of the best AMap POI for a hospital name within a city, or None."""
    query = urllib.parse.urlencode({"key": key, "keywords": name, "city": city_adcode, "citylimit": "true",
                                    "types": "090100", "offset": 1, "output": "JSON"})
    try:
        with urllib.request.urlopen(f"{AMAP_URL}?{query}", timeout=timeout) as resp:  # noqa: S310 - fixed https URL
            data = json.load(resp)
    except OSError as exc:
        raise GeocodeError(f"AMap request failed: {exc}") from exc
    if data.get("status") != "1":
        raise GeocodeError(f"AMap answered {data.get('info') or data}")
    pois = data.get("pois") or []
    if not pois or not pois[0].get("location"):
        return None
    lon, lat = (float(v) for v in pois[0]["location"].split(","))
    return lon, lat


def append_to_cache(rows: list[tuple[str, str, float, float]], path: Path | None = None,
                    source: str = "AMap place/text API") -> None:
    """Append GCJ-02 results (name, city_adcode, lon, lat) to the cache file."""
    path = path or cache_path()
    new = not path.exists()
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        if new:
            writer.writerow(CACHE_COLUMNS)
        for name, city, lon, lat in rows:
            writer.writerow([name, city, f"{lat:.6f}", f"{lon:.6f}", "GCJ-02", source, date.today().isoformat()])
