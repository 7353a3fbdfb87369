"""Starting real servers for tests: a free port, a subprocess, a wait until it answers, a clean stop."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _output(proc: subprocess.Popen) -> str:
    log = getattr(proc, "log_file", None)
    if log is not None:
        log.seek(0)
        return log.read()
    return proc.stdout.read() if proc.stdout else ""


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {_output(proc)}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start in {seconds} s")


@contextmanager
def running(cmd: list[str], port: int, ready_path: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run a server command until the block ends; yield its base URL once `ready_path` answers 200."""
    # Output goes to a file, not a pipe: a server that logs every request (Datasette) would block once
    # an unread pipe is full.
    log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, **env} if env else None)
    proc.log_file = log  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + ready_path, proc)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)  # as Ctrl-C: servers stop at once, not gracefully
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@contextmanager
def api_server(db: Path) -> Iterator[str]:
    """The JSON API (`python -m api.serve --no-datasette`: gunicorn workers) on a registry file."""
    port = free_port()
    cmd = [sys.executable, "-m", "api.serve", "--db", str(db), "--port", str(port), "--no-datasette"]
    with running(cmd, port, "/healthz") as base:
        yield base


@contextmanager
def datasette_server(db: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Datasette on a registry file, started with the command `hospnet serve` runs (api.serve.datasette_command).
    The database's URL name is the file's stem: call the file registry.db to get /registry/…"""
    from api.serve import datasette_command, metadata_for

    port = free_port()
    cmd = datasette_command(db, "127.0.0.1", port, metadata_for(db, db.parent))
    with running(cmd, port, "/-/versions.json", env) as base:
        yield base


class Serving:
    """A running `hospnet serve` (JSON API + Datasette): its URLs and its processes."""

    def __init__(self, proc: subprocess.Popen, api: str, datasette: str | None, log: Path) -> None:
        self.proc, self.api, self.datasette, self.log = proc, api, datasette, log

    def output(self) -> str:
        """Everything `hospnet serve` printed so far (stdout and stderr, Datasette's log included)."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def children(self) -> list[tuple[int, str]]:
        """(pid, command line) of every direct child: gunicorn workers and Datasette."""
        out = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_text().replace("\0", " ")
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                out.append((int(entry.name), cmdline))
        return out

    def workers(self) -> list[int]:
        return [pid for pid, cmd in self.children() if " -m datasette " not in cmd]


@contextmanager
def hospnet_serve(db: Path, workers: int = 2, datasette: bool = True) -> Iterator[Serving]:
    """`python -m api.serve` as a user runs it, until the block ends (then Ctrl-C: SIGINT)."""
    port, ds_port = free_port(), free_port()
    cmd = [sys.executable, "-m", "api.serve", "--db", str(db), "--port", str(port), "--datasette-port", str(ds_port),
           "--workers", str(workers)] + ([] if datasette else ["--no-datasette"])
    log = Path(tempfile.mkdtemp(prefix="hospnet-serve-test-")) / "serve.log"
    with open(log, "w") as out:  # a file, not a pipe: a full pipe would block the server
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, text=True)
    serving = Serving(proc, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ds_port}" if datasette else None, log)
    try:
        try:
            wait_until_up(serving.api + "/healthz", proc)
            if datasette:
                wait_until_up(serving.datasette + "/-/versions.json", proc)
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\n{serving.output()}") from None
        deadline = time.monotonic() + 30  # every worker up
        while len(serving.workers()) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield serving
    finally:
        proc.send_signal(signal.SIGINT)  # as Ctrl-C
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        shutil.rmtree(log.parent, ignore_errors=True)
