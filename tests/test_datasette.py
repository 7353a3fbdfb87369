"""The real Datasette (subprocess, the same command `hospnet serve` runs) on a built registry with the
Chinese search index: what a reader sees — names instead of ids, links that work, Chinese labels,
useful column order and row order, service names and manual titles, canned queries that take an
insurer and a service's name, the SQL folded away, a map that loads every hospital. Layout and the map
are checked in a real headless Chromium (tests/browser.py)."""
from __future__ import annotations

import re
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
import requests

from api.search_index import add_search_index
from tests.browser import DESKTOP, wait_for
from tests.servers import datasette_server

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 15
XIEHE = "北京协和医院"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def db(registry, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("datasette") / "registry.db"
    shutil.copy(registry, out)
    add_search_index(out)
    return out


@pytest.fixture(scope="module")
def ds(db):
    with datasette_server(db) as base:
        yield base


@pytest.fixture(scope="module")
def ids(db) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return {name: hid for hid, name in conn.execute("select id, name from hospitals")}
    finally:
        conn.close()


def rows(ds, path, **params):
    r = requests.get(ds + path, params={**params, "_shape": "array"}, timeout=TIMEOUT)
    assert r.status_code == 200, r.text[:500]
    return r.json()


def html(ds, path, **params) -> str:
    r = requests.get(ds + path, params=params, timeout=TIMEOUT)
    assert r.status_code == 200, r.text[:500]
    return r.text


def walk(ds, path, **params) -> list[dict]:
    """Every row of a table view, following next_url page by page."""
    url = ds + path
    out: list[dict] = []
    first = True
    while url:
        r = requests.get(url, params={**params, "_shape": "objects", "_size": 200} if first else None, timeout=TIMEOUT)
        first = False
        assert r.status_code == 200, r.text[:300]
        data = r.json()
        out += data["rows"]
        url = data.get("next_url")
    return out


# ---- links and labels ------------------------------------------------------------------------------

def test_listing_shows_hospital_name_and_links_to_its_row_page(ds, ids):
    page = html(ds, "/registry/listings", id=1)
    assert "{'value'" not in page and "&#39;value&#39;" not in page
    href = f'/registry/hospitals/{ids[XIEHE]}'
    assert re.search(rf'<a href="{href}">{XIEHE}</a>', page), "hospital_id should read 北京协和医院 and link to its row"
    assert requests.get(ds + href, timeout=TIMEOUT).status_code == 200


def test_label_columns(ds, ids):
    got = rows(ds, "/registry/listings.json", id=1, _labels="on")[0]
    assert got["hospital_id"] == {"value": ids[XIEHE], "label": XIEHE}
    assert got["service_id"]["label"] == "MDT 多学科会诊"
    assert got["source_file"]["label"] == "中宏保险健康管理服务手册"
    region = rows(ds, "/registry/hospitals.json", id=ids[XIEHE], _labels="on")[0]
    assert region["name"] == XIEHE


def test_hospital_row_page_is_titled_by_name_and_lists_campuses(ds, ids, db):
    page = html(ds, f"/registry/hospitals/{ids[XIEHE]}")
    assert re.search(rf"<title>{XIEHE} ·", page)
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert XIEHE in h1 and f"hospitals: {ids[XIEHE]}" not in page
    conn = sqlite3.connect(db)
    campuses = [n for (n,) in conn.execute("select name from hospitals where parent_id = ?", (ids[XIEHE],))]
    conn.close()
    assert campuses  # 西单院区
    for campus in campuses:
        assert f'<a href="/registry/hospitals/{ids[campus]}">{campus}</a>' in page
        child = html(ds, f"/registry/hospitals/{ids[campus]}")
        assert f'所属医院：<a href="/registry/hospitals/{ids[XIEHE]}">{XIEHE}</a>' in child
    assert f"/registry/hospital_listings?hospital={ids[XIEHE]}" in page
    assert f"/registry/hospital_verdicts?hospital={ids[XIEHE]}" in page


def test_other_row_pages_are_titled_by_their_label(ds):
    page = html(ds, "/registry/services/002-green-channel")
    assert re.search(r"<title>重疾绿通 ·", page)
    page = html(ds, "/registry/regions/330300")
    assert re.search(r"<title>温州市 ·", page)


def test_chinese_titles_descriptions_and_column_labels(ds):
    meta = requests.get(ds + "/registry.json", timeout=TIMEOUT).json()
    shown = [t for t in meta["tables"] if not t["hidden"]]
    assert len(shown) >= 12
    tables = requests.get(ds + "/-/metadata.json", timeout=TIMEOUT).json()["databases"]["registry"]["tables"]
    for t in shown:
        assert CJK.search(tables[t["name"]]["title"]), t["name"]
    page = html(ds, "/registry/hospitals")
    assert "<h1>医院（规范名录" in page
    headers = re.findall(r'<th [^>]*data-column="(\w+)"[^>]*>\s*(?:<a [^>]*>)?([^<&]+)', page)
    labels = {col: text.strip() for col, text in headers}
    assert labels["name"] == "医院名称" and labels["listing_count"] == "名单条数" and labels["parent_id"] == "所属医院"
    assert all(CJK.search(text) for text in labels.values()), labels
    assert "数据许可：" in page and "Data license:" not in page.split("<footer")[0]
    facets = html(ds, "/registry/listings")
    assert re.search(r'data-column="service_id">\s*<p class="facet-info-name">\s*<strong title="service_id">服务', facets)


def test_internal_tables_are_hidden(ds):
    tables = {t["name"]: t["hidden"] for t in requests.get(ds + "/registry.json", timeout=TIMEOUT).json()["tables"]}
    for name in ("name_norms", "table_services", "search_names", "hospital_search_fts", "hospital_search_fts_config",
                 "hospital_search_fts_data", "hospital_search_fts_docsize", "hospital_search_fts_idx"):
        assert tables[name] is True, name
    for name in ("hospitals", "listings", "services", "sources", "regions"):
        assert tables[name] is False, name


# ---- columns, order, paging --------------------------------------------------------------------------

def test_hospitals_page_shows_useful_columns_in_order(ds):
    page = html(ds, "/registry/hospitals")
    columns = re.findall(r'<th [^>]*data-column="(\w+)"', page)
    assert columns[:9] == ["id", "name", "province", "city", "district", "grade", "grade_class", "listing_count",
                           "parent_id"]
    assert "geo_source" not in columns and "city_adcode" not in columns
    assert {"lat", "lon"} <= set(columns)  # the cluster map finds its columns in the table
    # asking for columns still works
    assert re.findall(r'<th [^>]*data-column="(\w+)"', html(ds, "/registry/hospitals", _col="geo_source")) == \
        ["id", "geo_source"]


def test_hospitals_are_ordered_by_listing_count_and_paging_sees_every_row_once(ds, db):
    first = rows(ds, "/registry/hospitals.json", _size=5)
    counts = [r["listing_count"] for r in first]
    assert counts == sorted(counts, reverse=True)
    conn = sqlite3.connect(db)
    top = conn.execute("select max(listing_count) from hospitals").fetchone()[0]
    total = conn.execute("select count(*) from hospitals").fetchone()[0]
    conn.close()
    assert counts[0] == top
    # Datasette 0.65.5 alone loses rows that tie on the sort column at a page boundary; see
    # api/datasette_support.first_page_token.
    for params in ({}, {"_sort": "grade"}, {"_sort_desc": "city"}):
        got = [r["id"] for r in walk(ds, "/registry/hospitals.json", **params)]
        assert len(got) == len(set(got)) == total, params


def test_service_names_in_facets(ds):
    # A facet that exceeds facet_time_limit_ms (500 ms) on a loaded machine is left out for that request:
    # ask again rather than fail on the machine's load.
    for _attempt in range(5):
        data = requests.get(ds + "/registry/hospital_search.json", params={"_size": 0}, timeout=TIMEOUT).json()
        if "services" in data["facet_results"] or "services" not in data.get("facets_timed_out", []):
            break
    values = {v["value"] for v in data["facet_results"]["services"]["results"]}
    assert "重疾绿通（众安保险）" in values and not any(re.match(r"^\d{3}-", v) for v in values)
    page = html(ds, "/registry/listings")
    facet = page[page.index('id="facet-service_id"'):]
    facet = facet[:facet.index("</ul>")]
    assert "重疾绿通（众安保险）" in facet and "002-green-channel<" not in facet


def test_manual_titles_instead_of_file_names(ds, ids):
    page = html(ds, "/registry/listings", id=1)
    assert re.search(r'<a href="/registry/sources/000_6009e8a10b4647f4\.txt" title="000_6009e8a10b4647f4\.txt" '
                     r'class="manual-title">中宏保险健康管理服务手册</a>', page)
    cells = re.findall(r'<td class="col-source_file[^"]*">(.*?)</td>', page, re.S)
    assert cells and all(">000_6009e8a10b4647f4.txt<" not in c for c in cells)
    # sources written as text ("名单 000:308：等级栏 '三甲'") name the manual by title too
    row = html(ds, f"/registry/hospitals/{ids[XIEHE]}")
    grade_source = re.search(r'<td class="col-grade_source[^"]*">(.*?)</td>', row, re.S).group(1)
    assert "《中宏保险健康管理服务手册》第 308 行" in grade_source


def test_coded_values_read_as_words(ds, ids):
    page = html(ds, "/registry/hospitals", id=ids[XIEHE])
    assert re.search(r'<td class="col-ownership[^"]*"><span title="public">公立</span></td>', page)
    assert re.search(r'<td class="col-geo_precision[^"]*"><span title="exact">实际位置</span></td>', page)
    facet = page[page.index('id="facet-ownership"'):]
    facet = facet[:facet.index("</ul>")]
    assert "公立" in facet and ">public<" not in facet
    facts = html(ds, "/registry/facts", hospital_id=ids[XIEHE], fact="grade", chosen=1)
    assert re.search(r'<td class="col-class[^"]*"><span title="stated">来源载明</span></td>', facts)
    assert re.search(r'<td class="col-fact[^"]*"><span title="grade">等级</span></td>', facts)


def test_map_gets_each_hospitals_own_point(ds, db):
    """Hospitals with a point of their own (a reviewed Wikidata link, …) are placed there, not on their
    city's centre: 北京 is no longer one dot."""
    conn = sqlite3.connect(db)
    own = conn.execute("select count(*), count(distinct lat || ',' || lon) from hospitals "
                       "where city = '北京市' and geo_precision = 'exact'").fetchone()
    conn.close()
    assert own[0] == own[1] > 40
    got = requests.get(ds + "/registry/hospitals.json", timeout=TIMEOUT, params={
        "city": "北京市", "_size": "max", "_labels": "on", "_shape": "objects"}).json()["rows"]
    assert {"lat", "lon", "name", "geo_precision"} <= set(got[0])
    exact = {(r["lat"], r["lon"]) for r in got if r["geo_precision"] == "exact"}
    assert len(exact) == own[1]


# ---- canned queries ------------------------------------------------------------------------------

def test_eligible_hospitals_takes_insurer_and_names_the_service(ds):
    both = rows(ds, "/registry/eligible_hospitals.json", service="特药", city="广州", insurer="")
    assert {r["服务"] for r in both} == {"特药（平安健康）", "肿瘤特药（众安保险）"}
    pingan = rows(ds, "/registry/eligible_hospitals.json", service="特药", city="广州", insurer="平安")
    assert pingan and {r["服务"] for r in pingan} == {"特药（平安健康）"}
    assert all("《平安互联网长期（B）医疗保险" in r["依据"] for r in pingan)
    green = rows(ds, "/registry/eligible_hospitals.json", service="重疾绿通", city="温州", insurer="众安")
    assert len(green) >= 10 and all(r["城市"] == "温州市" for r in green)
    assert all(re.search(r"》第 \d+ 行：", r["依据"]) for r in green)
    assert all(".txt" not in r["依据"] for r in green)  # manuals by title, not by file


def test_covered_cities_takes_a_service_name(ds):
    by_name = rows(ds, "/registry/covered_cities.json", service="医疗垫付", insurer="")
    by_id = rows(ds, "/registry/covered_cities.json", service="002-medical-advance", insurer="")
    assert len(by_name) == len(by_id) == 83
    assert {r["服务"] for r in by_name} == {"医疗垫付（众安保险）"}
    assert any(r["城市原文"] == "合肥市" and r["行号"] == 1017 for r in by_name)


def test_hospital_listings_takes_a_name_or_an_id(ds, ids):
    by_name = rows(ds, "/registry/hospital_listings.json", hospital=XIEHE)
    by_id = rows(ds, "/registry/hospital_listings.json", hospital=ids[XIEHE])
    by_alias = rows(ds, "/registry/hospital_listings.json", hospital="协和医院")
    assert by_name == by_id == by_alias
    assert any(r["服务手册"] == "中宏保险健康管理服务手册" and r["行号"] == 308 for r in by_name)
    assert any("西单院区" in r["医院"] for r in by_name)  # campuses' listings too
    assert rows(ds, "/registry/review_queue_by_score.json")


def test_canned_queries_fold_their_sql_away(ds):
    for name in ("eligible_hospitals", "covered_cities", "hospital_listings", "review_queue_by_score"):
        page = html(ds, f"/registry/{name}")
        assert '<textarea id="sql-editor"' not in page and '<pre id="sql-query"' not in page, name
        visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", page, flags=re.S)
        assert "select " not in visible.lower(), name
        assert "_hide_sql" not in page and "_show_sql=1" in page, name
        assert CJK.search(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)), name


