"""Build the registry: parse every source table, resolve places and hospitals, write one SQLite file.

The file is written under a temporary name next to the target, marked complete by its last write and
renamed into place only then, so a failed or killed build never damages the registry being served and
never leaves a file that a server accepts (directory/registry_file.py).
"""
from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from directory.hospitals import place_stats, region_rows, resolve_hospitals
from directory.manifest import Manifest, ManifestError, load_manifest, sources_dir
from directory.parse_tables import parse_table

# BUILD_COMPLETE_ID is written into the SQLite header as the very last step of a build: a file without
# it is not a complete registry (a build killed while writing or indexing leaves a file without it);
# is_complete(path) checks it. Both live in directory/registry_file.py (servers import it without
# the build's dependencies).
from directory.registry_file import BUILD_COMPLETE_ID as BUILD_COMPLETE_ID
from directory.registry_file import clean_stale_files, temp_path, write_build_id
from directory.registry_file import is_complete as is_complete
from directory.schema import TABLES, create_schema
from directory.service_versions import apply_versions, relabel_superseded, version_report
from directory.sources import read_source

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class ParsedSources:
    """Everything read from the sources, as rows ready for the public tables."""

    sources: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    services: list[dict] = field(default_factory=list)
    table_services: list[dict] = field(default_factory=list)
    listings: list[dict] = field(default_factory=list)
    coverage_entries: list[dict] = field(default_factory=list)
    rejects: list[dict] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def _service_rows(manifest: Manifest) -> list[dict]:
    """One row per service id. A new version of a service's list (an import with `replaces`) does
    not redefine the service, unless the version that defined it is gone (then the newest does)."""
    rows: dict[str, dict] = {}
    stand_ins: dict[str, dict] = {}
    for doc in manifest.documents:
        for s in doc.services:
            row = {
                "id": doc.service_id(s.key), "name": s.name, "insurer": doc.insurer, "product": doc.product,
                "source_file": doc.file, "kind": s.kind, "rule": s.rule, "min_grade": s.min_grade,
                "public_only": int(s.public_only), "city_proper_only": int(s.city_proper_only),
                "inpatient": int(s.inpatient), "aliases": json.dumps(list(s.aliases), ensure_ascii=False),
            }
            if s.replaces:
                if row["id"] not in stand_ins or doc.imported_at >= stand_ins[row["id"]]["_at"]:
                    stand_ins[row["id"]] = {**row, "_at": doc.imported_at}
            elif row["id"] in rows:
                raise ManifestError(f"{doc.file}: service id {row['id']} is defined twice")
            else:
                rows[row["id"]] = row
    for sid, row in stand_ins.items():
        if sid not in rows:
            rows[sid] = {k: v for k, v in row.items() if k != "_at"}
    return list(rows.values())


def parse_sources(manifest: Manifest, progress: Progress = _quiet) -> ParsedSources:
    """Parse every table of every document in the manifest."""
    out = ParsedSources()
    out.services.extend(_service_rows(manifest))
    for i, doc in enumerate(manifest.documents, 1):
        text = read_source(doc.path)
        out.sources.append(
            {"file": doc.file, "insurer": doc.insurer, "product": doc.product, "title": doc.title,
             "date": doc.date, "origin": doc.origin, "line_count": len(text.lines), "sha256": text.sha256,
             "original_file": doc.original_file or None, "encoding": doc.encoding or None}
        )
        doc_rows = 0
        for spec in doc.tables:
            table_id = f"{doc.doc_id}-{spec.key}"
            parsed = parse_table(text.lines, spec)
            # An imported reference list serves no service: its rows are evidence about hospitals only.
            first_service = doc.service_id(spec.services[0]) if spec.services else None
            for row in parsed.listings:
                out.listings.append(
                    {"id": len(out.listings) + 1, "source_file": doc.file, "line": row.line, "table_id": table_id,
                     "service_id": first_service, "raw_name": row.raw_name, "raw_province": row.raw_province,
                     "raw_city": row.raw_city, "raw_grade": row.raw_grade, "raw_team": row.raw_team,
                     "raw_country": row.raw_country, "raw_place": row.raw_place, "raw_text": row.raw_text,
                     "note": row.note, "raw_district": row.raw_district, "raw_address": row.raw_address,
                     "raw_ownership": row.raw_ownership, "raw_phone": row.raw_phone, "raw_notes": row.raw_notes,
                     "raw_lat": row.raw_lat, "raw_lon": row.raw_lon, "raw_crs": row.raw_crs,
                     "raw_extra": row.raw_extra}
                )
            for row in parsed.coverage:
                out.coverage_entries.append(
                    {"id": len(out.coverage_entries) + 1, "source_file": doc.file, "line": row.line,
                     "table_id": table_id, "raw_province": row.raw_province, "raw_city": row.raw_city,
                     "raw_text": row.raw_text, "note": row.note}
                )
            for rej in parsed.rejects:
                out.rejects.append(
                    {"id": len(out.rejects) + 1, "source_file": doc.file, "line": rej.line, "table_id": table_id,
                     "raw_text": rej.raw_text, "reason": rej.reason}
                )
            for reason, count in parsed.skipped.items():
                out.skipped[reason] = out.skipped.get(reason, 0) + count
            n_rows = len(parsed.listings) + len(parsed.coverage)
            doc_rows += n_rows
            out.tables.append(
                {"id": table_id, "source_file": doc.file, "key": spec.key, "title": spec.title,
                 "first_line": spec.first_line, "last_line": spec.last_line, "layout": spec.layout,
                 "rows_parsed": n_rows, "rows_rejected": len(parsed.rejects), "incomplete": spec.incomplete or None}
            )
            out.table_services.extend({"table_id": table_id, "service_id": doc.service_id(s)} for s in spec.services)
        progress(f"[{i}/{len(manifest.documents)}] {doc.file}: {len(doc.tables)} tables, {doc_rows} rows")
    return out


