"""Print µs per resolve_place call over the manuals' strings and ms per nearest-10 query."""

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geodata.distance import SpatialIndex  # noqa: E402
from geodata.places import place_from_name, resolve_place  # noqa: E402
from tests.test_geodata_places import manual_pairs  # noqa: E402


def bench_resolve() -> None:
    pairs = manual_pairs()
    t = time.perf_counter()
    for p, c in pairs:
        resolve_place(p, c)
    cold = (time.perf_counter() - t) / len(pairs) * 1e6
    rounds = 50
    t = time.perf_counter()
    for _ in range(rounds):
        for p, c in pairs:
            resolve_place(p, c)
    warm = (time.perf_counter() - t) / (rounds * len(pairs)) * 1e6
    resolve_place.cache_clear()
    t = time.perf_counter()
    for p, c in pairs:
        resolve_place(p, c)
    uncached = (time.perf_counter() - t) / len(pairs) * 1e6
    print(f"resolve_place: {len(pairs)} distinct manual pairs; first call incl. index build {cold:.1f} µs/call, "
          f"uncached {uncached:.1f} µs/call, memoized {warm:.2f} µs/call")
    names = [f"{c}第一人民医院" for _, c in pairs]
    place_from_name("warm-up")
    t = time.perf_counter()
    for n in names:
        place_from_name(n)
    print(f"place_from_name: {(time.perf_counter() - t) / len(names) * 1e6:.1f} µs/call (uncached)")


def bench_nearest(n: int = 40_000, queries: int = 2_000) -> None:
    rng = np.random.default_rng(0)
    lat, lon = rng.uniform(18, 53, n), rng.uniform(73, 135, n)
    t = time.perf_counter()
    index = SpatialIndex([(i, a, b) for i, (a, b) in enumerate(zip(lat, lon, strict=True))])
    build = time.perf_counter() - t
    qs = list(zip(rng.uniform(18, 53, queries), rng.uniform(73, 135, queries), strict=True))
    t = time.perf_counter()
    for qa, qo in qs:
        index.nearest(qa, qo, 10)
    per = (time.perf_counter() - t) / queries * 1e3
    print(f"SpatialIndex: build {build * 1e3:.0f} ms for {n} points; nearest-10 {per:.3f} ms/query")


if __name__ == "__main__":
    bench_resolve()
    bench_nearest()