# ---- plugins, settings, map ------------------------------------------------------------------------

def test_cluster_map_plugin_loaded_and_js_served(ds):
    plugins = {p["name"] for p in requests.get(ds + "/-/plugins.json", timeout=TIMEOUT).json()}
    assert "datasette-cluster-map" in plugins
    page = html(ds, "/registry/hospitals")
    assert "datasette-cluster-map.js" in page and "/hospnet-static/hospnet-datasette.js" in page
    js = requests.get(ds + "/-/static-plugins/datasette-cluster-map/datasette-cluster-map.js", timeout=TIMEOUT)
    assert js.status_code == 200 and "leaflet" in js.text.lower()
    assert "tile.openstreetmap.org" in page  # default tiles when HOSPNET_TILE_URL is not set


def test_settings_limit_rows(ds):
    settings = requests.get(ds + "/-/settings.json", timeout=TIMEOUT).json()
    assert settings["sql_time_limit_ms"] == 1000 and settings["max_returned_rows"] == 1000


def test_tile_url_configurable(db, tmp_path):
    copy = tmp_path / "registry.db"
    shutil.copy(db, copy)
    with datasette_server(copy, env={"HOSPNET_TILE_URL": "https://tiles.example.test/{z}/{x}/{y}.png"}) as base:
        assert "tiles.example.test" in html(base, "/registry/hospitals")


