"""What the reviewed knowledge files about manual rows share (hospital_addresses.tsv, hospital_cities.tsv,
hospital_facts.tsv): every row names a manual row (`manual_ref` NNN:LINE) and is cited as
`knowledge FILE:LINE`; rows are read with checks that name the file and line."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from directory import provenance
from directory.facts.records import FactsError
from directory.knowledge import KnowledgeError, read_tsv
from geodata.place_index import place_index
from geodata.places import resolve_place

_REF = re.compile(r"^(\d{3}):(\d+)$")


@dataclass(frozen=True)
class ReviewedRow:
    """The part every reviewed row has: where it is written, and the manual row it is about."""

    file: str  # the file's name, as cited in `source`
    path: str  # the file read, for error messages
    line: int
    doc: str  # '002'
    manual_line: int
    manual_name: str

    @property
    def source(self) -> str:
        return provenance.knowledge_ref(self.file, self.line)

    @property
    def manual_ref(self) -> str:
        return f"{self.doc}:{self.manual_line}"


@dataclass(frozen=True)
class RawRow:
    where: str  # 'path:line', for error messages
    head: tuple[str, str, int, str, int, str]  # ReviewedRow's fields, in order
    cells: dict[str, str]


def read_reviewed(path: Path, columns: tuple[str, ...]) -> Iterator[RawRow]:
    """The file's rows with their manual_ref checked (NNN:LINE); a bad file or row is a FactsError."""
    try:
        rows = read_tsv(path, columns, columns)
    except KnowledgeError as exc:
        raise FactsError(str(exc)) from exc
    for line, r in rows:
        where = f"{path}:{line}"
        ref = _REF.match(r["manual_ref"])
        if not ref:
            raise FactsError(f"{where}: manual_ref must be NNN:LINE (e.g. 002:75), got {r['manual_ref']!r}")
        yield RawRow(where, (path.name, str(path), line, ref.group(1), int(ref.group(2)), r["manual_name"]), r)


def once_per_ref(row: RawRow, seen: dict[str, int]) -> None:
    """A FactsError when the row's manual_ref was on an earlier line (`seen`: ref → line)."""
    ref, line = row.cells["manual_ref"], row.head[2]
    if ref in seen:
        raise FactsError(f"{row.where}: manual_ref {ref} already on line {seen[ref]}")
    seen[ref] = line


def official_city(row: RawRow, examples: str) -> str:
    """The city-level adcode of the row's `city` cell, which must be a city's official name."""
    text = row.cells["city"]
    city = resolve_place(None, text)
    if city.status != "exact" or not city.city_adcode or city.district_adcode \
            or place_index().names.get(city.city_adcode) != text:
        raise FactsError(f"{row.where}: city must be a city's official name ({examples}), got {text!r}")
    return city.city_adcode


def cited_listing(row: ReviewedRow, listing_at: dict[tuple[str, int], dict],
                  docs: set[str] | None = None) -> dict | None:
    """The listing a row cites, or None when its manual is not among this build's sources (`docs`, the
    manuals of `listing_at`); a wrong line or a name other than the one printed there is an error naming
    the row."""
    if row.doc not in (docs if docs is not None else {d for d, _line in listing_at}):
        return None
    li = listing_at.get((row.doc, row.manual_line))
    where = f"{row.path}:{row.line}"
    if li is None:
        raise FactsError(f"{where}: manual_ref {row.manual_ref} is not a listing of any manual "
                         f"(expected '{row.manual_name}')")
    if (li["raw_name"] or "").strip() != row.manual_name:
        raise FactsError(f"{where}: manual {row.manual_ref} prints '{li['raw_name']}', not '{row.manual_name}'")
    return li
