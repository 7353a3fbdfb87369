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

from tests.servers import api_server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def served(registry, tmp_path):
    db = tmp_path / "registry.db"
    shutil.copy(registry, db)
    with api_server(db) as base:
        yield base, db


def test_api_keeps_answering_during_a_rebuild(served):
    base, db = served
    loaded_before = requests.get(base + "/healthz", timeout=10).json()["registry_loaded"]
    stop = threading.Event()
    statuses: list[int] = []
    errors: list[str] = []

    def client(i: int) -> None:
        session = requests.Session()
        city = ["温州", "北京", "拉萨", "广州"][i % 4]
        while not stop.is_set():
            try:
                r = session.get(base + "/api/v1/nearest", params={"service": "002-green-channel", "city": city},
                                timeout=10)
                statuses.append(r.status_code)
            except requests.RequestException as exc:  # a refused or dropped connection is a failure too
                errors.append(repr(exc))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        done = subprocess.run([sys.executable, "-m", "directory.cli", "build", "--out", str(db), "--quiet"],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        time.sleep(1.5)  # requests after the swap load the new file
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert errors == [] and statuses and set(statuses) == {200}
    assert requests.get(base + "/healthz", timeout=10).json()["registry_loaded"] != loaded_before


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
