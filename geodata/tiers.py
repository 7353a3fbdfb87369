"""City tier from 第一财经·新一线城市研究所's ranking (only entries in data/city_tiers.tsv)."""

import functools

from geodata.divisions import city_of
from geodata.place_index import read_tsv


@functools.cache
def _tiers() -> dict[str, str]:
    return {row["adcode"]: row["tier"] for row in read_tsv("city_tiers.tsv")}


def tier_for(city_adcode: str) -> str | None:
    """Tier of the city containing this code ('一线', '新一线'), or None when unranked."""
    city = city_of(city_adcode) if len(city_adcode) == 6 else None
    return _tiers().get(city or city_adcode)
