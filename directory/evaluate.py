"""Evaluate entity resolution on labelled pairs.

- Seed pairs (tests/data/er_pairs.tsv, the regression set, and tests/data/er_seed_pairs.tsv when present):
  two manual rows `source_a`/`source_b` as `NNN:line`; scored against a built registry.
- Outside pairs (tests/data/er_outside_pairs.tsv when present): a row of an outside list (the 2020
  fever-clinic list, `sources/reference/fever_clinics_2020.tsv`) against a manual row. The outside
  list is resolved together with the manuals, as the build sees an imported list; a pair is
  predicted-same when both rows end in the same hospital.
"""
from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "er_pairs.tsv"
SEED_PAIRS = ROOT / "tests" / "data" / "er_seed_pairs.tsv"
OUTSIDE_PAIRS = ROOT / "tests" / "data" / "er_outside_pairs.tsv"
FEVER_LIST = ROOT / "sources" / "reference" / "fever_clinics_2020.tsv"


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
    recall_by_class: dict[str, tuple[int, int]] = field(default_factory=dict)  # class → (found, positives)

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
    """'002:746' → ('002', 746); 'fever:1290' → ('fever_clinics_2020', 1290)."""
    doc, line = ref.strip().split(":")
    return (FEVER_LIST.stem if doc == "fever" else doc), int(line)


def _ref_a(row: dict[str, str]) -> tuple[str, int]:
    return _key(row.get("a_ref") or row["source_a"])


def _ref_b(row: dict[str, str]) -> tuple[str, int]:
    return _key(row.get("b_ref") or row["source_b"])


def _names(row: dict[str, str]) -> tuple[str, str]:
    return row.get("a_name") or row.get("name_a") or "", row.get("b_name") or row.get("name_b") or ""


def read_pairs(path: Path, split: str | None = None) -> list[dict[str, str]]:
    """Labelled pairs of a TSV with a header; only the rows of `split` (dev/test) when the file has one."""
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")]
    if split and rows and "split" in rows[0]:
        rows = [r for r in rows if r["split"] == split]
    return rows


def evaluate(db: Path, pairs_file: Path = PAIRS, split: str | None = None) -> Scores:
    """Pairwise precision/recall/F1 and B-cubed of the registry's clustering on seed (manual) pairs."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        hosp = _hospital_of(conn)
        clusters = conn.execute("SELECT count(*) FROM hospitals").fetchone()[0]
    rows = read_pairs(pairs_file, split)
    return score_pairs(rows, _ref_a, _ref_b, hosp, clusters)


def score_pairs(rows: list[dict[str, str]], ref_a: Callable[[dict], tuple], ref_b: Callable[[dict], tuple],
                hosp: dict[tuple, str], clusters: int) -> Scores:
    """Score labelled pairs given each row's two references and reference → hospital id."""
    tp = fp = fn = tn = 0
    errors = []
    by_class: Counter = Counter()
    found: Counter = Counter()
    parent: dict[tuple, tuple] = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rows:
        a, b = ref_a(r), ref_b(r)
        na, nb = _names(r)
        if a not in hosp or b not in hosp:
            errors.append(f"UNKNOWN ROW {a if a not in hosp else b} in pair {na} / {nb}")
            continue
        same_pred = hosp[a] == hosp[b]
        same_gold = r["same"] == "1"
        find(a), find(b)
        if same_gold:
            parent[find(a)] = find(b)
            cls = r.get("class") or "unclassified"
            by_class[cls] += 1
            found[cls] += same_pred
        if same_pred and same_gold:
            tp += 1
        elif same_pred:
            fp += 1
            errors.append(f"FALSE MERGE [{r.get('class') or '-'}] {na} ({a}) = {nb} ({b})")
        elif same_gold:
            fn += 1
            errors.append(f"MISSED [{r.get('class') or '-'}] {na} ({a}) ≠ {nb} ({b})")
        else:
            tn += 1
    # B-cubed over the labelled rows. Gold clusters are the transitive closure of positive pairs;
    # the labels are partial, so precision counts only predicted co-members whose relation is labelled
    # (same gold cluster, or a negative pair between the two gold clusters).
    items = list(parent)
    gold = {x: find(x) for x in items}
    negative = set()
    for r in rows:
        a, b = ref_a(r), ref_b(r)
        if r["same"] != "1" and a in gold and b in gold:
            negative |= {(gold[a], gold[b]), (gold[b], gold[a])}
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
                  tuple(errors), {c: (found[c], by_class[c]) for c in sorted(by_class)})


# ---------------------------------------------------------------- outside lists


def outside_listings(path: Path = FEVER_LIST, first_id: int = 1_000_000) -> list[dict]:
    """The rows of an outside list as the build sees an imported list: listings with their raw
    province, city and county cells (line = the 1-based line in the file, header = line 1)."""
    out = []
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        for i, row in enumerate(reader, start=2):
            out.append({"id": first_id + i, "source_file": path.name, "line": i, "table_id": f"outside-{path.stem}",
                        "service_id": None, "raw_name": row["name"].strip(), "raw_province": row.get("province") or None,
                        "raw_city": row.get("city") or None, "raw_county": row.get("county") or None,
                        "raw_grade": row.get("level") or None, "raw_team": None, "raw_country": None,
                        "raw_place": None, "raw_text": "\t".join(v or "" for v in row.values()), "note": None})
    return out


@dataclass
class OutsideResolution:
    """Where every manual row and every outside row ended: (doc id or file name, line) → hospital id."""

    hospital_of: dict[tuple[str, int], str]
    hospitals: list[dict]
    listings: list[dict]
    seconds: float


def resolve_with_outside(path: Path = FEVER_LIST) -> OutsideResolution:
    """Resolve the bundled manuals together with an outside list (no SQLite file written)."""
    import time

    from directory.build import parse_sources
    from directory.hospitals import resolve_hospitals
    from directory.manifest import load_manifest

    parsed = parse_sources(load_manifest())
    extra = outside_listings(path)
    table_id = extra[0]["table_id"] if extra else "outside"
    listings = parsed.listings + extra
    table_services = parsed.table_services + [{"table_id": table_id, "service_id": "outside"}]
    origin_of = {s["file"]: s["origin"] for s in parsed.sources} | {path.name: "imported"}
    t0 = time.perf_counter()
    resolved = resolve_hospitals(listings, table_services, origin_of)
    seconds = time.perf_counter() - t0
    hosp = {}
    for li in listings:
        doc = li["source_file"].split("_", 1)[0] if li["source_file"] != path.name else path.stem
        hosp[(doc, li["line"])] = li["hospital_id"]
    return OutsideResolution(hosp, resolved["hospitals"], listings, seconds)


def evaluate_outside(res: OutsideResolution, pairs_file: Path = OUTSIDE_PAIRS, split: str | None = None) -> Scores:
    """Outside-to-registry pairs scored on a joint resolution."""
    rows = read_pairs(pairs_file, split)
    return score_pairs(rows, _ref_a, _ref_b, res.hospital_of, len(res.hospitals))
