"""Read a list file as users have it (CSV, TSV, Excel "Unicode text", XLSX) into rows of cells.

Row k of the result is row k of the file (or sheet), blank rows included, so a row number in any
message or listing is the one the user sees in Excel or a text editor. Merged cells in a workbook
are filled with their top-left value (a province written once beside a block of its hospitals).
Nothing here knows what the columns mean; see import_columns.py.
"""
from __future__ import annotations

import csv
import io
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from xml.etree import ElementTree

from directory.text_encoding import EncodingError, decode_text

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DEFAULT_MAX_MB = 50
DEFAULT_MAX_ROWS = 200_000
HEADER_SCAN_ROWS = 30  # a header row is looked for among the first rows of a file or sheet

_SPACE = re.compile(r"\s+")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class TableFileError(ValueError):
    """The file cannot be read as a table; the message names the file (and sheet/row) and what was expected."""


@dataclass(frozen=True)
class Limits:
    max_mb: float = DEFAULT_MAX_MB
    max_rows: int = DEFAULT_MAX_ROWS


DEFAULT_LIMITS = Limits()


@dataclass
class RawTable:
    """Every row of one file or sheet, as trimmed strings (row 1 first)."""

    path: Path
    rows: list[list[str]]
    encoding: str | None = None  # text files: the codec the bytes were decoded with
    delimiter: str | None = None
    sheet: str | None = None  # workbooks: the sheet read
    sheets: tuple[str, ...] = ()
    merged: tuple[str, ...] = field(default_factory=tuple)  # merged ranges that were filled, e.g. "A2:A5"

    @property
    def where(self) -> str:
        return f"{self.path} (sheet {self.sheet!r})" if self.sheet is not None else str(self.path)


def clean(value: object) -> str:
    """A cell as text: numbers without a spurious '.0', dates as ISO, runs of white space as one space."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)  # Excel stores 0571 area codes, phone numbers and ids as floats
    elif isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    elif isinstance(value, date | time):
        value = value.isoformat()
    return _SPACE.sub(" ", str(value).replace("\u3000", " ")).strip()


def _check_size(path: Path, limits: Limits) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableFileError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    if size > limits.max_mb * 1024 * 1024:
        raise TableFileError(f"{path}: {size / 1024 / 1024:.1f} MB is over the import limit of {limits.max_mb:g} MB "
                             "(raise it with --max-mb if the file really is one list)")


def _too_many_rows(where: str, limits: Limits) -> TableFileError:
    return TableFileError(f"{where}: more than {limits.max_rows:,} rows, over the import limit "
                          "(raise it with --max-rows if the file really is one list)")


def _pick_delimiter(text: str, suffix: str) -> str:
    """The delimiter found on most of the first lines (',' '\\t' ';'); the suffix decides a tie."""
    lines = [ln for ln in text.splitlines()[:HEADER_SCAN_ROWS] if ln.strip()]
    default = "," if suffix == ".csv" else "\t"
    scores = {d: (sum(1 for ln in lines if d in ln), sum(ln.count(d) for ln in lines)) for d in (",", "\t", ";")}
    best = max(scores, key=lambda d: (scores[d], d == default))
    return best if scores[best][0] else default


def read_text_table(path: Path, data: bytes, limits: Limits) -> RawTable:
    try:
        decoded = decode_text(path, data)
    except EncodingError as exc:
        raise TableFileError(str(exc)) from exc
    delimiter = _pick_delimiter(decoded.text, path.suffix.lower())
    rows: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter):
            rows.append([clean(c) for c in record])
            if len(rows) > limits.max_rows:
                raise _too_many_rows(str(path), limits)
    except csv.Error as exc:
        raise TableFileError(f"{path}:{len(rows) + 1}: not readable as delimited text ({exc})") from exc
    return RawTable(path, rows, encoding=decoded.encoding, delimiter=delimiter)


def _sheet_xml_paths(archive: zipfile.ZipFile) -> list[str]:
    """Paths of the worksheets' XML parts, in the workbook's sheet order (ECMA-376 part names)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL_NS}Relationship")}
    paths = []
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        t = target.get(sheet.get(f"{_REL_NS}id"), "")
        paths.append(t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t)))
    return paths


