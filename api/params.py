"""Query-string validation: every parameter is typed, bounded and reported as a JSON 400 when wrong, in
Chinese an agent can read out, naming the parameter (in ASCII, as it is written) and what was expected:
参数 limit 须在 1 到 100 之间，收到 500."""
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
            raise bad_request("missing_parameter", f"参数 {name} 必填")
        return None
    if len(value) > max_len:
        raise bad_request("invalid_parameter", f"参数 {name} 过长：最多 {max_len} 个字符，收到 {len(value)} 个")
    return value


def integer(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise bad_request("invalid_parameter", f"参数 {name} 须为整数，收到“{raw[:40]}”") from None
    if not lo <= value <= hi:
        raise bad_request("out_of_range", f"参数 {name} 须在 {lo} 到 {hi} 之间，收到 {value}")
    return value


def number(name: str, lo: float, hi: float) -> float | None:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        raise bad_request("invalid_parameter", f"参数 {name} 须为数字，收到“{raw[:40]}”") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise bad_request("out_of_range", f"参数 {name} 须在 {lo:g} 到 {hi:g} 之间，收到 {raw[:40]}")
    return value


def lat_lon() -> tuple[float, float] | None:
    lat = number("lat", -90.0, 90.0)
    lon = number("lon", -180.0, 180.0)
    if (lat is None) != (lon is None):
        raise bad_request("invalid_parameter", f"参数 lat 和 lon 须一起给出（或都不给），只收到 {'lat' if lon is None else 'lon'}")
    return None if lat is None or lon is None else (lat, lon)
