"""Ask the API the 40 agent questions of tests/data/agent_questions.tsv and print the score.

Each row is a question an agent gets on the phone (service × city × insurer, abroad, by specialty,
restricted rows, "how do I use it", the caller's own facts), the API call that answers it, what a right
answer contains, and the manual lines that justify it. Over real HTTP:

    .venv/bin/python benchmarks/agent_questions.py                 # builds a registry, starts the API
    .venv/bin/python benchmarks/agent_questions.py --api http://127.0.0.1:8000   # a running API
    .venv/bin/python benchmarks/agent_questions.py -v              # every answer, right or wrong

Expectation keys (the `expect` JSON): names_include / names_exclude (substrings of result names),
first_name, first_country, max_first_km, all_in_city, min_in_city, in_city_count, count, service_id,
message_include, how_to_use_include, list_notes_include, conditions_include ({aspect: text}), caller
(pass / fail / unknown), caller_check ({fact: outcome}), caller_say_include, ask_include, all_status (every
result's verdict), eligible (true: eligible or likely, false: not_eligible, null: unknown), reasons_include, team_include, all_have_team, evidence_count, error.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "agent_questions.tsv"


@dataclass
class Question:
    id: str
    category: str
    question: str
    endpoint: str
    params: dict[str, Any]
    expect: dict[str, Any]
    manual_lines: str


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    out = []
    with path.open(encoding="utf-8") as f:
        for n, r in enumerate(csv.DictReader(f, delimiter="\t"), 2):
            try:
                out.append(Question(r["id"], r["category"], r["question"], r["endpoint"], json.loads(r["params"]),
                                    json.loads(r["expect"]), r["manual_lines"]))
            except (KeyError, ValueError) as exc:
                raise ValueError(f"{path}:{n}: bad row ({exc})") from exc
    return out


def _names(body: dict[str, Any]) -> list[str]:
    if "results" in body:
        return [r.get("name") or "" for r in body["results"]]
    if "hospital" in body:
        return [body["hospital"]["name"]]
    return []


def _teams(body: dict[str, Any]) -> list[str]:
    items = [e for r in body.get("results", []) for e in r.get("evidence", [])] + body.get("evidence", [])
    return [e["team"] for e in items if e.get("team")]


def check(body: dict[str, Any], status: int, expect: dict[str, Any]) -> list[str]:
    """What is wrong with an answer (empty when it is right)."""
    bad: list[str] = []

    def need(ok: bool, what: str) -> None:
        if not ok:
            bad.append(what)

    if "error" in expect:
        need(status == 400 and body.get("error", {}).get("code") == expect["error"], f"error {expect['error']}")
        return bad
    if status != 200:
        return [f"HTTP {status}: {json.dumps(body, ensure_ascii=False)[:200]}"]
    names, results = _names(body), body.get("results", [])
    for key, want in expect.items():
        if key == "names_include":
            for w in want:
                need(any(w in n for n in names), f"a result named …{w}…")
        elif key == "names_exclude":
            for w in want:
                need(not any(w in n for n in names), f"no result named …{w}…")
        elif key == "first_name":
            need(bool(names) and want in names[0], f"first result …{want}…")
        elif key == "first_country":
            need(bool(results) and results[0].get("country") == want, f"first result in {want}")
        elif key == "max_first_km":
            need(bool(results) and results[0].get("distance_km") is not None
                 and results[0]["distance_km"] <= want, f"first result within {want} km")
        elif key == "all_in_city":
            need(bool(results) and all(r.get("in_city") for r in results), "every result in the city")
        elif key == "min_in_city":
            need(body.get("in_city_count", 0) >= want, f"at least {want} in the city")
        elif key == "in_city_count":
            need(body.get("in_city_count") == want, f"in_city_count {want}")
        elif key == "count":
            need(body.get("count") == want, f"count {want}")
        elif key == "service_id":
            sid = (body.get("query", {}).get("service") or body.get("service") or {}).get("id") or body.get("id")
            need(sid == want, f"service {want}")
        elif key == "message_include":
            need(want in (body.get("message") or ""), f"message with {want}")
        elif key == "how_to_use_include":
            for w in want:
                need(w in (body.get("how_to_use") or {}).get("say", ""), f"how_to_use with {w}")
        elif key == "list_notes_include":
            need(any(want in n["text"] for n in body.get("list_notes", [])), f"list note {want}")
        elif key == "conditions_include":
            conds = body.get("conditions", {})
            for aspect, text in want.items():
                need(any(text in c["text"] and c.get("line") for c in conds.get(aspect, [])), f"{aspect}: {text}")
        elif key == "caller":
            need((body.get("caller") or {}).get("outcome") == want, f"caller {want}")
        elif key == "caller_check":
            got = {c["fact"]: c["outcome"] for c in (body.get("caller") or {}).get("checks", [])}
            for fact, outcome in want.items():
                need(got.get(fact) == outcome, f"caller {fact} {outcome}")
        elif key == "caller_say_include":
            need(want in (body.get("caller") or {}).get("say", ""), f"caller says {want}")
        elif key == "ask_include":
            need(any(want in a for a in (body.get("caller") or {}).get("ask_caller", [])), f"asks about {want}")
        elif key == "all_status":
            need(bool(results) and all(r.get("verdict") == want for r in results), f"every result {want}")
        elif key == "eligible":  # true: 符合条件 or 可能符合; false: 不符合; null: 待核实
            got = body.get("verdict")
            ok = got in ("eligible", "likely") if want is True else got == "not_eligible" if want is False \
                else got == "unknown"
            need(ok, f"eligible {want} (verdict {got})")
        elif key == "reasons_include":
            need(any(want in r for r in body.get("reasons", [])), f"reason with {want}")
        elif key == "team_include":
            teams = _teams(body)
            for w in want:
                need(w in teams, f"team {w} in the evidence")
        elif key == "all_have_team":
            need(bool(results) and all(any(e.get("team") for e in r["evidence"]) for r in results),
                 "every result names its team")
        elif key == "evidence_count":
            need(len(body.get("evidence", [])) == want, f"{want} evidence items")
        else:
            bad.append(f"unknown expectation {key!r}")
    return bad


def ask_all(base: str, questions: list[Question]) -> list[tuple[Question, list[str], float]]:
    out = []
    with requests.Session() as s:
        for q in questions:
            t0 = time.perf_counter()
            r = s.get(base + q.endpoint, params=q.params, timeout=30)
            ms = (time.perf_counter() - t0) * 1000
            try:
                body = r.json()
            except ValueError:
                body = {}
            out.append((q, check(body, r.status_code, q.expect), ms))
    return out


def report(results: list[tuple[Question, list[str], float]], verbose: bool = False) -> int:
    right = sum(1 for _q, bad, _ms in results if not bad)
    by_cat: dict[str, list[int]] = {}
    for q, bad, ms in results:
        by_cat.setdefault(q.category, [0, 0])
        by_cat[q.category][0] += not bad
        by_cat[q.category][1] += 1
        if bad or verbose:
            print(f"{'OK  ' if not bad else 'FAIL'} {q.id} [{q.category}] {q.question} ({ms:.0f} ms; {q.manual_lines})")
            for b in bad:
                print(f"       expected {b}")
    for cat, (ok, n) in by_cat.items():
        print(f"  {cat:<14} {ok}/{n}")
    print(f"agent questions: {right}/{len(results)} answered right")
    return right


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--api", help="base URL of a running API (default: build a registry and start one)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every question, not only wrong answers")
    args = ap.parse_args(argv)
    questions = load_questions()
    if args.api:
        right = report(ask_all(args.api.rstrip("/"), questions), args.verbose)
    else:
        sys.path.insert(0, str(ROOT))
        from directory.build import build
        from tests.servers import api_server

        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "registry.db"
            build(db)
            with api_server(db) as base:
                right = report(ask_all(base, questions), args.verbose)
    return 0 if right == len(questions) else 1


if __name__ == "__main__":
    sys.exit(main())
