"""The real Datasette (subprocess, the same command `hospnet serve` runs) on a built registry with the
Chinese search index: canned queries, 2-character Chinese search, the cluster map, row links."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from api.search_index import add_search_index
from api.serve import METADATA, datasette_command
from tests.servers import free_port, running, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 15


@pytest.fixture(scope="module")
def ds(registry, tmp_path_factory):
    db = tmp_path_factory.mktemp("datasette") / "registry.db"
    shutil.copy(registry, db)
    add_search_index(db)
    port = free_port()
    with running(datasette_command(db, "127.0.0.1", port, METADATA), port, "/-/versions.json") as base:
        yield base


def rows(ds, path, **params):
    r = requests.get(ds + path, params={**params, "_shape": "array"}, timeout=TIMEOUT)
    assert r.status_code == 200, r.text[:500]
    return r.json()


def test_chinese_two_character_search(ds):
    names = {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="协和")}
    assert "北京协和医院" in names
    assert "北京协和医院" in {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="bjxh")}
    assert "北京大学深圳医院" in {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="深圳")}
    assert "北京协和医院" in {r["name"] for r in rows(ds, "/registry/hospital_search.json", _search="协和")}


def test_canned_eligible_hospitals(ds):
    got = rows(ds, "/registry/eligible_hospitals.json", service="重疾绿通", city="温州")
    assert len(got) >= 10 and all(r["city"] == "温州市" for r in got)
    assert all("002_e8b033acd9a55b94.txt:" in r["evidence"] for r in got)
    assert all(r["verdict"] == "eligible" and r["verdict_label"] == "符合条件" for r in got)
    covered = rows(ds, "/registry/eligible_hospitals.json", service="002-medical-advance", city="成都")
    assert covered and all("1017" in r["evidence"] for r in covered)
    assert all(r["verdict"] in ("eligible", "likely", "unknown") and r["say"] for r in covered)
    assert all(json.loads(r["to_check"]) for r in covered if r["verdict"] == "unknown")
    assert rows(ds, "/registry/eligible_hospitals.json", service="医疗垫付", city="拉萨") == []


def test_canned_verdicts(ds):
    hid = rows(ds, "/registry/hospitals.json", name__exact="北京协和医院")[0]["id"]
    got = {r["service_id"]: r for r in rows(ds, "/registry/hospital_verdicts.json", hospital_id=hid)}
    assert got["000-mdt"]["verdict_label"] == "符合条件" and "000_6009e8a10b4647f4.txt:308" in got["000-mdt"]["evidence"]
    assert got["002-cancer-screening"]["verdict"] == "unknown" and "不完整" in got["002-cancer-screening"]["say"]
    assert all(json.loads(r["facts_used"]) for r in got.values())
    summary = rows(ds, "/registry/verdict_summary.json")
    by = {(r["service_id"], r["verdict"]): r for r in summary}
    assert by[("002-green-channel", "eligible")]["percent"] == 100.0
    assert {r["verdict"] for r in summary} <= {"eligible", "likely", "not_eligible", "unknown"}
    facets = requests.get(ds + "/registry/verdicts.json", params={"_size": 1}, timeout=TIMEOUT).json()
    assert {"service_id", "verdict"} <= set(facets["facet_results"])


def test_canned_hospital_listings_and_review_queue(ds):
    hid = rows(ds, "/registry/hospitals.json", name__exact="北京协和医院")[0]["id"]
    got = rows(ds, "/registry/hospital_listings.json", hospital_id=hid)
    assert any(r["source_file"] == "000_6009e8a10b4647f4.txt" and r["line"] == 308 for r in got)
    assert rows(ds, "/registry/review_queue_by_score.json")
    assert rows(ds, "/registry/covered_cities.json", service="002-medical-advance")


def test_cluster_map_plugin_loaded_and_js_served(ds):
    plugins = {p["name"] for p in requests.get(ds + "/-/plugins.json", timeout=TIMEOUT).json()}
    assert "datasette-cluster-map" in plugins
    page = requests.get(ds + "/registry/hospitals", timeout=TIMEOUT).text
    assert "datasette-cluster-map.js" in page
    js = requests.get(ds + "/-/static-plugins/datasette-cluster-map/datasette-cluster-map.js", timeout=TIMEOUT)
    assert js.status_code == 200 and "leaflet" in js.text.lower()
    assert "tile.openstreetmap.org" in page  # default tiles when HOSPNET_TILE_URL is not set


def test_metadata_facets_and_row_links(ds):
    data = requests.get(ds + "/registry/hospitals.json", params={"_size": 1}, timeout=TIMEOUT).json()
    assert {"province", "city", "grade"} <= set(data["facet_results"])
    data = requests.get(ds + "/registry/hospital_search.json", params={"_size": 1}, timeout=TIMEOUT).json()
    assert "services" in data["facet_results"]
    hid = rows(ds, "/registry/hospitals.json", name__exact="北京协和医院")[0]["id"]
    page = requests.get(f"{ds}/registry/hospitals/{hid}", timeout=TIMEOUT).text
    assert f"/registry/hospital_listings?hospital_id={hid}" in page  # the row links to its listings


def test_settings_limit_rows(ds):
    settings = requests.get(ds + "/-/settings.json", timeout=TIMEOUT).json()
    assert settings["sql_time_limit_ms"] == 1000 and settings["max_returned_rows"] == 1000


def test_tile_url_configurable(registry, tmp_path):
    import os

    db = tmp_path / "registry.db"
    shutil.copy(registry, db)
    port = free_port()
    env = {**os.environ, "HOSPNET_TILE_URL": "https://tiles.example.test/{z}/{x}/{y}.png"}
    proc = subprocess.Popen(datasette_command(db, "127.0.0.1", port, METADATA), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/-/versions.json", proc)
        page = requests.get(f"http://127.0.0.1:{port}/registry/hospitals", timeout=TIMEOUT).text
        assert "tiles.example.test" in page
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_search_index_can_be_rerun(registry, tmp_path):
    db = tmp_path / "registry.db"
    shutil.copy(registry, db)
    first = add_search_index(db)
    second = add_search_index(db)
    assert first["hospitals"] == second["hospitals"] > 1000


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__]))


def test_search_folds_traditional_and_full_width(ds):
    # issue 9: 華西醫院 (traditional) and ｂｊｘｈ (full-width) are folded before the full-text search
    assert "四川大学华西医院" in {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="華西醫院")}
    assert "北京协和医院" in {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="ｂｊｘｈ")}
    assert "北京协和医院" in {r["name"] for r in rows(ds, "/registry/hospital_search.json", _search="協和")}
    # the escaped search mode still treats the query as text, not FTS syntax
    assert rows(ds, "/registry/hospitals.json", _search='協和" OR "') is not None
