"""Algorithmic short forms of official division names (凉山彝族自治州 -> 凉山州, 凉山)."""

import functools
import re

from geodata.divisions import cpca_resource


@functools.cache
def _ethnic_pattern() -> re.Pattern[str]:
    text = cpca_resource("56_nations.csv").decode("utf-8")
    groups = [line.strip() for line in text.splitlines() if line.strip().endswith("族")]
    # Official names use the group with or without 族 (克孜勒苏柯尔克孜自治州); longest first so
    # 哈尼族 is not read as a prefix ending in 哈.
    stems = sorted({g for g in groups} | {g[:-1] for g in groups if len(g) > 2}, key=len, reverse=True)
    eth = "|".join(map(re.escape, stems))
    return re.compile(rf"^(?P<base>.+?)(?P<eth>(?:{eth})+)自治(?P<kind>州|县|旗|区)$")


def short_forms(name: str, level: str) -> list[tuple[str, str]]:
    """Derived names for an official name, each with the rule that produced it."""
    out: list[tuple[str, str]] = []
    m = _ethnic_pattern().match(name)
    if m:
        base, kind = m["base"], m["kind"]
        label = {"州": "autonomous-prefecture", "县": "autonomous-county", "旗": "autonomous-banner",
                 "区": "autonomous-region"}[kind]
        if kind != "区":
            out.append((base + kind, f"{label} short form"))  # 凉山州, 保亭县
            out.append((m["base"] + m["eth"] + kind, f"{label} short form"))  # 克孜勒苏柯尔克孜州
        if len(base) >= 2 and level != "district":
            out.append((base, f"{label} short form"))  # 凉山, 广西
    for suffix, label in (("特别行政区", "SAR"), ("地区", "prefecture"), ("自治区", "region"),
                          ("省", "province"), ("市", "city"), ("盟", "league")):
        if name.endswith(suffix) and suffix != "自治区":
            base = name[: -len(suffix)]
            # Bare county-level names (东方, 大理) collide with words and with their prefectures;
            # only provinces and prefectures lose their suffix.
            if len(base) >= 2 and level != "district":
                out.append((base, f"{label} name without suffix"))
    if name.endswith("自治区") and (not m or len(m["base"]) < 2):
        # 西藏自治区 has no group; in 内蒙古自治区 the 蒙古 is part of the place name.
        out.append((name[:-3], "region name without suffix"))
    seen = {name}
    unique = []
    for alias, rule in out:
        if alias not in seen:
            seen.add(alias)
            unique.append((alias, rule))
    return unique


def district_stem(name: str) -> str | None:
    """A district name without its 区/县/市/旗 suffix, when at least two characters remain."""
    m = _ethnic_pattern().match(name)
    if m and m["kind"] in ("县", "旗"):
        name = m["base"] + m["kind"]
    if name[-1:] in ("区", "县", "市", "旗") and len(name) >= 3:
        return name[:-1]
    return None
