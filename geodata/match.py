"""The result type of every place resolver."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """Resolved adcodes with how sure we are and why; never a silent guess."""

    province_adcode: str | None
    city_adcode: str | None
    district_adcode: str | None
    status: str  # 'exact' | 'alias' | 'ambiguous' | 'unknown' | 'conflict'
    reason: str
    candidates: tuple[str, ...] = ()
