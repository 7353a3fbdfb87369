"""Parse the tables of a source document into listing rows, covered cities and rejects.

Pure functions: they take the document's lines and a table spec from the manifest and return
records with provenance (1-based line numbers); nothing is dropped without a reject or a count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from directory.cells import (
    PlaceRoles,
    default_place_roles,
    has_latin,
    is_blank_row,
    is_grade,
    is_header_row,
    is_separator_row,
    is_seq,
    looks_like_institution,
    split_cells,
)
from directory.manifest import TableSpec


@dataclass(frozen=True)
class ListingRow:
    """One hospital row of a list, with the raw cells as printed."""

    line: int
    raw_name: str
    raw_province: str | None = None
    raw_city: str | None = None
    raw_grade: str | None = None
    raw_team: str | None = None
    raw_country: str | None = None
    raw_place: str | None = None
    raw_text: str = ""
    note: str = ""
    # Cells only imported lists carry (directory/parse_imported.py); lat/lon are WGS-84, raw_crs says
    # what they were stated in, raw_extra is a JSON object of the columns no field claims.
    raw_district: str | None = None
    raw_address: str | None = None
    raw_ownership: str | None = None
    raw_phone: str | None = None
    raw_notes: str | None = None
    raw_lat: float | None = None
    raw_lon: float | None = None
    raw_crs: str | None = None
    raw_extra: str | None = None


@dataclass(frozen=True)
class CoverageRow:
    """One covered city of a coverage list, as printed."""

    line: int
    raw_city: str
    raw_province: str | None = None
    raw_text: str = ""
    note: str = ""


@dataclass(frozen=True)
class Reject:
    line: int
    raw_text: str
    reason: str


@dataclass
class ParsedTable:
    listings: list[ListingRow] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


class TableRangeError(ValueError):
    """The manifest's line range lies outside the document."""


def _table_lines(lines: list[str], spec: TableSpec) -> list[tuple[int, str]]:
    if spec.last_line > len(lines):
        raise TableRangeError(
            f"table {spec.key}: lines {spec.first_line}-{spec.last_line} but the file has {len(lines)} lines"
        )
    return [(n, lines[n - 1]) for n in range(spec.first_line, spec.last_line + 1)]


def _skip_noise(cells: list[str], out: ParsedTable) -> bool:
    """Blank lines, page breaks, rule rows and repeated headers carry no data."""
    if is_blank_row(cells):
        out.skip("blank line")
        return True
    if is_separator_row(cells):
        out.skip("rule row")
        return True
    if is_header_row(cells):
        out.skip("header row")
        return True
    return False


def _accepts(column: str, text: str, roles: frozenset[str]) -> bool:
    """Whether a cell's content fits the column it was printed in."""
    if column in ("team", "ignore", "place", "group"):
        return True
    if column == "name":
        return looks_like_institution(text) or has_latin(text) and len(text) > 6
    if column in ("province", "city"):
        return column in roles
    if column == "grade":
        return is_grade(text)
    if column == "seq":
        return is_seq(text)
    return False


def _field_by_content(text: str, roles: frozenset[str], columns: tuple[str, ...]) -> str | None:
    """Where a shifted cell belongs, judged by what it holds."""
    if is_seq(text) and "seq" in columns:
        return "seq"
    if is_grade(text) and "grade" in columns:
        return "grade"
    if looks_like_institution(text) and "name" in columns:
        return "name"
    if "city" in roles and "city" in columns and "province" not in roles:
        return "city"
    if "province" in roles and "province" in columns:
        return "province"
    if "team" in columns:
        return "team"
    return None


def _is_name_tail(text: str) -> bool:
    """A short fragment that cannot stand as a name by itself (e.g. '部' of '…特需部')."""
    return len(text) <= 3 and not looks_like_institution(text) and not has_latin(text)