def test_search_index_can_be_rerun(registry, tmp_path):
    db = tmp_path / "registry.db"
    shutil.copy(registry, db)
    first = add_search_index(db)
    second = add_search_index(db)
    assert first["hospitals"] == second["hospitals"] > 1000


def test_chinese_two_character_search(ds):
    names = {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="协和")}
    assert XIEHE in names
    assert XIEHE in {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="bjxh")}
    assert "北京大学深圳医院" in {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="深圳")}
    assert XIEHE in {r["name"] for r in rows(ds, "/registry/hospital_search.json", _search="协和")}


def test_search_folds_traditional_and_full_width(ds):
    # issue 9: 華西醫院 (traditional) and ｂｊｘｈ (full-width) are folded before the full-text search
    assert "四川大学华西医院" in {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="華西醫院")}
    assert "北京协和医院" in {r["name"] for r in rows(ds, "/registry/hospitals.json", _search="ｂｊｘｈ")}
    assert "北京协和医院" in {r["name"] for r in rows(ds, "/registry/hospital_search.json", _search="協和")}
    # the escaped search mode still treats the query as text, not FTS syntax
    assert rows(ds, "/registry/hospitals.json", _search='協和" OR "') is not None


# ---- in a real browser -----------------------------------------------------------------------------

# Counts the rows the page fetched as JSON that carry a point (what datasette-cluster-map puts on the map).
_COUNT_FETCHED_POINTS = """
window.__points = 0; window.__fetches = 0;
const realFetch = window.fetch;
window.fetch = function (url, opts) {
  return realFetch(url, opts).then(function (response) {
    response.clone().json().then(function (data) {
      if (data && data.rows) {
        window.__fetches += 1;
        window.__points += data.rows.filter(function (r) { return r.lat !== null && r.lon !== null; }).length;
      }
    }).catch(function () {});
    return response;
  });
};
"""


