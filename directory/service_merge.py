"""A service printed twice is one service.

A manual may print the same service twice under two names (seed 002 prints 重大疾病住院护工服务 and
重疾住院护工服务 with identical coverage tables). Two services of one document are the same when they
have the same kind and rule terms and their tables hold the same rows, cell for cell, in the same
order, and the tables are separate printings (one table serving several services is not a duplicate).
The later one is merged into the first: its name becomes an alias, its table an additional
printing (evidence) of the first, and `service_merges` records why. Nothing here names a service.
"""
from __future__ import annotations

import json
from typing import Any

_RULE_TERMS = ("kind", "min_grade", "public_only", "city_proper_only")
_LISTING_CELLS = ("raw_name", "raw_province", "raw_city", "raw_grade", "raw_team", "raw_country", "raw_place")


def _fingerprints(parsed: Any) -> dict[str, tuple]:
    """service id → the rows of its tables as printed (no line numbers), in order."""
    rows_of: dict[str, list[tuple]] = {}
    for row in parsed.listings:
        rows_of.setdefault(row["table_id"], []).append(tuple(row.get(c) for c in _LISTING_CELLS))
    for row in parsed.coverage_entries:
        rows_of.setdefault(row["table_id"], []).append((row.get("raw_province"), row.get("raw_city")))
    tables_of: dict[str, list[str]] = {}
    for ts in parsed.table_services:
        tables_of.setdefault(ts["service_id"], []).append(ts["table_id"])
    return {sid: tuple(r for t in tables for r in rows_of.get(t, ())) for sid, tables in tables_of.items()}


def find_duplicates(parsed: Any) -> list[dict[str, Any]]:
    """Pairs (merged → kept) of services printed twice within one document, with the evidence."""
    prints = _fingerprints(parsed)
    tables_of: dict[str, list[str]] = {}
    for ts in parsed.table_services:
        tables_of.setdefault(ts["service_id"], []).append(ts["table_id"])
    span = {t["id"]: f"{t['first_line']}–{t['last_line']}" for t in parsed.tables}
    def where(sid: str) -> str:
        return "、".join(f"{t}（第 {span.get(t, '?')} 行）" for t in tables_of[sid])

    kept: dict[tuple, dict[str, Any]] = {}
    merges = []
    for s in parsed.services:
        rows = prints.get(s["id"], ())
        if not rows:
            continue
        key = (s["source_file"], *(s.get(t) for t in _RULE_TERMS), rows)
        first = kept.setdefault(key, s)
        # One table serving several services is one printing, not two: only separate tables count.
        if first is s or set(tables_of[first["id"]]) & set(tables_of[s["id"]]):
            continue
        merges.append({
            "service_id": s["id"], "merged_into": first["id"], "name": s["name"], "source_file": s["source_file"],
            "reason": "同一手册中重复印出的服务：名单逐行相同，服务类型与规则相同",
            "evidence": f"{where(first['id'])} 与 {where(s['id'])} 逐行相同（{len(rows)} 行）",
        })
    return merges


def apply_merges(parsed: Any, merges: list[dict[str, Any]]) -> None:
    """Fold each merged service into the one it duplicates (in place)."""
    into = {m["service_id"]: m["merged_into"] for m in merges}
    if not into:
        return
    by_id = {s["id"]: s for s in parsed.services}
    for m in merges:
        kept = by_id[m["merged_into"]]
        aliases = json.loads(kept.get("aliases") or "[]")
        extra = [m["name"], *json.loads(by_id[m["service_id"]].get("aliases") or "[]")]
        kept["aliases"] = json.dumps(list(dict.fromkeys([*aliases, *extra])), ensure_ascii=False)
    parsed.services[:] = [s for s in parsed.services if s["id"] not in into]
    seen: set[tuple[str, str]] = set()
    table_services = []
    for ts in parsed.table_services:
        pair = (ts["table_id"], into.get(ts["service_id"], ts["service_id"]))
        if pair not in seen:
            seen.add(pair)
            table_services.append({"table_id": pair[0], "service_id": pair[1]})
    parsed.table_services[:] = table_services
    for row in parsed.listings:
        row["service_id"] = into.get(row["service_id"], row["service_id"])