def parse_columns(lines: list[str], spec: TableSpec, place_roles: PlaceRoles = default_place_roles) -> ParsedTable:
    """A table with named columns; carry-forward cells; optionally shifted cells placed by content."""
    out = ParsedTable()
    columns = spec.columns
    carried: dict[str, tuple[str, int]] = {}
    for n, line in _table_lines(lines, spec):
        cells = split_cells(line)
        if _skip_noise(cells, out):
            continue
        row: dict[str, str] = {}
        problems: list[str] = []
        moved: list[str] = []
        for i, text in enumerate(cells):
            if not text:
                continue
            column = columns[i] if i < len(columns) else None
            if spec.typed_cells:
                roles = place_roles(text)
                target = column if column and _accepts(column, text, roles) else None
                target = target or _field_by_content(text, roles, columns)
                if target is None:
                    problems.append(f"cell {i + 1} {text!r} fits no column")
                    continue
                if target != column:
                    moved.append(f"{text!r} printed under {column or 'no column'} read as {target}")
            else:
                if column is None:
                    problems.append(f"extra cell {i + 1} {text!r} beyond the {len(columns)} columns")
                    continue
                target = column
            if target in row:
                problems.append(f"two values for {target}: {row[target]!r} and {text!r}")
                continue
            row[target] = text
        if problems:
            out.rejects.append(Reject(n, line, "; ".join(problems)))
            continue
        # A new value in a carried column resets the carried columns after it (new province → no city).
        for k, col in enumerate(spec.carry):
            if col in row:
                for later in spec.carry[k + 1 :]:
                    if later not in row:
                        carried.pop(later, None)
                carried[col] = (row[col], n)
        notes = list(moved)
        if set(row) == {"name"} and not spec.typed_cells and out.listings and _is_name_tail(row["name"]):
            # The end of the previous name, pushed onto its own line by a page break.
            prev = out.listings[-1]
            out.listings[-1] = replace(prev, raw_name=prev.raw_name + row["name"],
                                       note="; ".join(filter(None, [prev.note, f"name continues on line {n}"])))
            out.skip("name continued on next line")
            continue
        if "name" not in row:
            if any(c in row for c in spec.carry) and not (set(row) - set(spec.carry) - {"seq"}):
                out.skip("label row (carried value only)")
                continue
            if "name" in spec.carry and "name" in carried:
                row["name"] = carried["name"][0]
                notes.append(f"name carried from line {carried['name'][1]}")
            else:
                out.rejects.append(Reject(n, line, "no hospital name in row"))
                continue
        for col in spec.carry:
            if col not in row and col in carried:
                row[col] = carried[col][0]
                if col != "name":
                    notes.append(f"{col} carried from line {carried[col][1]}")
        out.listings.append(
            ListingRow(
                line=n,
                raw_name=row["name"],
                raw_province=row.get("province"),
                raw_city=row.get("city"),
                raw_grade=row.get("grade"),
                raw_team=row.get("team"),
                raw_place=row.get("place"),
                raw_text=line,
                note="; ".join(notes),
            )
        )
    return out


