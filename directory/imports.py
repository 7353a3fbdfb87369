"""The imports a user has made: one record (.toml) and one stored list (.tsv) per import, in the
data folder's `imported/` (directory/locations.py). Listed by `hospnet imports`, removed by
`hospnet imports remove ID`; every build reads them through directory/manifest.py.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from directory.manifest import ManifestError


class ImportsError(ValueError):
    """An import cannot be found or removed; the message names it and the folder."""


@dataclass(frozen=True)
class ImportRecord:
    id: str
    record_path: Path
    list_path: Path
    original_file: str
    encoding: str
    sheet: str
    header_line: int
    rows: int
    rejects: int
    imported_at: str
    kind: str  # hospital_list, city_coverage, overseas, or reference (no service)
    insurer: str
    product: str
    service_id: str | None
    service_name: str | None
    replaces: bool
    columns: dict[str, str] = field(default_factory=dict)
    extra_columns: tuple[str, ...] = ()


def read_record(path: Path) -> ImportRecord:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        doc = data["documents"][0]
    except (OSError, tomllib.TOMLDecodeError, KeyError, IndexError) as exc:
        raise ManifestError(f"{path}: cannot read import record: {exc}") from exc
    meta = data.get("import", {})
    service = (doc.get("services") or [None])[0]
    doc_id = Path(doc["file"]).stem.split("_", 1)[0]
    return ImportRecord(
        id=meta.get("id", doc_id), record_path=path, list_path=path.parent / doc["file"],
        original_file=doc.get("original_file") or doc.get("title", ""), encoding=doc.get("encoding", ""),
        sheet=meta.get("sheet", ""), header_line=int(meta.get("header_line", 1)), rows=int(meta.get("rows", 0)),
        rejects=int(meta.get("rejects", 0)), imported_at=doc.get("imported_at", ""),
        kind=service["kind"] if service else "reference", insurer=doc.get("insurer", ""),
        product=doc.get("product", ""),
        service_id=(service.get("id") or f"{doc_id}-{service['key']}") if service else None,
        service_name=service["name"] if service else None, replaces=bool(service and service.get("replaces")),
        columns=dict(meta.get("columns", {})), extra_columns=tuple(meta.get("extra_columns", ())),
    )


def list_imports(folder: Path | None = None) -> list[ImportRecord]:
    """Every import in `folder` (default: the data folder's imported/), oldest first."""
    if folder is None:
        from directory.locations import imports_dir

        folder = imports_dir()
    records = [read_record(p) for p in sorted(folder.glob("*.toml"))] if folder.is_dir() else []
    return sorted(records, key=lambda r: (r.imported_at, r.id))


def current_versions(records: list[ImportRecord]) -> dict[str, ImportRecord]:
    """service id → the import whose list is in force (the newest import for that service)."""
    current: dict[str, ImportRecord] = {}
    for r in records:  # oldest first: a later import of the same service wins
        if r.service_id:
            current[r.service_id] = r
    return current


def status(record: ImportRecord, records: list[ImportRecord]) -> str:
    """'in force', 'reference list', or 'superseded by ID'."""
    if record.service_id is None:
        return "reference list"
    now = current_versions(records)[record.service_id]
    return "in force" if now.id == record.id else f"superseded by {now.id}"


def find_import(import_id: str, folder: Path | None = None) -> ImportRecord:
    records = list_imports(folder)
    for r in records:
        if r.id == import_id:
            return r
    known = ", ".join(r.id for r in records) or "none"
    where = folder if folder is not None else "the data folder"
    raise ImportsError(f"no import {import_id!r} in {where} (imports: {known}); see 'hospnet imports'")


def remove_import(import_id: str, folder: Path | None = None) -> ImportRecord:
    """Delete an import's record and stored list; the next build no longer includes it."""
    record = find_import(import_id, folder)
    record.record_path.unlink()  # the record first: a list without a record is never read
    record.list_path.unlink(missing_ok=True)
    return record


def write_atomically(target: Path, content: str) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
