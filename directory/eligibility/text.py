"""Plain Chinese text of an answer, for agents reading the command line (hospnet eligibility / nearest).
Works on the same dictionaries the API returns as JSON: their sentences already cite manuals by title
(directory/manual_titles.py); evidence lines name the whole title, as text copied into a ticket does;
distances read as on the agent page (distance_words.py)."""
from __future__ import annotations

from typing import Any

from directory.eligibility.distance_words import distance_text
from directory.eligibility.vocabulary import OUTCOME_LABELS, grade_text
from directory.manual_titles import cite_title

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
            f"{cite_title(e.get('manual_title') or e['source_file'], e['line'], short=False)}"
            f"“{e.get('raw_name') or e.get('raw_city') or e.get('text') or ''}”" for e in answer["evidence"][:5]))
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
        dist, note = distance_text(r, body.get("origin"))
        grade = grade_text(r.get("grade"), r.get("grade_class")) or "等级未知"
        lines.append(f"{k}. {r['name']}（{where}，{grade}）{dist or '距离无法估算'}"
                     f" — {r['verdict_label']}")
        lines.append(f"   {r['say']}")
        if note:
            lines.append(f"   距离说明：{note}")
    return "\n".join(lines)
