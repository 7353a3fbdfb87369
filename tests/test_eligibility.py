"""Eligibility rules and verdicts (directory/eligibility) on the real registry: on the build as it is, and
on copies where real hospitals are given facts as the facts stage records them (tests/facts_fixture.py)."""
from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest

from directory.eligibility import (
    EligibilityContext,
    RequestedGrade,
    decide,
    parse_min_grade,
    rules_for,
    subject,
)
from directory.eligibility.precompute import write_verdicts
from tests.facts_fixture import copy_with_facts, fact_columns

ADVANCE, NURSING, CANCER, ESCORT = "002-medical-advance", "002-home-nursing", "002-cancer-screening", "003-escort"
AIDES = ("002-critical-care-aide",)  # printed twice (重疾住院护工服务, 3532–3766): one service, see service_merges
ZJU1 = "浙江大学医学院附属第一医院"          # 杭州, 三级甲等 printed in the 肿瘤特药 list
SHANGCHENG, CHUN_AN = "330102", "330127"    # 杭州 上城区 (市辖区), 淳安县 (county)
HUADONG_CLINIC = "复旦大学附属华东医院闵行门诊部"  # a 门诊部 in 上海
MINHANG = "310112"
SUIDE_CAMPUS = "榆林市第一医院（绥德）"      # a campus in 绥德县, a county of 榆林
SUIDE = "610826"
ALL_GOOD = fact_columns(district=SHANGCHENG, ownership="public", facility_type="综合", inpatient=1)


def hid_of(conn: sqlite3.Connection, name: str) -> str:
    (hid,) = conn.execute("select id from hospitals where name = ?", (name,)).fetchone()
    return hid


def judge(db: Path, service_id: str, name: str, need: str | None = None):
    conn = sqlite3.connect(db)
    try:
        ctx = EligibilityContext.load(conn)
        s = ctx.services[service_id]
        extra = [RequestedGrade(s, parse_min_grade(need))] if need else None
        return decide(ctx, s, subject(conn, s, hid_of(conn, name)), extra)
    finally:
        conn.close()


def stored(db: Path, service_id: str, name: str) -> sqlite3.Row:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("select v.* from verdicts v join hospitals h on h.id = v.hospital_id "
                            "where v.service_id = ? and h.name = ?", (service_id, name)).fetchone()
    finally:
        conn.close()


def facts_by_rule(v) -> dict[str, list]:
    return {r.rule: list(r.facts) for r in v.results}


# ---- the rule set comes from the service's terms ------------------------------------------------

def test_rule_sets_follow_the_manifest_terms(registry):
    conn = sqlite3.connect(registry)
    ctx = EligibilityContext.load(conn)
    conn.close()
    keys = {sid: [r.key for r in rules_for(s)] for sid, s in ctx.services.items()}
    full = ["covered_area", "city_proper", "min_grade", "public_only", "inpatient"]
    assert keys[ADVANCE] == full and all(keys[a] == full for a in AIDES)
    assert keys[NURSING] == ["covered_area", "city_proper"]  # not an inpatient service
    assert keys[ESCORT] == keys[CANCER] == ["covered_area"]
    # a hospital list is judged by its list, then by what each row's own note says (rules/row_note.py)
    assert keys["002-green-channel"] == keys["000-mdt"] == keys["000-overseas-treatment"] == ["listed", "row_note"]
    # a hospital list whose terms said "公立 only" would get that rule too: nothing is keyed on service ids
    public_list = dataclasses.replace(ctx.services["002-green-channel"], public_only=True, min_grade="三级")
    assert [r.key for r in rules_for(public_list)] == ["listed", "row_note", "min_grade", "public_only"]


# ---- verdicts from facts, on real hospitals -----------------------------------------------------

def test_all_facts_stated_and_passing_is_eligible(registry, tmp_path):
    db = copy_with_facts(registry, tmp_path, {ZJU1: ALL_GOOD})
    v = judge(db, ADVANCE, ZJU1)
    assert v.verdict == "eligible" and v.label == "符合条件"
    assert v.say.startswith(f"{ZJU1}可以使用医疗垫付")
    assert all(f.klass == "stated" for r in v.results for f in r.facts)
    assert {e["line"] for e in v.evidence} == {1019} and v.evidence[0]["raw_city"] == "杭州市"
    row = stored(db, ADVANCE, ZJU1)
    assert row["verdict"] == "eligible" and row["say"] == v.say


