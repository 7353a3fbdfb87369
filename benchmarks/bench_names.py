"""Evaluate match_rules.compatible + a name_score threshold on tests/data/er_pairs.tsv (pairwise P/R/F1)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from directory.match_rules import compatible, name_score  # noqa: E402
from directory.names import normalize_name  # noqa: E402

PAIRS = Path(__file__).resolve().parents[1] / "tests" / "data" / "er_pairs.tsv"


def evaluate(threshold: float, use_city: bool) -> tuple[float, float, float, list[tuple[str, str, str]]]:
    """Return precision, recall, F1 and the errors for one threshold; use_city blocks on differing city columns."""
    tp = fp = fn = 0
    errors = []
    with PAIRS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            a, b = normalize_name(row["name_a"]), normalize_name(row["name_b"])
            ok, why = compatible(a, b)
            if use_city and row["city_a"] and row["city_b"] and row["city_a"] != row["city_b"]:
                ok, why = False, "city columns differ"
            pred = ok and name_score(a, b) >= threshold
            gold = row["same"] == "1"
            tp += pred and gold
            fp += pred and not gold
            fn += gold and not pred
            if pred != gold:
                errors.append(("FP" if pred else "FN", f"{row['name_a']} | {row['name_b']}", why))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, errors


def main() -> None:
    """Print P/R/F1 over a range of thresholds, with and without city blocking, then the errors at 85."""
    for use_city in (False, True):
        for t in (70, 80, 85, 90, 95):
            p, r, f, _ = evaluate(t, use_city)
            print(f"city_block={use_city!s:5} threshold={t:3}  P={p:.3f} R={r:.3f} F1={f:.3f}")
    for kind, pair, why in evaluate(85, False)[3]:
        print(kind, pair, "—", why)


if __name__ == "__main__":
    main()
