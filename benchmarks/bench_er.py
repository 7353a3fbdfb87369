"""Entity-resolution quality on the labelled pairs: pairwise P/R/F1, B-cubed, cluster count.

    .venv/bin/python benchmarks/bench_er.py [--db registry.db]   # builds a fresh registry when --db is omitted
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from directory.build import build
from directory.evaluate import evaluate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="an existing registry (default: build one from the bundled sources)")
    args = ap.parse_args()
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "registry.db"
        t0 = time.perf_counter()
        build(db)
        print(f"build: {time.perf_counter() - t0:.2f} s")
    s = evaluate(db)
    print(f"labelled pairs: {s.pairs} ({s.positives} positive, {s.positives / s.pairs:.1%})")
    print(f"pairwise: precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}  "
          f"(tp {s.tp}, fp {s.fp}, fn {s.fn}, tn {s.tn})")
    print(f"B-cubed: precision {s.bcubed_precision:.4f}  recall {s.bcubed_recall:.4f}")
    print(f"clusters (hospitals in registry): {s.clusters}")
    for e in s.errors:
        print("  " + e)


if __name__ == "__main__":
    main()
