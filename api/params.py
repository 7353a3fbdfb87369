"""Query-string validation: every parameter is typed, bounded and reported as a JSON 400 when wrong."""
from __future__ import annotations

import math

from flask import request

from api.errors import bad_request
from directory.text_fold import fold_text

MAX_TEXT = 200


def text(name: str, required: bool = False, max_len: int = MAX_TEXT) -> str | None:
    """A text parameter, folded to the registry's writing: full-width → half-width, traditional → simplified
    (重疾綠通 → 重疾绿通, ＭＤＴ → MDT, 溫州 → 温州, 華西醫院 → 华西医院)."""
    value = request.args.get(name)
    if value is not None:
        value = fold_text(value).strip()
    if not value:
        if required:
            raise bad_request("missing_parameter", f"parameter '{name}' is required")
        return None
    if len(value) > max_len:
        raise bad_request("invalid_parameter", f"parameter '{name}' is longer than {max_len} characters")
    return value


def integer(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise bad_request("invalid_parameter", f"parameter '{name}' must be an integer, got {raw[:40]!r}") from None
    if not lo <= value <= hi:
        raise bad_request("out_of_range", f"parameter '{name}' must be between {lo} and {hi}, got {value}")
    return value


def number(name: str, lo: float, hi: float) -> float | None:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        raise bad_request("invalid_parameter", f"parameter '{name}' must be a number, got {raw[:40]!r}") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise bad_request("out_of_range", f"parameter '{name}' must be between {lo:g} and {hi:g}, got {raw[:40]}")
    return value


def lat_lon() -> tuple[float, float] | None:
    lat = number("lat", -90.0, 90.0)
    lon = number("lon", -180.0, 180.0)
    if (lat is None) != (lon is None):
        raise bad_request("invalid_parameter", "give both 'lat' and 'lon', or neither")
    return None if lat is None or lon is None else (lat, lon)
