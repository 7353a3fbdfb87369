"""Workers build every service's nearest index before answering and keep them out of the garbage
collector's full passes (a full pass over them stalled a worker for 150-250 ms, seen as wrk p99)."""
from __future__ import annotations

import gc
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from api.app import create_app
from tests.servers import hospnet_serve


def _indexes(app):
    return app.extensions["hospnet.registry"].catalog._service_indexes


def test_a_plain_app_builds_indexes_on_first_use(registry):
    app = create_app(str(registry))
    assert app.extensions["hospnet.registry"].catalog.indexes_built() == 0
    app.test_client().get("/api/v1/nearest", query_string={"service": "002-green-channel", "city": "北京"})
    assert app.extensions["hospnet.registry"].catalog.indexes_built() == 1


def test_a_warmed_app_has_every_index_and_the_collector_never_scans_them(registry):
    app = create_app(str(registry), warm=True)
    cat = app.extensions["hospnet.registry"].catalog
    assert cat.indexes_built() == len(cat.services) > 30
    for sid in cat.services:  # and what every answer of the service adds: how to use it, notes, caller questions
        assert {f"{sid}#how_to_use", f"{sid}#list_notes", f"{sid}#caller"} <= set(_indexes(app))
    scanned = {id(o) for o in gc.get_objects()}  # frozen objects are not in any generation
    for sid in cat.services:
        assert id(_indexes(app)[sid]) not in scanned
    # a request for a grade nobody asked for before builds (and freezes) one more index
    r = app.test_client().get("/api/v1/nearest", query_string={"service": "002-green-channel", "city": "北京",
                                                               "min_grade": "三级甲等"})
    assert r.status_code == 200
    extra = [k for k in _indexes(app) if isinstance(k, tuple)]
    assert extra and id(_indexes(app)[extra[0]]) not in {id(o) for o in gc.get_objects()}


def test_every_served_worker_says_its_indexes_are_built(registry, tmp_path):
    db = tmp_path / "registry.db"
    db.write_bytes(registry.read_bytes())
    with hospnet_serve(db, workers=2, datasette=False) as srv:
        seen: dict[int, tuple[int, int]] = {}
        deadline = time.monotonic() + 30
        while len(seen) < 2 and time.monotonic() < deadline:  # the kernel picks the worker: ask until both answered
            with ThreadPoolExecutor(4) as pool:
                for h in pool.map(lambda _: requests.get(srv.api + "/healthz", timeout=10,
                                                         headers={"Connection": "close"}).json(), range(8)):
                    seen[h["worker_pid"]] = (h["service_indexes_built"], h["services"])
        assert len(seen) == 2, seen
        assert all(built == total > 30 for built, total in seen.values())
