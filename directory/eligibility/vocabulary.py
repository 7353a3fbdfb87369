"""The words of an eligibility answer and their Chinese labels (what an agent reads out).

A rule's outcome on one hospital is pass / fail / unknown; a fact's class is stated (a source says
it about this hospital) or inferred (a documented rule derived it), and a fact without evidence is
unknown (class None). Rules combine into one verdict:

- eligible      符合条件  every fact the rules need is stated and passes;
- likely        可能符合  every rule passes, some only on inferred facts (the answer names them);
- not_eligible  不符合    a fact fails a rule (the answer cites the failing fact's evidence);
- unknown       待核实    a needed fact has no evidence (the answer says what to check).
"""
from __future__ import annotations

from typing import Literal

Outcome = Literal["pass", "fail", "unknown"]
FactClass = Literal["stated", "inferred"]
VerdictKind = Literal["eligible", "likely", "not_eligible", "unknown"]
DistancePrecision = Literal["exact", "to_centroid", "from_centroid", "centroid_to_centroid"]

VERDICTS: tuple[VerdictKind, ...] = ("eligible", "likely", "not_eligible", "unknown")
VERDICT_LABELS: dict[str, str] = {"eligible": "符合条件", "likely": "可能符合", "not_eligible": "不符合",
                                  "unknown": "待核实"}
OUTCOME_LABELS: dict[str, str] = {"pass": "满足", "fail": "不满足", "unknown": "未知"}
CLASS_LABELS: dict[str | None, str] = {"stated": "来源载明", "inferred": "推断", None: "无依据"}
FACT_LABELS: dict[str, str] = {
    "city": "所在城市", "district": "所在区县", "grade": "医院等级", "ownership": "公立或民营",
    "facility_type": "机构类型", "inpatient": "能否收治住院", "listing": "服务名单", "point": "位置",
    "coverage": "是否在覆盖范围", "city_proper": "是否在市辖区", "row_note": "名单行备注",
    "sum_insured": "主险保额", "waiting_period": "确诊日期与等待期",
}
# Answers list hospitals a caller can use first (eligible and likely alike), then those to check.
USABLE: frozenset[str] = frozenset({"eligible", "likely"})
ANSWER_GROUP: dict[str, int] = {"eligible": 0, "likely": 0, "unknown": 1, "not_eligible": 2}


def fact_label(name: str) -> str:
    return FACT_LABELS.get(name, name)


def grade_text(grade: str | None, klass: str | None) -> str:
    """A grade as read out: an inferred one says so (二级及以上（推断）), so no surface shows a guess as fact."""
    if not grade:
        return ""
    return f"{grade}（{CLASS_LABELS['inferred']}）" if klass == "inferred" else grade