def test_an_inferred_fact_makes_it_likely_and_is_named(registry, tmp_path):
    cols = {**ALL_GOOD, **fact_columns(ownership="public", klass="inferred", source="name grammar: 大学附属医院 → public")}
    db = copy_with_facts(registry, tmp_path, {ZJU1: cols})
    v = judge(db, ADVANCE, ZJU1)
    assert v.verdict == "likely" and v.label == "可能符合"
    assert [f.name for f in v.inferred] == ["ownership"]
    assert "公立医院（推断）" in v.say and "公立或民营" in v.say
    (public,) = [r for r in v.results if r.rule == "public_only"]
    assert "大学附属医院" in public.facts[0].source  # the rule that inferred it is in the facts, not the sentence
    assert v.as_dict()["inferred"] == ["公立或民营"] and v.as_dict()["to_check"] == []


@pytest.mark.parametrize("cols, rule, words", [
    (fact_columns(ownership="private"), "public_only", ["民营医院", "只限公立医院"]),
    (fact_columns(district=CHUN_AN), "city_proper", ["淳安县", "只覆盖市辖区"]),
    (fact_columns(grade="一级"), "min_grade", ["一级", "低于"]),
    (fact_columns(facility_type="门诊部"), "inpatient", ["门诊部", "不收治住院"]),
    (fact_columns(inpatient=0), "inpatient", ["不收治住院"]),
])
def test_a_failing_fact_makes_it_not_eligible_with_its_evidence(registry, tmp_path, cols, rule, words):
    db = copy_with_facts(registry, tmp_path, {ZJU1: {**ALL_GOOD, **cols}})
    v = judge(db, ADVANCE, ZJU1)
    assert v.verdict == "not_eligible" and v.label == "不符合"
    (failing,) = v.failing
    assert failing.rule == rule and all(w in failing.say for w in words), failing.say
    assert all(f.source == "test fixture" and f.klass == "stated" for f in failing.facts)
    assert v.reasons == [failing.say] and v.say.startswith(f"{ZJU1}不能使用医疗垫付")


def test_a_value_without_a_class_is_unknown(registry, tmp_path):
    cols = {**ALL_GOOD, "ownership": "public", "ownership_class": None}
    db = copy_with_facts(registry, tmp_path, {ZJU1: cols})
    v = judge(db, ADVANCE, ZJU1)
    assert v.verdict == "unknown" and v.label == "待核实"
    assert v.as_dict()["to_check"] == ["公立或民营"] and "请核实公立或民营" in v.say


def test_medical_advance_in_hangzhou_for_zju1_on_the_real_build(registry):
    # Decided by the facts the registry holds: the city is printed (list cell), the grade is printed (三级甲等,
    # 肿瘤特药 list), the district comes from the 2020 fever-clinic list (上城区); ownership and the facility
    # type are inferred from the name — so 'likely', naming those two.
    v = judge(registry, ADVANCE, ZJU1)
    by_rule = {r.rule: r for r in v.results}
    assert all(r.outcome == "pass" for r in v.results)
    assert by_rule["min_grade"].facts[0].klass == by_rule["covered_area"].facts[0].klass == "stated"
    assert v.verdict in ("eligible", "likely") and v.as_dict()["to_check"] == []
    if v.verdict == "likely":
        assert set(v.as_dict()["inferred"]) <= {"所在区县", "是否在市辖区", "公立或民营", "能否收治住院"}


def test_outpatient_department_fails_inpatient_services_only(registry, tmp_path):
    cols = fact_columns(district=MINHANG, ownership="public", facility_type="门诊部", grade="三级甲等")
    db = copy_with_facts(registry, tmp_path, {HUADONG_CLINIC: cols})
    for sid in (ADVANCE, *AIDES):
        v = judge(db, sid, HUADONG_CLINIC)
        assert v.verdict == "not_eligible" and [r.rule for r in v.failing] == ["inpatient"], sid
        assert "门诊部" in v.say
    assert judge(db, NURSING, HUADONG_CLINIC).verdict == "eligible"  # 术后家庭护理 is not an inpatient service
    # on the real build: a 门诊部 by its name (inferred), never offered for an inpatient service
    v = judge(registry, ADVANCE, HUADONG_CLINIC)
    assert v.verdict == "not_eligible" and [r.rule for r in v.failing] == ["inpatient"]


