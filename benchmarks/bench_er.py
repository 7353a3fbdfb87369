"""Entity-resolution quality: pairwise P/R/F1, B-cubed and recall per class, for seed-to-seed pairs and
for outside-to-registry pairs separately.

    .venv/bin/python benchmarks/bench_er.py [--db registry.db] [--split dev|test|all] [--summary]

--summary prints aggregate figures only (P/R/F1, B-cubed, recall per class), never an individual pair,
so that the held-out `test` split can be measured without being looked at.

- regression: tests/data/er_pairs.tsv (308 pairs from the manuals; found with an older normalizer, so
  its recall is optimistic — kept to catch regressions);
- seed pairs: tests/data/er_seed_pairs.tsv, two manual rows per pair (when the file exists);
- outside pairs: tests/data/er_outside_pairs.tsv, a row of sources/reference/fever_clinics_2020.tsv
  against a manual row (when the file exists). The fever-clinic list is resolved together with the
  manuals as an imported list would be (rows with their province, city and county cells); a pair is
  predicted-same when both rows end in the same hospital.
Files with a `split` column are scored per split (tune on dev, report test); --split picks one.
Targets: precision ≥ 0.995 and recall ≥ 0.97 on both seed and outside pairs.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from directory.build import build
from directory.evaluate import (
    FEVER_LIST,
    OUTSIDE_PAIRS,
    SEED_PAIRS,
    Scores,
    evaluate,
    evaluate_outside,
    read_pairs,
    resolve_with_outside,
)


def show(title: str, s: Scores, max_errors: int = 40) -> None:
    """Print the aggregate scores and, unless max_errors is 0, the first errors (pairs)."""
    print(f"== {title}")
    if not s.pairs:
        print("   no pairs")
        return
    print(f"   labelled pairs: {s.pairs} ({s.positives} positive, {s.positives / s.pairs:.1%})")
    print(f"   pairwise: precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}  "
          f"(tp {s.tp}, fp {s.fp}, fn {s.fn}, tn {s.tn})")
    print(f"   B-cubed: precision {s.bcubed_precision:.4f}  recall {s.bcubed_recall:.4f}")
    if len(s.recall_by_class) > 1 or "unclassified" not in s.recall_by_class:
        for cls, (found, total) in s.recall_by_class.items():
            print(f"   recall [{cls}]: {found}/{total} ({found / max(total, 1):.1%})")
    if max_errors <= 0:
        return
    for e in s.errors[:max_errors]:
        print("     " + e)
    if len(s.errors) > max_errors:
        print(f"     … {len(s.errors) - max_errors} more")


def splits(path: Path, wanted: str) -> list[str | None]:
    rows = read_pairs(path)
    have = sorted({r["split"] for r in rows if r.get("split")}) if rows and "split" in rows[0] else []
    if not have or wanted == "all":
        return [None]
    return [wanted] if wanted in have else have


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="an existing registry (default: build one from the bundled sources)")
    ap.add_argument("--split", default="both", help="dev, test, all, or both (default: each split separately)")
    ap.add_argument("--summary", action="store_true",
                    help="aggregate figures only: no individual pair is printed (for held-out splits)")
    args = ap.parse_args()
    max_errors = 0 if args.summary else 40
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "registry.db"
        t0 = time.perf_counter()
        build(db)
        print(f"build: {time.perf_counter() - t0:.2f} s")
    s = evaluate(db)
    show("regression pairs (tests/data/er_pairs.tsv)", s, max_errors)
    print(f"   clusters (hospitals in registry): {s.clusters}")
    if SEED_PAIRS.exists():
        for split in splits(SEED_PAIRS, args.split):
            show(f"seed-to-seed pairs ({SEED_PAIRS.name}{', ' + split if split else ''})", evaluate(db, SEED_PAIRS, split), max_errors)
    else:
        print(f"== seed-to-seed pairs: {SEED_PAIRS.name} not present")
    t0 = time.perf_counter()
    res = resolve_with_outside(FEVER_LIST)
    elapsed = time.perf_counter() - t0
    outside = [k for k in res.hospital_of if k[0] == FEVER_LIST.stem]
    manual_h = {h for k, h in res.hospital_of.items() if k[0] != FEVER_LIST.stem}
    joined = sum(res.hospital_of[k] in manual_h for k in outside)
    print(f"== outside list {FEVER_LIST.name}: {len(outside)} rows resolved with the manuals in {elapsed:.2f} s "
          f"(resolution {res.seconds:.2f} s); {joined} rows joined a hospital of the manuals")
    methods = Counter(li["match_method"] for li in res.listings if li["source_file"] == FEVER_LIST.name)
    print("   match methods of its rows: " + ", ".join(f"{m} {n}" for m, n in methods.most_common()))
    if OUTSIDE_PAIRS.exists():
        for split in splits(OUTSIDE_PAIRS, args.split):
            show(f"outside-to-registry pairs ({OUTSIDE_PAIRS.name}{', ' + split if split else ''})",
                 evaluate_outside(res, OUTSIDE_PAIRS, split), max_errors)
    else:
        print(f"== outside-to-registry pairs: {OUTSIDE_PAIRS.name} not present")


if __name__ == "__main__":
    main()