def test_hospitals_table_fits_1400px_and_rows_are_one_line(ds, chrome):
    chrome.get(ds + "/registry/hospitals")
    wait_for(chrome, "table.rows-and-columns")
    right = chrome.execute_script(
        "return ['listing_count', 'parent_id'].map(c => document.querySelector(`th[data-column=\"${c}\"]`)"
        ".getBoundingClientRect().right)")
    assert all(x <= DESKTOP[0] for x in right), right
    heights = chrome.execute_script(
        "return Array.from(document.querySelectorAll('table.rows-and-columns tbody tr')).slice(0, 50)"
        ".map(tr => tr.getBoundingClientRect().height)")
    line = chrome.execute_script("return parseFloat(getComputedStyle(document.querySelector("
                                 "'table.rows-and-columns td.col-name')).lineHeight) || 20")
    assert heights and max(heights) < 2.5 * line, (max(heights), line)


def test_map_loads_every_hospital_with_a_point(ds, chrome, db):
    conn = sqlite3.connect(db)
    with_point = conn.execute("select count(*) from hospitals where lat is not null and lon is not null").fetchone()[0]
    conn.close()
    chrome.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _COUNT_FETCHED_POINTS})
    chrome.get(ds + "/registry/hospitals")
    wait_for(chrome, ".leaflet-container")
    deadline = time.monotonic() + 30
    points = 0
    while time.monotonic() < deadline:
        points = chrome.execute_script("return window.__points")
        if points >= with_point:
            break
        time.sleep(0.5)
    assert points == with_point > 1000
    # markers (clusters) are drawn although no tile loads here
    assert chrome.find_elements("css selector", ".leaflet-marker-icon")
    progress = chrome.execute_script("return document.querySelector('.leaflet-container').nextSibling.textContent")
    assert "load all" not in progress