def parse_side_by_side(lines: list[str], spec: TableSpec, place_roles: PlaceRoles = default_place_roles) -> ParsedTable:
    """Coverage printed as `halves` tables next to each other; provinces carry down within a half.

    Cells may sit one column off; a cell is read as a province only when it names one and not a
    city, anything else is a city of the half its column falls in.
    """
    out = ParsedTable()
    width = len(spec.columns)
    province: dict[int, str | None] = {h: None for h in range(spec.halves)}
    for n, line in _table_lines(lines, spec):
        cells = split_cells(line)
        if _skip_noise(cells, out):
            continue
        before = (len(out.coverage), len(out.rejects))
        for i, text in enumerate(cells):
            if not text or is_seq(text):
                continue
            half = min(i // width, spec.halves - 1)
            column = spec.columns[i % width] if i < width * spec.halves else "city"
            roles = place_roles(text)
            # A province heads its half; in the city column only a province that is not also a
            # city (municipalities are both) is read as a heading.
            if column == "province" and "province" in roles or roles == {"province"}:
                province[half] = text
                continue
            if looks_like_institution(text):
                out.rejects.append(Reject(n, line, f"cell {text!r} names an institution, not a city"))
                continue
            note = "" if column == "city" else f"printed under {column}"
            out.coverage.append(CoverageRow(n, text, province[half], line, note))
        if (len(out.coverage), len(out.rejects)) == before:
            out.skip("province headings only")
    return out


_TRAILING = re.compile(r"[。；;，,.\s]+$")


def parse_prose_list(lines: list[str], spec: TableSpec) -> ParsedTable:
    """Covered cities written as a sentence: '…包括：合肥市、亳州市、…' possibly over several lines."""
    out = ParsedTable()
    started = not spec.after
    for n, line in _table_lines(lines, spec):
        text = line.strip()
        if not started:
            if spec.after not in text:
                continue
            text = text.split(spec.after, 1)[1]
            started = True
        if not text:
            out.skip("blank line")
            continue
        for token in text.split(spec.separator):
            token = _TRAILING.sub("", token.strip())
            if token:
                out.coverage.append(CoverageRow(n, token, None, line))
    if not started:
        out.rejects.append(Reject(spec.first_line, "", f"marker {spec.after!r} not found in lines"))
    return out


def parse_city_matrix(lines: list[str], spec: TableSpec) -> ParsedTable:
    """One city per row followed by availability marks; a city with no '√' is not covered."""
    out = ParsedTable()
    for n, line in _table_lines(lines, spec):
        cells = split_cells(line)
        if _skip_noise(cells, out):
            continue
        city, marks = cells[0].replace(" ", ""), [c for c in cells[1:] if c]
        if not city or any(m not in ("√", "×") for m in marks):
            out.rejects.append(Reject(n, line, "expected a city followed by √/× marks"))
            continue
        if "√" not in marks:
            out.skip("city with no available package")
            continue
        out.coverage.append(CoverageRow(n, city, None, line, f"available in {marks.count('√')} of {len(marks)} packages"))
    return out


def _is_group_label(text: str) -> bool:
    return 0 < len(text) <= 6 and not has_latin(text) and not looks_like_institution(text)


def parse_overseas(lines: list[str], spec: TableSpec) -> ParsedTable:
    """Overseas hospitals under country/region header rows; a name may wrap onto the line above."""
    out = ParsedTable()
    group: str | None = None
    pending: tuple[int, str] | None = None
    for n, line in _table_lines(lines, spec):
        cells = split_cells(line)
        if _skip_noise(cells, out):
            continue
        filled = [(i, c) for i, c in enumerate(cells) if c]
        seq_at = next((k for k, (_, c) in enumerate(filled) if is_seq(c)), None)
        if seq_at is None:
            if len(filled) == 1 and _is_group_label(filled[0][1]):
                group = filled[0][1]
                out.skip("group header")
                if pending:
                    out.rejects.append(Reject(pending[0], lines[pending[0] - 1], "name fragment with no row after it"))
                    pending = None
            elif len(filled) == 1:
                if pending:
                    out.rejects.append(Reject(pending[0], lines[pending[0] - 1], "name fragment with no row after it"))
                pending = (n, filled[0][1])  # the first half of a name wrapped over two lines
            else:
                out.rejects.append(Reject(n, line, "row without a sequence number"))
            continue
        before = [c for _, c in filled[:seq_at]]
        after = [c for _, c in filled[seq_at + 1 :]]
        if before:
            group = before[0]
        if not after:
            out.rejects.append(Reject(n, line, "numbered row without a hospital name"))
            continue
        name, place = after[0], (after[1] if len(after) > 1 else None)
        note = ""
        if pending:
            name = f"{pending[1]} {name}"
            note = f"name continues from line {pending[0]}"
            out.skip("name wrapped onto the next row")
            pending = None
        out.listings.append(
            ListingRow(line=n, raw_name=name, raw_country=group, raw_place=place, raw_text=line, note=note)
        )
    if pending:
        out.rejects.append(Reject(pending[0], lines[pending[0] - 1], "name fragment with no row after it"))
    return out


def parse_table(lines: list[str], spec: TableSpec, place_roles: PlaceRoles = default_place_roles) -> ParsedTable:
    """Dispatch on the table's layout."""
    if spec.layout == "columns":
        return parse_columns(lines, spec, place_roles)
    if spec.layout == "side_by_side":
        return parse_side_by_side(lines, spec, place_roles)
    if spec.layout == "prose_list":
        return parse_prose_list(lines, spec)
    if spec.layout == "city_matrix":
        return parse_city_matrix(lines, spec)
    if spec.layout == "overseas":
        return parse_overseas(lines, spec)
    if spec.layout == "imported":
        from directory.parse_imported import parse_imported

        return parse_imported(lines, spec)
    raise ValueError(f"unknown layout {spec.layout!r}")
