"""The geocoder seam: cached exact points (with their coordinate system) win over centroids."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from geodata.coords import wgs84_to_gcj02
from geodata.geocoder import GeocodeError, load_cache

ROOT = Path(__file__).resolve().parent.parent


def test_cache_converts_gcj02_to_wgs84(tmp_path):
    lon, lat = wgs84_to_gcj02(116.4167, 39.9123)  # a point near 北京协和医院, as AMap would return it
    path = tmp_path / "cache.tsv"
    path.write_text("name\tcity_adcode\tlat\tlon\tcrs\tsource\tfetched\n"
                    f"北京协和医院\t110100\t{lat}\t{lon}\tGCJ-02\tAMap place/text API\t2026-11-22\n", encoding="utf-8")
    point = load_cache(path)[("北京协和医院", "110100")]
    assert abs(point.lat - 39.9123) < 1e-5 and abs(point.lon - 116.4167) < 1e-5
    assert "converted from GCJ-02" in point.source and "cache.tsv:2" in point.source


def test_bad_cache_is_named(tmp_path):
    path = tmp_path / "cache.tsv"
    path.write_text("name\tcity_adcode\tlat\tlon\tcrs\tsource\tfetched\nx\t110100\t1\t2\tBD-09\ts\t2026\n")
    with pytest.raises(GeocodeError, match="cache.tsv:2: crs must be GCJ-02 or WGS-84"):
        load_cache(path)


def test_build_uses_cached_exact_points(tmp_path):
    cache = tmp_path / "cache.tsv"
    cache.write_text("name\tcity_adcode\tlat\tlon\tcrs\tsource\tfetched\n"
                     "北京市和平里医院\t110100\t39.9587\t116.4196\tWGS-84\thand survey\t2026-11-22\n"
                     "北京协和医院\t110100\t39.9123\t116.4167\tWGS-84\thand survey\t2026-11-22\n", encoding="utf-8")
    out = tmp_path / "r.db"
    env = {**os.environ, "HOSPNET_GEOCODE_CACHE": str(cache)}
    done = subprocess.run([sys.executable, "-m", "directory.cli", "build", "--out", str(out), "--quiet"],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(out) as conn:
        row = conn.execute("SELECT lat, lon, geo_precision, geo_source, point_class FROM hospitals "
                           "WHERE name = '北京市和平里医院'")
        lat, lon, precision, source, klass = row.fetchone()
        assert (lat, lon, precision, klass) == (39.9587, 116.4196, "exact", "inferred") and "hand survey" in source
        # A stated point (北京协和医院's reviewed Wikidata link) outranks a geocoder's hit, which stays a candidate.
        row = conn.execute("SELECT geo_source, point_class FROM hospitals WHERE name = '北京协和医院'").fetchone()
        assert row[0].startswith("Wikidata ") and row[1] == "stated"
        kept = conn.execute("SELECT chosen FROM facts f JOIN hospitals h ON h.id = f.hospital_id WHERE h.name = "
                            "'北京协和医院' AND f.fact = 'point' AND f.source LIKE '地理编码缓存 %'").fetchall()
        assert kept == [(0,)]
        # The cache gives no other hospital a point (others may be exact from Wikidata links, never from it).
        others = conn.execute("SELECT geo_source FROM hospitals WHERE name NOT IN ('北京协和医院', '北京市和平里医院') "
                              "AND geo_precision = 'exact'")
        assert not any("hand survey" in r[0] for r in others)


def test_geocode_command_needs_a_key(registry):
    env = {k: v for k, v in os.environ.items() if k != "HOSPNET_AMAP_KEY"}
    done = subprocess.run([sys.executable, "-m", "directory.cli", "geocode", "--db", str(registry)],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "HOSPNET_AMAP_KEY is not set" in done.stderr