def test_a_county_campus_is_outside_the_city_proper(registry, tmp_path):
    # 榆林市第一医院（绥德）: the bracket names 绥德县, a county of 榆林 — not 榆林's city proper
    db = copy_with_facts(registry, tmp_path, {SUIDE_CAMPUS: fact_columns(
        district=SUIDE, klass="inferred", source="campus in brackets: （绥德） → 绥德县")})
    v = judge(db, ADVANCE, SUIDE_CAMPUS)
    assert v.verdict == "not_eligible" and "绥德县" in v.say and "县" in v.failing[0].say
    assert "推断" in v.failing[0].say  # the failing fact says it is inferred
    assert judge(db, "002-green-channel", SUIDE_CAMPUS).verdict == "eligible"  # listed by name: the list decides
    v = judge(registry, ADVANCE, SUIDE_CAMPUS)  # the real build reads 绥德 in the brackets too
    assert v.verdict == "not_eligible" and "绥德县" in v.say


def test_a_city_whose_units_are_all_districts_is_city_proper_throughout(registry, tmp_path):
    # every county-level unit of 北京 is a 市辖区: with no district known the city alone decides; 杭州 has
    # counties (淳安县, 桐庐县), so there the district is needed
    unknown = {"district": None, "district_class": None, "district_source": None, "city_proper": None,
               "city_proper_class": None, "city_proper_source": None}
    db = copy_with_facts(registry, tmp_path, {"北京协和医院": unknown, ZJU1: unknown})
    by_rule = {r.rule: r for r in judge(db, ADVANCE, "北京协和医院").results}
    assert by_rule["city_proper"].outcome == "pass" and [f.name for f in by_rule["city_proper"].facts] == ["city"]
    assert "都是市辖区" in by_rule["city_proper"].say
    by_rule = {r.rule: r for r in judge(db, ADVANCE, ZJU1).results}
    assert by_rule["city_proper"].outcome == "unknown" and by_rule["city_proper"].facts[0].name == "district"


def test_the_facts_stage_city_proper_fact_decides_where_the_district_is_unknown(registry, tmp_path):
    base = {**ALL_GOOD, "district": None, "district_class": None, "district_source": None}
    inside = {**base, "city_proper": 1, "city_proper_class": "inferred",
              "city_proper_source": "规则 point-in-city-proper：精确坐标在杭州市辖区多边形内"}
    db = copy_with_facts(registry, tmp_path, {ZJU1: inside})
    v = judge(db, ADVANCE, ZJU1)
    assert v.verdict == "likely" and v.as_dict()["inferred"] == ["是否在市辖区"]
    (rule,) = [r for r in v.results if r.rule == "city_proper"]
    assert rule.outcome == "pass" and rule.facts[0].name == "city_proper" and "市辖区内" in rule.say
    outside = {**base, "city_proper": 0, "city_proper_class": "stated", "city_proper_source": "test fixture"}
    (tmp_path / "b").mkdir()
    v = judge(copy_with_facts(registry, tmp_path / "b", {ZJU1: outside}), ADVANCE, ZJU1)
    assert v.verdict == "not_eligible" and "不在市辖区" in v.say
    # a stated district beats an inferred city_proper fact
    both = {**inside, **fact_columns(district=CHUN_AN)}
    (tmp_path / "c").mkdir()
    v = judge(copy_with_facts(registry, tmp_path / "c", {ZJU1: both}), ADVANCE, ZJU1)
    assert v.verdict == "not_eligible" and "淳安县" in v.say


def test_a_grade_the_caller_asks_for(registry, tmp_path):
    assert judge(registry, ADVANCE, ZJU1, need="三级甲等").results[-1].outcome == "pass"
    db = copy_with_facts(registry, tmp_path, {ZJU1: {**ALL_GOOD, **fact_columns(grade="三级")}})
    v = judge(db, ADVANCE, ZJU1, need="三级甲等")
    assert v.verdict == "unknown" and "未注明甲、乙、丙等" in v.results[-1].say
    assert judge(db, ADVANCE, ZJU1, need="二级").verdict == "eligible"


