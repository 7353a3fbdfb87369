"""Haversine and the spatial index against brute force on random points in China."""

import time

import numpy as np
import pytest

from geodata.distance import SpatialIndex, haversine_km, haversine_km_np


def test_haversine_known_distance() -> None:
    # Beijing - Shanghai city centres are ~1,067 km apart.
    assert haversine_km(39.9042, 116.4074, 31.2304, 121.4737) == pytest.approx(1067, abs=5)
    assert haversine_km(30, 100, 30, 100) == 0


def test_vectorised_matches_scalar() -> None:
    rng = np.random.default_rng(1)
    lat, lon = rng.uniform(18, 53, 50), rng.uniform(73, 135, 50)
    got = haversine_km_np(30.0, 110.0, lat, lon)
    want = [haversine_km(30.0, 110.0, a, b) for a, b in zip(lat, lon, strict=True)]
    assert np.allclose(got, want)


@pytest.fixture(scope="module")
def points():
    rng = np.random.default_rng(7)
    lat, lon = rng.uniform(18, 53, 40_000), rng.uniform(73, 135, 40_000)
    return lat, lon, SpatialIndex([(i, a, b) for i, (a, b) in enumerate(zip(lat, lon, strict=True))])


def test_nearest_equals_brute_force(points) -> None:
    lat, lon, index = points
    rng = np.random.default_rng(3)
    for _ in range(300):
        qa, qo = rng.uniform(10, 60), rng.uniform(65, 145)
        d = haversine_km_np(qa, qo, lat, lon)
        want = list(np.lexsort((np.arange(len(d)), d))[:10])
        got = index.nearest(qa, qo, 10)
        assert [g[0] for g in got] == want
        assert np.allclose([g[1] for g in got], d[want])


def test_within_equals_brute_force(points) -> None:
    lat, lon, index = points
    for qa, qo, r in ((31.2, 121.5, 50.0), (40.0, 116.4, 120.0), (25.0, 100.0, 5.0)):
        d = haversine_km_np(qa, qo, lat, lon)
        want = set(np.nonzero(d <= r)[0].tolist())
        got = index.within_km(qa, qo, r)
        assert {g[0] for g in got} == want
        assert [g[1] for g in got] == sorted(g[1] for g in got)


def test_small_and_empty_index() -> None:
    assert SpatialIndex([]).nearest(30, 110, 5) == []
    idx = SpatialIndex([("a", 30.0, 110.0), ("b", 31.0, 110.0)])
    assert [i for i, _ in idx.nearest(30.9, 110.0, 5)] == ["b", "a"]


def test_nearest_is_fast(points) -> None:
    _, _, index = points
    rng = np.random.default_rng(5)
    queries = list(zip(rng.uniform(18, 53, 500), rng.uniform(73, 135, 500), strict=True))
    t = time.perf_counter()
    for qa, qo in queries:
        index.nearest(qa, qo, 10)
    assert (time.perf_counter() - t) / len(queries) < 1e-3
