"""Load and validate the source manifest (sources/manifest.toml): documents, services, tables."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

LAYOUTS = {"columns", "side_by_side", "prose_list", "city_matrix", "overseas", "imported"}
KINDS = {"hospital_list", "city_coverage", "overseas"}
COLUMN_NAMES = {"name", "province", "city", "grade", "team", "seq", "place", "group", "ignore",
                # the fields an imported list may carry (directory/import_columns.py); 'extra' = kept as is
                "district", "address", "ownership", "phone", "notes", "lat", "lon", "country", "extra"}
CRS = {"wgs84", "gcj02", "bd09"}

SOURCES_DIR = Path(__file__).resolve().parent.parent / "sources"


def sources_dir() -> Path:
    """The bundled sources folder: $HOSPNET_SOURCES if set, else the packaged copy (see locations.py)."""
    from directory.locations import bundled_sources_dir

    return bundled_sources_dir()


class ManifestError(ValueError):
    """The manifest is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class ServiceSpec:
    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    rule: str = ""
    min_grade: str | None = None
    public_only: bool = False
    city_proper_only: bool = False
    inpatient: bool = False  # used during a hospital stay: only a hospital that admits patients qualifies
    id: str | None = None  # an explicit service id (imports: a new version of an existing service keeps its id)
    replaces: bool = False  # this document's list replaces the service's earlier lists (bundled or imported)


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    first_line: int
    last_line: int
    services: tuple[str, ...]
    layout: str
    columns: tuple[str, ...] = ()
    carry: tuple[str, ...] = ()
    typed_cells: bool = False
    halves: int = 1
    after: str = ""
    separator: str = "、"
    expected: int | None = None
    incomplete: str = ""  # why the printed table is known to be incomplete (answers must say so)
    crs: str = ""  # imported lists with lat/lon: the coordinate system they are stated in
    merged: tuple[str, ...] = ()  # imported workbooks: merged-cell ranges that were filled ("A2:A5")


@dataclass(frozen=True)
class DocumentSpec:
    file: str
    insurer: str
    product: str
    title: str
    date: str
    services: tuple[ServiceSpec, ...]
    tables: tuple[TableSpec, ...]
    origin: str = "bundled"
    directory: str = "manuals"
    root: Path = SOURCES_DIR
    original_file: str = ""  # imports: the file the user gave
    encoding: str = ""  # imports: how its bytes were decoded (or 'xlsx')
    imported_at: str = ""  # imports: ISO time; orders versions of one service

    @property
    def doc_id(self) -> str:
        """Short id of the document: the file name up to the first '_' (or its stem)."""
        stem = Path(self.file).stem
        return stem.split("_", 1)[0] if "_" in stem else stem

    def service_id(self, key: str) -> str:
        explicit = next((s.id for s in self.services if s.key == key and s.id), None)
        return explicit or f"{self.doc_id}-{key}"

    @property
    def path(self) -> Path:
        return self.root / self.directory / self.file


@dataclass(frozen=True)
class Manifest:
    documents: tuple[DocumentSpec, ...] = field(default_factory=tuple)


def _need(entry: dict, key: str, where: str, kind: type = str):
    if key not in entry:
        raise ManifestError(f"{where}: missing required key '{key}'")
    value = entry[key]
    if not isinstance(value, kind):
        raise ManifestError(f"{where}: '{key}' must be {kind.__name__}, got {value!r}")
    return value


