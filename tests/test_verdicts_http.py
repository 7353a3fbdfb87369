"""The examples of issue 10 over real HTTP: the API (`python -m api.serve`) on the real registry, and on a
copy where real hospitals carry facts as the facts stage records them (tests/facts_fixture.py)."""
from __future__ import annotations

from collections import Counter
from itertools import groupby

import pytest
import requests

from directory.eligibility import grade_rank
from tests.facts_fixture import copy_with_facts, fact_columns
from tests.servers import api_server
from tests.test_api_http import error, ok  # the server fixture `api` is in conftest

ZJU1 = "浙江大学医学院附属第一医院"
HUADONG_CLINIC = "复旦大学附属华东医院闵行门诊部"
SUIDE_CAMPUS = "榆林市第一医院（绥德）"
INCOMPLETE_LINES = "1494–1578"


@pytest.fixture(scope="module")
def facts_api(registry, tmp_path_factory):
    """The API on a copy where three real hospitals carry facts of the kinds the facts stage writes."""
    db = copy_with_facts(registry, tmp_path_factory.mktemp("facts_api"), {
        ZJU1: {**fact_columns(district="330102", source="fever_clinics_2020.tsv row 1 (上城区)"),
               **fact_columns(ownership="public", facility_type="综合", inpatient=1, klass="inferred",
                              source="name grammar: 大学附属医院 → public general hospital")},
        HUADONG_CLINIC: {**fact_columns(facility_type="门诊部", source="name: …门诊部"),
                         **fact_columns(district="310112", ownership="public", klass="inferred")},
        SUIDE_CAMPUS: fact_columns(district="610826", klass="inferred", source="campus in brackets: （绥德） → 绥德县"),
    })
    with api_server(db) as base:
        yield base


def names(body):
    return [r["name"] for r in body["results"]]


# ---- 医疗垫付 in 杭州 for 浙江大学医学院附属第一医院 decides --------------------------------------

def test_medical_advance_in_hangzhou_decides_for_zju1(facts_api, api):  # noqa: F811
    body = ok(facts_api, "/api/v1/eligibility", hospital=ZJU1, service="医疗垫付")
    assert body["verdict"] == "likely" and body["verdict_label"] == "可能符合"
    assert set(body["inferred"]) == {"公立或民营", "能否收治住院"} and body["to_check"] == []
    assert body["say"].startswith(f"{ZJU1}很可能可以使用医疗垫付") and "推断" in body["say"]
    district = [f for r in body["facts_used"] if r["rule"] == "city_proper" for f in r["facts"]][0]
    assert district["class"] == "stated" and "fever_clinics_2020.tsv" in district["source"]
    near = ok(facts_api, "/api/v1/nearest", service="医疗垫付", city="杭州", limit=100)
    (zju1,) = [r for r in near["results"] if r["name"] == ZJU1]
    assert zju1["verdict"] == "likely" and near["results"][0]["verdict"] in ("eligible", "likely")
    # on the registry as built (its own facts): decided, and what is only inferred is named
    body = ok(api, "/api/v1/eligibility", hospital=ZJU1, service="医疗垫付")
    assert body["verdict"] in ("eligible", "likely") and body["to_check"] == []
    assert body["verdict"] == "eligible" or (body["inferred"] and "推断" in body["say"])
    near = ok(api, "/api/v1/nearest", service="医疗垫付", city="杭州", limit=100)
    assert ZJU1 in names(near) and near["results"][0]["verdict"] in ("eligible", "likely")


# ---- 中卫: covered, no hospital known -------------------------------------------------------------

def test_zhongwei_is_covered_and_the_answer_says_so(api):  # noqa: F811
    body = ok(api, "/api/v1/nearest", service="医疗垫付", city="中卫")
    assert body["coverage"]["city_covered"] is True
    assert body["coverage"]["evidence"][0]["line"] == 1017 and body["coverage"]["evidence"][0]["raw_city"] == "中卫市"
    assert body["results"] == [] and "nearest_covered_city" not in body  # no longer sent 142 km away
    msg = body["message"]
    assert "中卫市" in msg and "覆盖" in msg and "市辖区内任何二级及以上公立医院" in msg and "暂无" in msg


# ---- 昆山市 is answered for itself ----------------------------------------------------------------

def test_kunshan_is_answered_for_itself(api):  # noqa: F811
    body = ok(api, "/api/v1/nearest", service="术后家庭护理", city="昆山市", limit=50)
    cov = body["coverage"]
    assert cov["city_covered"] is False and cov["place"]["name"] == "昆山市"
    assert "昆山市是县级市" in cov["say"] and "苏州市只覆盖市辖区" in cov["say"]
    assert body["query"]["city"]["answered_for"]["name"] == "昆山市" and body["in_city_count"] == 0
    assert all(r["district"] != "昆山市" and r["in_city"] is False for r in body["results"])
    assert ok(api, "/api/v1/coverage", service="术后家庭护理", city="昆山市")["city_covered"] is False
    suzhou = ok(api, "/api/v1/coverage", service="术后家庭护理", city="苏州")
    assert suzhou["city_covered"] is True and "只限市辖区" in suzhou["say"]


