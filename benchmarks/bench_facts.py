"""Facts about hospitals: coverage by kind and class, reference links, grade-rule validation, build cost.

    .venv/bin/python benchmarks/bench_facts.py [--db registry.db]   # builds a fresh registry when --db is omitted

Prints, over mainland hospitals (country 中国, without 台湾/香港/澳门): how many have each fact and
whether it is stated or inferred; how many reference rows link; how each inferred-grade rule agrees
with stated grades; and, when it builds, the build's wall and CPU time with the facts stage's share.
Then the reviewed addresses (directory/knowledge/hospital_addresses.tsv) are validated: how often their
district agrees with independent district evidence (a 2020 row's address or county, a list cell, the
name or campus, an exact Wikidata point ≥ 1 km inside a district polygon), every disagreement, and how
far each hospital's Wikidata point lies from the reviewed district's polygon.
Targets (issue 10): district ≥ 60 %, exact point ≥ 25 %; reviewed addresses agree ≥ 95 %.
"""
from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from directory.build import build
from directory.facts.address_check import check_known_addresses, describe
from directory.facts.validation import rule_lines
from directory.locations import bundled_sources_dir

KINDS = [  # (label, column that holds the value, class column, value filter)
    ("city", "city_adcode", "city_class", None),
    ("district", "district", "district_class", None),
    ("city proper (in a 市辖区)", "city_proper", "city_proper_class", None),
    ("point (exact)", "geo_precision", "point_class", "exact"),
    ("point (district centroid)", "geo_precision", "point_class", "district"),
    ("point (city centroid)", "geo_precision", "point_class", "city"),
    ("grade", "grade", "grade_class", None),
    ("ownership", "ownership", "ownership_class", None),
    ("facility type", "facility_type", "facility_type_class", None),
    ("inpatient", "inpatient", "inpatient_class", None),
    ("address", "address", None, None),
]
MAINLAND = "country = '中国' AND coalesce(substr(province_adcode, 1, 2), '') NOT IN ('71', '81', '82')"


def coverage(conn: sqlite3.Connection) -> list[str]:
    total = conn.execute(f"SELECT count(*) FROM hospitals WHERE {MAINLAND}").fetchone()[0]
    lines = [f"mainland hospitals: {total}", f"{'fact':<28}{'with':>7}{'share':>8}{'stated':>8}{'inferred':>9}"]
    for label, col, cls, value in KINDS:
        where = f"{col} = '{value}'" if value else f"{col} IS NOT NULL"
        n = conn.execute(f"SELECT count(*) FROM hospitals WHERE {MAINLAND} AND {where}").fetchone()[0]
        stated = inferred = 0
        if cls:
            for c, k in conn.execute(f"SELECT {cls}, count(*) FROM hospitals WHERE {MAINLAND} AND {where} GROUP BY 1"):
                stated += k if c == "stated" else 0
                inferred += k if c == "inferred" else 0
        lines.append(f"{label:<28}{n:>7}{n / max(total, 1):>8.1%}{stated:>8}{inferred:>9}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="an existing registry (default: build one from the bundled sources)")
    args = ap.parse_args()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "registry.db"
        t0, c0 = time.perf_counter(), time.process_time()
        build(db)
        print(f"build: {time.perf_counter() - t0:.2f} s wall, {time.process_time() - c0:.2f} s CPU")
    conn = sqlite3.connect(db)
    timing = dict(conn.execute("SELECT item, value FROM build_report WHERE section = 'timing'"))
    if timing:
        print("build stages (s): " + ", ".join(f"{k} {v}" for k, v in timing.items()))
    print("\n".join(coverage(conn)))
    print("address by source: " + ", ".join(f"{k} {n}" for k, n in conn.execute(
        f"SELECT substr(address_source, 1, instr(address_source, ' ') - 1), count(*) FROM hospitals "
        f"WHERE {MAINLAND} AND address IS NOT NULL GROUP BY 1 ORDER BY 2 DESC")))
    print("facts rows: " + ", ".join(f"{f} {n}" for f, n in conn.execute(
        "SELECT fact, count(*) FROM facts GROUP BY 1 ORDER BY 2 DESC")))
    for item, value in conn.execute("SELECT item, value FROM build_report WHERE section = 'facts' "
                                    "AND item NOT IN ('mainland hospitals') ORDER BY item"):
        print(f"{item}: {value}")
    linked = conn.execute("SELECT count(*), count(DISTINCT hospital_id) FROM reference_hospitals "
                          "WHERE hospital_id IS NOT NULL").fetchone()
    print(f"reference_hospitals: {conn.execute('SELECT count(*) FROM reference_hospitals').fetchone()[0]} rows, "
          f"{linked[0]} linked to {linked[1]} hospitals")
    print("\n".join(rule_lines(conn)))
    conn.close()
    print("\n".join(describe(*check_known_addresses(db, bundled_sources_dir() / "reference"))))


if __name__ == "__main__":
    main()
