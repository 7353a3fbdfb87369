"""Copies of the real registry in which named real hospitals are given facts (as the facts stage would
record them), with the verdicts recomputed — so rules are exercised on real hospitals and real services."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from directory.eligibility.precompute import write_verdicts


def fact_columns(*, district: str | None = None, ownership: str | None = None, facility_type: str | None = None,
                 inpatient: int | None = None, grade: str | None = None, klass: str = "stated",
                 source: str = "test fixture") -> dict[str, Any]:
    """hospitals columns for the given facts, all of one class (district is an adcode)."""
    cols: dict[str, Any] = {}
    if district is not None:
        cols.update(adcode=district, district_class=klass, district_source=source)
    if ownership is not None:
        cols.update(ownership=ownership, ownership_class=klass, ownership_source=source)
    if facility_type is not None:
        cols.update(facility_type=facility_type, facility_type_class=klass, facility_type_source=source)
    if inpatient is not None:
        cols.update(inpatient=inpatient, inpatient_class=klass, inpatient_source=source)
    if grade is not None:
        cols.update(grade=grade, grade_class=klass, grade_source=source)
    return cols


def set_facts(conn: sqlite3.Connection, name: str, cols: dict[str, Any]) -> str:
    """Give the real hospital called `name` these columns; return its id."""
    if "adcode" in cols:
        (district,) = conn.execute("select name from regions where adcode = ?", (cols["adcode"],)).fetchone()
        cols = {**cols, "district": district}
    sets = ", ".join(f"{k} = ?" for k in cols)
    rows = conn.execute("select id from hospitals where name = ?", (name,)).fetchall()
    assert len(rows) == 1, f"{name!r} is not one registry hospital"
    conn.execute(f"update hospitals set {sets} where id = ?", [*cols.values(), rows[0][0]])
    return rows[0][0]


def copy_with_facts(registry: Path, out_dir: Path, facts: dict[str, dict[str, Any]]) -> Path:
    """A copy of `registry` in `out_dir` where each named hospital has the given fact columns."""
    db = out_dir / "registry.db"
    shutil.copy(registry, db)
    conn = sqlite3.connect(db)
    try:
        with conn:
            for name, cols in facts.items():
                set_facts(conn, name, cols)
            write_verdicts(conn)
    finally:
        conn.close()
    return db