def _text(entry: dict, key: str, where: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise ManifestError(f"{where}: '{key}' must be a string, got {value!r}")
    return value.strip()


def _flag(entry: dict, key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise ManifestError(f"{where}: '{key}' must be true or false, got {value!r}")
    return value


def _service(entry: dict, where: str) -> ServiceSpec:
    kind = _need(entry, "kind", where)
    if kind not in KINDS:
        raise ManifestError(f"{where}: kind must be one of {sorted(KINDS)}, got {kind!r}")
    return ServiceSpec(
        key=_need(entry, "key", where),
        name=_need(entry, "name", where),
        kind=kind,
        aliases=tuple(entry.get("aliases", ())),
        rule=entry.get("rule", ""),
        min_grade=entry.get("min_grade"),
        public_only=bool(entry.get("public_only", False)),
        city_proper_only=bool(entry.get("city_proper_only", False)),
        inpatient=_flag(entry, "inpatient", where),
        id=entry.get("id"),
        replaces=bool(entry.get("replaces", False)),
    )


def _table(entry: dict, where: str, service_keys: set[str]) -> TableSpec:
    layout = _need(entry, "layout", where)
    if layout not in LAYOUTS:
        raise ManifestError(f"{where}: layout must be one of {sorted(LAYOUTS)}, got {layout!r}")
    lines = _need(entry, "lines", where, list)
    if len(lines) != 2 or not all(isinstance(n, int) and n >= 1 for n in lines) or lines[0] > lines[1]:
        raise ManifestError(f"{where}: lines must be [first, last] 1-based line numbers, got {lines!r}")
    services = tuple(_need(entry, "services", where, list))
    unknown = [s for s in services if s not in service_keys]
    # An imported reference list (no service's list) serves no service; every other table serves one.
    if unknown or not services and not (layout == "imported" and not service_keys):
        raise ManifestError(f"{where}: services must name services of this document; unknown: {unknown}")
    columns = tuple(entry.get("columns", ()))
    bad = [c for c in columns if c not in COLUMN_NAMES]
    if bad:
        raise ManifestError(f"{where}: unknown column names {bad}; allowed: {sorted(COLUMN_NAMES)}")
    if layout == "columns" and "name" not in columns:
        raise ManifestError(f"{where}: a 'columns' table needs a 'name' column")
    if layout == "imported" and "name" not in columns and "city" not in columns:
        raise ManifestError(f"{where}: an 'imported' table needs a 'name' or a 'city' column")
    crs = entry.get("crs", "")
    if crs and crs not in CRS:
        raise ManifestError(f"{where}: crs must be one of {sorted(CRS)}, got {crs!r}")
    return TableSpec(
        key=_need(entry, "key", where),
        title=entry.get("title", ""),
        first_line=lines[0],
        last_line=lines[1],
        services=services,
        layout=layout,
        columns=columns,
        carry=tuple(entry.get("carry", ())),
        typed_cells=bool(entry.get("typed_cells", False)),
        halves=int(entry.get("halves", 1)),
        after=entry.get("after", ""),
        separator=entry.get("separator", "、"),
        expected=entry.get("expected"),
        incomplete=_text(entry, "incomplete", where),
        crs=crs,
        merged=tuple(entry.get("merged", ())),
    )


def parse_manifest(data: dict, origin: str = "manifest", root: Path = SOURCES_DIR) -> Manifest:
    """Validate a decoded manifest; raise ManifestError naming the bad entry."""
    docs = []
    for i, d in enumerate(data.get("documents", []), 1):
        where = f"{origin}: documents[{i}]"
        file = _need(d, "file", where)
        where = f"{origin}: document {file}"
        services = tuple(_service(s, f"{where} service[{j}]") for j, s in enumerate(d.get("services", []), 1))
        keys = {s.key for s in services}
        if len(keys) != len(services):
            raise ManifestError(f"{where}: duplicate service keys")
        tables = tuple(
            _table(t, f"{where} table[{j}] {t.get('key', '?')}", keys) for j, t in enumerate(d.get("tables", []), 1)
        )
        docs.append(
            DocumentSpec(
                file=file,
                insurer=_need(d, "insurer", where),
                product=d.get("product", ""),
                title=d.get("title", ""),
                date=d.get("date", ""),
                services=services,
                tables=tables,
                origin=d.get("origin", "bundled"),
                directory=d.get("directory", "manuals"),
                root=root,
                original_file=d.get("original_file", ""),
                encoding=d.get("encoding", ""),
                imported_at=d.get("imported_at", ""),
            )
        )
    files = [d.file for d in docs]
    if len(set(files)) != len(files):
        raise ManifestError(f"{origin}: a file is listed twice")
    return Manifest(documents=tuple(docs))


def load_imports(imported: Path) -> tuple[DocumentSpec, ...]:
    """The documents registered by `hospnet import` in `imported/` (one record .toml each)."""
    docs: list[DocumentSpec] = []
    for meta in sorted(imported.glob("*.toml")) if imported.is_dir() else []:
        try:
            sub = tomllib.loads(meta.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ManifestError(f"{meta}: cannot read import record: {exc}") from exc
        docs.extend(parse_manifest(sub, origin=str(meta), root=imported.parent).documents)
    return tuple(docs)


def load_manifest(path: Path | None = None, imports: Path | None = None) -> Manifest:
    """Read the bundled manifest plus every imported source.

    Imports come from `imports` if given; else, with no `path`, from the user's data folder
    (directory/locations.py); else from `imported/` beside the given manifest.
    """
    if path is None:
        from directory.locations import imports_dir

        path = sources_dir() / "manifest.toml"
        imports = imports or imports_dir()
    imports = imports or path.parent / "imported"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read manifest: {exc}") from exc
    manifest = parse_manifest(data, origin=str(path), root=path.parent)
    documents = manifest.documents + load_imports(imports)
    files = [d.file for d in documents]
    if len(set(files)) != len(files):
        raise ManifestError(f"{imports}: an imported file has the name of another source")
    return Manifest(documents=documents)
