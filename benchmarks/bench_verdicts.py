"""How decisive the answers of the rule-based coverage services are (issue 10's acceptance figure).

Over ALL covered cities of the coverage services whose rules need facts about the hospital (by default
every city_coverage service with min_grade, public_only, city_proper_only or inpatient in its terms —
医疗垫付, both 住院护工 and 术后家庭护理 in the bundled manuals), every hospital the registry knows in such a
city gets a verdict from directory.eligibility — the in-city answers `nearest` gives. Printed per service:
how many covered cities and how many have a known hospital, the verdicts by kind with their share, the
share of `unknown` among the answers shown to an agent (not_eligible ones are left out of answers), and
which facts the unknown ones lack. Target: ≤ 5 % unknown.

    .venv/bin/python benchmarks/bench_verdicts.py [--db registry.db] [--service 002-medical-advance …]
"""
from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory.eligibility import EligibilityContext, candidates, decide  # noqa: E402
from directory.facts.validation import rule_lines  # noqa: E402

KINDS = ("eligible", "likely", "not_eligible", "unknown")


def rule_based(ctx: EligibilityContext) -> list[str]:
    return [s.id for s in ctx.services.values() if s.kind == "city_coverage"
            and (s.min_grade or s.public_only or s.city_proper_only or s.inpatient)]


def measure(conn: sqlite3.Connection, ctx: EligibilityContext, service_id: str) -> dict:
    s = ctx.services[service_id]
    covered_cities = {a if ctx.regions.get(a)["level"] == "city" else ctx.regions.parent_of(a)
                      for a in s.areas if ctx.regions.get(a)}
    verdicts: Counter = Counter()
    missing: Counter = Counter()
    cities_with_hospitals = set()
    for sub in candidates(conn, ctx, s):
        if sub.hospital.city_adcode not in covered_cities:
            continue
        cities_with_hospitals.add(sub.hospital.city_adcode)
        v = decide(ctx, s, sub)
        verdicts[v.verdict] += 1
        if v.verdict == "unknown":
            missing.update(dict.fromkeys(v.as_dict()["to_check"], 1))
    return {"service": s, "cities": len(covered_cities), "with_hospitals": len(cities_with_hospitals),
            "verdicts": verdicts, "missing": missing}


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f} %" if d else "    – "


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="registry to measure (default: build one from the bundled sources)")
    ap.add_argument("--service", action="append", help="service id (repeatable; default: the rule-based ones)")
    args = ap.parse_args()
    db = args.db
    if db is None:
        from directory.build import build

        db = Path(tempfile.mkdtemp()) / "registry.db"
        build(db)
    conn = sqlite3.connect(db)
    ctx = EligibilityContext.load(conn)
    services = args.service or rule_based(ctx)
    print(f"registry: {db}")
    print(f"{'service':<28} {'cities':>6} {'w/ hosp':>7} {'answers':>7}  "
          + "  ".join(f"{k:>18}" for k in KINDS) + f"  {'unknown of shown':>16}")
    total: Counter = Counter()
    for sid in services:
        m = measure(conn, ctx, sid)
        v = m["verdicts"]
        n = sum(v.values())
        shown = n - v["not_eligible"]
        total.update(v)
        cells = "  ".join(f"{v[k]:>9} ({pct(v[k], n)})" for k in KINDS)
        print(f"{sid + ' ' + m['service'].name:<28} {m['cities']:>6} {m['with_hospitals']:>7} {n:>7}  {cells}"
              f"  {pct(v['unknown'], shown):>16}")
        if m["missing"]:
            print(f"{'':<28}   unknown for lack of: "
                  + ", ".join(f"{fact} {count}" for fact, count in m["missing"].most_common()))
    n = sum(total.values())
    shown = n - total["not_eligible"]
    print(f"{'all':<28} {'':>6} {'':>7} {n:>7}  " + "  ".join(f"{total[k]:>9} ({pct(total[k], n)})" for k in KINDS)
          + f"  {pct(total['unknown'], shown):>16}")
    print(f"unknown share of in-city answers: {pct(total['unknown'], n).strip()} of all verdicts, "
          f"{pct(total['unknown'], shown).strip()} of the answers shown (target <= 5 %)")
    print()
    print("\n".join(rule_lines(conn)))
    conn.close()


if __name__ == "__main__":
    main()
