"""Starting real servers for tests: a free port, a subprocess, a wait until it answers, a clean stop."""
from __future__ import annotations

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


def wait_until_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start in {seconds} s")


@contextmanager
def running(cmd: list[str], port: int, ready_path: str) -> Iterator[str]:
    """Run a server command until the block ends; yield its base URL once `ready_path` answers 200."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
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


@contextmanager
def api_server(db: Path) -> Iterator[str]:
    """The JSON API (`python -m api.serve --no-datasette`: gunicorn workers) on a registry file."""
    port = free_port()
    cmd = [sys.executable, "-m", "api.serve", "--db", str(db), "--port", str(port), "--no-datasette"]
    with running(cmd, port, "/healthz") as base:
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
