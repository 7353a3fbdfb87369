"""Facts about the caller, not the hospital: the policy's sum insured, when the policy started and when
the illness was diagnosed. A service's catalog says what it needs (a minimum sum insured, a waiting
period); given the facts, the check decides; without them, it says what to ask the caller.

Pure: takes `service_conditions` rows, the manuals' titles (to cite a line as 《title》第 N 行) and the
caller's facts, returns a CallerCheck.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from directory.manual_titles import Titles, cite_line, manual_title

Outcome = Literal["pass", "fail", "unknown"]
OUTCOME_LABELS = {"pass": "符合", "fail": "不符合", "unknown": "待核实"}
_WAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(万|万元|w|W)?\s*(元)?\s*$")


class RequestFactError(ValueError):
    """A caller fact the agent typed cannot be read; the message says what was expected."""


def parse_sum_insured(text: str) -> float:
    """The caller's sum insured in 万元: '50万', '50万元', '500000', '500000元' (a bare number below 1,000 is
    refused: say 万 or 元)."""
    m = _WAN.match(text or "")
    if not m:
        raise RequestFactError(f"保额“{text}”无法识别，请写成 50万 或 500000")
    value = float(m.group(1))
    if m.group(2):
        return value
    if value < 1000 and not m.group(3):
        raise RequestFactError(f"保额“{text}”没有单位，请写成 {text}万 或 {text}元")
    return value / 10000


def parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise RequestFactError(f"{what}“{text}”不是日期，请写成 年-月-日，如 2024-03-01") from None


@dataclass
class Check:
    fact: str
    outcome: Outcome
    say: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    ask: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "outcome": self.outcome, "outcome_label": OUTCOME_LABELS[self.outcome],
                "say": self.say, "ask": self.ask, "evidence": self.evidence}


@dataclass
class CallerCheck:
    checks: list[Check]

    @property
    def outcome(self) -> Outcome | None:
        if not self.checks:
            return None
        if any(c.outcome == "fail" for c in self.checks):
            return "fail"
        return "unknown" if any(c.outcome == "unknown" for c in self.checks) else "pass"

    def as_dict(self) -> dict[str, Any]:
        failed = [c.say for c in self.checks if c.outcome == "fail"]
        asks = [c.ask for c in self.checks if c.ask]
        say = ("客户不符合本服务的条件：" + "；".join(failed) + "。") if failed else (
            ("请向客户确认：" + "；".join(asks) + "。") if asks else
            ("客户符合保额与等待期要求。" if self.checks else "本服务没有保额或等待期方面的要求。"))
        return {"outcome": self.outcome, "outcome_label": OUTCOME_LABELS.get(self.outcome or "", "不适用"),
                "say": say, "ask_caller": asks, "checks": [c.as_dict() for c in self.checks]}


def _cite(c: dict[str, Any], titles: Titles) -> str:
    return cite_line(c["source_file"], c["line"], titles)


def _ev(c: dict[str, Any], titles: Titles) -> dict[str, Any]:
    return {"source_file": c["source_file"], "line": c["line"], "text": c["text"],
            "manual_title": manual_title(c["source_file"], titles)}


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _sum_insured(conds: list[dict[str, Any]], given: float | None, titles: Titles) -> Check | None:
    rules = [c for c in conds if c["aspect"] == "sum_insured" and _number(c.get("value")) is not None]
    if not rules:
        return None
    # The service's own figure (its overview row) decides; the manual-wide sentence only points to it.
    need = max(rules, key=lambda c: (c.get("scope") != "document", _number(c["value"])))
    amount = _number(need["value"]) or 0.0
    if amount == 0:
        return Check("sum_insured", "pass", f"本服务无保额要求（{_cite(need, titles)}）", [_ev(need, titles)])
    ask = f"客户主险保额是否达到 {amount:g} 万元（{_cite(need, titles)}：{need['text']}）"
    if given is None:
        return Check("sum_insured", "unknown", f"本服务要求主险保额不低于 {amount:g} 万元，尚不知客户保额",
                     [_ev(need, titles)], ask)
    if given + 1e-9 >= amount:
        return Check("sum_insured", "pass", f"保额 {given:g} 万元，达到 {amount:g} 万元的要求（{_cite(need, titles)}）",
                     [_ev(need, titles)])
    return Check("sum_insured", "fail", f"保额 {given:g} 万元，低于本服务要求的 {amount:g} 万元（{_cite(need, titles)}）",
                 [_ev(need, titles)])


def _waiting(conds: list[dict[str, Any]], start: date | None, diagnosed: date | None,
             titles: Titles) -> Check | None:
    rules = [c for c in conds if c["aspect"] == "waiting_period"]
    if not rules:
        return None
    counted = [c for c in rules if _number(c.get("value")) is not None]
    if not counted:
        c = rules[0]
        say = f"等待期与保单一致，手册未写天数（{_cite(c, titles)}：{c['text']}）"
        ask = f"客户的确诊日期是否在保单等待期之后（{_cite(c, titles)}）"
        return Check("waiting_period", "unknown", say, [_ev(c, titles)], ask)
    c = max(counted, key=lambda c: c.get("scope") != "document")
    days, offset = int(_number(c["value"]) or 0), int(c.get("offset_days") or 0)
    if start is None or diagnosed is None:
        missing = "、".join(w for w, v in (("保单生效日", start), ("确诊日期", diagnosed)) if v is None)
        return Check("waiting_period", "unknown",
                     f"等待期 {days} 天（{_cite(c, titles)}：{c['text']}），尚不知{missing}", [_ev(c, titles)], f"客户的{missing}（等待期 {days} 天，{_cite(c, titles)}）")
    first_ok = start + timedelta(days=days + offset)
    if diagnosed >= first_ok:
        return Check("waiting_period", "pass", f"{diagnosed.isoformat()} 确诊，已过 {days} 天等待期"
                     f"（自 {first_ok.isoformat()} 起可用；{_cite(c, titles)}）", [_ev(c, titles)])
    return Check("waiting_period", "fail", f"{diagnosed.isoformat()} 确诊，在 {days} 天等待期内"
                 f"（{first_ok.isoformat()} 之前确诊不能使用；{_cite(c, titles)}：{c['text']}）", [_ev(c, titles)])


def check_caller(conditions: list[dict[str, Any]], titles: Titles, sum_insured: float | None = None,
                 policy_start: date | None = None, diagnosed_on: date | None = None) -> CallerCheck:
    """What the catalog's caller conditions say for these facts (missing facts become questions); `titles`
    (source file → the manual's title) words the lines they cite."""
    checks = [c for c in (_sum_insured(conditions, sum_insured, titles),
                          _waiting(conditions, policy_start, diagnosed_on, titles)) if c is not None]
    return CallerCheck(checks)