def resolve_coverage(parsed: ParsedSources) -> list[dict]:
    """Give each covered-city entry its adcode (or a reason why not); return coverage rows."""
    from directory.locate import resolve_listed

    services_of: dict[str, list[str]] = {}
    for ts in parsed.table_services:
        services_of.setdefault(ts["table_id"], []).append(ts["service_id"])
    coverage: set[tuple[str, str]] = set()
    for entry in parsed.coverage_entries:
        match = resolve_listed(entry["raw_province"], entry["raw_city"])
        adcode = match.district_adcode or match.city_adcode
        if match.status not in ("exact", "alias", "conflict"):
            adcode = None
        entry.update(adcode=adcode, status=match.status, reason=match.reason,
                     candidates=json.dumps(list(match.candidates)) if match.candidates else None)
        if adcode:
            coverage.update((sid, adcode) for sid in services_of.get(entry["table_id"], ()))
    return [{"service_id": s, "adcode": a} for s, a in sorted(coverage)]


def decide_verdicts(path: Path) -> int:
    """Write the `verdicts` table (directory/eligibility) into the registry file at `path`."""
    from directory.eligibility.precompute import write_verdicts

    conn = sqlite3.connect(path)
    try:
        with conn:
            return write_verdicts(conn)
    finally:
        conn.close()


@dataclass
class BuildResult:
    path: Path
    seconds: float
    counts: dict[str, int]


def write_registry(path: Path, tables: dict[str, list[dict]], report: list[dict]) -> None:
    """Write all rows to a fresh SQLite file at `path`."""
    db = sqlite_utils.Database(path)
    create_schema(db)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")  # a half-written temp file is discarded anyway
    with conn:
        for name, rows in [*tables.items(), ("build_report", report)]:
            if not rows:
                continue
            columns = list(TABLES[name]["columns"])
            sql = f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})"
            conn.executemany(sql, ([row.get(c) for c in columns] for row in rows))
    db.conn.execute("PRAGMA journal_mode = DELETE")
    db.conn.execute("ANALYZE")
    db.close()


def _new_norms(existing: list[dict], aliases: list[dict]) -> list[dict]:
    from directory.names import normalize_cached, to_json

    have = {r["alias"] for r in existing}
    new = sorted({a["alias"] for a in aliases} - have)
    return [{"alias": a, "norm": to_json(normalize_cached(a))} for a in new]


def _report_rows(parsed: ParsedSources, seconds: dict[str, float]) -> list[dict]:
    rows = []
    for t in parsed.tables:
        rows.append({"section": "table", "item": t["id"],
                     "value": json.dumps({"parsed": t["rows_parsed"], "rejected": t["rows_rejected"],
                                          "lines": f"{t['first_line']}-{t['last_line']}"})})
    for reason, count in sorted(parsed.skipped.items()):
        rows.append({"section": "skipped", "item": reason, "value": str(count)})
    for stage, secs in seconds.items():
        rows.append({"section": "timing", "item": stage, "value": f"{secs:.3f}"})
    return rows


def _import_report_rows(manifest: Manifest, parsed: ParsedSources) -> list[dict]:
    """Section 'imports' of the build report: how each imported file was read and what it gave."""
    per_table = {t["id"]: t for t in parsed.tables}
    services_of: dict[str, list[str]] = {}
    for ts in parsed.table_services:
        services_of.setdefault(ts["table_id"], []).append(ts["service_id"])
    rows = []
    for doc in manifest.documents:
        if doc.origin != "imported":
            continue
        tables = [f"{doc.doc_id}-{t.key}" for t in doc.tables]
        value = {"original_file": doc.original_file, "encoding": doc.encoding, "imported_at": doc.imported_at,
                 "rows": sum(per_table[t]["rows_parsed"] for t in tables),
                 "rejected": sum(per_table[t]["rows_rejected"] for t in tables),
                 "services": [doc.service_id(s.key) for s in doc.services],
                 "in_force_for": sorted({s for t in tables for s in services_of.get(t, [])})}
        rows.append({"section": "imports", "item": doc.file, "value": json.dumps(value, ensure_ascii=False)})
    return rows


