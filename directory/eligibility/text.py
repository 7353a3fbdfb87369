"""Plain Chinese text of an answer, for agents reading the command line (hospnet eligibility / nearest).
Works on the same dictionaries the API returns as JSON."""
from __future__ import annotations

from typing import Any

from directory.eligibility.vocabulary import OUTCOME_LABELS

_MARK = {"pass": "✓", "fail": "✗", "unknown": "?"}


def _fact_line(f: dict[str, Any]) -> str:
    value = f["shown"] if f.get("shown") is not None else "未知"
    src = f"；来源：{f['source']}" if f.get("source") else ""
    ev = f"；原文：{f['evidence']}" if f.get("evidence") and f["evidence"] not in (f.get("source") or "") else ""
    return f"{f['label']}：{value}（{f['class_label']}{src}{ev}）"


def verdict_text(answer: dict[str, Any]) -> str:
    """A verdict (directory.eligibility.verdict_answer, plus hospital and service) as lines of Chinese."""
    h, s = answer.get("hospital") or {}, answer.get("service") or {}
    place = " ".join(x for x in (h.get("province"), h.get("city"), h.get("district")) if x)
    lines = [f"{h.get('name', '')}（{place or '地点未知'}）— {s.get('name', '')}（{s.get('insurer', '')}）",
             f"结论：{answer['verdict_label']}（{answer['verdict']}）", f"说明：{answer['say']}", "逐条核对："]
    for r in answer["facts_used"]:
        lines.append(f"  [{_MARK[r['outcome']]} {OUTCOME_LABELS[r['outcome']]}] {r['title']}：{r['say']}")
        for f in r["facts"]:
            lines.append(f"      {_fact_line(f)}")
    if answer.get("evidence"):
        lines.append("手册依据：" + "；".join(
            f"{e['source_file']} 第 {e['line']} 行“{e.get('raw_name') or e.get('raw_city') or ''}”"
            for e in answer["evidence"][:5]))
    for note in answer.get("notes") or []:
        lines.append(f"注意：{note}")
    return "\n".join(lines)


def nearest_text(body: dict[str, Any]) -> str:
    """A nearest answer (directory.eligibility.nearest) as lines of Chinese."""
    lines = [body["message"]]
    if body.get("origin"):
        lines.append(f"距离起点：{body['origin']['say']}")
    for note in body.get("notes") or []:
        lines.append(f"注意：{note}")
    for k, r in enumerate(body["results"], 1):
        where = " ".join(x for x in (r.get("city"), r.get("district")) if x)
        dist = "距离未知" if r.get("distance_km") is None else f"约 {r['distance_km']:g} 公里"
        lines.append(f"{k}. {r['name']}（{where}，{r.get('grade') or '等级未知'}）{dist} — {r['verdict_label']}")
        lines.append(f"   {r['say']}")
        if r.get("distance_note"):
            lines.append(f"   距离说明：{r['distance_note']}")
    return "\n".join(lines)