def _merged_ranges(archive: zipfile.ZipFile, part: str) -> list[str]:
    """The merged-cell ranges of one worksheet part ('A2:A5', …), read as a stream."""
    ranges = []
    with archive.open(part) as src:
        for _, element in ElementTree.iterparse(src):
            if element.tag == f"{_MAIN_NS}mergeCell" and element.get("ref"):
                ranges.append(element.get("ref"))
            element.clear()
    return ranges


def _fill_merged(rows: list[list[str]], ranges: list[str]) -> list[str]:
    """Copy each merged range's top-left value into its other cells; return the ranges filled."""
    from openpyxl.utils.cell import range_boundaries

    filled = []
    for ref in sorted(ranges, key=lambda r: range_boundaries(r)[1::-1]):  # top to bottom, left to right
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_row > len(rows):
            continue
        value = rows[min_row - 1][min_col - 1] if min_col - 1 < len(rows[min_row - 1]) else ""
        if not value:
            continue
        for r in range(min_row, min(max_row, len(rows)) + 1):
            row = rows[r - 1]
            row.extend([""] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                if not row[c - 1]:
                    row[c - 1] = value
        filled.append(ref)
    return filled


def read_xlsx_table(path: Path, data: bytes, sheet: str | None, limits: Limits,
                    is_list: Callable[[list[list[str]]], bool]) -> RawTable:
    """One sheet of a workbook: `sheet` (name or 1-based index), else the first whose first rows
    `is_list` accepts (a cover page or notes sheet is skipped)."""
    import openpyxl

    if not data:
        raise TableFileError(f"{path}: file is empty")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise TableFileError(f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__}); "
                             "expected an Excel .xlsx file (save .xls files as .xlsx or CSV)") from exc
    try:
        names = tuple(wb.sheetnames)

        def head(ws) -> list[list[str]]:
            ws.reset_dimensions()  # stale <dimension> tags would hide rows in read-only mode
            return [[clean(v) for v in r] for r in ws.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True)]

        if sheet is not None:
            if sheet in names:
                index = names.index(sheet)
            elif sheet.isdigit() and 1 <= int(sheet) <= len(names):
                index = int(sheet) - 1
            else:
                raise TableFileError(f"{path}: --sheet {sheet!r}: no such sheet; expected a name or a number "
                                     f"1–{len(names)} of: {', '.join(names)}")
        else:
            index = next((i for i, ws in enumerate(wb.worksheets) if is_list(head(ws))), None)
            if index is None:
                raise TableFileError(f"{path}: no sheet has a header row with a hospital-name column in its first "
                                     f"{HEADER_SCAN_ROWS} rows (sheets: {', '.join(names)}); choose one with --sheet "
                                     "and name the column with --columns name=<header>")
        ws = wb.worksheets[index]
        ws.reset_dimensions()
        where = f"{path} (sheet {names[index]!r})"
        rows: list[list[str]] = []
        for values in ws.iter_rows(values_only=True):
            rows.append([clean(v) for v in values])
            if len(rows) > limits.max_rows:
                raise _too_many_rows(where, limits)
        parts = _sheet_xml_paths(archive)
        merged = _fill_merged(rows, _merged_ranges(archive, parts[index])) if index < len(parts) else []
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise TableFileError(f"{path}: broken .xlsx workbook ({exc.__class__.__name__}: {exc})") from exc
    finally:
        wb.close()
    return RawTable(path, rows, sheet=names[index], sheets=names, merged=tuple(merged))


def read_table_file(path: Path, sheet: str | None = None, limits: Limits = DEFAULT_LIMITS,
                    is_list: Callable[[list[list[str]]], bool] = lambda rows: True) -> RawTable:
    """Read `path` by its suffix; trailing blank rows are dropped. Refusals name the file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES + XLSX_SUFFIXES:
        hint = " (save .xls workbooks as .xlsx)" if suffix == ".xls" else ""
        raise TableFileError(f"{path}: unsupported file type {suffix!r}; expected .csv, .tsv, .txt or .xlsx{hint}")
    _check_size(path, limits)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableFileError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    if suffix in XLSX_SUFFIXES:
        table = read_xlsx_table(path, data, sheet, limits, is_list)
    else:
        if sheet is not None:
            raise TableFileError(f"{path}: --sheet applies only to .xlsx workbooks")
        table = read_text_table(path, data, limits)
    while table.rows and not any(table.rows[-1]):
        table.rows.pop()
    if not table.rows:
        raise TableFileError(f"{table.where}: file is empty (no rows with any text)")
    return table
