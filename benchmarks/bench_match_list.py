"""Time matching a new 1,000-row list against the registry (target: under 5 s on 2 cores).

The list is made from the manuals' own rows, rewritten the way other insurers write them
(affiliation prefix dropped, full-width characters, stray spaces, bracket aliases kept), with a
fixed seed; accuracy is the share of rows whose best match is the hospital the row came from.

    .venv/bin/python benchmarks/bench_match_list.py [--db registry.db] [--rows 1000]
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from directory.build import build
from directory.lookup import index_for, resolve_name


def variant(name: str, rng: random.Random) -> str:
    """One realistic rewrite of a hospital name."""
    choice = rng.randrange(4)
    if choice == 0 and "附属" in name and len(name.split("附属", 1)[1]) >= 5:
        return name.split("附属", 1)[1]  # prefix dropped, as long as what is left still names a hospital
    if choice == 1:
        return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in name)
    if choice == 2 and len(name) > 4:
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + " " + name[i:]
    return name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--rows", type=int, default=1000)
    args = ap.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "registry.db"
    if args.db is None:
        build(db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT raw_name, city_adcode, hospital_id FROM listings WHERE raw_country IS NULL "
                            "ORDER BY id").fetchall()
    rng = random.Random(20261122)
    sample = [rng.choice(rows) for _ in range(args.rows)]
    queries = [(variant(n, rng), c, h) for n, c, h in sample]
    t0 = time.perf_counter()
    index = index_for(str(db), os.path.getmtime(db))
    t_index = time.perf_counter() - t0
    t1 = time.perf_counter()
    hits = confident = 0
    for name, city, hid in queries:
        r = resolve_name(index, name, city_adcode=city)
        if r["best"]:
            confident += 1
            hits += r["best"]["id"] == hid
    t_match = time.perf_counter() - t1
    print(f"rows: {len(queries)}")
    print(f"index build: {t_index:.2f} s; matching: {t_match:.2f} s ({len(queries) / t_match:.0f} rows/s); "
          f"total {t_index + t_match:.2f} s")
    print(f"confident matches: {confident}/{len(queries)}; correct among them: {hits}/{confident} "
          f"({hits / max(confident, 1):.2%})")


if __name__ == "__main__":
    main()
