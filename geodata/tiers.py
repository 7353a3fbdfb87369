"""City tier from 第一财经·新一线城市研究所's ranking (data/city_tiers.tsv, generated from the vendored
2025 edition by make_tiers.py; 337 cities, the rest of China's cities are unranked)."""

import functools

from geodata.divisions import city_of
from geodata.place_index import read_tsv


@functools.cache
def _rows() -> tuple[dict[str, str], ...]:
    return tuple(read_tsv("city_tiers.tsv"))


@functools.cache
def _tiers() -> dict[str, str]:
    return {row["adcode"]: row["tier"] for row in _rows()}


def tier_source() -> str:
    """The ranking's edition, as recorded with every tier (regions.tier_source)."""
    editions = sorted({row["edition"] for row in _rows()})
    return "; ".join(editions)


def tier_for(city_adcode: str) -> str | None:
    """Tier of the city containing this code ('一线', '新一线', '二线' … '五线'), or None when unranked."""
    city = city_of(city_adcode) if len(city_adcode) == 6 else None
    return _tiers().get(city or city_adcode)
