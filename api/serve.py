"""`hospnet serve`: build the registry if missing, then serve the JSON API and Datasette.

    hospnet serve [--db registry.db] [--host 127.0.0.1] [--port 8000] [--datasette-port 8001]
                  [--workers N] [--no-datasette]
    python -m api.serve …            (same command without the hospnet entry point)

The JSON API runs under gunicorn in this process: this process is gunicorn's arbiter and forks
`--workers` worker processes (by default one per core plus one, see `default_workers`), each with its own
copy of the registry's catalog and name index and its own read-only connections, each following
rebuilds by itself (api/registry.py). Worker processes, not threads: one Python process runs Python
on one core at a time (the GIL). Each worker is gunicorn's asyncio worker: kept-alive connections wait
in epoll and each request runs inline on the loop (api/asgi.py), see README "Serving for real". Both ports are bound — or found busy
and reported in one line — before anything says it is running. Datasette runs as a child process
with the plugins in api/datasette_plugins/ (follow rebuilds, bound memory, one-line query errors);
Ctrl-C (or SIGTERM) stops everything.
"""
from __future__ import annotations

import gc
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
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
_TEMP_NAME = re.compile(r"^\..+\.\d+\.tmp$")


class RegistryError(Exception):
    pass


class PortBusy(Exception):
    pass


def default_workers() -> int:
    """Worker processes for this machine: one per core plus one, so that a core never waits while a
    worker is between requests (on 2 cores: 3; see benchmarks/bench_load.py --workers)."""
    return (os.cpu_count() or 1) + 1


def check_registry(path: Path) -> None:
    """Refuse a missing, corrupted, half-written or unfinished registry with a message that says which."""
    from directory.registry_file import build_id

    if not path.is_file():
        raise RegistryError(f"{path}: no such registry file")
    if _TEMP_NAME.match(path.name):
        raise RegistryError(f"{path}: a build's temporary file, not a registry; serve the file the build "
                            f"writes (hospnet build --out …)")
    if path.stat().st_size == 0:
        raise RegistryError(f"{path}: empty file (half-written?); rebuild it with 'hospnet build --out {path}'")
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
            finished = build_id(conn) if "build_report" in tables else None
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
    if finished is None:
        raise RegistryError(f"{path}: incomplete registry (no completion mark: the build that wrote it did not "
                            f"finish, or an older hospnet wrote it) — rebuild it with 'hospnet build --out {path}'")


