"""`hospnet import`: register a list a user has (CSV, TSV, Excel text, XLSX) as a source of every later build.

An import is a file *for a service*: the same file may be imported for several services, and
`--service-id` imports a new version of an existing service's list (bundled or imported), which
replaces the old list from the next build on. A list that is no service's (`--kind reference`)
adds its hospitals and their cells as evidence, with no eligibility.

The file is read whatever its encoding (text_encoding.py), sheet and title rows (table_files.py);
its header words say what the columns mean (import_columns.py); it is stored as UTF-8 TSV, one line
per row of the original, with a TOML record in the data folder's imported/ (locations.py). Nothing
is written unless the whole import succeeds; every refusal names the file and what was expected.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from directory.import_columns import (
    ColumnError,
    ColumnMap,
    find_header_row,
    map_columns,
    parse_columns_option,
)
from directory.imports import ImportRecord, list_imports, status, write_atomically
from directory.list_diff import ListDiff, diff_against_registry
from directory.manifest import DocumentSpec, ManifestError, ServiceSpec, load_manifest, parse_manifest
from directory.parse_tables import ParsedTable, Reject, parse_table
from directory.table_files import DEFAULT_LIMITS, HEADER_SCAN_ROWS, Limits, TableFileError, read_table_file

KINDS = ("hospital_list", "city_coverage", "overseas", "reference")
CRS_CHOICES = ("wgs84", "gcj02", "bd09")


class ImportError_(ValueError):
    """The file cannot be imported; the message names the file (and row) and what was expected."""


@dataclass(frozen=True)
class ImportResult:
    import_id: str
    tsv_path: Path
    record_path: Path
    rows: int
    rejects: list[Reject]
    skipped: dict[str, int]
    encoding: str
    sheet: str | None
    header_line: int
    columns: dict[str, str]  # field → header
    extra_columns: list[str]
    merged: tuple[str, ...]
    service_id: str | None
    service_name: str | None
    replaces: str | None = None  # what the new version replaces (file or import id), when it is one
    diff: ListDiff | None = None
    diff_note: str = ""
    notes: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    letters = "".join(lazy_pinyin(text, style=Style.FIRST_LETTER))
    return re.sub(r"[^a-z0-9]+", "", letters.lower()) or "service"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    text = str(value)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _same_insurer(a: str, b: str) -> bool:
    a, b = a.replace(" ", ""), b.replace(" ", "")
    return bool(a and b) and (a == b or a in b or b in a)


@dataclass(frozen=True)
class _Target:
    """The service an import serves: a new one, or an existing one whose list it replaces."""

    service_id: str | None
    spec: ServiceSpec | None
    insurer: str
    product: str
    kind: str
    replaces: bool
    previous: str  # where the list in force today comes from (for a new version)


def _services(docs: tuple[DocumentSpec, ...]) -> dict[str, tuple[DocumentSpec, ServiceSpec]]:
    """service id → the document and spec that define it (a definer wins over later versions)."""
    out: dict[str, tuple[DocumentSpec, ServiceSpec]] = {}
    for doc in docs:
        for s in doc.services:
            sid = doc.service_id(s.key)
            if sid not in out or not s.replaces and out[sid][1].replaces:
                out[sid] = (doc, s)
    return out


def _target(path: Path, docs: tuple[DocumentSpec, ...], records: list[ImportRecord], insurer: str, service: str,
            service_id: str | None, product: str, kind: str | None, new_service: bool) -> _Target:
    known = _services(docs)
    if service_id:
        if service_id not in known:
            close = difflib.get_close_matches(service_id, list(known), n=3, cutoff=0.5)
            raise ImportError_(f"--service-id {service_id!r}: no such service"
                               + (f"; did you mean {', '.join(close)}?" if close else "")
                               + " ('hospnet build' then the services table, or /api/v1/services, lists them)")
        doc, spec = known[service_id]
        if kind and kind != spec.kind:
            raise ImportError_(f"--kind {kind}: service {service_id} is a {spec.kind} service; "
                               "a new version of its list must be the same kind")
        if service and service not in (spec.name, *spec.aliases):
            raise ImportError_(f"--service {service!r}: service {service_id} is called {spec.name!r}; "
                               "leave --service out when giving --service-id")
        if insurer and not _same_insurer(insurer, doc.insurer):
            raise ImportError_(f"--insurer {insurer!r}: service {service_id} belongs to {doc.insurer!r}")
        versions = [r for r in records if r.service_id == service_id]
        previous = (f"import {versions[-1].id} ({versions[-1].original_file})" if versions else doc.file)
        return _Target(service_id, spec, doc.insurer, product or doc.product, spec.kind, True, previous)
    kind = kind or "hospital_list"
    if kind == "reference":
        if service.strip():
            raise ImportError_(f"--service {service!r}: a reference list (--kind reference) serves no service; "
                               "leave --service out, or choose another --kind")
        return _Target(None, None, insurer.strip(), product, kind, False, "")
    if not service.strip():
        raise ImportError_("--service: expected the name of the service the list is for (or --service-id ID "
                           "for a new version of an existing service's list, or --kind reference)")
    if not insurer.strip():
        raise ImportError_("--insurer: expected the insurer's name, got nothing")
    if not new_service:
        for sid, (doc, spec) in known.items():
            if service in (spec.name, *spec.aliases) and _same_insurer(insurer, doc.insurer) and \
                    (not product or not doc.product or product == doc.product):
                raise ImportError_(
                    f"{path}: {doc.insurer} already has a service {spec.name!r} ({sid}, from {doc.file}). "
                    f"To replace its list with this file use --service-id {sid}; to add a separate service "
                    "of the same name use --new-service")
    return _Target(None, None, insurer.strip(), product, kind, False, "")


def _record_text(import_id: str, file_name: str, path: Path, original_sha: str, encoding: str, sheet: str | None,
                 header_line: int, last_line: int, cmap: ColumnMap, merged: tuple[str, ...], crs: str | None,
                 target: _Target, service: str, rows: int, rejects: int, imported_at: str) -> str:
    key = _slug(target.spec.name if target.spec else service) if target.kind != "reference" else ""
    lines = [
        f"# {path.name}, imported by 'hospnet import' on {imported_at[:19]}. Remove with: hospnet imports remove {import_id}",
        "[import]",
        f"id = {_toml(import_id)}",
        f"original_sha256 = {_toml(original_sha)}",
        f"sheet = {_toml(sheet or '')}",
        f"header_line = {header_line}",
        f"rows = {rows}",
        f"rejects = {rejects}",
        f"columns = {_toml(cmap.mapped)}",
        f"extra_columns = {_toml(cmap.extra)}",
        "",
        "[[documents]]",
        f"file = {_toml(file_name)}",
        'directory = "imported"',
        'origin = "imported"',
        f"original_file = {_toml(path.name)}",
        f"encoding = {_toml(encoding)}",
        f"imported_at = {_toml(imported_at)}",
        f"insurer = {_toml(target.insurer)}",
        f"product = {_toml(target.product)}",
        f"title = {_toml(path.name)}",
        'date = ""',
        "",
    ]
    if target.kind != "reference":
        spec = target.spec
        lines += ["  [[documents.services]]", f"  key = {_toml(key)}"]
        if target.replaces and spec:
            # A new version keeps the service's id and copies what defines it, so it stands alone
            # if the version that defined it is removed.
            lines += [f"  id = {_toml(target.service_id)}", "  replaces = true", f"  name = {_toml(spec.name)}",
                      f"  kind = {_toml(spec.kind)}", f"  aliases = {_toml(list(spec.aliases))}",
                      f"  rule = {_toml(spec.rule)}", f"  public_only = {_toml(spec.public_only)}",
                      f"  city_proper_only = {_toml(spec.city_proper_only)}"]
            if spec.min_grade:
                lines.append(f"  min_grade = {_toml(spec.min_grade)}")
        else:
            lines += [f"  name = {_toml(service.strip())}", f"  kind = {_toml(target.kind)}"]
        lines.append("")
    lines += [
        "  [[documents.tables]]",
        f"  key = {_toml((key or 'reference') + '-list')}",
        f"  title = {_toml(path.name + (f' (sheet {sheet})' if sheet else ''))}",
        f"  lines = [{header_line}, {last_line}]",
        f"  services = {_toml([key] if target.kind != 'reference' else [])}",
        '  layout = "imported"',
        f"  columns = {_toml(list(cmap.roles))}",
    ]
    if crs:
        lines.append(f"  crs = {_toml(crs)}")
    if merged:
        lines.append(f"  merged = {_toml(list(merged))}")
    return "\n".join(lines) + "\n"


def import_list(path: Path, insurer: str = "", service: str = "", product: str = "", kind: str | None = None,
                columns: str | None = None, data_dir: Path | None = None, *, service_id: str | None = None,
                sheet: str | None = None, header_row: int | None = None, crs: str | None = None,
                limits: Limits = DEFAULT_LIMITS, db: Path | None = None, new_service: bool = False) -> ImportResult:
    """Check `path` and register it in `data_dir`/imported/ (default: the user's data folder)."""
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise ImportError_(f"--kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    if crs is not None and crs not in CRS_CHOICES:
        raise ImportError_(f"--crs: expected one of {', '.join(CRS_CHOICES)}, got {crs!r}")
    if header_row is not None and header_row < 1:
        raise ImportError_(f"--header-row: expected a row number from 1, got {header_row}")
    if data_dir is None:
        from directory.locations import imports_dir

        imported = imports_dir()
    else:
        imported = Path(data_dir) / "imported"
    records = list_imports(imported)
    try:
        docs = load_manifest(imports=imported).documents
    except ManifestError as exc:
        raise ImportError_(f"cannot read the existing sources: {exc}") from exc
    target = _target(path, docs, records, insurer, service, service_id, product, kind, new_service)
    try:
        explicit = parse_columns_option(columns)
        required = "city" if target.kind == "city_coverage" else "name"
        raw = read_table_file(path, sheet, limits,
                              is_list=lambda rows: find_header_row(rows, explicit, required) is not None)
        if header_row is not None:
            if header_row > len(raw.rows):
                raise ImportError_(f"{raw.where}: --header-row {header_row}: the file has {len(raw.rows)} rows")
            index = header_row - 1
        else:
            index = find_header_row(raw.rows, explicit, required)
            if index is None:
                what = "hospital-name" if required == "name" else "city"
                first = next((r for r in raw.rows if any(r)), [])
                raise ImportError_(
                    f"{raw.where}: no hospital-list header: no row among the first {HEADER_SCAN_ROWS} has a {what} "
                    f"column (first row: {', '.join(c for c in first if c)[:120]}). Name the column with "
                    f"--columns {required}=<header>, or give the header's row with --header-row N")
        cmap = map_columns(f"{raw.where}, header row {index + 1}", raw.rows[index], explicit, required)
    except (TableFileError, ColumnError) as exc:
        raise ImportError_(str(exc)) from exc
    where = f"{raw.where}, header row {index + 1}"
    has_lat, has_lon = "lat" in cmap.roles, "lon" in cmap.roles
    if has_lat != has_lon:
        raise ImportError_(f"{where}: a {'latitude' if has_lat else 'longitude'} column "
                           f"({cmap.header_of('lat' if has_lat else 'lon')}) without its "
                           f"{'longitude' if has_lat else 'latitude'}; name both with --columns lat=…,lon=…")
    if has_lat and not crs:
        raise ImportError_(f"{where}: coordinates in columns {cmap.header_of('lat')}/{cmap.header_of('lon')}: say "
                           "which coordinate system they are in with --crs wgs84|gcj02|bd09 (GPS: wgs84; "
                           "AMap/高德, Tencent: gcj02; Baidu/百度: bd09)")
    if crs and not has_lat:
        raise ImportError_(f"{where}: --crs {crs} given but the list has no latitude/longitude columns")
    if index + 1 >= len(raw.rows):
        raise ImportError_(f"{where}: header only, no data rows")

    tsv = "\n".join("\t".join(row) for row in raw.rows) + "\n"
    identity = target.service_id or (f"reference\0{target.insurer}" if target.kind == "reference" else
                                     f"{target.insurer}\0{target.product}\0{service.strip()}\0{target.kind}")
    import_id = "imp" + hashlib.sha256(f"{tsv}\0{identity}".encode()).hexdigest()[:8]
    for r in records:
        if r.id == import_id:
            state = status(r, records)
            raise ImportError_(f"{path}: already imported as {r.id} ({r.original_file}, "
                               f"{r.service_name or 'reference list'}; {state})"
                               + ("; remove the newer version to bring it back" if state.startswith("superseded")
                                  else ""))
    stem = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", path.stem).strip("-")[:40] or "list"
    file_name = f"{import_id}_{stem}.tsv"
    imported_at = datetime.now().isoformat(timespec="microseconds")
    original_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    encoding = raw.encoding or "xlsx"

    def record_for(rows: int, rejects: int) -> str:
        return _record_text(import_id, file_name, path, original_sha, encoding, raw.sheet, index + 1,
                            len(raw.rows), cmap, raw.merged, crs, target, service, rows, rejects, imported_at)

    try:
        doc = parse_manifest(tomllib.loads(record_for(0, 0)), origin=path.name, root=imported.parent).documents[0]
    except (ManifestError, tomllib.TOMLDecodeError) as exc:  # pragma: no cover - the record is generated here
        raise ImportError_(f"{path}: {exc}") from exc
    parsed: ParsedTable = parse_table(tsv.split("\n"), doc.tables[0])
    rows = len(parsed.listings) + len(parsed.coverage)
    if not rows:
        reasons = "; ".join(f"row {r.line}: {r.reason}" for r in parsed.rejects[:3])
        raise ImportError_(f"{where}: no readable rows" + (f" ({reasons})" if reasons else ""))

    diff, diff_note = None, ""
    if target.replaces and target.service_id:
        later = "the build report will show what it adds and removes after 'hospnet build'"
        if target.kind == "city_coverage":
            diff_note = f"a list of cities: {later}"
        elif db is not None and Path(db).is_file():
            diff = diff_against_registry(Path(db), target.service_id, parsed.listings)
        else:
            diff_note = (f"no registry at {db}: " if db is not None else "") + later

    imported.mkdir(parents=True, exist_ok=True)
    tsv_path, record_path = imported / file_name, imported / f"{import_id}.toml"
    try:
        write_atomically(tsv_path, tsv)
        write_atomically(record_path, record_for(rows, len(parsed.rejects)))  # last: a list without a record is ignored
    except OSError as exc:
        tsv_path.unlink(missing_ok=True)
        raise ImportError_(f"{imported}: cannot write the import: {exc}") from exc
    notes = []
    if raw.merged:
        notes.append(f"filled {len(raw.merged)} merged cell ranges ({', '.join(raw.merged[:5])}"
                     f"{', …' if len(raw.merged) > 5 else ''})")
    return ImportResult(
        import_id=import_id, tsv_path=tsv_path, record_path=record_path, rows=rows, rejects=parsed.rejects,
        skipped=parsed.skipped, encoding=encoding, sheet=raw.sheet, header_line=index + 1, columns=cmap.mapped,
        extra_columns=cmap.extra, merged=raw.merged, service_id=target.service_id or (
            doc.service_id(doc.services[0].key) if doc.services else None),
        service_name=doc.services[0].name if doc.services else None,
        replaces=target.previous if target.replaces else None, diff=diff, diff_note=diff_note, notes=notes,
    )