def build(out: Path, manifest: Manifest | None = None, progress: Progress = _quiet) -> BuildResult:
    """Build the registry into `out`, atomically."""
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    manifest = manifest or load_manifest()
    progress(f"Parsing {len(manifest.documents)} source documents")
    t0 = time.perf_counter()
    parsed = parse_sources(manifest, progress)
    parsed.table_services, versions = apply_versions(manifest, parsed.table_services)
    relabel_superseded(parsed.listings, parsed.table_services, versions)
    from directory import build_extras

    extras = build_extras.before_resolve(parsed, manifest)  # services printed twice, catalog, row notes
    seconds["parse"] = time.perf_counter() - t0

    progress(f"Resolving {len(parsed.coverage_entries)} covered cities")
    t0 = time.perf_counter()
    coverage = resolve_coverage(parsed)
    seconds["coverage"] = time.perf_counter() - t0

    progress(f"Resolving {len(parsed.listings)} listings into hospitals")
    t0 = time.perf_counter()
    origin_of = {s["file"]: s["origin"] for s in parsed.sources}
    resolved = resolve_hospitals(parsed.listings, parsed.table_services, origin_of)
    seconds["resolve"] = time.perf_counter() - t0

    progress("Computing facts (district, point, grade, ownership, facility type)")
    t0 = time.perf_counter()
    from directory.facts.assemble import compute_facts
    from geodata.geocoder import load_cache

    bundled = [d.root for d in manifest.documents if d.origin != "imported"]
    root = bundled[0] if bundled else sources_dir()
    facts = compute_facts(resolved["hospitals"], parsed.listings, origin_of, resolved["place_evidence"],
                          resolved["aliases"], resolved["name_norms"], root / "reference", load_cache(),
                          resolved["place_facts"])
    known = {(a["hospital_id"], a["alias"], a["source"]) for a in resolved["aliases"]}
    resolved["aliases"] += [a for a in facts.aliases if (a["hospital_id"], a["alias"], a["source"]) not in known]
    resolved["name_norms"] += _new_norms(resolved["name_norms"], facts.aliases)
    parsed.sources.extend(facts.sources)
    seconds["facts"] = time.perf_counter() - t0
    extra_tables = build_extras.after_resolve(parsed, resolved, extras, facts.facts)
    place_report = place_stats(parsed.listings, resolved["hospitals"])

    tables = {
        "regions": region_rows(),
        "hospitals": resolved["hospitals"],
        "eligibility": resolved["eligibility"],
        "aliases": resolved["aliases"],
        "review_queue": resolved["review_queue"],
        "name_norms": resolved["name_norms"],
        "sources": parsed.sources, "source_tables": parsed.tables, "services": parsed.services,
        "table_services": parsed.table_services, "listings": parsed.listings,
        "coverage_entries": parsed.coverage_entries, "coverage": coverage, "rejects": parsed.rejects,
        **extra_tables,
        "facts": [{"id": i, **f} for i, f in enumerate(facts.facts, 1)],
        "reference_hospitals": facts.reference_hospitals,
        "inference_rules": facts.rules,
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in clean_stale_files(out):
        progress(f"Removed {stale.name}, left by a build or server that is no longer running")
    tmp = temp_path(out)
    try:
        progress(f"Writing {out}")
        t0 = time.perf_counter()
        report = [{"section": "places", "item": k, "value": v} for k, v in place_report.items()]
        report += [{"section": "facts", "item": k, "value": v} for k, v in facts.report.items()]
        report += _import_report_rows(manifest, parsed)
        report += version_report(versions, parsed.listings, resolved["hospitals"], parsed.coverage_entries,
                                 {r["adcode"]: r["name"] for r in tables["regions"]})
        write_registry(tmp, tables, report)
        from api.search_index import add_search_index

        progress("Indexing names for search")
        add_search_index(tmp)
        seconds["write"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        progress("Deciding eligibility (verdicts)")
        verdict_count = decide_verdicts(tmp)
        seconds["verdicts"] = time.perf_counter() - t0
        seconds["total"] = time.perf_counter() - started
        # Timing is known only now: add it (and the per-table rows) to the file before it goes live.
        with sqlite3.connect(tmp) as conn:
            conn.executemany("INSERT INTO build_report (section, item, value) VALUES (:section, :item, :value)",
                             _report_rows(parsed, seconds))
        write_build_id(conn)
        # The last write: only now is the file a complete registry (is_complete()).
        conn.execute(f"PRAGMA application_id = {BUILD_COMPLETE_ID}")
        conn.commit()
        conn.close()
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    counts = {name: len(rows) for name, rows in tables.items()}
    counts["verdicts"] = verdict_count
    return BuildResult(path=out, seconds=time.perf_counter() - started, counts=counts)
