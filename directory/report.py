"""The build report, read back from a built registry."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path


class ReportError(ValueError):
    """The registry file is missing or is not a hospnet registry."""


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():
        raise ReportError(f"{path}: no registry here; run 'hospnet build' first")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("SELECT 1 FROM build_report LIMIT 1")
    except sqlite3.DatabaseError as exc:
        raise ReportError(f"{path}: not a hospnet registry ({exc})") from exc
    conn.row_factory = sqlite3.Row
    return conn


def build_report(path: Path) -> dict:
    """Collect the report as a plain dict."""
    conn = _connect(path)
    try:
        tables = []
        for r in conn.execute(
            "SELECT t.id, t.source_file, t.title, t.first_line, t.last_line, t.layout, t.rows_parsed, "
            "t.rows_rejected FROM source_tables t ORDER BY t.source_file, t.first_line"
        ):
            tables.append(dict(r))
        rejects = [dict(r) for r in conn.execute(
            "SELECT source_file, line, table_id, reason, raw_text FROM rejects ORDER BY source_file, line")]
        report = {row["section"]: {} for row in conn.execute("SELECT DISTINCT section FROM build_report")}
        for row in conn.execute("SELECT section, item, value FROM build_report"):
            report[row["section"]][row["item"]] = row["value"]
        unresolved_cities = [dict(r) for r in conn.execute(
            "SELECT source_file, line, raw_province, raw_city, status, reason, candidates FROM coverage_entries "
            "WHERE adcode IS NULL ORDER BY source_file, line")]
        counts = {name: conn.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
                  for name in ("sources", "services", "listings", "coverage", "hospitals", "rejects")}
        extra = {}
        if "places" in report:
            extra["places"] = report.pop("places")
        for section in ("imports", "service versions"):  # values written as JSON objects
            if section in report:
                extra[section] = {k: json.loads(v) for k, v in report.pop(section).items()}
        listings_total = counts["listings"]
        parsed = sum(t["rows_parsed"] for t in tables)
        rejected = len(rejects)
    finally:
        conn.close()
    return {
        "counts": counts,
        "tables": tables,
        "rows_parsed": parsed,
        "rows_rejected": rejected,
        "reject_rate": rejected / (parsed + rejected) if parsed + rejected else 0.0,
        "rejects": rejects,
        "unresolved_cities": unresolved_cities,
        "timing": report.get("timing", {}),
        "skipped": report.get("skipped", {}),
        "listings": listings_total,
        **extra,
        **{k: v for k, v in report.items() if k not in ("table", "timing", "skipped")},
    }


def format_report(data: dict) -> str:
    """Human-readable report."""
    lines = ["hospnet build report", ""]
    lines.append("Rows per table (parsed / rejected):")
    for t in data["tables"]:
        lines.append(f"  {t['id']:<40} lines {t['first_line']:>5}-{t['last_line']:<5} "
                     f"{t['rows_parsed']:>5} / {t['rows_rejected']}")
    lines.append(f"  total: {data['rows_parsed']} parsed, {data['rows_rejected']} rejected "
                 f"({data['reject_rate']:.2%})")
    lines.append("")
    lines.append("Skipped lines (no data): " + ", ".join(f"{k} {v}" for k, v in data["skipped"].items()))
    lines.append("")
    lines.append(f"Rejects ({len(data['rejects'])}):")
    for r in data["rejects"] or []:
        lines.append(f"  {r['source_file']}:{r['line']}  {r['reason']}  |{r['raw_text'][:60]}")
    lines.append("")
    lines.append(f"Covered cities without an adcode ({len(data['unresolved_cities'])}):")
    for r in data["unresolved_cities"]:
        cands = json.loads(r["candidates"]) if r["candidates"] else []
        lines.append(f"  {r['source_file']}:{r['line']}  {r['raw_city']} ({r['raw_province'] or '-'}): "
                     f"{r['status']} — {r['reason']}" + (f"; candidates {', '.join(cands)}" if cands else ""))
    for file, imp in data.get("imports", {}).items():
        if file == next(iter(data["imports"])):
            lines += ["", "Imports (file as given, encoding, rows read / not read, in force for):"]
        lines.append(f"  {file}: {imp['original_file']} ({imp['encoding']}), {imp['rows']} / {imp['rejected']}, "
                     f"{', '.join(imp['in_force_for']) or ('superseded' if imp['services'] else 'reference list')}")
    for sid, v in data.get("service versions", {}).items():
        if sid == next(iter(data["service versions"])):
            lines += ["", "New versions of service lists (hospitals before → after):"]
        lines.append(f"  {sid}: {v['previous']} → {v['current']}: {v['before']} → {v['after']}, "
                     f"{v['added_count']} added, {v['removed_count']} removed")
        for label in ("added", "removed"):
            if v[label]:
                lines.append(f"    {label}: " + "、".join(v[label]))
    for section, items in data.items():
        if isinstance(items, dict) and section not in ("counts", "timing", "skipped", "imports", "service versions"):
            lines.append("")
            lines.append(f"{section}:")
            for k, v in items.items():
                lines.append(f"  {k}: {v}")
    lines.append("")
    lines.append("Counts: " + ", ".join(f"{k} {v}" for k, v in data["counts"].items()))
    lines.append("Timing (s): " + ", ".join(f"{k} {v}" for k, v in data["timing"].items()))
    return "\n".join(lines)
