"""`hospnet serve`: build the registry if missing, then serve the JSON API (waitress) and Datasette.

    hospnet serve [--db registry.db] [--host 127.0.0.1] [--port 8000] [--datasette-port 8001]
    python -m api.serve …            (same command without the hospnet entry point)

Ctrl-C (or SIGTERM) stops both: Datasette runs as a child process and is terminated on exit.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

API_DIR = Path(__file__).resolve().parent
METADATA = API_DIR / "metadata.json"
PLUGINS_DIR = API_DIR / "datasette_plugins"
STATIC_DIR = API_DIR / "static"
TEMPLATES_DIR = API_DIR / "datasette_templates"
DATASETTE_SETTINGS = {"sql_time_limit_ms": "1000", "max_returned_rows": "1000", "default_page_size": "50",
                      "facet_time_limit_ms": "500", "default_facet_size": "10"}


class RegistryError(Exception):
    pass


def check_registry(path: Path) -> None:
    """Refuse a missing, corrupted or half-written registry with a message that says which."""
    if not path.is_file():
        raise RegistryError(f"{path}: no such registry file")
    if path.stat().st_size == 0:
        raise RegistryError(f"{path}: empty file (half-written?); rebuild it with 'hospnet build --out {path}'")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RegistryError(f"{path}: not a readable SQLite registry ({exc}); rebuild it with "
                            f"'hospnet build --out {path}'") from exc
    if result != "ok":
        raise RegistryError(f"{path}: SQLite integrity check failed ({result}); rebuild it")
    missing = {"build_report", "hospitals", "listings", "services"} - tables
    if missing:
        raise RegistryError(f"{path}: incomplete registry (missing {', '.join(sorted(missing))}); the build did not "
                            f"finish — rebuild it with 'hospnet build --out {path}'")


def has_search_index(path: Path) -> bool:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return conn.execute("select 1 from sqlite_master where name = 'hospital_search_fts'").fetchone() is not None
    finally:
        conn.close()


def metadata_for(db: Path, workdir: Path) -> Path:
    """api/metadata.json, with its database key renamed to the file's stem if it is not 'registry'."""
    name = db.stem
    if name == "registry":
        return METADATA
    meta = json.loads(METADATA.read_text(encoding="utf-8"))
    meta["databases"] = {name: meta["databases"]["registry"]}
    meta["description_html"] = meta.get("description_html", "").replace("/registry/", f"/{name}/")
    out = workdir / "metadata.json"
    out.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return out


def datasette_command(db: Path, host: str, port: int, metadata: Path) -> list[str]:
    cmd = [sys.executable, "-m", "datasette", "serve", "--immutable", str(db), "-m", str(metadata),
           "--plugins-dir", str(PLUGINS_DIR), "--template-dir", str(TEMPLATES_DIR),
           "--static", f"hospnet-static:{STATIC_DIR}",
           "--host", host, "--port", str(port)]
    for key, value in DATASETTE_SETTINGS.items():
        cmd += ["--setting", key, value]
    return cmd


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


@click.command()
@click.option("--db", default="registry.db", show_default=True, type=click.Path(dir_okay=False),
              help="Registry file; built from the bundled sources if missing.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="JSON API port.")
@click.option("--datasette-port", default=8001, show_default=True, type=click.IntRange(1, 65535),
              help="Datasette port.")
@click.option("--threads", default=2, show_default=True, type=click.IntRange(1, 64),
              help="waitress threads (with the GIL, about one per core serves best: see benchmarks/bench_api.py).")
@click.option("--no-datasette", is_flag=True, help="Serve only the JSON API.")
def serve(db: str, host: str, port: int, datasette_port: int, threads: int, no_datasette: bool) -> None:
    """Serve the JSON API (waitress) and Datasette over the registry; Ctrl-C stops both."""
    from waitress import serve as waitress_serve

    from api.app import create_app
    from api.search_index import add_search_index

    path = Path(db)
    if not path.exists():
        from directory.build import build

        click.echo(f"{path} not found: building it from the bundled sources", err=True)
        build(path, progress=lambda m: click.echo(m, err=True))
    try:
        check_registry(path)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    if not has_search_index(path):
        click.echo(f"adding the Chinese search index to {path}", err=True)
        add_search_index(path)
    if not no_datasette and datasette_port == port:
        raise click.ClickException("--port and --datasette-port must differ")
    app = create_app(str(path), datasette_url=None if no_datasette else f"http://{host}:{datasette_port}/{path.stem}")

    child: subprocess.Popen | None = None
    with tempfile.TemporaryDirectory(prefix="hospnet-serve-") as tmp:
        def _terminate(signum, _frame):  # SIGTERM → same clean exit as Ctrl-C
            raise SystemExit(128 + signum)

        previous = signal.signal(signal.SIGTERM, _terminate)
        try:
            if not no_datasette:
                cmd = datasette_command(path, host, datasette_port, metadata_for(path, Path(tmp)))
                child = subprocess.Popen(cmd, env={**os.environ, "PYTHONUNBUFFERED": "1"})
                time.sleep(0.5)
                if child.poll() is not None:
                    raise click.ClickException(f"Datasette exited at start (code {child.returncode}); "
                                               f"is port {datasette_port} free?")
            click.echo(f"坐席查询页: http://{host}:{port}/")
            click.echo(f"JSON API:  http://{host}:{port}/api/v1/  (docs: http://{host}:{port}/api/v1/docs)")
            if child is not None:
                click.echo(f"Datasette: http://{host}:{datasette_port}/{path.stem}")
            click.echo("Press Ctrl-C to stop.")
            # waitress warns on every queued request under load; queueing is expected with 8+ clients.
            logging.getLogger("waitress.queue").setLevel(logging.ERROR)
            waitress_serve(app, host=host, port=port, threads=threads, ident="hospnet")
        except KeyboardInterrupt:
            pass
        finally:
            _stop(child)
            signal.signal(signal.SIGTERM, previous)
            click.echo("stopped", err=True)


if __name__ == "__main__":  # python -m api.serve
    serve(prog_name="python -m api.serve")
