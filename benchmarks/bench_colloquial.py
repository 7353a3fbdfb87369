"""Score /api/v1/resolve on colloquial names people really say (华西, 浙大二院, 301, 北京协合医院).

Reads tests/data/colloquial_resolve.tsv (name, city, answer, expected listing(s), class, evidence),
tests/data/colloquial_names.tsv (labelled independently, read by tests/data/labelled.py; its misses were
looked at while fixing the resolver) and tests/data/colloquial_names_holdout.tsv (labelled later by someone
else, measured blind as a whole, then by halves — split_for(query, city) — while only its dev half was
looked at; both halves have been looked at since) and tests/data/colloquial_names_holdout2.tsv (measured
blind once as a whole, then split the same way: its dev half may be looked at, its test half stays blind —
only the test half's aggregate figures are printed, whatever the flags). Each name is asked of
the real API app (Flask, in process) on a registry built from the bundled manuals, and scored:

- right: `matched` with the hospital that holds the expected listing, or `ambiguous` with every expected
  hospital among the contenders when the row expects an ambiguous answer;
- confidently wrong: `matched` with another hospital (the number that must stay 0);
- missed: anything else (`not_found`, or `ambiguous` where one answer was expected).

It also prints the time per query (p50, p99) — the resolve path must stay fast.

    .venv/bin/python benchmarks/bench_colloquial.py [--db registry.db] [--verbose | --summary]

--summary prints aggregate figures only (right, confidently wrong, missed, and right per class), never an
individual name, so that the independently labelled list can be measured without being looked at.
"""
from __future__ import annotations

import argparse
import csv
import re
import sqlite3
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN_LIST = ROOT / "tests" / "data" / "colloquial_resolve.tsv"
OTHER_LIST = ROOT / "tests" / "data" / "colloquial_names.tsv"
HOLDOUT_LIST = ROOT / "tests" / "data" / "colloquial_names_holdout.tsv"
HOLDOUT2_LIST = ROOT / "tests" / "data" / "colloquial_names_holdout2.tsv"
_REF = re.compile(r"^(\d{3}):(\d+)$")


@dataclass
class Case:
    name: str
    city: str
    answer: str  # matched | ambiguous
    expected: set[str]  # hospital ids
    label: str  # what the row expects, for the report
    kind: str


