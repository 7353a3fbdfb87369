"""Great-circle distances and an exact nearest-neighbour index over (id, lat, lon) points."""

import math
from collections.abc import Hashable, Sequence

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_km_np(lat1: float | np.ndarray, lon1: float | np.ndarray,
                    lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Vectorised haversine: km between broadcastable arrays of points."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.asarray(lon2) - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _unit_xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


class SpatialIndex:
    """Exact k-nearest and radius queries by great-circle distance.

    Points live on the unit sphere in 3-D, where chord length is monotonic in great-circle
    distance, so a grid over 3-D space prunes candidates without any lon/lat distortion; the
    final order always comes from exact haversine on the candidates.
    """

    def __init__(self, points: Sequence[tuple[Hashable, float, float]]) -> None:
        self.ids = [p[0] for p in points]
        self.lat = np.array([p[1] for p in points], dtype=float)
        self.lon = np.array([p[2] for p in points], dtype=float)
        self.xyz = _unit_xyz(self.lat, self.lon)
        n = max(len(points), 1)
        # ~8 points per occupied cell on a country-sized cap; cell edge in unit-sphere chord units.
        self.cell = max(1e-4, 0.6 / math.sqrt(n / 8))
        keys = np.floor(self.xyz / self.cell).astype(np.int64)
        order = np.lexsort(keys.T[::-1])
        self._cells: dict[tuple[int, int, int], np.ndarray] = {}
        if len(points):
            sk = keys[order]
            change = np.any(sk[1:] != sk[:-1], axis=1)
            starts = np.concatenate([[0], np.nonzero(change)[0] + 1, [len(order)]])
            for s, e in zip(starts[:-1], starts[1:], strict=True):
                self._cells[tuple(int(v) for v in sk[s])] = order[s:e]

    def _within_chord(self, q: np.ndarray, chord: float) -> np.ndarray:
        lo = np.floor((q - chord) / self.cell).astype(int)
        hi = np.floor((q + chord) / self.cell).astype(int)
        parts = [self._cells[(x, y, z)]
                 for x in range(lo[0], hi[0] + 1) for y in range(lo[1], hi[1] + 1)
                 for z in range(lo[2], hi[2] + 1) if (x, y, z) in self._cells]
        if not parts:
            return np.empty(0, dtype=np.int64)
        idx = np.concatenate(parts)
        d = np.linalg.norm(self.xyz[idx] - q, axis=1)
        return idx[d <= chord]

    def _ranked(self, lat: float, lon: float, idx: np.ndarray) -> list[tuple[Hashable, float]]:
        d = haversine_km_np(lat, lon, self.lat[idx], self.lon[idx])
        order = np.lexsort((idx, d))  # ties broken by insertion order, as a stable brute force would
        return [(self.ids[int(idx[i])], float(d[i])) for i in order]

    def nearest(self, lat: float, lon: float, k: int = 10) -> list[tuple[Hashable, float]]:
        """The k points closest to (lat, lon), nearest first, with distances in km."""
        n = len(self.ids)
        if n == 0 or k <= 0:
            return []
        k = min(k, n)
        q = _unit_xyz(np.array([lat]), np.array([lon]))[0]
        chord = self.cell
        while True:
            idx = self._within_chord(q, chord)
            # Every point within this chord is found, so once k are inside it the k nearest are too.
            if len(idx) >= k or chord >= 2.0:
                if chord >= 2.0:
                    idx = np.arange(n)
                return self._ranked(lat, lon, idx)[:k]
            chord *= 2.0

    def within_km(self, lat: float, lon: float, radius_km: float) -> list[tuple[Hashable, float]]:
        """All points within radius_km of (lat, lon), nearest first."""
        q = _unit_xyz(np.array([lat]), np.array([lon]))[0]
        chord = min(2.0, 2 * math.sin(min(math.pi, radius_km / EARTH_RADIUS_KM) / 2) * (1 + 1e-9) + 1e-12)
        idx = self._within_chord(q, chord) if chord < 2.0 else np.arange(len(self.ids))
        return [(i, d) for i, d in self._ranked(lat, lon, idx) if d <= radius_km]
