"""Hospital grades as an order (三级甲等 > 三级乙等 > 三级 > 二级甲等 …) and minimum-grade requirements."""
from __future__ import annotations

import re
from dataclasses import dataclass

GRADE_LEVEL = {"一级": 1, "二级": 2, "三级": 3}
GRADE_CLASS = {"特等": 4, "甲等": 3, "乙等": 2, "丙等": 1}
_MIN_GRADE = re.compile(r"^([一二三123])(?:级)?(特|甲|乙|丙)?(?:等)?(?:及以上|以上)?$")
_CN_LEVEL = {"一": 1, "二": 2, "三": 3, "1": 1, "2": 2, "3": 3}
_CN_CLASS = {"特": 4, "甲": 3, "乙": 2, "丙": 1}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class GradeRequirement:
    """A minimum grade: level 1–3, class 0 (any) or 1–4 (丙, 乙, 甲, 特), and its official label."""

    level: int
    klass: int
    label: str


def grade_parts(grade: str | None) -> tuple[int | None, int]:
    """'三级甲等' → (3, 3); '二级' → (2, 0); unknown → (None, 0)."""
    if not grade:
        return None, 0
    return GRADE_LEVEL.get(grade[:2]), GRADE_CLASS.get(grade[2:], 0)


def grade_rank(grade: str | None) -> int:
    """Sort rank: 三级特等 34, 三级甲等 33, 三级 30, … unknown 0 (higher is better)."""
    level, klass = grade_parts(grade)
    return 0 if level is None else level * 10 + klass


def parse_min_grade(text: str) -> GradeRequirement:
    """A minimum grade as people write it: 二级, 二级及以上, 三甲, 三级甲等, 3. ValueError when it is not one."""
    m = _MIN_GRADE.match(_SPACE.sub("", text))
    if not m:
        raise ValueError(f"“{text}”不是医院等级，请写 一级、二级、三级、三级乙等、三级甲等（或 1、2、3）")
    level, klass = _CN_LEVEL[m.group(1)], _CN_CLASS.get(m.group(2) or "", 0)
    label = "一二三"[level - 1] + "级" + ({4: "特等", 3: "甲等", 2: "乙等", 1: "丙等"}.get(klass, ""))
    return GradeRequirement(level, klass, label)


def meets(grade: str | None, need: GradeRequirement) -> bool | None:
    """True / False, or None when the grade does not say enough: unknown; 三级 without 甲乙丙 for a 三级甲等
    minimum; a lower bound (二级及以上, as a service statement covering a whole list puts it) below the need."""
    level, klass = grade_parts(grade)
    if level is None:
        return None
    if grade and grade.endswith("以上"):
        return True if (level, 0) >= (need.level, need.klass) else None
    if level != need.level:
        return level > need.level
    if not need.klass:
        return True
    if not klass:
        return None
    return klass >= need.klass