def test_a_lower_bound_grade_meets_only_what_it_bounds(registry, tmp_path):
    # "二级及以上" is what a service statement covering a whole list says: enough for 二级, open for 三级
    db = copy_with_facts(registry, tmp_path, {ZJU1: {**ALL_GOOD, **fact_columns(grade="二级及以上")}})
    assert judge(db, ADVANCE, ZJU1).verdict == "eligible"
    v = judge(db, ADVANCE, ZJU1, need="三级")
    assert v.verdict == "unknown" and v.results[-1].say == "等级只知道是二级及以上，查询要求三级及以上"
    assert v.as_dict()["to_check"] == ["医院等级"]  # known, but not enough: still what to check


def test_an_incomplete_table_leaves_unlisted_cities_open(registry):
    v = judge(registry, CANCER, "北京协和医院")  # 北京 fell out of the table with the A–H rows
    assert v.verdict == "unknown" and "不完整" in v.say and "是否在覆盖范围" in v.as_dict()["to_check"]
    v = judge(registry, CANCER, "湖州市中心医院")  # 湖州 is printed (line 1495)
    assert v.verdict in ("eligible", "likely") and v.evidence[0]["line"] == 1495


def test_a_hospital_list_decides_by_its_rows(registry):
    v = judge(registry, "000-mdt", "北京大学深圳医院")
    assert v.verdict == "eligible" and v.evidence[0]["line"] == 341
    v = judge(registry, "000-mdt", "香港大学深圳医院")
    assert v.verdict == "not_eligible" and "不在MDT 多学科会诊名单中" in v.say


