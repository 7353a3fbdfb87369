"""hospnet command line: a thin click layer over the library."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

DEFAULT_DB = "registry.db"


def _progress(message: str) -> None:
    click.echo(message, err=True)


@click.group()
@click.version_option(package_name="hospnet")
def cli() -> None:
    """hospnet: hospital-network directory for Chinese health insurers.

    Builds one SQLite registry from insurers' service manuals (bundled in sources/) and serves
    "nearest eligible hospital for service X in city Y" over a JSON API and Datasette.
    """


@cli.command()
@click.option("--out", "out", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Registry file to write (replaced atomically when the build succeeds).")
@click.option("--quiet", is_flag=True, help="Do not print progress.")
def build(out: str, quiet: bool) -> None:
    """Build the registry from every bundled and imported source."""
    from directory.build import build as run_build
    from directory.manifest import ManifestError
    from directory.sources import SourceError

    try:
        result = run_build(Path(out), progress=(lambda _: None) if quiet else _progress)
    except (ManifestError, SourceError) as exc:
        raise click.ClickException(str(exc)) from exc
    counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
    click.echo(f"Built {result.path} in {result.seconds:.1f} s ({counts})")


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Registry file to report on.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def report(db: str, as_json: bool) -> None:
    """Print the build report: rows parsed and rejected per table, rejects, unresolved places, timing."""
    from directory.report import ReportError, build_report, format_report

    try:
        data = build_report(Path(db))
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(data))


@cli.command()
@click.argument("name")
@click.option("--city", default=None, help="City the hospital is in (any form: 北京, 北京市, 110100); short names "
              "(华西, 浙大二院) are only decided within a city.")
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Registry file to match against.")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50), help="How many candidates to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def resolve(name: str, city: str | None, db: str, limit: int, as_json: bool) -> None:
    """The hospital meant by NAME as people say or write it (华西, 北医三院, 北京协合医院, 華西醫院).

    Prints one of three answers: the hospital (匹配), several equally good hospitals (有歧义 — say which,
    e.g. with --city), or no confident match (未确定), each with score, method and reasons.
    """
    import os

    from directory.lookup import index_for, resolve_name
    from directory.report import ReportError, _connect
    from directory.text_fold import fold_text

    try:
        _connect(Path(db)).close()
    except ReportError as exc:
        raise click.ClickException(str(exc)) from exc
    city_adcode = city_name = None
    if city:
        from geodata.places import resolve_city_query

        city = fold_text(city).strip()
        place = resolve_city_query(city)
        city_adcode = place.city_adcode
        if place.status not in ("exact", "alias") or not city_adcode:
            raise click.BadParameter(f"{city!r}: {place.reason}", param_hint="--city")
        city_name = city
    index = index_for(str(Path(db).resolve()), os.path.getmtime(db))
    result = resolve_name(index, name, city_adcode=city_adcode, city_name=city_name, limit=limit)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    best = result["best"]
    if best:
        click.echo(f"{best['name']}  [{best['id']}]  {best['province'] or ''} {best['city'] or ''}  "
                   f"匹配 {best['score']}（{best['method']}；{'；'.join(best['reasons'])}）")
    elif result["status"] == "ambiguous":
        click.echo(f"有歧义：{result['message']}")
    else:
        click.echo(f"未确定：{result['message']}（可信阈值 {result['threshold']}）")
    if result["candidates"]:
        click.echo("候选：")
        for c in result["candidates"]:
            click.echo(f"  {c['score']:>5}  {c['name']}  [{c['id']}]  {c['city'] or c['country'] or ''}  {c['method']}")


@cli.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False, exists=True),
              help="Registry whose hospitals to geocode.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100000),
              help="At most this many hospitals per run.")
def geocode(db: str, limit: int) -> None:
    """Fetch exact coordinates from AMap (needs HOSPNET_AMAP_KEY) into the geocode cache.

    Results are appended to geocode_cache.tsv in the data folder (or $HOSPNET_GEOCODE_CACHE) with their
    coordinate system (GCJ-02) and date; the next build converts them to WGS-84 and marks those
    hospitals geo_precision = exact. Without a key this command stops with an error.
    """
    import os
    import sqlite3

    from geodata.geocoder import GeocodeError, amap_search, append_to_cache, load_cache

    key = os.environ.get("HOSPNET_AMAP_KEY")
    if not key:
        raise click.ClickException("HOSPNET_AMAP_KEY is not set: an AMap Web-service key is needed to geocode")
    try:
        cached = load_cache()
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            todo = [(n, c) for n, c in conn.execute(
                "SELECT name, city_adcode FROM hospitals WHERE country = '中国' AND city_adcode IS NOT NULL")
                if (n, c) not in cached][:limit]
        found = []
        with click.progressbar(todo, label="Geocoding", file=sys.stderr) as bar:
            for name, city in bar:
                hit = amap_search(name, city, key)
                if hit:
                    found.append((name, city, *hit))
        append_to_cache(found)
    except GeocodeError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Geocoded {len(found)} of {len(todo)} hospitals; run 'hospnet build' to use them.")


@cli.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--service", default="", help="Service the list is for, e.g. 重疾绿通 (a new service).")
@click.option("--service-id", default=None, metavar="ID",
              help="A new version of this existing service's list (e.g. 002-green-channel): it replaces the "
                   "old list from the next build on; the change is reported.")
@click.option("--insurer", default="", help="Insurer that publishes the list, e.g. 众安保险 (not needed with --service-id).")
@click.option("--product", default="", help="Product the service belongs to.")
@click.option("--kind", default=None, type=click.Choice(["hospital_list", "city_coverage", "overseas", "reference"]),
              help="What the list holds [default: hospital_list, or the kind of --service-id's service]. "
                   "'reference': hospitals with their cells as evidence, no service.")
@click.option("--columns", default=None, metavar="FIELD=HEADER,...",
              help="Which header holds which field, e.g. name=医院名称,city=所在城市. Fields: name, province, city, "
                   "district, address, grade, ownership, phone, notes, lat, lon, team, country, seq. Unnamed "
                   "fields are read from header words; other columns are kept as they are.")
@click.option("--sheet", default=None, metavar="NAME|NUMBER",
              help="Workbook sheet to read [default: the first with a header row that has a name column].")
@click.option("--header-row", default=None, type=int, metavar="N",
              help="Row number of the header [default: found among the first 30 rows].")
@click.option("--crs", default=None, type=click.Choice(["wgs84", "gcj02", "bd09"]),
              help="Coordinate system of the lat/lon columns (GPS: wgs84; AMap/Tencent: gcj02; Baidu: bd09); "
                   "converted to WGS-84. Required when the list has coordinates.")
@click.option("--new-service", is_flag=True,
              help="Create a new service even if the insurer already has one of this name.")
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="With --service-id: registry to compare the new version with (if it exists).")
@click.option("--max-mb", default=50.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Refuse files larger than this many MB.")
@click.option("--max-rows", default=200_000, show_default=True, type=click.IntRange(min=1),
              help="Refuse files with more rows than this.")
def import_(file: Path, service: str, service_id: str | None, insurer: str, product: str, kind: str | None,
            columns: str | None, sheet: str | None, header_row: int | None, crs: str | None, new_service: bool,
            db: str, max_mb: float, max_rows: int) -> None:
    """Register a list (.csv, .tsv, .txt or .xlsx) as a source; every later build includes it.

    The encoding is detected (UTF-8 with or without BOM, GBK/GB18030, UTF-16), the header row is
    found below title rows, merged cells are filled, columns are read from their header words and
    the others kept as they are. The list is stored as UTF-8 TSV in the data folder's imported/
    ($HOSPNET_HOME, else ./hospnet-data). Nothing is written if the check fails; the registry is not
    touched until the next 'hospnet build'. 'hospnet imports' lists imports.
    """
    from directory.importer import ImportError_, import_list
    from directory.table_files import Limits

    try:
        r = import_list(file, insurer=insurer, service=service, product=product, kind=kind, columns=columns,
                        service_id=service_id, sheet=sheet, header_row=header_row, crs=crs,
                        limits=Limits(max_mb=max_mb, max_rows=max_rows), db=Path(db), new_service=new_service)
    except ImportError_ as exc:
        raise click.ClickException(str(exc)) from exc
    read = f"encoding {r.encoding}" if r.encoding != "xlsx" else f"sheet {r.sheet!r}"
    target = f"for {r.service_name} [{r.service_id}]" if r.service_id else "as a reference list (no service)"
    click.echo(f"Imported {r.rows} rows from {file} ({read}, header row {r.header_line}) as {r.import_id} {target}.")
    click.echo("  columns: " + ", ".join(f"{k}={v}" for k, v in r.columns.items())
               + (f"; kept as they are: {', '.join(r.extra_columns)}" if r.extra_columns else ""))
    for note in r.notes:
        click.echo(f"  {note}")
    if r.skipped:
        click.echo("  rows skipped: " + ", ".join(f"{k} ({v})" for k, v in r.skipped.items()))
    if r.rejects:
        click.echo(f"  {len(r.rejects)} rows not read:")
        for rej in r.rejects[:10]:
            click.echo(f"    {file}:{rej.line}: {rej.reason}")
    if r.replaces:
        click.echo(f"  This version replaces the list from {r.replaces}.")
        if r.diff:
            d = r.diff
            click.echo(f"  Against {d.basis}: {d.before} hospitals before, {d.after} now; {len(d.added)} added"
                       + (f" ({d.new_to_registry} not yet in the registry)" if d.new_to_registry else "")
                       + f", {len(d.removed)} removed.")
            for label, names in (("added", d.added), ("removed", d.removed)):
                if names:
                    click.echo(f"    {label}: " + "、".join(names[:20]) + (" …" if len(names) > 20 else ""))
        if r.diff_note:
            click.echo(f"  {r.diff_note}")
    click.echo(f"Stored in {r.tsv_path.parent}. Run 'hospnet build' to include it.")


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@click.pass_context
def imports(ctx: click.Context, as_json: bool) -> None:
    """List the imports (id, file, service, rows, encoding, date, status); 'imports remove ID' removes one.

    Imports live in the data folder's imported/ ($HOSPNET_HOME, else $HOSPNET_SOURCES, else ./hospnet-data).
    """
    if ctx.invoked_subcommand is not None:
        return
    from directory.imports import list_imports, status
    from directory.locations import imports_dir
    from directory.manifest import ManifestError

    try:
        records = list_imports()
    except ManifestError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = [{"id": r.id, "file": r.original_file, "service_id": r.service_id, "service": r.service_name,
             "kind": r.kind, "insurer": r.insurer, "rows": r.rows, "rejects": r.rejects, "encoding": r.encoding,
             "sheet": r.sheet or None, "imported_at": r.imported_at, "status": status(r, records),
             "stored_as": str(r.list_path)} for r in records]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(f"Imports in {imports_dir()}: {len(rows)}")
    for row in rows:
        svc = f"{row['service']} [{row['service_id']}]" if row["service_id"] else "reference list"
        read = row["encoding"] + (f", sheet {row['sheet']}" if row["sheet"] else "")
        click.echo(f"  {row['id']}  {row['file']}  {svc}  {row['rows']} rows  {read}  "
                   f"{row['imported_at'][:16].replace('T', ' ')}  {row['status']}")


@imports.command(name="remove")
@click.argument("import_id", metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
def imports_remove(import_id: str, yes: bool) -> None:
    """Remove import ID (its record and stored list); the next build no longer includes it."""
    from directory.imports import ImportsError, find_import, remove_import
    from directory.manifest import ManifestError

    try:
        record = find_import(import_id)
        what = f"{record.id} ({record.original_file}, {record.service_name or 'reference list'}, {record.rows} rows)"
        if not yes:
            if not sys.stdin.isatty():
                raise click.ClickException(f"removing {what} needs confirmation: add --yes")
            click.confirm(f"Remove import {what}?", abort=True)
        remove_import(import_id)
    except (ImportsError, ManifestError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Removed import {what}. Run 'hospnet build' to rebuild without it.")


def _open_registry(db: str):
    """A read-only connection to a built registry, or a Chinese error naming the file."""
    from directory.report import ReportError, _connect

    try:
        return _connect(Path(db))
    except ReportError as exc:
        raise click.ClickException(f"无法打开登记册：{exc}") from exc


_LOOKUP_CN = {
    "unknown_service": "没有这个名称的服务", "ambiguous_service": "这个名称对应多个服务，请加 --insurer 或使用服务 id",
    "unknown_insurer": "没有这个保险公司", "insurer_mismatch": "该服务不属于这个保险公司",
    "unknown_city": "找不到这个地点", "ambiguous_city": "有多个同名地点，请写出所在省市或使用 adcode",
    "city_required": "这是一个省份，请给出其中的城市",
}


def _lookup_failed(query: str, exc) -> click.ClickException:
    def name(c: dict) -> str:
        if c.get("id") and c.get("insurer"):
            return f"{c['name']}（{c['id']}，{c['insurer']}）"
        if c.get("adcode"):
            return f"{c.get('in', '')} {c['name']}（{c['adcode']}）".strip()
        return c.get("name") or c.get("insurer") or ""

    cands = "；".join(name(c) for c in exc.candidates[:8])
    return click.ClickException(f"“{query}”：{_LOOKUP_CN.get(exc.code, exc.message)}" + (f"。候选：{cands}" if cands else ""))


def _service_and_grade(ctx, service: str, insurer: str | None, min_grade: str | None):
    from directory.eligibility import LookupFailed, find_service, parse_min_grade
    from directory.text_fold import fold_text

    service = fold_text(service).strip()
    insurer = fold_text(insurer).strip() if insurer else None
    try:
        s = find_service(ctx.services, service, insurer)
    except LookupFailed as exc:
        raise _lookup_failed(service, exc) from exc
    try:
        need = parse_min_grade(min_grade) if min_grade else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--min-grade") from exc
    return s, need


_SERVICE_HELP = "Service: id (002-medical-advance), name or alias (医疗垫付, 重疾绿通, 住院护工)."


@cli.command()
@click.argument("hospital")
@click.option("--service", required=True, help=_SERVICE_HELP)
@click.option("--insurer", default=None, help="Narrows --service to one insurer (众安, 中宏, 平安 …).")
@click.option("--city", default=None, help="The hospital's city (any form); short names (华西, 浙大二院) are only "
              "decided within a city.")
@click.option("--min-grade", default=None, help="Also require this grade (二级, 三级, 三级甲等 …).")
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Registry file to read.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (as the API returns it).")
def eligibility(hospital: str, service: str, insurer: str | None, city: str | None, min_grade: str | None, db: str,
                as_json: bool) -> None:
    """May HOSPITAL (id or name) be used for a service: 符合条件 / 可能符合 / 不符合 / 待核实, rule by rule
    with each fact's class (stated / inferred) and evidence. Output in Chinese."""
    import os

    from directory.eligibility import (
        EligibilityContext,
        LookupFailed,
        RequestedGrade,
        decide,
        find_place,
        hospital_brief,
        subject,
        verdict_answer,
    )
    from directory.eligibility.text import verdict_text
    from directory.lookup import index_for, resolve_name
    from directory.text_fold import fold_text

    hospital = fold_text(hospital).strip()
    conn = _open_registry(db)
    try:
        ctx = EligibilityContext.load(conn)
        s, need = _service_and_grade(ctx, service, insurer, min_grade)
        sub = subject(conn, s, hospital)
        if sub is None:
            city_adcode = None
            if city:
                try:
                    city_adcode = find_place(ctx.regions, fold_text(city).strip()).city_adcode
                except LookupFailed as exc:
                    raise _lookup_failed(city, exc) from exc
            index = index_for(str(Path(db).resolve()), os.path.getmtime(db))
            found = resolve_name(index, hospital, city_adcode=city_adcode,
                                 city_name=ctx.regions.name_of(city_adcode), limit=5)
            if found["status"] == "ambiguous":
                raise click.ClickException(f"“{hospital}”有歧义：{found['message']}")
            if not found["best"]:
                raise click.ClickException(f"找不到医院“{hospital}”：{found['message']}")
            sub = subject(conn, s, found["best"]["id"])
        v = decide(ctx, s, sub, [RequestedGrade(s, need)] if need else None)
        answer = {"hospital": hospital_brief(sub.hospital.row), "service": s.full(), **verdict_answer(v),
                  "notes": [n.say() for n in s.incomplete]}
    finally:
        conn.close()
    click.echo(json.dumps(answer, ensure_ascii=False, indent=2) if as_json else verdict_text(answer))


