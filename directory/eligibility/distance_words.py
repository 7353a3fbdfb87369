"""A hospital's distance as an agent reads it out, with how precise it is (the agent page and the CLI).

The answer gives `distance_km`, `distance_precision` and `distance_note` (nearest.py); this words them:
an exact distance as it is, one measured from or to a centre as 约 …; and none at all when both ends are
the same centre (the caller and the hospital are only known to be in the same city or district — "约 0
公里" would say they are next door): the note then says so instead.
"""
from __future__ import annotations

from typing import Any


def km_text(d: float) -> str:
    """不到 1 公里 / 3.4 公里 / 12 公里."""
    if d < 1:
        return "不到 1 公里"
    return f"{d:.1f} 公里" if d < 10 else f"{d:.0f} 公里"


def approx_km(d: float, exact: bool) -> str:
    """The distance, with 约 in front unless both ends are exact points (or it is under 1 km anyway); with a
    centre at either end the answer rounds it to whole km, and so does the text (约 6 公里, not 约 6.0 公里)."""
    if exact or d < 1:
        return km_text(d)
    return f"约 {d:.0f} 公里"


def distance_text(item: dict[str, Any], origin: dict[str, Any] | None) -> tuple[str | None, str | None]:
    """(distance as read out or None, how precise it is) for one hospital of a nearest answer."""
    d = item.get("distance_km")
    note = item.get("distance_note")
    if d is None:
        return None, note or ("没有计算距离的起点" if not origin else "医院没有坐标，无法计算距离")
    if item.get("distance_precision") == "centroid_to_centroid" and d < 1:
        # Both ends are the same centre: the note says where both are known to be, not a distance.
        return None, note or "来电者和医院的位置都只知道在同一城市或区县（中心点），无法估算距离"
    return approx_km(d, item.get("distance_precision") == "exact"), note