# ---- verdicts (directory.eligibility, precomputed into the `verdicts` table) -------------------------

def test_eligible_hospitals_applies_the_verdicts(ds, db):
    """A coverage service's rule is applied: hospitals that fail it (a county-level city, an outpatient
    clinic for an inpatient service) are left out; the others carry their verdict and the sentence to read."""
    conn = sqlite3.connect(db)
    excluded = conn.execute(
        "select h.name, h.city from verdicts v join hospitals h on h.id = v.hospital_id "
        "where v.service_id = '002-medical-advance' and v.verdict = 'not_eligible' and h.city = '温州市'").fetchall()
    conn.close()
    assert excluded, "温州 has hospitals in its county-level cities (瑞安市, 乐清市)"
    got = rows(ds, "/registry/eligible_hospitals.json", service="医疗垫付", insurer="", city="温州")
    names = {r["医院"] for r in got}
    assert got and not names & {n for n, _c in excluded}
    assert {r["结论"] for r in got} <= {"符合条件", "可能符合", "待核实"}
    assert all(r["说明"] and r["依据"].startswith("《众安健康服务介绍") for r in got)
    # an inferred grade says so (二级及以上 is a range a rule inferred)
    conn = sqlite3.connect(db)
    inferred = {n for (n,) in conn.execute("select name from hospitals where grade_class = 'inferred'")}
    conn.close()
    assert all(r["等级"].endswith("（推断）") == (r["医院"] in inferred) for r in got if r["等级"])
    page = html(ds, "/registry/eligible_hospitals", service="医疗垫付", insurer="", city="温州")
    visible = re.sub(r"<script.*?</script>|<[^>]+>|title=\"[^\"]*\"", " ", page, flags=re.S)
    assert "002_e8b033acd9a55b94" not in visible  # the sentences name the manual by title


def test_hospital_verdicts_and_summary(ds, ids):
    got = {r["服务"]: r for r in rows(ds, "/registry/hospital_verdicts.json", hospital=XIEHE)}
    assert got["MDT 多学科会诊（中宏保险）"]["结论"] == "符合条件"
    assert "《中宏保险健康管理服务手册》第 308 行" in got["MDT 多学科会诊（中宏保险）"]["依据"]
    assert got == {r["服务"]: r for r in rows(ds, "/registry/hospital_verdicts.json", hospital=ids[XIEHE])}
    summary = rows(ds, "/registry/verdict_summary.json")
    green = [r for r in summary if r["服务"] == "重疾绿通（众安保险）"]
    assert green and sum(r["医院数"] for r in green) >= 800 and {r["结论"] for r in green} == {"符合条件"}
    facet = html(ds, "/registry/verdicts")
    facet = facet[facet.index('id="facet-verdict"'):]
    facet = facet[:facet.index("</ul>")]
    assert "符合条件" in facet and ">eligible<" not in facet
