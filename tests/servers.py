"""Starting real servers for tests: a free port, a subprocess, a wait until it answers, a clean stop."""
from __future__ import annotations

import socket
import subprocess
import sys
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
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@contextmanager
def api_server(db: Path) -> Iterator[str]:
    """The JSON API (`python -m api.serve --no-datasette`, waitress) on a registry file."""
    port = free_port()
    cmd = [sys.executable, "-m", "api.serve", "--db", str(db), "--port", str(port), "--no-datasette", "--threads", "4"]
    with running(cmd, port, "/healthz") as base:
        yield base
