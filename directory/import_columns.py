"""What each column of an imported list means, read from its header words (or from --columns).

The vocabulary lives in directory/knowledge/header_words.tsv (field, header, evidence). A header
cell means a field when, trimmed of spaces, brackets and a trailing colon, it is one of the field's
words, or contains one of them (two characters or more; the longest wins, a tie means nothing).
Columns that mean nothing we know are kept as they are (`extra`), never dropped and never a reason
to refuse a row.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from directory.knowledge import KNOWLEDGE_DIR, read_tsv
from directory.table_files import HEADER_SCAN_ROWS

Field = Literal["name", "province", "city", "district", "address", "grade", "ownership", "phone", "notes",
                "lat", "lon", "team", "country", "seq"]
FIELDS: tuple[str, ...] = ("name", "province", "city", "district", "address", "grade", "ownership", "phone",
                           "notes", "lat", "lon", "team", "country", "seq")
EXTRA = "extra"

_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_TRAILING = re.compile(r"[:：*＊.。]+$")


class ColumnError(ValueError):
    """The columns cannot be understood; the message names the file, the row and what was expected."""


def normalize_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _BRACKETS.sub("", text)
    text = re.sub(r"\s+", "", text).lower()
    return _TRAILING.sub("", text)


@cache
def vocabulary() -> dict[str, str]:
    """Normalized header word → field, from knowledge/header_words.tsv."""
    rows = read_tsv(KNOWLEDGE_DIR / "header_words.tsv", ("field", "header", "evidence"), ("field", "header", "evidence"))
    words: dict[str, str] = {}
    for line, row in rows:
        if row["field"] not in FIELDS:
            raise ColumnError(f"{KNOWLEDGE_DIR / 'header_words.tsv'}:{line}: unknown field {row['field']!r}")
        words[normalize_header(row["header"])] = row["field"]
    return words


# Header cells are short; a longer cell that contains 医院 is a title ("门诊挂号协助服务医院名单").
MAX_CONTAINING_HEADER = 8


def match_header(header: str) -> tuple[str | None, bool]:
    """(field, exact) for a header cell: exact when the cell is one of the field's words."""
    norm = normalize_header(header)
    if not norm:
        return None, False
    words = vocabulary()
    if norm in words:
        return words[norm], True
    if len(norm) > MAX_CONTAINING_HEADER:
        return None, False
    contained = [(len(w), f) for w, f in words.items() if len(w) >= 2 and w in norm]
    if not contained:
        return None, False
    longest = max(n for n, _ in contained)
    fields = {f for n, f in contained if n == longest}
    return (fields.pop(), False) if len(fields) == 1 else (None, False)


def field_of_header(header: str) -> str | None:
    """The field a header cell names, or None."""
    return match_header(header)[0]


def parse_columns_option(option: str | None) -> dict[str, str]:
    """'name=医院名称,province=省份' → {field: header}; refuse unknown fields naming the parameter."""
    mapping: dict[str, str] = {}
    if not option:
        return mapping
    for part in option.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise ColumnError(f"--columns: expected field=header pairs separated by commas, got {part!r}")
        name, header = (s.strip() for s in part.split("=", 1))
        if name not in FIELDS:
            raise ColumnError(f"--columns: unknown field {name!r}; expected one of {', '.join(FIELDS)}")
        if not header:
            raise ColumnError(f"--columns: {name}= needs the header text of a column")
        mapping[name] = header
    return mapping


def _header_index(header: list[str], wanted: str) -> int | None:
    for i, h in enumerate(header):
        if h == wanted:
            return i
    norm = normalize_header(wanted)
    return next((i for i, h in enumerate(header) if normalize_header(h) == norm), None)


def is_header_row(row: list[str], explicit: dict[str, str], required: str = "name") -> bool:
    """A row that names the required column: by --columns, by one of its header words, or by a cell
    containing one beside another column we know (a title row such as 医院名单 alone is not one)."""
    if required in explicit:
        return _header_index(row, explicit[required]) is not None
    matches = [match_header(c) for c in row if c]
    if any(f == required and exact for f, exact in matches):
        return True
    return any(f == required for f, _ in matches) and len({f for f, _ in matches if f}) >= 2


def find_header_row(rows: list[list[str]], explicit: dict[str, str], required: str = "name") -> int | None:
    """0-based index of the first row (among the first HEADER_SCAN_ROWS) that is a header row."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if is_header_row(row, explicit, required):
            return i
    return None


@dataclass(frozen=True)
class ColumnMap:
    roles: tuple[str, ...]  # one per column: a field, or 'extra'
    headers: tuple[str, ...]

    def header_of(self, field_name: str) -> str | None:
        return self.headers[self.roles.index(field_name)] if field_name in self.roles else None

    @property
    def mapped(self) -> dict[str, str]:
        return {r: self.headers[i] for i, r in enumerate(self.roles) if r != EXTRA}

    @property
    def extra(self) -> list[str]:
        return [self.headers[i] or f"column {i + 1}" for i, r in enumerate(self.roles) if r == EXTRA]


def map_columns(where: str, header: list[str], explicit: dict[str, str], required: str = "name") -> ColumnMap:
    """The role of every column of `header` (row found by find_header_row); `where` names file and row."""
    roles = [EXTRA] * len(header)
    for name, wanted in explicit.items():
        i = _header_index(header, wanted)
        if i is None:
            raise ColumnError(f"{where}: --columns {name}={wanted}: no such header; the headers are "
                              + ", ".join(h or f"(column {k + 1} blank)" for k, h in enumerate(header)))
        if roles[i] != EXTRA:
            raise ColumnError(f"{where}: --columns names header {wanted!r} for both {roles[i]} and {name}")
        roles[i] = name
    for i, h in enumerate(header):
        if roles[i] != EXTRA:
            continue
        guess = field_of_header(h)
        # A field already taken (by --columns or an earlier column) leaves this column as it is.
        if guess and guess not in roles:
            roles[i] = guess
    if required not in roles:
        raise ColumnError(f"{where}: no {'hospital-name' if required == 'name' else required} column; the headers are "
                          + ", ".join(h or "(blank)" for h in header)
                          + f". Name it with --columns {required}=<header>")
    return ColumnMap(tuple(roles), tuple(header))
