"""Time matching a new list against the registry (targets on 2 cores: 1,000 rows < 5 s; 5,000 rows < 10 s).

The list is made from the manuals' own rows, rewritten the way other insurers write them
(affiliation prefix dropped, full-width characters, stray spaces, traditional characters, the
province or city prefix left to the list's cells), with a fixed seed; accuracy is the share of rows
whose match is the hospital the row came from. Two ways of matching are timed:
- query side: each row through the name index (`directory.lookup`, as `hospnet resolve` does);
- build side (`--rows 5000` is the national-list mode): the list resolved together with the manuals
  as an imported list is at build time (`directory.hospitals.resolve_hospitals`).

    .venv/bin/python benchmarks/bench_match_list.py [--db registry.db] [--rows 5000] [--no-build-side]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import tempfile
import time
from pathlib import Path

import opencc

from directory.build import build
from directory.lookup import index_for, resolve_name

_S2T = opencc.OpenCC("s2t")


def build_side(rows: list[tuple[str, str | None, str | None, int]]) -> None:
    """Resolve the new list (name, province cell, city cell, listing it came from) together with the
    manuals, as `hospnet build` does after `hospnet import`."""
    from directory.build import parse_sources
    from directory.hospitals import resolve_hospitals
    from directory.manifest import load_manifest

    parsed = parse_sources(load_manifest())
    base = len(parsed.listings)
    new = [{"id": base + i + 1, "source_file": "new_list.tsv", "line": i + 2, "table_id": "new", "service_id": None,
            "raw_name": name, "raw_province": province, "raw_city": city, "raw_grade": None,
            "raw_country": None, "raw_place": None} for i, (name, province, city, _) in enumerate(rows)]
    t0 = time.perf_counter()
    resolve_hospitals(parsed.listings + new, parsed.table_services + [{"table_id": "new", "service_id": "new"}],
                      {s["file"]: s["origin"] for s in parsed.sources} | {"new_list.tsv": "imported"})
    seconds = time.perf_counter() - t0
    hospital_of = {li["id"]: li["hospital_id"] for li in parsed.listings}
    right = sum(hospital_of[origin] == li["hospital_id"] for (*_, origin), li in zip(rows, new, strict=True))
    print(f"build side: {len(new)} new rows resolved with {base} manual rows in {seconds:.2f} s "
          f"({len(new) / seconds:.0f} rows/s); rows that joined the hospital they came from: "
          f"{right}/{len(new)} ({right / len(new):.2%})")


def variant(name: str, rng: random.Random, cells: tuple[str | None, ...] = ()) -> str:
    """One realistic rewrite of a hospital name (cells: the row's province and city as its list prints them)."""
    choice = rng.randrange(6)
    if choice == 4:
        return _S2T.convert(name)  # a list from Hong Kong or Taiwan
    if choice == 5:
        m = re.match(r"^([\u4e00-\u9fff]{2,7}?)[省市](?=[\u4e00-\u9fff]{4})", name)
        if m and any(c and c.startswith(m.group(1)) for c in cells):
            return name[m.end():]  # the place left to the list's cells (成都市第二人民医院 → 第二人民医院 in 成都)
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
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--no-build-side", action="store_true", help="time only the query side")
    args = ap.parse_args()
    db = args.db or Path(tempfile.mkdtemp()) / "registry.db"
    if args.db is None:
        build(db)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT raw_name, city_adcode, hospital_id, raw_province, raw_city, id FROM listings "
                            "WHERE raw_country IS NULL ORDER BY id").fetchall()
    rng = random.Random(20261122)
    sample = [rng.choice(rows) for _ in range(args.rows)]
    queries = [(variant(n, rng, (p, ci)), c, h) for n, c, h, p, ci, _ in sample]
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
    if not args.no_build_side:
        build_side([(q[0], s[3], s[4], s[5]) for q, s in zip(queries, sample, strict=True)])


if __name__ == "__main__":
    main()
