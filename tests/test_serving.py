"""`hospnet serve` as an operator meets it: busy ports, killed builds and their temp files, worker
processes, and Datasette queries that would take gigabytes (real builds, real servers, real HTTP)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from directory.registry_file import is_complete, stale_files
from tests.servers import free_port, hospnet_serve

ROOT = Path(__file__).resolve().parent.parent


def _serve(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "api.serve", "--db", str(db), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


# ---- busy ports -----------------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["--port", "--datasette-port"])
def test_busy_port_is_one_line_before_anything_runs(registry, tmp_path, which):
    db = tmp_path / "registry.db"
    shutil.copy(registry, db)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        other = free_port()
        ports = {"--port": busy, "--datasette-port": other} if which == "--port" else \
            {"--port": other, "--datasette-port": busy}
        started = time.monotonic()
        r = _serve(db, *[str(x) for kv in ports.items() for x in kv])
        elapsed = time.monotonic() - started
    assert r.returncode != 0 and elapsed < 10
    assert r.stdout == ""  # nothing was announced as running
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert f"port {busy} on 127.0.0.1 is already in use" in lines[0] and which in lines[0]


# ---- builds that die, and what they leave ------------------------------------------------------------

def test_killed_build_leaves_nothing_that_serve_accepts_and_is_cleaned_up(tmp_path):
    out = tmp_path / "registry.db"
    proc = subprocess.Popen([sys.executable, "-m", "directory.cli", "build", "--out", str(out)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:  # progress lines; kill it while it indexes names for search
        if line.startswith("Indexing names"):
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    [temp] = list(tmp_path.glob(".registry.db.*.tmp"))
    assert temp.stat().st_size > 1_000_000 and not is_complete(temp)
    assert temp in stale_files(out)

    before = temp.read_bytes()
    refused = _serve(temp, "--no-datasette", "--port", str(free_port()))
    assert refused.returncode != 0 and "a build's temporary file" in refused.stderr
    renamed = tmp_path / "copied.db"  # under another name, an unfinished build is refused all the same
    shutil.copy(temp, renamed)
    refused = _serve(renamed, "--no-datasette", "--port", str(free_port()))
    assert refused.returncode != 0 and "rebuild it" in refused.stderr and "JSON API" not in refused.stdout
    assert temp.read_bytes() == before  # serve wrote nothing into it

    done = subprocess.run([sys.executable, "-m", "directory.cli", "build", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"Removed {temp.name}" in done.stderr
    assert not temp.exists() and is_complete(out)
    assert list(tmp_path.glob(".registry.db.*")) == []


def test_serve_cleans_stale_files_and_answers_from_every_worker_process(registry, tmp_path):
    db = tmp_path / "registry.db"
    shutil.copy(registry, db)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = [tmp_path / f".registry.db.{dead}.tmp", tmp_path / f".registry.db.{dead}.datasette-3"]
    for path in stale:
        path.write_bytes(b"left behind")
    mine = tmp_path / f".registry.db.{os.getpid()}.tmp"  # a live process's file stays
    mine.write_bytes(b"in progress")
    with hospnet_serve(db, workers=2, datasette=False) as srv:
        workers = set(srv.workers())
        seen = set()
        deadline = time.monotonic() + 20
        while seen != workers and time.monotonic() < deadline:
            r = requests.get(srv.api + "/healthz", timeout=10, headers={"Connection": "close"})
            seen.add(r.json()["worker_pid"])
        assert len(workers) == 2 and seen == workers
        r = requests.get(srv.api + "/api/v1/nearest", params={"service": "重疾绿通", "insurer": "众安", "city": "温州"},
                         timeout=10)
        with sqlite3.connect(db) as conn:
            build = conn.execute("select value from build_report where section='build' and item='id'").fetchone()[0]
        conn.close()
        assert r.status_code == 200 and r.headers["X-Hospnet-Build"] == build
        output = srv.output()
    assert "2 worker processes" in output and "Traceback" not in output
    assert output.count("left by a build or server that is no longer running") == 2
    assert not any(p.exists() for p in stale) and mine.exists()


@pytest.mark.parametrize("name", [".registry.db.12345.tmp", ".registry.db.12345.tmp-journal",
                                  "data/.x.db.1.datasette-2"])
def test_gitignore_covers_temp_files(name):
    assert subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT).returncode == 0


# ---- Datasette: memory-heavy queries are refused, in one log line each ---------------------------------

REFUSED = {
    "1 GB blob": "select length(randomblob(1000000000))",
    "2 GB blob": "select length(randomblob(1000000000) || randomblob(1000000000))",
    "30 × 12 MB values at once": "with r(i) as (select 1 union all select i + 1 from r where i < 3) select "
                                 + ", ".join(["length(randomblob(12000000))"] + ["randomblob(12000000)"] * 29)
                                 + " from r",
    "time limit": "select count(*) from listings a, listings b, listings c",
}


def test_datasette_refuses_memory_heavy_queries_in_one_log_line_each(registry, tmp_path):
    db = tmp_path / "registry.db"
    shutil.copy(registry, db)
    with hospnet_serve(db, workers=1) as srv:
        [ds_pid] = [pid for pid, cmd in srv.children() if " -m datasette " in cmd]
        for what, sql in REFUSED.items():
            for fmt in (".json", ""):
                started = time.monotonic()
                r = requests.get(f"{srv.datasette}/registry{fmt}", params={"sql": sql, "_shape": "array"}, timeout=60)
                assert r.status_code == 400, (what, fmt, r.text[:300])
                assert time.monotonic() - started < 10, what
        ok = requests.get(f"{srv.datasette}/registry.json", params={"sql": "select count(*) n from hospitals",
                                                                     "_shape": "array"}, timeout=10)
        assert ok.status_code == 200 and ok.json()[0]["n"] > 1000  # still answering
        rss_kib = int(next(ln.split()[1] for ln in Path(f"/proc/{ds_pid}/status").read_text().splitlines()
                           if ln.startswith("VmHWM:")))
        assert rss_kib < 600 * 1024  # peak resident memory: no query ever took its gigabyte
        time.sleep(0.5)  # the log relay
        log = srv.output()
    assert "Traceback" not in log and "╭" not in log
    refusals = [ln for ln in log.splitlines() if "refused query" in ln or "string or blob too big" in ln]
    assert len(refusals) == len(REFUSED) * 2, log  # one line per refused query
    assert sum("memory limit" in ln for ln in refusals) == 2 and sum("time limit" in ln for ln in refusals) == 2
