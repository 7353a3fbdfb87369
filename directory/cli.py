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

    Results are appended to sources/geocode_cache.tsv (or $HOSPNET_GEOCODE_CACHE) with their
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
@click.option("--insurer", required=True, help="Insurer that publishes the list, e.g. 众安保险.")
@click.option("--service", required=True, help="Service the list is for, e.g. 重疾绿通.")
@click.option("--product", default="", help="Product the service belongs to.")
@click.option("--kind", default="hospital_list", show_default=True,
              type=click.Choice(["hospital_list", "city_coverage", "overseas"]), help="What the list holds.")
@click.option("--columns", default=None, metavar="FIELD=HEADER,...",
              help="Which header holds which field, e.g. name=医院名称,province=省份,city=城市,grade=医院级别. "
                   "Unnamed fields are guessed from common header words.")
def import_(file: Path, insurer: str, service: str, product: str, kind: str, columns: str | None) -> None:
    """Register a new list (.csv, .tsv or .xlsx) as a source; every later build includes it.

    The file is checked (UTF-8, a header row, a hospital-name column, readable rows) and stored
    as UTF-8 TSV under sources/imported/. Nothing is written if the check fails; the registry is
    not touched until the next 'hospnet build'.
    """
    from directory.importer import ImportError_, import_list
    from directory.sources import SourceError

    try:
        result = import_list(file, insurer=insurer, service=service, product=product, kind=kind, columns=columns)
    except (ImportError_, SourceError) as exc:
        raise click.ClickException(str(exc)) from exc
    mapped = ", ".join(f"{k}={v}" for k, v in result.columns.items())
    click.echo(f"Imported {result.rows} rows ({result.rejects} unreadable) from {file} as {result.tsv_path.name} "
               f"[{mapped}]. Run 'hospnet build' to include it.")


def _register_serve() -> None:
    from api.serve import serve

    cli.add_command(serve)


_register_serve()


def main() -> None:  # pragma: no cover - console entry point
    cli(prog_name="hospnet")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
