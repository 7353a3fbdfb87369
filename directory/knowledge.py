"""Loaders for the reviewable knowledge files under directory/knowledge/ (renames, abbreviations, links)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).parent / "knowledge"


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Rename:
    """An institution renamed from old_name to new_name."""

    old_name: str
    new_name: str
    year: str
    evidence: str


@dataclass(frozen=True)
class Abbreviation:
    """A short name that stands for full_name (only in city, when city is set)."""

    abbreviation: str
    full_name: str
    city: str
    evidence: str


@dataclass(frozen=True)
class Link:
    """A reviewed pair of names that must (or cannot) be the same hospital."""

    name_a: str
    name_b: str
    evidence: str


def read_tsv(
    path: Path, columns: tuple[str, ...], required: tuple[str, ...]
) -> list[tuple[int, dict[str, str]]]:
    """Read a knowledge TSV, checking its header and required cells; return (line, row) pairs."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read: {exc}") from exc
    lines = text.splitlines()
    if not lines:
        raise KnowledgeError(f"{path}:1: empty file, expected header {columns!r}")
    header = tuple(lines[0].split("\t"))
    if header != columns:
        raise KnowledgeError(f"{path}:1: header {header!r} != expected {columns!r}")
    rows: list[tuple[int, dict[str, str]]] = []
    for lineno, row in enumerate(csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
        if not row or all(not cell.strip() for cell in row):
            continue  # blank lines are allowed for readability
        if len(row) != len(columns):
            raise KnowledgeError(f"{path}:{lineno}: {len(row)} columns, expected {len(columns)}")
        record = {col: cell.strip() for col, cell in zip(columns, row, strict=False)}
        for col in required:
            if not record[col]:
                raise KnowledgeError(f"{path}:{lineno}: empty {col!r}")
        rows.append((lineno, record))
    return rows


@cache
def load_renames(path: Path = KNOWLEDGE_DIR / "renames.tsv") -> tuple[Rename, ...]:
    """Load old → new institution names, longest old name first so specific renames win."""
    rows = read_tsv(path, ("old_name", "new_name", "year", "evidence"), ("old_name", "new_name", "evidence"))
    seen: dict[str, int] = {}
    out = []
    for lineno, r in rows:
        if r["old_name"] in seen:
            raise KnowledgeError(
                f"{path}:{lineno}: duplicate old_name {r['old_name']!r} (first on line {seen[r['old_name']]})"
            )
        seen[r["old_name"]] = lineno
        out.append(Rename(r["old_name"], r["new_name"], r["year"], r["evidence"]))
    return tuple(sorted(out, key=lambda x: -len(x.old_name)))


@cache
def load_abbreviations(path: Path = KNOWLEDGE_DIR / "abbreviations.tsv") -> tuple[Abbreviation, ...]:
    """Load short names; an abbreviation listed for several cities is ambiguous without a city."""
    rows = read_tsv(
        path, ("abbreviation", "full_name", "city", "evidence"), ("abbreviation", "full_name", "evidence")
    )
    out = [Abbreviation(r["abbreviation"], r["full_name"], r["city"], r["evidence"]) for _, r in rows]
    by_abbr: dict[str, list[Abbreviation]] = {}
    for lineno, a in zip((n for n, _ in rows), out, strict=False):
        group = by_abbr.setdefault(a.abbreviation, [])
        if len(group) >= 1 and (not a.city or any(not g.city for g in group)):
            # two meanings without a city to tell them apart would make expansion a coin toss
            raise KnowledgeError(
                f"{path}:{lineno}: {a.abbreviation!r} listed twice; every row of an ambiguous abbreviation needs a city"
            )
        group.append(a)
    return tuple(out)


@cache
def load_links(kind: str = "must", directory: Path = KNOWLEDGE_DIR) -> tuple[Link, ...]:
    """Load must_link.tsv (kind='must'), cannot_link.tsv (kind='cannot') or dual_names.tsv (kind='dual':
    one hospital's university and government names that name grammar cannot pair)."""
    if kind not in ("must", "cannot", "dual"):
        raise ValueError(f"kind must be 'must', 'cannot' or 'dual', not {kind!r}")
    path = directory / ("dual_names.tsv" if kind == "dual" else f"{kind}_link.tsv")
    rows = read_tsv(path, ("name_a", "name_b", "evidence"), ("name_a", "name_b", "evidence"))
    out = []
    for lineno, r in rows:
        if r["name_a"] == r["name_b"]:
            raise KnowledgeError(f"{path}:{lineno}: name_a equals name_b")
        out.append(Link(r["name_a"], r["name_b"], r["evidence"]))
    return tuple(out)


def expand_abbreviation(name: str, city: str | None = None) -> str | None:
    """Return the full name a short name stands for, or None when unknown or ambiguous (without a city, or
    with several meanings in that city)."""
    found = abbreviation_expansions(name, city, after_city=False)
    return found[0] if len(found) == 1 else None


def abbreviation_expansions(name: str, city: str | None = None, after_city: bool = True) -> tuple[str, ...]:
    """Every full name a short name stands for here: its one meaning without a city, or its meanings in the
    caller's city (解放军总医院第五医学中心 in 北京: the 302 and the 307 hospital, merged in 2018). `after_city`:
    also a city's short name said after the city's name (上海五官科医院) — for what callers say, not for
    the names lists print (武汉协和医院西院 is a campus, not 协和医院)."""
    hits = [a for a in load_abbreviations() if a.abbreviation == name]
    if len(hits) == 1 and not hits[0].city:
        return (hits[0].full_name,)
    if city:
        key = city.removesuffix("市")
        local = tuple(a.full_name for a in hits if a.city and a.city.removesuffix("市") == key)
        if local:
            return local
    if not hits and after_city:
        # a city's short name said after the city's own name: 上海五官科医院, 重庆新桥医院
        return tuple(a.full_name for a in load_abbreviations()
                     if a.city and name in (a.city.removesuffix("市") + a.abbreviation,
                                            a.city.removesuffix("市") + "市" + a.abbreviation))
    return ()


def abbreviation_meanings(name: str) -> tuple[str, ...]:
    """Every full name a short name is listed for (several means it needs a city)."""
    return tuple(a.full_name for a in load_abbreviations() if a.abbreviation == name)