def test_a_county_asked_for_a_hospital_list_comes_first_then_its_neighbours(api):  # noqa: F811
    body = ok(api, "/api/v1/nearest", service="重疾绿通", insurer="众安", city="乐清市", limit=5)
    first, *rest = body["results"]
    assert first["name"] == "乐清市人民医院" and first["in_city"] and body["in_city_count"] == 1
    assert len(rest) == 4 and all(not r["in_city"] and r["city"] == "温州市" for r in rest)
    assert "另列出附近其他地方的 4 家" in body["message"]


# ---- 癌症早筛 in 北京: the table is known to be incomplete --------------------------------------

def test_cancer_screening_in_beijing_says_the_table_is_incomplete(api):  # noqa: F811
    body = ok(api, "/api/v1/nearest", service="癌症早筛", city="北京")
    assert body["coverage"]["city_covered"] is None and "不完整" in body["message"]
    assert any(INCOMPLETE_LINES in n for n in body["notes"])
    (note,) = body["query"]["service"]["source_notes"]
    assert (note["first_line"], note["last_line"]) == (1494, 1578) and "表头缺失" in note["note"]
    assert body["results"] and all(r["verdict"] == "unknown" for r in body["results"])
    elig = ok(api, "/api/v1/eligibility", hospital="北京协和医院", service="癌症早筛")
    assert elig["verdict"] == "unknown" and any(INCOMPLETE_LINES in n for n in elig["notes"])
    cov = ok(api, "/api/v1/coverage", service="癌症早筛", city="北京")
    assert cov["city_covered"] is None and any(INCOMPLETE_LINES in n for n in cov["notes"])
    # a city the table does print still says the table is incomplete
    huzhou = ok(api, "/api/v1/nearest", service="癌症早筛", city="湖州")
    assert huzhou["coverage"]["city_covered"] is True and any(INCOMPLETE_LINES in n for n in huzhou["notes"])


# ---- 榆林市第一医院（绥德） is not in 榆林's city proper --------------------------------------------

def test_suide_campus_is_outside_the_city_proper(facts_api, api):  # noqa: F811
    body = ok(facts_api, "/api/v1/eligibility", hospital=SUIDE_CAMPUS, service="医疗垫付")
    assert body["verdict"] == "not_eligible" and "绥德县" in body["say"] and "只覆盖市辖区" in body["say"]
    assert SUIDE_CAMPUS not in names(ok(facts_api, "/api/v1/nearest", service="医疗垫付", city="榆林", limit=100))
    body = ok(api, "/api/v1/eligibility", hospital=SUIDE_CAMPUS, service="医疗垫付")
    assert body["verdict"] == "not_eligible" and "绥德县" in body["say"]


# ---- 北京 / 海淀: distances say how precise they are; ties by grade, then prominence ---------------

def test_beijing_haidian_distances_and_ties(api):  # noqa: F811
    body = ok(api, "/api/v1/nearest", service="重疾绿通", insurer="众安", city="海淀区", limit=100)
    assert body["query"]["city"]["name"] == "北京市" and body["query"]["city"]["district"]["name"] == "海淀区"
    assert body["origin"]["precision"] == "district" and "海淀区" in body["origin"]["say"]
    results = body["results"]
    assert len(results) == body["in_city_count"] == 59
    for r in results:
        if r["geo_precision"] != "exact":
            assert r["distance_precision"] == "centroid_to_centroid" and "中心" in r["distance_note"]
            assert r["distance_km"] == round(r["distance_km"])  # no false precision (was "12.98 km")
    keys = [(r["distance_km"], -grade_rank(r["grade"]), -r["prominence"]) for r in results]
    assert keys == sorted(keys)  # nearest first; equal distances by grade, then by how many lists name it
    assert max(Counter(r["distance_km"] for r in results).values()) > 1  # there are ties to break
    for _key, same in groupby(results, key=lambda r: (r["distance_km"], r["grade"], r["prominence"])):
        ids = [r["id"] for r in same]
        assert ids == sorted(ids)  # the last tie-breaker is the stable id, never the name's code points
    # an address in 海淀区 gives the same origin, and says it was read from an address
    addr = ok(api, "/api/v1/nearest", service="重疾绿通", insurer="众安", city="北京市海淀区中关村大街1号", limit=3)
    assert addr["query"]["city"]["how"].startswith("地址") and addr["origin"] == body["origin"]
    # a caller's own point: the hospital end is still a centroid, and the answer says so
    own = ok(api, "/api/v1/nearest", service="重疾绿通", insurer="众安", city="北京", lat=39.99, lon=116.31, limit=3)
    assert own["origin"]["precision"] == "exact"
    assert all(r["distance_precision"] == "to_centroid" for r in own["results"] if r["geo_precision"] != "exact")


