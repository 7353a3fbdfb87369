"""Inference rules (grade ranges and "in the city proper" from name grammar) are used only while they agree
with facts sources state: checked on the registry built from the real sources, and the rule files'
loaders on bad input."""
from __future__ import annotations

import pytest

from directory.facts.knowledge import city_proper_rules
from directory.facts.proper_rules import matches, read_name
from directory.facts.records import FactsError
from directory.facts.validation import RuleValidation, validation


def test_every_rule_is_validated_and_used_only_at_95_percent_of_10_examples(db):
    rows = db.execute("SELECT * FROM inference_rules").fetchall()
    assert {r["fact"] for r in rows} >= {"grade", "city_proper", "district"}
    for r in rows:
        assert r["agree"] + r["disagree"] == r["applicable"], dict(r)
        assert bool(r["used"]) == (r["applicable"] >= 10 and r["agree"] >= 0.95 * r["applicable"]), dict(r)
        assert (r["disagreements"] is None) == (r["disagree"] == 0), dict(r)
    used = {r["rule"].split(" ")[1] for r in rows if r["used"] and r["fact"] == "city_proper"}
    # Measured on the bundled build (examples a list, an import or the 2020 list states): city-named 326/341,
    # province-named 72/75, university 45/47, military 11/11, campus 27/27.
    assert {"city-named", "province-named", "university", "military", "campus"} <= used


def test_every_fact_a_rule_infers_cites_a_rule_in_use(db):
    used = {r["rule"] for r in db.execute("SELECT rule FROM inference_rules WHERE used = 1")}
    rows = db.execute("SELECT hospital_id, fact, value, class, source FROM facts WHERE source LIKE '规则 %.tsv:%' "
                      "AND (source LIKE '规则 city_proper_rules.tsv:%' OR source LIKE '规则 grade_rules.tsv:%' "
                      "OR source LIKE '规则 campus_rules.tsv:%' OR source LIKE '规则 district_rules.tsv:%')").fetchall()
    assert len(rows) > 500
    for r in rows:
        assert r["class"] == "inferred" and r["source"].removeprefix("规则 ") in used, tuple(r)


def test_a_city_named_hospital_without_a_district_is_in_the_city_proper_by_inference(db):
    row = db.execute("SELECT district, city_proper, city_proper_class, city_proper_source FROM hospitals "
                     "WHERE name = '郑州市第一人民医院'").fetchone()
    assert row["district"] is None
    assert (row["city_proper"], row["city_proper_class"]) == (1, "inferred")
    assert row["city_proper_source"].startswith("规则 city_proper_rules.tsv:") and "city-named" in row["city_proper_source"]
    # and the answer for 医疗垫付 says so: likely, never eligible on an inferred fact
    v = db.execute("SELECT v.verdict FROM verdicts v JOIN hospitals h ON h.id = v.hospital_id "
                   "WHERE h.name = '郑州市第一人民医院' AND v.service_id = '002-medical-advance'").fetchone()
    assert v["verdict"] == "likely"


def test_a_county_without_its_suffix_after_the_city_is_the_district(db):
    # 青岛市胶州中心医院 names 胶州 (胶州市, a county-level city of 青岛) without its suffix: no rule may say 市辖区,
    # and the district rule reads 胶州市 (32 of 32 names of this form agree with the district a source states).
    row = db.execute("SELECT district, district_class, district_source, city_proper, city_proper_source FROM hospitals "
                     "WHERE name = '青岛市胶州中心医院'").fetchone()
    assert (row["district"], row["district_class"], row["city_proper"]) == ("胶州市", "inferred", 0)
    assert row["district_source"].startswith("规则 district_rules.tsv:2 city-then-county")
    assert not row["city_proper_source"].startswith("rule city_proper_rules")


