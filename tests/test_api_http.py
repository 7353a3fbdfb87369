"""The JSON API over real HTTP: `python -m api.serve --no-datasette` (gunicorn workers) in a subprocess, on a
copy of the session registry, queried with requests. One server for the whole module."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent
GREEN_002 = "002_e8b033acd9a55b94.txt"
MDT_000 = "000_6009e8a10b4647f4.txt"
DRUG_004 = "004_b427b5be98ff1c70.txt"
TIMEOUT = 10


def get(api, path, **params):
    return requests.get(api + path, params=params, timeout=TIMEOUT)


def ok(api, path, **params):
    r = get(api, path, **params)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    return r.json()


def error(api, path, status=400, **params):
    r = get(api, path, **params)
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body["error"]) >= {"code", "message", "candidates"}
    return body["error"]


# ---- the questions an agent gets -------------------------------------------------------------

def test_zhongan_green_channel_in_wenzhou(api):
    body = ok(api, "/api/v1/nearest", service="重疾绿通", insurer="众安", city="温州", limit=50)
    assert body["query"]["service"]["id"] == "002-green-channel"
    results = body["results"]
    assert results and body["in_city_count"] == len(results)
    assert all(r["city"] == "温州市" and r["in_city"] and r["verdict"] == "eligible" for r in results)
    assert all(r["verdict_label"] == "符合条件" and r["say"].startswith(r["name"]) for r in results)
    # every one of the list's 14 rows for 浙江省/温州市 (lines 970–983) is evidence for a returned hospital
    lines = {e["line"] for r in results for e in r["evidence"] if e["source_file"] == GREEN_002}
    assert set(range(970, 984)) <= lines
    names = {r["name"] for r in results}
    assert {"温州医科大学附属第一医院", "温州市中心医院", "乐清市人民医院", "平阳县人民医院", "瑞安市人民医院"} <= names
    # county hospitals of 温州 are different hospitals, not one merged cluster
    by_line = {e["line"]: r["id"] for r in results for e in r["evidence"]}
    assert len({by_line[970], by_line[971], by_line[972]}) == 3
    # the caller's position is only "温州": distance from the city centre ranks nobody, so usable
    # hospitals are ordered by grade, then by how many lists name them (prominence)
    assert body["origin"]["precision"] == "city"
    keys = [(r["verdict"] != "eligible", -(r["prominence"] or 0)) for r in results]
    assert keys == sorted(keys)
    # with the caller's own position: nearest first, distances never decrease (nulls last)
    near = ok(api, "/api/v1/nearest", service="重疾绿通", insurer="众安", city="温州", limit=50,
              lat=27.99, lon=120.70)["results"]
    d = [r["distance_km"] for r in near if r["distance_km"] is not None]
    assert len(d) > 5 and d == sorted(d)


def test_manulife_mdt_in_shenzhen_is_exactly_one(api):
    body = ok(api, "/api/v1/nearest", service="MDT", insurer="中宏", city="深圳")
    assert body["query"]["service"]["id"] == "000-mdt"
    assert [r["name"] for r in body["results"]] == ["北京大学深圳医院"]
    (r,) = body["results"]
    assert r["in_city"] and body["in_city_count"] == 1
    assert {"service_id": "000-mdt", "source_file": MDT_000, "line": 341} .items() <= r["evidence"][0].items()


def test_pingan_special_drug_in_guangzhou(api):
    body = ok(api, "/api/v1/nearest", service="特药", insurer="平安", city="广州")
    assert body["query"]["service"]["id"] == "004-special-drug"
    names = {r["name"] for r in body["results"]}
    assert all(r["city"] == "广州市" and r["in_city"] for r in body["results"])
    assert {"广东省人民医院", "南方医科大学南方医院", "南方医科大学珠江医院"} <= names
    assert names & {"中山大学附属肿瘤医院", "中山大学肿瘤防治中心"}
    assert "香港大学深圳医院" not in names  # listed under 广东 too, but it is in 深圳
    lines = {e["line"] for r in body["results"] for e in r["evidence"] if e["source_file"] == DRUG_004}
    assert {368, 370, 371, 372, 373} <= lines and 369 not in lines
    cancer = [r for r in body["results"] if r["name"] in ("中山大学附属肿瘤医院", "中山大学肿瘤防治中心")]
    assert len(cancer) == 1 and {e["line"] for e in cancer[0]["evidence"]} >= {370, 371}  # one hospital, two names


def test_medical_advance_in_lhasa_is_not_covered(api):
    body = ok(api, "/api/v1/nearest", service="医疗垫付", city="拉萨")
    assert body["query"]["service"]["id"] == "002-medical-advance"
    assert body["in_city_count"] == 0
    assert body["coverage"]["city_covered"] is False
    assert "拉萨市" in body["message"] and "最近的可选医院在" in body["message"]
    results = body["results"]
    assert results and all(r["in_city"] is False for r in results)
    assert results[0]["city"] == body["nearest_covered_city"]
    for r in results:
        # coverage rule: 公立 is never passed silently — unknown ownership keeps the verdict open, an inferred
        # one makes it 'likely' and is named
        (public,) = [x for x in r["facts_used"] if x["rule"] == "public_only"]
        ownership = public["facts"][0]
        assert r["verdict"] != "not_eligible"
        if ownership["class"] is None:
            assert r["verdict"] == "unknown" and "公立或民营" in r["to_check"]
        elif ownership["class"] == "inferred":
            assert r["verdict"] in ("likely", "unknown") and ("公立或民营" in r["inferred"] or r["verdict"] == "unknown")
        assert r["evidence"] and r["evidence"][0]["source_file"] == GREEN_002 and r["evidence"][0]["line"] in (1017, 1018, 1019)
    d = [r["distance_km"] for r in results]  # elsewhere: nearest first, whatever the verdict
    assert d == sorted(d) and d[0] > 500


def test_medical_advance_city_proper_rule(api):
    # 彭州市 is a county-level city of 成都: asked by name it is answered for itself — not covered, since
    # 医疗垫付 covers the city proper only; the nearest answers are in 成都's districts
    body = ok(api, "/api/v1/nearest", service="002-medical-advance", city="彭州市", limit=100)
    assert body["coverage"]["city_covered"] is False
    assert "彭州市" in body["coverage"]["say"] and "市辖区" in body["coverage"]["say"]
    assert body["in_city_count"] == 0
    for r in body["results"]:
        assert r["district"] is None or not r["district"].endswith(("县", "市")), r  # counties are excluded
        if r["district"] is None:  # decided by the facts stage's city_proper fact or the city, or still open
            (rule,) = [x for x in r["facts_used"] if x["rule"] == "city_proper"]
            assert (rule["outcome"] == "pass" and rule["facts"][0]["fact"] in ("city_proper", "city")) or (
                r["verdict"] == "unknown" and "所在区县" in r["to_check"]), r


# ---- nearest: parameters ----------------------------------------------------------------------

def test_nearest_from_caller_coordinates(api):
    # from a caller in 杭州: nearest first, hospitals without coordinates last
    body = ok(api, "/api/v1/nearest", service="002-green-channel", city="杭州", lat=30.27, lon=120.15, limit=100)
    assert body["origin"]["source"] == "caller"
    d = [r["distance_km"] for r in body["results"] if r["distance_km"] is not None]
    assert d == sorted(d)
    ranks = [r["distance_km"] is None for r in body["results"]]
    assert ranks == sorted(ranks)  # hospitals without coordinates last


def test_nearest_min_grade(api):
    body = ok(api, "/api/v1/nearest", service="002-green-channel", city="北京", min_grade="三级", limit=100)
    assert body["query"]["min_grade"] == "三级"
    for r in body["results"]:
        if not r["grade"] or not r["grade"].startswith("三级"):  # unknown, or a lower bound such as 二级及以上
            assert r["verdict"] == "unknown" and "医院等级" in r["to_check"], r


def test_nearest_accepts_adcode_and_service_id(api):
    body = ok(api, "/api/v1/nearest", service="000-mdt", city="440300")
    assert [r["name"] for r in body["results"]] == ["北京大学深圳医院"]


@pytest.mark.parametrize("params, code", [
    ({"service": "不存在的服务", "city": "温州"}, "unknown_service"),
    ({"service": "MDT", "city": "深圳"}, "ambiguous_service"),
    ({"service": "二次诊疗", "city": "深圳"}, "ambiguous_service"),
    ({"service": "MDT", "insurer": "不存在保险", "city": "深圳"}, "unknown_insurer"),
    ({"service": "000-mdt", "insurer": "众安", "city": "深圳"}, "insurer_mismatch"),
    ({"service": "重疾绿通", "city": "火星城"}, "unknown_city"),
    ({"service": "重疾绿通", "city": "朝阳区"}, "ambiguous_city"),
    ({"service": "重疾绿通", "city": "广东"}, "city_required"),
    ({"service": "重疾绿通"}, "missing_parameter"),
    ({"city": "温州"}, "missing_parameter"),
    ({"service": "重疾绿通", "city": "温州", "lat": "100", "lon": "120"}, "out_of_range"),
    ({"service": "重疾绿通", "city": "温州", "lat": "30", "lon": "200"}, "out_of_range"),
    ({"service": "重疾绿通", "city": "温州", "lat": "abc", "lon": "120"}, "invalid_parameter"),
    ({"service": "重疾绿通", "city": "温州", "lat": "30"}, "invalid_parameter"),
    ({"service": "重疾绿通", "city": "温州", "lat": "nan", "lon": "120"}, "out_of_range"),
    ({"service": "重疾绿通", "city": "温州", "limit": "0"}, "out_of_range"),
    ({"service": "重疾绿通", "city": "温州", "limit": "101"}, "out_of_range"),
    ({"service": "重疾绿通", "city": "温州", "limit": "ten"}, "invalid_parameter"),
    ({"service": "重疾绿通", "city": "温州", "min_grade": "特级"}, "invalid_parameter"),
    ({"service": "重" * 300, "city": "温州"}, "invalid_parameter"),
])
def test_nearest_errors(api, params, code):
    err = error(api, "/api/v1/nearest", **params)
    assert err["code"] == code, err


def test_error_candidates(api):
    err = error(api, "/api/v1/nearest", service="MDT", city="深圳")
    assert {c["id"] for c in err["candidates"]} == {"000-mdt", "002-critical-mdt"}
    assert all({"id", "name", "insurer"} <= set(c) for c in err["candidates"])
    err = error(api, "/api/v1/nearest", service="重疾绿通", city="朝阳区")
    assert {c["adcode"] for c in err["candidates"]} == {"110105", "220104"}
    assert all(c["name"] == "朝阳区" for c in err["candidates"])
    err = error(api, "/api/v1/nearest", service="重疾绿同", city="温州")  # typo → close candidates
    assert err["code"] == "unknown_service" and "002-green-channel" in {c["id"] for c in err["candidates"]}


# ---- other endpoints --------------------------------------------------------------------------

def test_healthz(api):
    body = ok(api, "/healthz")
    assert body["status"] == "ok"
    assert body["counts"]["hospitals"] > 1000 and body["counts"]["services"] >= 20
    assert body["built_at"] and body["build_seconds"] is not None


def test_openapi_validates(api):
    from openapi_spec_validator import validate

    doc = ok(api, "/api/v1/openapi.json")
    validate(doc)
    for path in ("/api/v1/nearest", "/api/v1/resolve", "/api/v1/eligibility", "/api/v1/hospitals",
                 "/api/v1/hospitals/{hospital_id}", "/api/v1/services", "/api/v1/cities", "/api/v1/openapi.json", "/healthz"):
        assert path in doc["paths"]


def test_services(api):
    body = ok(api, "/api/v1/services")
    by_id = {s["id"]: s for s in body["results"]}
    assert by_id["002-medical-advance"]["kind"] == "city_coverage"
    assert by_id["002-medical-advance"]["public_only"] is True and by_id["002-medical-advance"]["covered_areas"] >= 80
    assert by_id["000-mdt"]["listed_hospitals"] > 40
    assert "MDT" in by_id["000-mdt"]["aliases"]


def test_cities(api):
    body = ok(api, "/api/v1/cities", q="温州")
    assert body["results"][0]["adcode"] == "330300" and body["results"][0]["province"] == "浙江省"
    assert ok(api, "/api/v1/cities", q="凉山州")["results"][0]["adcode"] == "513400"
    everything = ok(api, "/api/v1/cities", limit=500)
    assert everything["total"] > 300
    assert any(c["tier"] == "一线" for c in everything["results"])
    assert error(api, "/api/v1/cities", limit=0)["code"] == "out_of_range"


def test_resolve(api):
    body = ok(api, "/api/v1/resolve", name="北医三院")
    assert body["best"]["name"] == "北京大学第三医院" and body["best"]["score"] >= 85
    body = ok(api, "/api/v1/resolve", name="瑞金医院")
    assert "瑞金医院" in body["best"]["name"] and body["best"]["city"] == "上海市"
    body = ok(api, "/api/v1/resolve", name="协和医院", city="武汉")
    assert body["best"] is None or body["best"]["city"] == "武汉市"
    assert error(api, "/api/v1/resolve")["code"] == "missing_parameter"
    assert error(api, "/api/v1/resolve", name="协和医院", city="火星城")["code"] == "unknown_city"


def test_eligibility(api):
    body = ok(api, "/api/v1/eligibility", hospital="北京大学深圳医院", service="000-mdt")
    assert body["verdict"] == "eligible" and body["verdict_label"] == "符合条件"
    assert any(e["line"] == 341 and e["source_file"] == MDT_000 for e in body["evidence"])
    body = ok(api, "/api/v1/eligibility", hospital="香港大学深圳医院", service="000-mdt")
    assert body["verdict"] == "not_eligible" and body["evidence"] == [] and "不在" in body["say"]
    body = ok(api, "/api/v1/eligibility", hospital="北京协和医院", service="医疗垫付")
    (public,) = [x for x in body["facts_used"] if x["rule"] == "public_only"]
    if public["facts"][0]["class"] != "stated":  # 公立 is never passed silently
        assert body["verdict"] in ("likely", "unknown") and "公立或民营" in body["inferred"] + body["to_check"]
    assert body["evidence"][0]["raw_city"] == "北京市"
    hid = body["hospital"]["id"]
    by_id = ok(api, "/api/v1/eligibility", hospital=hid, service="002-green-channel")
    assert by_id["hospital"]["id"] == hid and by_id["matched"] is None
    assert error(api, "/api/v1/eligibility", hospital="绝对不存在的某某医院", service="000-mdt")["code"] == "unknown_hospital"
    assert error(api, "/api/v1/eligibility", hospital="北京协和医院")["code"] == "missing_parameter"


def test_hospitals_search_pinyin_and_chinese(api):
    body = ok(api, "/api/v1/hospitals", q="bjxh")
    assert body["results"][0]["name"] == "北京协和医院"
    body = ok(api, "/api/v1/hospitals", q="协和")
    assert "北京协和医院" in {r["name"] for r in body["results"]}
    body = ok(api, "/api/v1/hospitals", q="beijingxiehe")
    assert body["results"][0]["name"] == "北京协和医院"


def test_hospitals_filters_and_paging(api):
    body = ok(api, "/api/v1/hospitals", city="温州", service="重疾绿通", insurer="众安", per_page=5)
    assert body["total"] >= 10 and len(body["results"]) == 5 and body["pages"] == -(-body["total"] // 5)
    assert all(r["city"] == "温州市" for r in body["results"])
    page2 = ok(api, "/api/v1/hospitals", city="温州", service="重疾绿通", insurer="众安", per_page=5, page=2)
    assert not {r["id"] for r in page2["results"]} & {r["id"] for r in body["results"]}
    body = ok(api, "/api/v1/hospitals", province="广东", grade="三级甲等", per_page=100)
    assert all(r["province"] == "广东省" and r["grade"] == "三级甲等" for r in body["results"])
    assert error(api, "/api/v1/hospitals", per_page=101)["code"] == "out_of_range"
    assert error(api, "/api/v1/hospitals", page=0)["code"] == "out_of_range"
    assert error(api, "/api/v1/hospitals", province="火星")["code"] == "unknown_province"
    assert error(api, "/api/v1/hospitals", grade="很好")["code"] == "invalid_parameter"


def test_hospital_detail(api):
    hid = ok(api, "/api/v1/hospitals", q="北京协和医院")["results"][0]["id"]
    body = ok(api, f"/api/v1/hospitals/{hid}")
    assert body["name"] == "北京协和医院"
    assert any(lst["source_file"] == MDT_000 and lst["line"] == 308 for lst in body["listings"])
    assert any(s["id"] == "000-mdt" and s["verdict"] == "eligible" for s in body["services"])
    assert body["aliases"] and all(a["sources"] for a in body["aliases"])
    assert isinstance(body["campuses"], list)


def test_hospital_campuses_and_parent(api, registry):
    conn = sqlite3.connect(registry)
    try:
        parent_id, campus_id = conn.execute(
            "select parent_id, id from hospitals where parent_id is not null and parent_id != '' limit 1").fetchone()
    finally:
        conn.close()
    parent = ok(api, f"/api/v1/hospitals/{parent_id}")
    assert campus_id in {c["id"] for c in parent["campuses"]}
    campus = ok(api, f"/api/v1/hospitals/{campus_id}")
    assert campus["parent"]["id"] == parent_id


def test_unknown_hospital_id_is_json_404(api):
    err = error(api, "/api/v1/hospitals/h000000000", status=404)
    assert err["code"] == "unknown_hospital"


def test_unknown_route_is_json_404(api):
    assert error(api, "/api/v1/nope", status=404)["code"] == "not_found"
    assert error(api, "/nope", status=404)["code"] == "not_found"


def test_post_is_json_405(api):
    r = requests.post(api + "/api/v1/nearest", data={"service": "x"}, timeout=TIMEOUT)
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    assert "GET" in r.headers.get("Allow", "")


def test_concurrent_requests(api):
    from concurrent.futures import ThreadPoolExecutor

    def one(i):
        city = ["温州", "深圳", "广州", "北京"][i % 4]
        return get(api, "/api/v1/nearest", service="002-green-channel", city=city).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(one, range(40))) == {200}


# ---- serve refuses a broken registry ----------------------------------------------------------

def _serve_fails(db: Path) -> str:
    r = subprocess.run([sys.executable, "-m", "api.serve", "--db", str(db), "--port", str(free_port()),
                        "--no-datasette"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode != 0
    return r.stderr


def test_serve_refuses_corrupted_registry(tmp_path):
    bad = tmp_path / "registry.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    assert "not a readable SQLite registry" in _serve_fails(bad)


def test_serve_refuses_half_written_registry(tmp_path):
    half = tmp_path / "registry.db"
    conn = sqlite3.connect(half)
    conn.execute("create table hospitals (id text primary key, name text)")
    conn.commit()
    conn.close()
    assert "incomplete registry" in _serve_fails(half)