# ---- a 门诊部 is not offered for an inpatient service ----------------------------------------------

def test_outpatient_department_for_an_inpatient_service(facts_api, api):  # noqa: F811
    real = ok(api, "/api/v1/eligibility", hospital=HUADONG_CLINIC, service="医疗垫付")
    assert real["verdict"] == "not_eligible" and "门诊部" in real["say"]
    body = ok(facts_api, "/api/v1/eligibility", hospital=HUADONG_CLINIC, service="医疗垫付")
    assert body["verdict"] == "not_eligible" and "门诊部" in body["say"]
    (rule,) = [r for r in body["facts_used"] if r["rule"] == "inpatient"]
    assert rule["outcome"] == "fail" and rule["facts"][0]["fact"] == "facility_type"
    assert rule["facts"][0]["class"] == "stated" and rule["facts"][0]["source"] == "name: …门诊部"
    for service in ("医疗垫付", "002-critical-care-aide", "002-critical-care-aide-2"):
        assert HUADONG_CLINIC not in names(ok(facts_api, "/api/v1/nearest", service=service, city="上海", limit=100))
        listed = ok(facts_api, "/api/v1/hospitals", service=service, city="上海", per_page=100)
        assert HUADONG_CLINIC not in {r["name"] for r in listed["results"]}
    hid = body["hospital"]["id"]
    detail = {s["id"]: s for s in ok(facts_api, f"/api/v1/hospitals/{hid}")["services"]}
    assert detail["002-medical-advance"]["verdict"] == "not_eligible"
    assert detail["002-home-nursing"]["verdict"] in ("eligible", "likely")  # not an inpatient service


# ---- /hospitals?service= carries verdicts ---------------------------------------------------------

def test_hospitals_filtered_by_service_carry_verdicts(api, facts_api):  # noqa: F811
    body = ok(facts_api, "/api/v1/hospitals", service="医疗垫付", city="杭州", per_page=100)
    assert body["total"] >= 20
    assert all(r["verdict"] in ("eligible", "likely", "unknown") and r["verdict_label"] and r["say"]
               for r in body["results"])
    usable = ok(facts_api, "/api/v1/hospitals", service="医疗垫付", city="杭州", verdict="eligible,likely")
    assert ZJU1 in {r["name"] for r in usable["results"]}
    assert all(r["verdict"] in ("eligible", "likely") for r in usable["results"])
    assert error(api, "/api/v1/hospitals", verdict="eligible")["code"] == "invalid_parameter"
    assert error(api, "/api/v1/hospitals", service="医疗垫付", verdict="maybe")["code"] == "invalid_parameter"
    assert requests.get(api + "/api/v1/hospitals", params={"service": "医疗垫付"}, timeout=10).status_code == 200


# ---- the answers are what the OpenAPI document says they are -----------------------------------

@pytest.mark.parametrize("path, params, schema", [
    ("/api/v1/nearest", {"service": "医疗垫付", "city": "杭州"}, "NearestResponse"),
    ("/api/v1/nearest", {"service": "重疾绿通", "insurer": "众安", "city": "海淀区", "lat": 39.99, "lon": 116.31},
     "NearestResponse"),
    ("/api/v1/nearest", {"service": "癌症早筛", "city": "北京"}, "NearestResponse"),
    ("/api/v1/eligibility", {"service": "医疗垫付", "hospital": ZJU1}, "EligibilityResponse"),
    ("/api/v1/eligibility", {"service": "000-mdt", "hospital": "香港大学深圳医院"}, "EligibilityResponse"),
])
def test_answers_conform_to_the_openapi_schemas(facts_api, path, params, schema):
    # openapi-schema-validator comes with the pinned openapi-spec-validator
    from openapi_schema_validator import OAS30Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    spec = ok(facts_api, "/api/v1/openapi.json")
    registry = Registry().with_resource("urn:hospnet", Resource.from_contents(spec, default_specification=DRAFT4))
    validator = OAS30Validator({"$ref": f"urn:hospnet#/components/schemas/{schema}"}, registry=registry)
    body = ok(facts_api, path, **params)
    validator.validate(body)
    if schema == "NearestResponse" and body["results"]:
        body["results"][0]["verdict"] = "covered"  # the old vocabulary is not an answer any more
        assert not validator.is_valid(body)
