"""Issue 11 over real HTTP: every example of the issue answers right, and the 40 agent questions of
tests/data/agent_questions.tsv (benchmarks/agent_questions.py) are all answered right."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
F000, F001, F002 = "000_6009e8a10b4647f4.txt", "001_d348e788b07f099c.txt", "002_e8b033acd9a55b94.txt"


def _bench():
    spec = importlib.util.spec_from_file_location("agent_questions", ROOT / "benchmarks" / "agent_questions.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is made
    spec.loader.exec_module(mod)
    return mod


def get(api, path, status=200, **params):
    r = requests.get(api + path, params=params, timeout=30)
    assert r.status_code == status, (path, params, r.text[:300])
    return r.json()


# ---- "How do I use it?" --------------------------------------------------------------------------

def test_service_page_states_the_conditions_with_lines(api):
    body = get(api, "/api/v1/services/001-specialist-outpatient")
    c = body["conditions"]
    assert any(x["line"] == 15 and "30个自然日" in x["text"] and x["value"] == "30" for x in c["waiting_period"])
    assert any(x["line"] == 23 and x["value"] == "400-620-1800" for x in c["apply_phone"])
    assert any(x["line"] == 65 and "提前 5 个工作日" in x["text"] for x in c["lead_time"])
    assert any(x["line"] == 78 and "不适用于产科、急诊科及医技科室" in x["text"] for x in c["exclusion"])
    assert "400-620-1800（《都汇康健增值服务手册》第 23 行）" in body["how_to_use"]["say"]
    assert any(x["cite"] == "《都汇康健增值服务手册》第 23 行" and x["manual_title"] == "都汇康健增值服务手册"
               and x["source_file"] == F001 for x in c["apply_phone"])
    mdt = get(api, "/api/v1/services/000-mdt")["conditions"]
    assert any(x["line"] == 159 and "等待期内确诊" in x["text"] for x in mdt["waiting_period"])
    assert any(x["line"] == 15 and "达到表格中所列保额要求" in x["text"] for x in mdt["sum_insured"])
    assert any(x["line"] == 107 and "8-10 个工作日内" in x["text"]
               for x in get(api, "/api/v1/services/001-inpatient-coordination")["conditions"]["lead_time"])
    assert any(x["line"] == 107 and "MOVE App" in x["text"]
               for x in get(api, "/api/v1/services/000-family-doctor")["conditions"]["apply_app"])
    assert get(api, "/api/v1/services/999-nothing", status=404)["error"]["code"] == "unknown_service"


def test_every_answer_says_how_to_use(api):
    near = get(api, "/api/v1/nearest", service="专家门诊", insurer="大都会", city="上海")
    assert "400-620-1800" in near["how_to_use"]["say"] and near["how_to_use"]["items"][0]["line"]
    elig = get(api, "/api/v1/eligibility", service="重疾绿通", insurer="众安", hospital="北京协和医院")
    assert "10109955" in elig["how_to_use"]["say"]
    for s in get(api, "/api/v1/services")["results"]:
        page = get(api, f"/api/v1/services/{s['id']}")
        assert page["condition_count"] > 0 and page["how_to_use"]["say"], s["id"]


def test_a_service_without_a_list(api):
    near = get(api, "/api/v1/nearest", service="视频问诊", insurer="众安", city="上海")
    assert near["results"] == [] and "不按医院名单" in near["message"] and "微信小程序" in near["how_to_use"]["say"]
    elig = get(api, "/api/v1/eligibility", service="重疾康复支持", hospital="北京协和医院")
    assert elig["verdict"] == "unknown" and "349个城市" in " ".join(elig["notes"])


def test_caller_facts_decide_or_become_questions(api):
    body = get(api, "/api/v1/nearest", service="海外就医安排", insurer="中宏", city="波士顿")
    assert body["caller"]["outcome"] == "unknown"
    assert any("50 万元" in a and "《中宏保险健康管理服务手册》第 30 行" in a for a in body["caller"]["ask_caller"])
    assert all(e["source_file"] == F000 and e["line"] == 30 and e["manual_title"] == "中宏保险健康管理服务手册"
               for c in body["caller"]["checks"] if c["fact"] == "sum_insured" for e in c["evidence"])
    low = get(api, "/api/v1/nearest", service="海外就医安排", insurer="中宏", city="波士顿", sum_insured="30万")
    assert low["caller"]["outcome"] == "fail" and all(r["verdict"] == "not_eligible" for r in low["results"])
    ok = get(api, "/api/v1/nearest", service="海外就医安排", insurer="中宏", city="波士顿", min_sum_insured="60万")
    assert {c["fact"]: c["outcome"] for c in ok["caller"]["checks"]}["sum_insured"] == "pass"
    early = get(api, "/api/v1/eligibility", service="全球会诊协调", hospital="Mayo Clinic 梅奥诊所",
                policy_start="2024-01-01", diagnosed_on="2024-01-31")
    assert early["verdict"] == "not_eligible" and any("等待期内" in r for r in early["reasons"])
    late = get(api, "/api/v1/eligibility", service="全球会诊协调", hospital="Mayo Clinic 梅奥诊所",
               policy_start="2024-01-01", diagnosed_on="2024-02-01")
    assert late["verdict"] in ("eligible", "likely") and late["caller"]["outcome"] == "pass"
    bad = get(api, "/api/v1/nearest", status=400, service="重疾绿通", city="杭州", sum_insured="50")
    assert bad["error"]["code"] == "invalid_parameter" and "单位" in bad["error"]["message"]
    assert get(api, "/api/v1/nearest", status=400, service="重疾绿通", city="杭州",
               diagnosed_on="去年")["error"]["code"] == "invalid_parameter"


# ---- Abroad ------------------------------------------------------------------------------------

def test_los_angeles_answers(api):
    body = get(api, "/api/v1/nearest", service="海外就医安排", insurer="中宏", city="洛杉矶")
    assert body["query"]["city"]["name"] == "洛杉矶" and body["in_city_count"] >= 5
    names = {r["name"] for r in body["results"] if r["in_city"]}
    assert any("UCLA Medical Center" in n for n in names) and any("Cedars-Sinai" in n for n in names)
    assert all(r["evidence"] and r["evidence"][0]["source_file"] == F000 for r in body["results"])


def test_london_is_london_not_dunhuang(api):
    body = get(api, "/api/v1/nearest", service="海外就医安排", insurer="中宏", city="伦敦")
    assert body["query"]["city"]["adcode"].startswith("GB-") and body["in_city_count"] == 2
    names = [r["name"] for r in body["results"]]
    assert any("伦敦皇家医院" in n for n in names) and any("King's College Hospital" in n for n in names)
    assert get(api, "/api/v1/nearest", service="海外就医安排", insurer="中宏", city="London")["in_city_count"] == 2


def test_foreign_places_and_real_distances(api):
    seoul = get(api, "/api/v1/nearest", service="海外就医安排", insurer="中宏", city="首尔")
    assert seoul["in_city_count"] == 0 and seoul["results"][0]["country"] == "日本"
    assert 500 < seoul["results"][0]["distance_km"] < 1000  # Seoul → western Japan
    boston = get(api, "/api/v1/nearest", service="海外就医安排", insurer="中宏", city="波士顿", limit=20)
    km = [r["distance_km"] for r in boston["results"] if r["in_city"]]
    assert len(set(km)) > 3 and max(km) < 20  # real points, not all on the city centre
    kaohsiung = get(api, "/api/v1/nearest", service="全球会诊协调", city="高雄")
    assert kaohsiung["query"]["city"]["adcode"] == "710200"  # 台湾 is a province of China (GB/T 2260 710000)
    assert kaohsiung["results"][0]["name"] == "台湾童综合医院" and kaohsiung["results"][0]["city"] == "台中市"
    japan = get(api, "/api/v1/hospitals", city="日本", per_page=100)
    assert japan["total"] >= 38  # 39 printed in 000, 榎原纪念医院 being a misprint of 榊原纪念医院


def test_overseas_hospitals_by_english_name(api):
    body = get(api, "/api/v1/hospitals", q="Mayo")
    assert any(r["name"].startswith("Mayo Clinic") for r in body["results"])
    tokyo = get(api, "/api/v1/hospitals", q="University of Tokyo Hospital")  # an English Wikidata label
    assert tokyo["results"][0]["name"] == "东京大学医学部附属医院"
    # a name printed in two languages is found by either half, in its city abroad
    mgh = get(api, "/api/v1/resolve", name="麻省总医院", city="波士顿")
    assert mgh["status"] == "matched" and mgh["best"]["name"].startswith("Massachusetts General Hospital")


# ---- Specialty ---------------------------------------------------------------------------------

def test_gastric_cancer_mdt_near_hangzhou(api):
    body = get(api, "/api/v1/nearest", service="重疾多学科会诊", insurer="众安", city="杭州", specialty="胃癌")
    assert body["results"] and all(any(e.get("team") for e in r["evidence"]) for r in body["results"])
    first = body["results"][0]
    assert "瑞金医院" in first["name"]
    [team] = first["evidence"]
    assert team["team"] == "胃肠肿瘤多学科门诊" and team["line"] == 2739 and team["match"] == "broader"
    exact = [e for r in body["results"] for e in r["evidence"] if e["match"] == "exact"]
    assert any(e["team"] == "多学科联合胃癌" and e["line"] == 2717 for e in exact)


def test_one_evidence_item_per_team(api):
    body = get(api, "/api/v1/eligibility", service="002-critical-mdt", hospital="瑞金医院")
    assert body["verdict"] == "eligible" and len(body["evidence"]) == 44  # 45 printed rows, 44 distinct teams
    assert all(e["team"] and e["source_file"] == F002 for e in body["evidence"])
    gyn = [e for e in body["evidence"] if e["team"] == "妇科肿瘤多学科门诊"]
    assert len(gyn) == 1 and gyn[0]["lines"] == [2729, 2755]
    assert len(get(api, f"/api/v1/hospitals/{body['hospital']['id']}")["teams"]) == 44


def test_unknown_specialty_has_candidates(api):
    err = get(api, "/api/v1/nearest", status=400, service="重疾多学科会诊", insurer="众安", city="杭州",
              specialty="完全不存在的病")
    assert err["error"]["code"] == "unknown_specialty"


# ---- The list's own notes ----------------------------------------------------------------------

def test_row_note_restricts_services(api):
    for service in ("住院协调", "手术协调"):
        body = get(api, "/api/v1/eligibility", service=service, insurer="大都会", hospital="复旦大学附属质子重离子医院")
        assert body["verdict"] == "not_eligible"
        assert any("仅适用于特需或专家门诊预约服务" in r and "（《都汇康健增值服务手册》第 616 行）" in r for r in body["reasons"])
        assert body["evidence"][0]["line"] == 616 and body["evidence"][0]["source_file"] == F001
        assert body["evidence"][0]["manual_title"] == "都汇康健增值服务手册"
    ok = get(api, "/api/v1/eligibility", service="专家门诊", insurer="大都会", hospital="复旦大学附属质子重离子医院")
    assert ok["verdict"] == "eligible"
    hid = ok["hospital"]["id"]
    page = get(api, f"/api/v1/hospitals/{hid}")
    by_service = {x["id"]: x for x in page["services"]}
    assert by_service["001-inpatient-coordination"]["verdict"] == "not_eligible"
    assert by_service["001-specialist-outpatient"]["verdict"] == "eligible"
    assert any(li["row_note"] == "仅适用于特需或专家门诊预约服务" for li in page["listings"])
    near = get(api, "/api/v1/nearest", service="住院协调", insurer="大都会", city="上海", limit=100)
    assert near["in_city_count"] > 50 and not any("质子重离子" in r["name"] for r in near["results"])


def test_list_notes_are_in_the_answer(api):
    body = get(api, "/api/v1/nearest", service="癌症早筛", insurer="众安", city="北京")
    assert any("以实际预约页面为准" in n["text"] and n["line"] == 1457 for n in body["list_notes"])


def test_service_printed_twice_is_one_service(api):
    body = get(api, "/api/v1/nearest", service="住院护工", city="杭州")  # was ambiguous between two services
    assert body["query"]["service"]["id"] == "002-critical-care-aide"
    page = get(api, "/api/v1/services/002-critical-care-aide-2")
    assert page["id"] == "002-critical-care-aide" and page["merged_services"][0]["name"] == "重疾住院护工服务"


# ---- The agent questions ----------------------------------------------------------------------

def test_agent_questions_all_right(api, capsys):
    bench = _bench()
    questions = bench.load_questions()
    assert len(questions) == 40
    assert {q.category for q in questions} >= {"how_to_use", "abroad", "specialty", "restricted", "caller"}
    assert all(q.manual_lines for q in questions)
    results = bench.ask_all(api, questions)
    wrong = [(q.id, q.question, bad) for q, bad, _ms in results if bad]
    assert not wrong
    assert bench.report(results) == 40


def test_the_checker_can_fail():
    bench = _bench()
    body = {"results": [{"name": "甲医院", "in_city": True, "evidence": []}], "in_city_count": 1}
    assert bench.check(body, 200, {"names_include": ["甲医院"], "all_in_city": True}) == []
    assert bench.check(body, 200, {"names_include": ["乙医院"]}) == ["a result named …乙医院…"]
    assert bench.check(body, 200, {"team_include": ["胃癌"]}) == ["team 胃癌 in the evidence"]
    assert bench.check({}, 500, {"count": 1})[0].startswith("HTTP 500")