def listing_hospital(conn: sqlite3.Connection, ref: str) -> str | None:
    """The hospital holding listing `NNN:line` (file prefix and 1-based line)."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    row = conn.execute("SELECT hospital_id FROM listings WHERE source_file LIKE ? AND line = ?",
                       (m.group(1) + "\\_%", int(m.group(2)))).fetchone()
    if row is None:
        row = conn.execute("SELECT hospital_id FROM listings WHERE substr(source_file, 1, 3) = ? AND line = ?",
                           (m.group(1), int(m.group(2)))).fetchone()
    return row[0] if row else None


def load_own(conn: sqlite3.Connection, path: Path = OWN_LIST) -> list[Case]:
    cases = []
    with path.open(encoding="utf-8") as fh:
        for lineno, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
            ids = {listing_hospital(conn, ref) for ref in row["expected"].split(";")}
            if None in ids:
                raise SystemExit(f"{path}:{lineno}: listing {row['expected']!r} is not in the registry")
            cases.append(Case(row["name"], row["city"], row["answer"], ids, row["expected_name"], row["class"]))
    return cases


def load_other(conn: sqlite3.Connection, path: Path = OTHER_LIST, split: str | None = None) -> list[Case]:
    """An independently labelled list, read with its own loader (tests/data/labelled.py): one expected
    manual row, or for `ambiguous` the candidate rows its evidence names. `split` keeps the rows of one half
    (dev or test, tests/data/labelled.py split_for over query and city)."""
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.data.labelled import read_colloquial, split_for

    cases = []
    for row in read_colloquial(path):
        if split and split_for(row.query, row.city) != split:
            continue
        refs = [str(row.expected_ref)] if row.expected_ref else [str(r) for r in row.candidates]
        ids = {listing_hospital(conn, ref) for ref in refs}
        if None in ids:
            raise SystemExit(f"{path}:{row.source_line}: listing {refs} is not in the registry")
        answer = "ambiguous" if row.kind == "ambiguous" else "matched"
        cases.append(Case(row.query, row.city, answer, ids, row.expected_name or ";".join(refs), row.kind))
    return cases


def score(client, cases: list[Case], verbose: bool) -> dict:
    right = wrong = 0
    by_kind: dict[str, list[int]] = {}  # class → [right, wrong, total]
    times = []
    misses = []
    for c in cases:
        params = {"name": c.name, **({"city": c.city} if c.city else {})}
        t0 = time.perf_counter()
        r = client.get("/api/v1/resolve", query_string=params)
        times.append(time.perf_counter() - t0)
        body = r.get_json()
        status = body.get("status") if r.status_code == 200 else f"HTTP {r.status_code}"
        contenders = {x["id"] for x in body.get("candidates", [])[: body.get("ambiguous_count", 0)]}
        best = body.get("best") or {}
        tally = by_kind.setdefault(c.kind, [0, 0, 0])
        tally[2] += 1
        if c.answer == "matched" and status == "matched" and best.get("id") in c.expected:
            right += 1
            tally[0] += 1
            continue
        if c.answer == "ambiguous" and status == "ambiguous" and c.expected <= contenders:
            right += 1
            tally[0] += 1
            continue
        if status == "matched":
            wrong += 1
            tally[1] += 1
        got = best.get("name") if status == "matched" else \
            "、".join(x["name"] for x in body.get("candidates", [])[:3]) if body.get("candidates") else ""
        misses.append(f"  {'WRONG' if status == 'matched' else 'miss '}  {c.name} [{c.city or '-'}] expected "
                      f"{c.answer} {c.label}; got {status} {got}")
    times.sort()
    out = {"n": len(cases), "right": right, "wrong": wrong, "misses": misses, "by_kind": by_kind,
           "p50_ms": 1000 * statistics.median(times) if times else 0.0,
           "p99_ms": 1000 * times[min(len(times) - 1, int(len(times) * 0.99))] if times else 0.0}
    return out


def report(title: str, res: dict, verbose: bool, summary: bool = False) -> None:
    n = max(res["n"], 1)
    print(f"{title}: {res['n']} names; right {res['right']} ({res['right'] / n:.1%}); "
          f"confidently wrong {res['wrong']}; missed {res['n'] - res['right'] - res['wrong']}")
    print(f"  time per /api/v1/resolve request (in process): p50 {res['p50_ms']:.2f} ms, p99 {res['p99_ms']:.2f} ms")
    for kind, (ok, bad, total) in sorted(res["by_kind"].items()):
        print(f"  [{kind}] right {ok}/{total} ({ok / max(total, 1):.1%}), confidently wrong {bad}")
    if summary:
        return
    for line in res["misses"] if verbose or len(res["misses"]) <= 10 else res["misses"][:10]:
        print(line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="a built registry (default: build one from the bundled sources)")
    ap.add_argument("--verbose", action="store_true", help="list every miss")
    ap.add_argument("--summary", action="store_true",
                    help="aggregate figures only: no individual name is printed (for the independent list)")
    args = ap.parse_args()
    if args.summary and args.verbose:
        ap.error("--summary and --verbose exclude each other")
    db = args.db
    if db is None:
        from directory.build import build

        db = Path(tempfile.mkdtemp()) / "registry.db"
        build(db)
    from api.app import create_app

    t0 = time.perf_counter()
    client = create_app(str(db)).test_client()
    client.get("/api/v1/resolve", query_string={"name": "华西", "city": "成都"})  # first short form builds its index
    print(f"app start and first short-form query: {time.perf_counter() - t0:.2f} s")
    with sqlite3.connect(db) as conn:
        own = load_own(conn)
        report(f"{OWN_LIST.relative_to(ROOT)}", score(client, own, args.verbose), args.verbose, args.summary)
        if OTHER_LIST.exists():
            report(f"{OTHER_LIST.relative_to(ROOT)} (labelled independently; seen while fixing)",
                   score(client, load_other(conn), args.verbose), args.verbose, args.summary)
        if HOLDOUT_LIST.exists():
            # Measured blind once as a whole, then by halves; README tells the order. Since the second holdout
            # exists, both halves have been looked at.
            name = HOLDOUT_LIST.relative_to(ROOT)
            report(f"{name}, all (labelled independently; looked at while fixing)",
                   score(client, load_other(conn, HOLDOUT_LIST), args.verbose), args.verbose, args.summary)
            for half in ("dev", "test"):
                report(f"{name}, {half} half", score(client, load_other(conn, HOLDOUT_LIST, half), False), False,
                       summary=True)
        if HOLDOUT2_LIST.exists():
            # Measured blind once as a whole (README); then its dev half may be looked at while its test half
            # stays blind: the test half's names are never printed, whatever the flags.
            name = HOLDOUT2_LIST.relative_to(ROOT)
            report(f"{name}, all (labelled independently)",
                   score(client, load_other(conn, HOLDOUT2_LIST), False), False, summary=True)
            report(f"{name}, dev half (looked at while fixing)",
                   score(client, load_other(conn, HOLDOUT2_LIST, "dev"), args.verbose), args.verbose, args.summary)
            report(f"{name}, test half (blind)",
                   score(client, load_other(conn, HOLDOUT2_LIST, "test"), False), False, summary=True)

if __name__ == "__main__":
    main()
