"""Old names of administrative divisions and their current units (geodata/data/division_changes.tsv).

The file is derived from the GB/T 2260 code history by `python -m geodata.make_division_changes`.
Lists and hospital names still print old units (海安县人民医院 after 海安县 became 海安市, 上海市奉贤县中心医院):
these helpers tell what such a name is called today, and refuse when the answer is not unique.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

CHANGES_FILE = Path(__file__).parent / "data" / "division_changes.tsv"


@dataclass(frozen=True, slots=True)
class DivisionChange:
    """One old division name and the unit that carries it on today."""

    old_name: str
    old_code: str
    new_name: str
    new_code: str
    level: str  # 'city' | 'district' (level of the old unit)
    vintage_from: str  # last GB/T 2260 table with the old name
    vintage_to: str  # first table without it
    evidence: str
    line: int  # line in division_changes.tsv


@functools.cache
def load_division_changes(path: Path = CHANGES_FILE) -> tuple[DivisionChange, ...]:
    """Every derived change, in file order."""
    out = []
    with path.open(encoding="utf-8") as fh:
        lines = [(n, line) for n, line in enumerate(fh, 1) if not line.startswith("#")]
    rows = csv.DictReader((line for _, line in lines), delimiter="\t")
    for (n, _), row in zip(lines[1:], rows, strict=True):
        out.append(DivisionChange(row["old_name"], row["old_code"], row["new_name"], row["new_code"], row["level"],
                                  row["vintage_from"], row["vintage_to"], row["evidence"], n))
    return tuple(out)


@functools.cache
def _by_old_name() -> dict[str, tuple[DivisionChange, ...]]:
    out: dict[str, list[DivisionChange]] = {}
    for ch in load_division_changes():
        out.setdefault(ch.old_name, []).append(ch)
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def _current_names() -> frozenset[str]:
    from geodata.divisions import load_divisions

    return frozenset(d.name for d in load_divisions().values())


def current_division(old_name: str, scope: str | None = None) -> DivisionChange | None:
    """The change that renamed `old_name`, when exactly one fits (inside the adcode `scope`, if given).

    None when the name is no old name, is still some unit's official name (then it is not old), or
    names several units that went different ways and the scope cannot tell them apart."""
    hits = _by_old_name().get(old_name, ())
    if not hits or old_name in _current_names():
        return None
    if scope:
        n = 2 if scope.endswith("0000") else 4
        inside = tuple(h for h in hits if h.old_code[:n] == scope[:n] or h.new_code[:n] == scope[:n])
        hits = inside or hits
    targets = {(h.new_name, h.new_code) for h in hits}
    return hits[0] if len(targets) == 1 else None


def old_division_names() -> frozenset[str]:
    """Old names that map to exactly one current unit nationwide (safe to read without a place)."""
    return frozenset(n for n in _by_old_name() if current_division(n) is not None)