# ---- the whole registry --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mixed_facts(registry, tmp_path_factory) -> Path:
    """The real registry where every mainland hospital gets facts of every kind, value and class (chosen
    deterministically from its id), so the invariants below run over all rules and all combinations."""
    db = tmp_path_factory.mktemp("mixed") / "registry.db"
    db.write_bytes(registry.read_bytes())
    conn = sqlite3.connect(db)
    children: dict[str, list[str]] = {}
    for adcode, parent in conn.execute("select adcode, parent_adcode from regions where level = 'district' "
                                       "order by adcode"):
        children.setdefault(parent, []).append(adcode)
    with conn:
        rows = conn.execute("select id, city_adcode from hospitals where city_adcode is not null").fetchall()
        for hid, city in rows:
            k = int(hid[1:], 16)
            kids = children.get(city, [])
            cols = fact_columns(
                district=kids[k % len(kids)] if kids and k % 5 else None,
                ownership=("public", "private", None)[k // 5 % 3],
                facility_type=("综合", "门诊部", "专科", None, "诊所")[k // 15 % 5],
                grade=("一级", "二级", "三级", "三级甲等", None)[k // 75 % 5],
                inpatient=(None, None, 0, 1)[k // 375 % 4],
                klass=("stated", "inferred")[k // 1500 % 2])
            if "adcode" in cols:
                cols["district"] = conn.execute("select name from regions where adcode = ?",
                                                (cols["adcode"],)).fetchone()[0]
            if cols:
                conn.execute(f"update hospitals set {', '.join(f'{c} = ?' for c in cols)} where id = ?",
                             [*cols.values(), hid])
        write_verdicts(conn)
    conn.close()
    return db


@pytest.fixture(params=["real", "mixed"])
def whole(request, registry, mixed_facts) -> sqlite3.Connection:
    conn = sqlite3.connect(registry if request.param == "real" else mixed_facts)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def test_every_service_has_verdicts_and_every_verdict_is_well_formed(whole):
    counts = dict(whole.execute("select verdict, count(*) from verdicts group by 1").fetchall())
    assert set(counts) <= {"eligible", "likely", "not_eligible", "unknown"}
    # every service that names hospitals or cities (a `no_list` service names none: no verdict to write)
    assert {r[0] for r in whole.execute("select id from services where kind != 'no_list'")} == \
        {r[0] for r in whole.execute("select distinct service_id from verdicts")}
    labels = {"eligible": "符合条件", "likely": "可能符合", "not_eligible": "不符合", "unknown": "待核实"}
    for v, label, say, hname in whole.execute(
            "select v.verdict, v.verdict_label, v.say, h.name from verdicts v join hospitals h on h.id = v.hospital_id"):
        assert label == labels[v] and say.startswith((hname, "暂时无法确定")) and hname in say


USABLE = "v.verdict in ('eligible', 'likely')"
CONTRADICTIONS = {
    "private hospital for a public-only service":
        "s.public_only = 1 and h.ownership_class = 'stated' and h.ownership = 'private'",
    "county or county-level city for a city-proper service":
        "s.city_proper_only = 1 and h.district_class = 'stated' and r.level = 'district' "
        "and (r.name like '%县' or r.name like '%旗' or r.name like '%市') "
        "and not exists (select 1 from coverage c where c.service_id = s.id and c.adcode = h.adcode)",
    "stated outside the city proper for a city-proper service":
        "s.city_proper_only = 1 and h.city_proper_class = 'stated' and h.city_proper = 0 "
        "and not exists (select 1 from coverage c where c.service_id = s.id and c.adcode = h.adcode)",
    "grade below the minimum":
        "s.min_grade = '二级' and h.grade_class = 'stated' and h.grade like '一级%'",
    "outpatient facility for an inpatient service":
        "s.inpatient = 1 and ((h.facility_type_class = 'stated' and h.facility_type in ('门诊部', '诊所', '体检机构')) "
        "or (h.inpatient_class = 'stated' and h.inpatient = 0))",
    "outside the covered area":
        "s.kind = 'city_coverage' and not exists (select 1 from source_tables t join table_services ts "
        "on ts.table_id = t.id where ts.service_id = s.id and t.incomplete is not null) "
        "and not exists (select 1 from coverage c where c.service_id = s.id and c.adcode in (h.city_adcode, h.adcode))",
    "not on the list":
        "s.kind != 'city_coverage' and not exists (select 1 from eligibility e where e.service_id = s.id "
        "and e.hospital_id = h.id)",
}


@pytest.mark.parametrize("what", sorted(CONTRADICTIONS))
def test_no_usable_verdict_contradicts_a_stated_fact(whole, what):
    bad = whole.execute(
        "select s.id, h.name, v.verdict from verdicts v join services s on s.id = v.service_id "
        "join hospitals h on h.id = v.hospital_id left join regions r on r.adcode = h.adcode "
        f"where {USABLE} and {CONTRADICTIONS[what]} limit 5").fetchall()
    assert not bad, (what, [tuple(b) for b in bad])


CLASS_COLUMNS = {"city": "city_class", "district": "district_class", "city_proper": "city_proper_class", "grade": "grade_class", "ownership": "ownership_class",
                 "facility_type": "facility_type_class", "inpatient": "inpatient_class"}


def test_no_inferred_fact_is_shown_as_stated(whole):
    hospitals = {r["id"]: dict(r) for r in whole.execute("select * from hospitals")}
    checked = 0
    for row in whole.execute("select * from verdicts"):
        h = hospitals[row["hospital_id"]]
        facts = [f for rule in json.loads(row["facts_used"]) for f in rule["facts"]]
        for f in facts:
            if f["fact"] in CLASS_COLUMNS:
                recorded = h[CLASS_COLUMNS[f["fact"]]]
                assert f["class"] in (recorded, None), (row["service_id"], h["name"], f)
                assert f["class"] is None or f["value"] is not None
                checked += 1
        classes = {f["class"] for rule in json.loads(row["facts_used"]) if rule["outcome"] == "pass"
                   for f in rule["facts"]}
        if row["verdict"] == "eligible":
            assert classes == {"stated"}, (row["service_id"], h["name"], classes)
        if row["verdict"] == "likely":
            assert "inferred" in classes and json.loads(row["inferred"]), (row["service_id"], h["name"])
        if row["verdict"] == "unknown":
            assert json.loads(row["to_check"]), (row["service_id"], h["name"])
    assert checked > 1000


def test_stored_verdicts_are_what_the_library_decides(whole):
    conn = whole
    ctx = EligibilityContext.load(conn)
    stored_rows = {(r["service_id"], r["hospital_id"]): (r["verdict"], r["say"]) for r in conn.execute(
        "select service_id, hospital_id, verdict, say from verdicts")}
    sample = sorted(stored_rows)[::7]
    for sid, hid in sample:
        s = ctx.services[sid]
        v = decide(ctx, s, subject(conn, s, hid))
        assert (v.verdict, v.say) == stored_rows[(sid, hid)], (sid, hid)
