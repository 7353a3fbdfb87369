"""How build, name matching and nearest grow on synthetic registries at 1×, 10× and 100× the
bundled size (100× ≈ 400,000 listings of ~40,000 hospitals from 50 insurers' lists).

For each scale: generate lists (benchmarks/synthetic.py), build the registry, then
  - build time and seconds per 1,000 listings (flat per-listing cost = linear growth);
  - resolve throughput: 1,000 names from the lists matched against the built registry;
  - nearest latency p50/p99 in process;
  - precision/recall of the clustering against the generator's ground truth.
Targets: national-scale build ≤ 5 minutes; resolving a 1,000-row list ≤ 10 s.

    .venv/bin/python benchmarks/bench_scale.py            # 1×, 10×, 100× (about 4 minutes here)
    .venv/bin/python benchmarks/bench_scale.py --short    # 1× and 10× (CI)
"""
from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import make_hospitals, write_lists  # noqa: E402

BUNDLED_LISTINGS = 3885


def truth_scores(src: Path, db: Path) -> tuple[float, float]:
    """Pairwise precision and recall of the registry's clusters against the generator's truth."""
    with (src / "truth.tsv").open(encoding="utf-8") as fh:
        truth = {(r["file"], int(r["line"])): r["hospital_key"] for r in csv.DictReader(fh, delimiter="\t")}
    with sqlite3.connect(db) as conn:
        pred = {(f, ln): h for f, ln, h in conn.execute("SELECT source_file, line, hospital_id FROM listings")}
    joint: dict[str, Counter] = defaultdict(Counter)
    for key, t in truth.items():
        joint[pred[key]][t] += 1
    by_truth = Counter(truth.values())
    tp = sum(n * (n - 1) // 2 for c in joint.values() for n in c.values())
    pp = sum(sum(c.values()) * (sum(c.values()) - 1) // 2 for c in joint.values())
    tt = sum(n * (n - 1) // 2 for n in by_truth.values())
    return tp / max(pp, 1), tp / max(tt, 1)


def resolve_throughput(db: Path, n: int = 1000) -> tuple[float, float]:
    from directory.lookup import index_for, resolve_name

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT raw_name, city_adcode FROM listings ORDER BY random() LIMIT ?", (n,)).fetchall()
    t = time.perf_counter()
    index = index_for(str(db), os.path.getmtime(db))
    t_index = time.perf_counter() - t
    t = time.perf_counter()
    for name, city in rows:
        resolve_name(index, name, city_adcode=city)
    return t_index, time.perf_counter() - t


def nearest_latency(db: Path, rounds: int = 200) -> tuple[float, float]:
    from api.app import create_app

    with sqlite3.connect(db) as conn:
        cities = [r[0] for r in conn.execute(
            "SELECT city_adcode FROM hospitals WHERE city_adcode IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 20")]
    client = create_app(str(db)).test_client()
    queries = [f"/api/v1/nearest?service=s000-green&city={c}" for c in cities]
    for q in queries:
        assert client.get(q).status_code == 200, q
    times = []
    rng = random.Random(3)
    for _ in range(rounds):
        q = rng.choice(queries)
        t = time.perf_counter()
        client.get(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="only 1× and 10× (for CI)")
    ap.add_argument("--scales", type=int, nargs="*", default=None)
    args = ap.parse_args()
    scales = args.scales or ([1, 10] if args.short else [1, 10, 100])
    from directory.build import build
    from directory.manifest import load_manifest

    work = Path(tempfile.mkdtemp(prefix="hospnet-scale-"))
    print(f"{'scale':>5} {'listings':>9} {'hospitals':>9} {'build s':>8} {'s/1k listings':>13} "
          f"{'1k resolve s':>12} {'nearest p50 ms':>14} {'p99 ms':>7} {'precision':>9} {'recall':>7}")
    for scale in scales:
        listings = BUNDLED_LISTINGS * scale
        src = work / f"x{scale}"
        hospitals = make_hospitals(max(400, listings // 10))
        lists = min(50, max(5, scale // 2 + 5))
        write_lists(hospitals, src, listings, lists)
        db = work / f"x{scale}.db"
        t = time.perf_counter()
        build(db, manifest=load_manifest(src / "manifest.toml"))
        build_s = time.perf_counter() - t
        with sqlite3.connect(db) as conn:
            n_list = conn.execute("SELECT count(*) FROM listings").fetchone()[0]
            n_hosp = conn.execute("SELECT count(*) FROM hospitals").fetchone()[0]
        t_index, t_match = resolve_throughput(db)
        p50, p99 = nearest_latency(db)
        precision, recall = truth_scores(src, db)
        print(f"{scale:>4}× {n_list:>9} {n_hosp:>9} {build_s:>8.1f} {1000 * build_s / n_list:>13.3f} "
              f"{t_index + t_match:>12.2f} {p50:>14.2f} {p99:>7.2f} {precision:>9.4f} {recall:>7.4f}", flush=True)


if __name__ == "__main__":
    main()
