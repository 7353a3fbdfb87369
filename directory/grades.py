"""Hospital grade (医院等级) as printed → the official form (三级甲等, 二级乙等, 三级, …)."""
from __future__ import annotations

import re

_LEVEL = {"一": "一级", "二": "二级", "三": "三级"}
_CLASS = {"甲": "甲等", "乙": "乙等", "丙": "丙等"}
_GRADE = re.compile(r"^([一二三])(?:级)?(甲|乙|丙|特)?(?:等)?$")


def normalize_grade(raw: str | None) -> str | None:
    """'三甲' → '三级甲等', '二级' → '二级'; None when the text is not a grade."""
    if not raw:
        return None
    text = raw.replace(" ", "").replace("医院", "")
    if text == "三级特等":
        return text
    m = _GRADE.match(text)
    if not m:
        return None
    level, klass = m.groups()
    if klass == "特":
        return f"{_LEVEL[level]}特等"
    return _LEVEL[level] + (_CLASS[klass] if klass else "")

