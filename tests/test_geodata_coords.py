"""Coordinate systems an imported list may state: WGS-84, GCJ-02 (AMap, Tencent), BD-09 (Baidu)."""
from __future__ import annotations

import pytest

from geodata.coords import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_gcj02,
)

# Published conversions of the same input point (116.404, 39.915) in wandergis/coordtransform's README
# (the reference implementation most Chinese GIS code copies): BD-09 → GCJ-02 and GCJ-02 → BD-09.
README_BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)
README_GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
README_WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
# Beijing railway station in the three systems, as R packages wrapping the Baidu/AMap APIs document
# it in their examples (5 decimals): WGS-84 (39.90105, 116.42079), GCJ-02 (…), BD-09 (…).
STATION_WGS84 = (116.42079, 39.90105)
STATION_GCJ02 = (116.42703, 39.90245)
STATION_BD09 = (116.43351, 39.90851)


def test_bd09_matches_published_points():
    assert bd09_to_gcj02(116.404, 39.915) == pytest.approx(README_BD09_TO_GCJ02, abs=1e-9)
    assert gcj02_to_bd09(116.404, 39.915) == pytest.approx(README_GCJ02_TO_BD09, abs=1e-9)
    assert wgs84_to_gcj02(116.404, 39.915) == pytest.approx(README_WGS84_TO_GCJ02, abs=1e-9)
    assert bd09_to_gcj02(*STATION_BD09) == pytest.approx(STATION_GCJ02, abs=1e-5)
    assert gcj02_to_bd09(*STATION_GCJ02) == pytest.approx(STATION_BD09, abs=1e-5)
    assert bd09_to_wgs84(*STATION_BD09) == pytest.approx(STATION_WGS84, abs=2e-5)


def test_bd09_round_trips_and_reaches_wgs84():
    for lon, lat in [(121.4737, 31.2304), (104.0665, 30.5723), (87.6168, 43.8256)]:
        assert bd09_to_gcj02(*gcj02_to_bd09(lon, lat)) == pytest.approx((lon, lat), abs=2e-6)
        wgs = bd09_to_wgs84(*gcj02_to_bd09(*wgs84_to_gcj02(lon, lat)))
        assert wgs == pytest.approx((lon, lat), abs=2e-6)
    assert to_wgs84(116.43351, 39.90851, "bd09") == bd09_to_wgs84(116.43351, 39.90851)
    assert to_wgs84(116.42703, 39.90245, "gcj02") == gcj02_to_wgs84(116.42703, 39.90245)
    assert to_wgs84(1.5, 2.5, "wgs84") == (1.5, 2.5)
    with pytest.raises(ValueError, match="expected one of wgs84, gcj02, bd09"):
        to_wgs84(1, 2, "epsg3857")
