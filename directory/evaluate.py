"""Evaluate entity resolution on the labelled pairs (tests/data/er_pairs.tsv) against a built registry."""
from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass
from pathlib import Path

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "er_pairs.tsv"


@dataclass(frozen=True)
class Scores:
    pairs: int
    positives: int
    tp: int
    fp: int
    fn: int
    tn: int
    bcubed_precision: float
    bcubed_recall: float
    clusters: int
    errors: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _hospital_of(conn: sqlite3.Connection) -> dict[tuple[str, int], str]:
    """(document id, line) → hospital id, e.g. ('002', 122)."""
    out = {}
    for source_file, line, hid in conn.execute("SELECT source_file, line, hospital_id FROM listings"):
        out[(source_file.split("_", 1)[0], line)] = hid
    return out


def _key(ref: str) -> tuple[str, int]:
    doc, line = ref.split(":")
    return doc, int(line)


def evaluate(db: Path, pairs_file: Path = PAIRS) -> Scores:
    """Pairwise precision/recall/F1 and B-cubed of the registry's clustering on the labelled pairs."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        hosp = _hospital_of(conn)
        clusters = conn.execute("SELECT count(*) FROM hospitals").fetchone()[0]
    rows = list(csv.DictReader(pairs_file.open(encoding="utf-8"), delimiter="\t"))
    tp = fp = fn = tn = 0
    errors = []
    parent: dict[tuple, tuple] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rows:
        a, b = _key(r["source_a"]), _key(r["source_b"])
        same_pred = hosp[a] == hosp[b]
        same_gold = r["same"] == "1"
        find(a), find(b)
        if same_gold:
            parent[find(a)] = find(b)
        if same_pred and same_gold:
            tp += 1
        elif same_pred:
            fp += 1
            errors.append(f"FALSE MERGE {r['name_a']} ({r['source_a']}) = {r['name_b']} ({r['source_b']})")
        elif same_gold:
            fn += 1
            errors.append(f"MISSED {r['name_a']} ({r['source_a']}) ≠ {r['name_b']} ({r['source_b']})")
        else:
            tn += 1
    # B-cubed over the labelled listings. Gold clusters are the transitive closure of positive pairs;
    # the labels are partial, so precision counts only predicted co-members whose relation is labelled
    # (same gold cluster, or a negative pair between the two gold clusters).
    items = list(parent)
    gold = {x: find(x) for x in items}
    negative = set()
    for r in rows:
        if r["same"] != "1":
            a, b = gold[_key(r["source_a"])], gold[_key(r["source_b"])]
            negative |= {(a, b), (b, a)}
    bp = br = 0.0
    for x in items:
        pred_set = {y for y in items if hosp[y] == hosp[x]}
        gold_set = {y for y in items if gold[y] == gold[x]}
        both = len(pred_set & gold_set)
        judged = both + sum(1 for y in pred_set if (gold[x], gold[y]) in negative)
        bp += both / judged
        br += both / len(gold_set)
    n = max(len(items), 1)
    return Scores(len(rows), sum(r["same"] == "1" for r in rows), tp, fp, fn, tn, bp / n, br / n, clusters,
                  tuple(errors))