@cli.command()
@click.option("--service", required=True, help=_SERVICE_HELP)
@click.option("--city", required=True,
              help="Where the caller is: a city (温州), district (海淀区), county-level city (昆山市), adcode, or an "
                   "address (北京市海淀区中关村大街1号).")
@click.option("--insurer", default=None, help="Narrows --service to one insurer.")
@click.option("--lat", type=click.FloatRange(-90, 90), default=None, help="Caller latitude (WGS-84), with --lon.")
@click.option("--lon", type=click.FloatRange(-180, 180), default=None, help="Caller longitude (WGS-84), with --lat.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100), help="How many hospitals.")
@click.option("--min-grade", default=None, help="Also require this grade (二级, 三级, 三级甲等 …).")
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
              help="Registry file to read.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (as the API returns it).")
def nearest(service: str, city: str, insurer: str | None, lat: float | None, lon: float | None, limit: int,
            min_grade: str | None, db: str, as_json: bool) -> None:
    """Nearest hospitals for a service around a place, with verdicts, distances and how precise they are;
    for a coverage service, whether the place is covered. Output in Chinese."""
    from directory.eligibility import (
        EligibilityContext,
        LookupFailed,
        RequestedGrade,
        ServiceIndex,
        find_place,
        origin_for,
    )
    from directory.eligibility import nearest as answer_nearest
    from directory.eligibility.text import nearest_text
    from directory.text_fold import fold_text

    if (lat is None) != (lon is None):
        raise click.UsageError("--lat 和 --lon 要一起给出")
    conn = _open_registry(db)
    try:
        ctx = EligibilityContext.load(conn)
        s, need = _service_and_grade(ctx, service, insurer, min_grade)
        try:
            place = find_place(ctx.regions, fold_text(city).strip())
        except LookupFailed as exc:
            raise _lookup_failed(city, exc) from exc
        idx = ServiceIndex.build(conn, ctx, s, [RequestedGrade(s, need)] if need else None)
        origin = origin_for(ctx.regions, place, (lat, lon) if lat is not None and lon is not None else None)
        body = answer_nearest(ctx, idx, place, origin, limit)
    finally:
        conn.close()
    click.echo(json.dumps(body, ensure_ascii=False, indent=2) if as_json else nearest_text(body))


def _register_serve() -> None:
    from api.serve import serve

    cli.add_command(serve)


_register_serve()


def main() -> None:  # pragma: no cover - console entry point
    cli(prog_name="hospnet")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
