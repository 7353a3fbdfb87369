"""Register a new insurer list (CSV, TSV or XLSX) as a source that every later build includes.

The file is validated and converted to UTF-8 TSV under sources/imported/ with a small TOML record
(the same shape as a manifest entry). Nothing is written unless the whole import succeeds.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from directory.manifest import ManifestError, parse_manifest
from directory.manifest import sources_dir as default_sources_dir
from directory.parse_tables import parse_table
from directory.sources import SourceError

FIELDS = ("name", "province", "city", "grade", "team")
# Header words people use for each field; used only when --columns does not say.
HEADER_GUESSES = {
    "name": ("医院名称", "医院", "名称", "机构名称", "医疗机构", "hospital", "name"),
    "province": ("省份", "省", "province"),
    "city": ("城市", "市", "地市", "city"),
    "grade": ("医院级别", "级别", "医院等级", "等级", "grade"),
    "team": ("团队擅长", "科室", "专科", "team", "department"),
}
KINDS = ("hospital_list", "city_coverage", "overseas")


class ImportError_(ValueError):
    """The file cannot be imported; the message names the file and the problem."""


@dataclass(frozen=True)
class ImportResult:
    tsv_path: Path
    record_path: Path
    rows: int
    rejects: int
    columns: dict[str, str]


def _decode(path: Path, data: bytes) -> str:
    if not data.strip():
        raise ImportError_(f"{path}: file is empty")
    if b"\x00" in data[:8192]:
        raise ImportError_(f"{path}: looks like a binary file (NUL bytes), expected CSV/TSV text or .xlsx")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportError_(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
        ) from exc


def read_rows(path: Path) -> list[list[str]]:
    """Read a CSV/TSV/XLSX file into rows of trimmed strings (row 1 is the header)."""
    suffix = path.suffix.lower()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    if suffix == ".xlsx":
        if not data:
            raise ImportError_(f"{path}: file is empty")
        try:
            import openpyxl

            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
            raise ImportError_(f"{path}: not a readable .xlsx workbook ({exc.__class__.__name__})") from exc
        sheet = wb.worksheets[0]
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
        wb.close()
    elif suffix in (".csv", ".tsv", ".txt"):
        text = _decode(path, data)
        delimiter = "\t" if suffix != ".csv" else ","
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    else:
        raise ImportError_(f"{path}: unsupported file type {suffix!r}; expected .csv, .tsv or .xlsx")
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows or not any(rows[0]):
        raise ImportError_(f"{path}: no header row found")
    if len(rows) < 2:
        raise ImportError_(f"{path}: header only, no data rows")
    return rows


def parse_column_option(option: str | None) -> dict[str, str]:
    """Parse 'name=医院名称,province=省份' into {field: header}."""
    mapping: dict[str, str] = {}
    if not option:
        return mapping
    for part in option.split(","):
        if "=" not in part:
            raise ImportError_(f"--columns: expected field=header pairs separated by commas, got {part!r}")
        field, header = (s.strip() for s in part.split("=", 1))
        if field not in FIELDS:
            raise ImportError_(f"--columns: unknown field {field!r}; expected one of {', '.join(FIELDS)}")
        mapping[field] = header
    return mapping


def map_columns(path: Path, header: list[str], explicit: dict[str, str]) -> list[str]:
    """Column names for the manifest, one per header cell ('ignore' for unused ones)."""
    columns = ["ignore"] * len(header)
    for field, wanted in explicit.items():
        if wanted not in header:
            raise ImportError_(f"{path}: --columns {field}={wanted}: no such header; headers are {header}")
        columns[header.index(wanted)] = field
    for field, guesses in HEADER_GUESSES.items():
        if field in explicit:
            continue
        for i, h in enumerate(header):
            if columns[i] == "ignore" and h.strip().lower() in guesses:
                columns[i] = field
                break
    if "name" not in columns:
        raise ImportError_(
            f"{path}: no hospital-name column; headers are {header}. Name it with --columns name=<header>"
        )
    return columns


def _slug(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    return re.sub(r"[^a-z0-9]+", "", letters.lower()) or "service"


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def import_list(path: Path, insurer: str, service: str, product: str = "", kind: str = "hospital_list",
                columns: str | None = None, sources_dir: Path | None = None) -> ImportResult:
    """Validate `path` and register it under sources_dir/imported/."""
    if not insurer.strip():
        raise ImportError_("--insurer: expected the insurer's name, got an empty string")
    if not service.strip():
        raise ImportError_("--service: expected the service's name, got an empty string")
    if kind not in KINDS:
        raise ImportError_(f"--kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    path = Path(path)
    sources_dir = sources_dir or default_sources_dir()
    rows = read_rows(path)
    header = rows[0]
    cols = map_columns(path, header, parse_column_option(columns))
    width = len(header)
    body = ["\t".join(re.sub(r"\s+", " ", c) for c in (row + [""] * width)[:width]) for row in rows]
    tsv = "\n".join(body) + "\n"
    digest = hashlib.sha256(tsv.encode("utf-8")).hexdigest()[:12]
    doc_id = f"imp{digest[:8]}"
    file_name = f"{doc_id}_{re.sub(r'[^0-9A-Za-z一-鿿]+', '-', path.stem)[:40]}.tsv"
    imported = sources_dir / "imported"
    tsv_path, record_path = imported / file_name, imported / f"{doc_id}.toml"
    if record_path.exists():
        raise ImportError_(f"{path}: this list is already imported as {record_path.name}")
    key = _slug(service)
    record = "\n".join([
        f"# Imported from {path.name} by 'hospnet import'.",
        "[[documents]]",
        f"file = {_toml_str(file_name)}",
        'directory = "imported"',
        'origin = "imported"',
        f"insurer = {_toml_str(insurer)}",
        f"product = {_toml_str(product)}",
        f"title = {_toml_str(path.name)}",
        'date = ""',
        "",
        "  [[documents.services]]",
        f"  key = {_toml_str(key)}",
        f"  name = {_toml_str(service)}",
        f"  kind = {_toml_str(kind)}",
        "",
        "  [[documents.tables]]",
        f"  key = {_toml_str(key + '-list')}",
        f"  title = {_toml_str(path.name)}",
        f"  lines = [1, {len(body)}]",
        f"  services = [{_toml_str(key)}]",
        '  layout = "columns"',
        "  columns = [" + ", ".join(_toml_str(c) for c in cols) + "]",
        "",
    ])
    import tomllib

    try:
        doc = parse_manifest(tomllib.loads(record), origin=str(record_path), root=sources_dir).documents[0]
    except ManifestError as exc:  # pragma: no cover - the record is generated above
        raise ImportError_(str(exc)) from exc
    parsed = parse_table(tsv.split("\n"), doc.tables[0])
    if not parsed.listings:
        reasons = "; ".join(f"line {r.line}: {r.reason}" for r in parsed.rejects[:3])
        raise ImportError_(f"{path}: no readable hospital rows" + (f" ({reasons})" if reasons else ""))
    imported.mkdir(parents=True, exist_ok=True)
    try:
        for target, content in ((tsv_path, tsv), (record_path, record)):
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_text(content, encoding="utf-8")
            os.replace(tmp, target)
    except OSError as exc:
        for target in (tsv_path, record_path):
            target.unlink(missing_ok=True)
        raise SourceError(f"{imported}: cannot write import: {exc}") from exc
    return ImportResult(tsv_path, record_path, len(parsed.listings), len(parsed.rejects),
                        {c: header[i] for i, c in enumerate(cols) if c != "ignore"})
