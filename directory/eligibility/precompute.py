"""Verdicts for every service and every hospital it could apply to, written into the registry's
`verdicts` table so that Datasette (and anyone reading the file) sees the same answers as the API."""
from __future__ import annotations

import json
import sqlite3

from directory.eligibility.context import EligibilityContext
from directory.eligibility.subjects import every_service_subjects
from directory.eligibility.verdict import decide

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # one encoder: json.dumps makes one per call


def _json(value) -> str:
    return _ENCODER.encode(value)


def verdict_rows(conn: sqlite3.Connection, ctx: EligibilityContext) -> list[tuple]:
    rows = []
    for s, subjects in every_service_subjects(conn, ctx):
        for sub in subjects:
            v = decide(ctx, s, sub)
            d = v.as_dict()
            evidence = [f"{e['source_file']}:{e['line']}" for e in v.evidence]
            rows.append((s.id, sub.hospital.id, v.verdict, v.label, v.say, _json(d["reasons"]),
                         _json(d["facts_used"]), _json(d["to_check"]), _json(d["inferred"]), _json(evidence)))
    return rows


def write_verdicts(conn: sqlite3.Connection) -> int:
    """Recompute the `verdicts` table from the registry's facts; return the number of rows."""
    conn.execute("delete from verdicts")
    rows = verdict_rows(conn, EligibilityContext.load(conn))
    conn.executemany("insert into verdicts (service_id, hospital_id, verdict, verdict_label, say, reasons, "
                     "facts_used, to_check, inferred, evidence) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)
