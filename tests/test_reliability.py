"""The API under rebuilds, load and hostile input (real server, real registry file)."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.servers import api_server, hospnet_serve

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def served(registry, tmp_path_factory):
    db = tmp_path_factory.mktemp("hostile") / "registry.db"
    shutil.copy(registry, db)
    with api_server(db) as base:
        yield base, db


BUILD_ID_SQL = "select value from build_report where section = 'build' and item = 'id'"


class Recorder:
    """Client threads that keep asking until stopped and record (start, status, build, worker) per answer;
    a new connection per request, so that every worker process gets its share."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.records: list[tuple[float, int, str, int | None]] = []
        self.errors: list[str] = []
        self.threads: list[threading.Thread] = []

    def api_client(self, base: str, i: int) -> None:
        city = ["温州", "北京", "拉萨", "广州"][i % 4]
        k = 0
        while not self.stop.is_set():
            k += 1
            start = time.time()
            try:
                if k % 3:
                    r = requests.get(base + "/api/v1/nearest", params={"service": "002-green-channel", "city": city},
                                     timeout=10, headers={"Connection": "close"})
                    worker = None
                else:
                    r = requests.get(base + "/healthz", timeout=10, headers={"Connection": "close"})
                    worker = r.json()["worker_pid"] if r.status_code == 200 else None
                self.records.append((start, r.status_code, r.headers.get("X-Hospnet-Build", ""), worker))
            except requests.RequestException as exc:  # a refused or dropped connection is a failure too
                self.errors.append(repr(exc))

    def datasette_client(self, base: str) -> None:
        session = requests.Session()
        k = 0
        while not self.stop.is_set():
            k += 1
            start = time.time()
            try:
                if k % 2:
                    r = session.get(base + "/registry.json", params={"sql": BUILD_ID_SQL, "_shape": "array"},
                                    timeout=10)
                    build = r.json()[0]["value"] if r.status_code == 200 else ""
                else:
                    r = session.get(base + "/registry/eligible_hospitals.json",
                                    params={"service": "重疾绿通", "city": "温州", "_shape": "array"}, timeout=10)
                    build = "?"
                self.records.append((start, r.status_code, build, None))
            except requests.RequestException as exc:
                self.errors.append(repr(exc))

    def start(self, target, *args) -> None:
        t = threading.Thread(target=target, args=args)
        t.start()
        self.threads.append(t)

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


def test_rebuild_under_load_every_worker_and_datasette_follow(registry, tmp_path):
    """A rebuild while the API (2 worker processes) and Datasette are loaded: no request fails, every
    worker answers from the new build within 2 s of the swap, and every Datasette answer that starts
    after the swap comes from the new build (none mixes in the old file)."""
    db = tmp_path / "registry.db"
    shutil.copy(registry, db)
    with hospnet_serve(db, workers=2) as srv:
        old = requests.get(srv.api + "/healthz", timeout=10).json()["build_id"]
        workers = set(srv.workers())
        assert len(workers) == 2
        api, ds = Recorder(), Recorder()
        for i in range(4):
            api.start(api.api_client, srv.api, i)
        for _ in range(2):
            ds.start(ds.datasette_client, srv.datasette)
        try:
            time.sleep(1.0)
            done = subprocess.run([sys.executable, "-m", "directory.cli", "build", "--out", str(db), "--quiet"],
                                  cwd=ROOT, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            swapped_by = time.time()  # the build has renamed the new file into place by now
            time.sleep(3.0)
        finally:
            api.finish()
            ds.finish()
        new = requests.get(srv.api + "/healthz", timeout=10).json()["build_id"]
        with sqlite3.connect(db) as conn:
            on_disk = conn.execute(BUILD_ID_SQL).fetchone()[0]
        conn.close()
        assert new == on_disk != old
        assert api.errors == [] and ds.errors == []
        assert {r[1] for r in api.records} == {200} and {r[1] for r in ds.records} == {200}
        assert {r[2] for r in api.records} == {old, new}  # every API answer says which build it came from
        late = [r for r in api.records if r[0] > swapped_by + 2.0]
        assert late and {r[2] for r in late} == {new}
        assert {r[3] for r in late if r[3] is not None} == workers  # each worker answered, from the new build
        after = [r for r in ds.records if r[0] > swapped_by and r[2] != "?"]
        assert after and {r[2] for r in after} == {new}
        assert any(r[2] == old for r in ds.records)  # Datasette did serve the old build before the swap
        assert not list(tmp_path.glob(".registry.db.*.datasette-*"))[1:]  # the old build's pin is gone


@pytest.mark.parametrize(
    "path, params",
    [
        ("/api/v1/hospitals", {"q": "'; DROP TABLE hospitals; --"}),
        ("/api/v1/hospitals", {"province": "x' OR '1'='1"}),
        ("/api/v1/nearest", {"service": "1 OR 1=1", "city": "北京"}),
        ("/api/v1/nearest", {"service": "002-green-channel", "city": "北京'; --"}),
        ("/api/v1/hospitals/' OR 1=1 --", {}),
        ("/api/v1/resolve", {"name": "\x00\uffff" * 20}),
        ("/api/v1/eligibility", {"hospital": "h' UNION SELECT * FROM listings --", "service": "MDT"}),
    ],
)
def test_hostile_input_is_a_clean_client_error(served, path, params):
    base, db = served
    r = requests.get(base + path, params=params, timeout=10)
    assert r.status_code < 500 and r.headers["Content-Type"].startswith("application/json")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM hospitals").fetchone()[0] > 1000