def bind_port(host: str, port: int, what: str) -> socket.socket:
    """A listening socket on host:port, or PortBusy with one line that says what to do."""
    try:
        family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise PortBusy(f"cannot listen on {host}:{port} for {what}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        option = "--port" if what == "the JSON API" else "--datasette-port"
        reason = "is already in use" if exc.errno == 98 else f"cannot be used ({exc.strerror})"
        raise PortBusy(f"port {port} on {host} {reason}: stop what uses it or choose another {what} port "
                       f"with {option} (make run PORT=… DATASETTE_PORT=…)") from None
    return sock


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


def _die_with_parent() -> None:
    """In the Datasette child: get SIGTERM when `hospnet serve` dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_datasette(db: Path, host: str, port: int, metadata: Path, log: Path) -> subprocess.Popen:
    """Start Datasette and wait until it accepts connections; its output goes to `log`."""
    with open(log, "ab") as out:
        child = subprocess.Popen(datasette_command(db, host, port, metadata), stdout=out, stderr=subprocess.STDOUT,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1"}, preexec_fn=_die_with_parent)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            lines = [ln for ln in log.read_text(encoding="utf-8", errors="replace").splitlines() if ln.strip()]
            raise click.ClickException(f"Datasette exited at start (code {child.returncode}): "
                                       f"{lines[-1] if lines else 'no output'}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return child
        except OSError:
            time.sleep(0.1)
    _stop(child)
    raise click.ClickException(f"Datasette did not start listening on {host}:{port} within 60 s")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def _relay(log: Path, stop: threading.Event) -> None:
    """Copy Datasette's log lines to our stderr as they come (its start-up lines were already shown)."""
    with open(log, encoding="utf-8", errors="replace") as fh:
        fh.seek(0, os.SEEK_END)
        while not stop.is_set():
            line = fh.readline()
            if line:
                sys.stderr.write(line)
            else:
                time.sleep(0.2)


def _exit_now(_worker) -> None:
    os._exit(0)


def gunicorn_application(db_path: str, listener: socket.socket, workers: int):
    """The gunicorn application for the API: `this process` becomes its arbiter when run()."""
    from gunicorn.app.base import BaseApplication

    class HospnetAPI(BaseApplication):
        def load_config(self) -> None:
            settings = {
                "bind": [f"fd://{listener.fileno()}"],
                "workers": workers,
                # One asyncio loop per worker: kept-alive connections wait in epoll (their cost does
                # not grow with their number); each request runs inline on the loop, no thread
                # hand-offs (api/asgi.py). gthread measured 0.9–1.1 ms of CPU per request, this 0.6.
                "worker_class": "asgi",
                "worker_connections": 1000,
                # Over-long query strings reach the API, which answers a JSON 400 naming the parameter
                # (0 = gunicorn's cap of 1 MiB instead of a plain-text 414 at 4 KiB).
                "limit_request_line": 0,
                "keepalive": 30,
                "timeout": 60,
                "graceful_timeout": 10,
                "loglevel": "warning",
                "accesslog": None,
                "errorlog": "-",
                "proc_name": "hospnet-api",
                "control_socket_disable": True,  # no control socket in $HOME: several servers may run
                # Ctrl-C / quick shutdown: a worker holds nothing to save (the registry is read-only),
                # so it exits at once instead of spending a second tearing down its interpreter.
                "worker_int": _exit_now,
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            from api.app import create_app
            from api.asgi import inline_wsgi

            return inline_wsgi(create_app(db_path, warm=True))

    return HospnetAPI()


@click.command()
@click.option("--db", default="registry.db", show_default=True, type=click.Path(dir_okay=False),
              help="Registry file; built from the bundled sources if missing.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="JSON API port.")
@click.option("--datasette-port", default=8001, show_default=True, type=click.IntRange(1, 65535),
              help="Datasette port.")
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="API worker processes [default: cores + 1].")
@click.option("--no-datasette", is_flag=True, help="Serve only the JSON API.")
def serve(db: str, host: str, port: int, datasette_port: int, workers: int | None, no_datasette: bool) -> None:
    """Serve the JSON API (gunicorn, one worker process per core + 1) and Datasette over the registry,
    both following rebuilds of the file; Ctrl-C stops both."""
    from directory.registry_file import clean_stale_files

    path = Path(db)
    if not no_datasette and datasette_port == port:
        raise click.ClickException("--port and --datasette-port must differ")
    # Ports first: a busy port is one line, before any work or any "running" line.
    try:
        listener = bind_port(host, port, "the JSON API")
        if not no_datasette:
            bind_port(host, datasette_port, "Datasette").close()
    except PortBusy as exc:
        raise click.ClickException(str(exc)) from None
    for stale in clean_stale_files(path):
        click.echo(f"removed {stale}, left by a build or server that is no longer running", err=True)
    if not path.exists():
        from directory.build import build

        click.echo(f"{path} not found: building it from the bundled sources", err=True)
        build(path, progress=lambda m: click.echo(m, err=True))
    try:
        check_registry(path)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from exc
    workers = workers or default_workers()

    child: subprocess.Popen | None = None
    relay_stop = threading.Event()
    tmp = Path(tempfile.mkdtemp(prefix="hospnet-serve-"))
    arbiter = os.getpid()  # gunicorn forks workers inside run(): only this process cleans up

    def _terminate(signum, _frame):  # SIGTERM before gunicorn runs → same clean exit as Ctrl-C
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        if not no_datasette:
            log = tmp / "datasette.log"
            child = start_datasette(path, host, datasette_port, metadata_for(path, tmp), log)
            threading.Thread(target=_relay, args=(log, relay_stop), daemon=True).start()
        click.echo(f"坐席查询页: http://{host}:{port}/")
        click.echo(f"JSON API:  http://{host}:{port}/api/v1/  (docs: http://{host}:{port}/api/v1/docs;"
                   f" {workers} worker processes)")
        if child is not None:
            click.echo(f"Datasette: http://{host}:{datasette_port}/{path.stem}")
            # the agent pages link to it (create_app reads this in every worker)
            os.environ.setdefault("HOSPNET_DATASETTE_URL", f"http://{host}:{datasette_port}/{path.stem}")
        click.echo("Press Ctrl-C to stop.")
        import api.app  # noqa: F401 - imported once here, inherited by every forked worker
        import directory.lookup  # noqa: F401

        gc.freeze()  # the imported modules: never scanned by the workers' collector, pages stay shared

        gunicorn_application(str(path.resolve()), listener, workers).run()
    except KeyboardInterrupt:
        pass
    finally:
        if os.getpid() == arbiter:
            relay_stop.set()
            _stop(child)
            signal.signal(signal.SIGTERM, previous)
            shutil.rmtree(tmp, ignore_errors=True)
            click.echo("stopped", err=True)


if __name__ == "__main__":  # python -m api.serve
    serve(prog_name="python -m api.serve")