@pytest.mark.parametrize("name, city, campus, rules", [
    ("杭州市第一人民医院", "330100", False, {"city-named"}),
    ("浙江省台州医院", "331000", False, {"city-named", "province-named"}),
    ("山西省汾阳医院", "141100", False, set()),  # 汾阳 is a county-level city of 吕梁
    ("新乡医学院第三附属医院", "410700", False, {"university"}),  # 新乡 names the college, not the owner
    ("武汉科技大学附属天佑医院", "421200", False, set()),  # opens with another city than its own (咸宁)
    ("嘉兴市嘉善县第一人民医院", "330400", False, set()),  # a county with its suffix: the district rule reads it
    ("榆林市第一医院（绥德）", "610800", True, set()),  # a county in the bracket
    ("杭州市第一人民医院城北院区", "330100", True, {"campus"}),
    ("郑州大学附属洛阳中心医院", "410300", False, {"university"}),  # another city's university, named after 洛阳
    ("杭州市第一人民医院", "110100", False, set()),  # 北京 is all 区: the city decides, not a rule
])
def test_which_rules_read_a_name(name, city, campus, rules):
    got = {r.rule_id.split(" ")[1] for r in city_proper_rules() if matches(r, name, city, campus)}
    assert got == rules, (name, read_name(name, city))


def test_a_rule_needs_ten_examples_and_95_percent():
    assert not validation("r", "grade", "二级及以上", "", [(True, "x")] * 9).enabled
    assert validation("r", "grade", "二级及以上", "", [(True, "x")] * 19 + [(False, "y")]).enabled
    v = validation("r", "grade", "二级及以上", "", [(True, "x")] * 18 + [(False, "y"), (False, "z")])
    assert isinstance(v, RuleValidation) and not v.enabled and v.disagreements == ("y", "z")
    assert "18 个相符，2 个不符（90.0%）；不采用" in v.describe()


HEADER = "rule\tsites\tpattern\tcity_proper\tevidence\n"


@pytest.mark.parametrize("row, message", [
    ("x\tmain\t{city}\t0\twhy\n", "city_proper must be 1"),
    ("x\tmains\t{city}\t1\twhy\n", "sites must be main or campus"),
    ("x\tmain\t(大学\t1\twhy\n", "bad pattern"),
    ("x\tmain\t医院{city}\t1\twhy\n", "only {city} or {province} may open a pattern"),
    ("x\tmain\t{city}\t1\t\n", "empty 'evidence'"),
])
def test_bad_rule_rows_name_the_file_and_line(tmp_path, row, message):
    path = tmp_path / "city_proper_rules.tsv"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(FactsError, match=rf"city_proper_rules.tsv:2: .*{message}"):
        city_proper_rules(path)


def test_a_campus_takes_the_range_of_its_institutions_stated_grade(db):
    row = db.execute("SELECT grade, grade_class, grade_source FROM hospitals "
                     "WHERE name = '中国医学科学院北京协和医院西单院区'").fetchone()
    assert (row["grade"], row["grade_class"]) == ("二级及以上", "inferred")  # its institution is 三级甲等 (stated)
    assert row["grade_source"].startswith("规则 campus_rules.tsv:2 campus-of-graded-institution")
    rule = db.execute("SELECT * FROM inference_rules WHERE rule LIKE 'campus_rules.tsv:%'").fetchone()
    # Measured on the bundled build: 10 of 10 campuses of the 2020 list whose institution is graded 二级 or above
    # are graded 二级 or above themselves (four are 鹤矿医院's 分院).
    assert rule["used"] == 1 and rule["applicable"] >= 10 and rule["agree"] >= 0.95 * rule["applicable"]


def test_an_unknown_campus_rule_is_refused(tmp_path):
    from directory.facts.knowledge import campus_rules

    path = tmp_path / "campus_rules.tsv"
    path.write_text("rule\tfact\tcondition\tconclusion\tevidence\n"
                    "campus-of-graded-institution\tgrade\tx\t三级甲等\twhy\n", encoding="utf-8")
    with pytest.raises(FactsError, match=r"campus_rules.tsv:2: unknown campus rule"):
        campus_rules(path)
