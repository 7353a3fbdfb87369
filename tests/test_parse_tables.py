"""Parsing every table of the five manuals: row counts established by reading the files by hand,
and one test per messy layout on the real lines."""
from __future__ import annotations

import pytest

from directory.parse_tables import parse_table


def _table(manifest, doc_id, key):
    doc = next(d for d in manifest.documents if d.doc_id == doc_id)
    return next(t for t in doc.tables if t.key == key)


@pytest.fixture(scope="module")
def parsed(manifest, manual_lines):
    return {
        (doc.doc_id, t.key): parse_table(manual_lines[doc.doc_id], t)
        for doc in manifest.documents
        for t in doc.tables
    }


# Counts read off the files by hand (line ranges in sources/manifest.toml):
# 000 MDT: lines 308-362 minus one blank line = 54. 000 overseas: US 1-106, UK 2, DE 3, CH 1, Asia 43.
# 001 附录一: Europe 5 (numbered 1,2,4,5,6), Canada 1, US 15, Japan 39, China 21. 001 附录二: 488 lines
# after the header, minus 11 blank lines and two label rows (常州, 山东). 001 附录三: US 15, Japan 39, other 2.
# 002 lists: 927 lines minus header and 23 page-break blanks = 903; the 二次诊疗 list has 904 filled lines,
# one of them ('部', line 2411) the tail of the name on line 2409 pushed over a page break.
# 002 21家: 153 tab lines minus the header. 002 特药: 39 lines minus a blank. 003 绿通: 109 lines minus 2 blanks.
# 004: 58 numbered rows (a repeated header at line 413).
LISTING_COUNTS = {
    ("000", "mdt-hospitals"): 54,
    ("000", "overseas-hospitals"): 155,
    ("001", "global-consultation-hospitals"): 81,
    ("001", "domestic-network"): 475,
    ("001", "overseas-hospitals"): 56,
    ("002", "green-channel-hospitals"): 903,
    ("002", "second-opinion-hospitals"): 903,
    ("002", "critical-mdt-teams"): 152,
    ("002", "oncology-drug-hospitals"): 38,
    ("002", "registration-hospitals"): 903,
    ("003", "green-channel-hospitals"): 107,
    ("004", "special-drug-hospitals"): 58,
}

# Coverage: 83 and 241 are the manuals' own totals; 住院护工 tables are numbered 1-220; 003 就医陪诊 has
# 444 filled cells of which 29 are province headings; 癌症早筛 has 85 city rows, one with no '√'.
COVERAGE_COUNTS = {
    ("002", "medical-advance-cities"): 83,
    ("002", "home-nursing-cities"): 241,
    ("002", "cancer-screening-cities"): 84,
    ("002", "critical-care-aide-cities"): 220,
    ("002", "critical-care-aide-2-cities"): 220,
    ("003", "escort-cities"): 415,
}


@pytest.mark.parametrize("key, count", LISTING_COUNTS.items(), ids=lambda v: str(v))
def test_listing_rows_per_table(parsed, key, count):
    assert len(parsed[key].listings) == count
    assert parsed[key].rejects == []


@pytest.mark.parametrize("key, count", COVERAGE_COUNTS.items(), ids=lambda v: str(v))
def test_covered_cities_per_table(parsed, key, count):
    assert len(parsed[key].coverage) == count
    assert parsed[key].rejects == []


def test_every_line_of_a_list_is_one_listing(parsed):
    for key in LISTING_COUNTS:
        lines = [r.line for r in parsed[key].listings]
        assert len(lines) == len(set(lines)), key


def _row(parsed, key, line):
    return next(r for r in parsed[key].listings if r.line == line)


def test_blank_cells_carry_the_value_above(parsed):
    row = _row(parsed, ("001", "domestic-network"), 370)
    assert (row.raw_name, row.raw_province, row.raw_city) == ("北京大学第六医院", "北京", "北京")
    assert "carried from line 369" in row.note
    row = _row(parsed, ("002", "oncology-drug-hospitals"), 3172)
    assert (row.raw_name, row.raw_province, row.raw_city, row.raw_grade) == ("宝安区中医院", "广东", "深圳", "三甲")


def test_rows_whose_columns_shifted(parsed):
    key = ("001", "domestic-network")
    # 405: name printed in the province column.
    assert _row(parsed, key, 405).raw_name == "北京积水潭医院回龙观院区"
    # 451: no tabs at all, under 上海.
    row = _row(parsed, key, 451)
    assert (row.raw_name, row.raw_city) == ("同济大学附属第一妇婴保健医院", "上海")
    # 679 '¦¦常州' is a city label, not a hospital; 680 has the name in the city column.
    assert all(r.line != 679 for r in parsed[key].listings)
    row = _row(parsed, key, 680)
    assert (row.raw_name, row.raw_city) == ("常州第二人民医院阳湖院区", "常州")
    # 688 '镇江¦镇江市第一人民医院¦': city in the province column, name in the city column.
    row = _row(parsed, key, 688)
    assert (row.raw_name, row.raw_province, row.raw_city) == ("镇江市第一人民医院", "江苏", "镇江")
    # 682: the shifted block prints 常州市第一人民医院 on the 徐州 row; the parser keeps what is printed.
    assert _row(parsed, key, 682).raw_city == "徐州"
    # 828 '¦¦山东' starts a province without a city: the carried city (成都) must not leak.
    row = _row(parsed, key, 829)
    assert (row.raw_name, row.raw_province, row.raw_city) == ("济南市中心医院", "山东", None)


def test_two_tables_on_one_line(parsed):
    cov = parsed[("002", "home-nursing-cities")].coverage
    assert [(c.raw_province, c.raw_city) for c in cov if c.line == 1213] == [("河北省", "石家庄市"), ("山东省", "泰安市")]
    escort = parsed[("003", "escort-cities")].coverage
    # 558 '临沂市¦¦邛崃市¦': both halves shifted left; provinces carried from 557 (山东) and 535 (四川).
    assert [(c.raw_province, c.raw_city) for c in escort if c.line == 558] == [("山东", "临沂市"), ("四川", "邛崃市")]
    # 681: the right half's province heading sits in a city column, its city one column further.
    assert [(c.raw_province, c.raw_city) for c in escort if c.line == 681] == [("河南", "开封市"), ("宁夏回族自治区", "中卫市")]


def test_page_breaks_blank_lines_and_repeated_headers(parsed):
    special = parsed[("004", "special-drug-hospitals")]
    assert special.skipped["header row"] == 2  # line 358 and the repeated header at 413
    assert [r.line for r in special.listings][-5:] == [414, 415, 416, 417, 418]
    green = parsed[("002", "green-channel-hospitals")]
    assert green.skipped["blank line"] == 23


def test_name_wrapped_over_two_lines(parsed):
    row = _row(parsed, ("000", "overseas-hospitals"), 389)
    assert row.raw_name == "Hospitals of the University of Pennsylvania-Penn Presbyterian 宾夕法尼亚大学医院"
    assert row.note == "name continues from line 388"
    assert (row.raw_country, row.raw_place) == ("美国", "费城")


def test_name_tail_pushed_over_a_page_break(parsed):
    row = _row(parsed, ("002", "second-opinion-hospitals"), 2409)
    assert row.raw_name == "上海交通大学医学院附属第九人民医院黄浦分院特需部"
    assert "name continues on line 2411" in row.note


def test_one_hospital_spans_many_team_rows(parsed):
    key = ("002", "critical-mdt-teams")
    row = _row(parsed, key, 2662)
    assert (row.raw_name, row.raw_team) == ("北京同仁医院眼科会诊中心", "眼整形门诊会诊中心")
    # 2708 '多学科联合癫痫¦': a team printed in the hospital column stays with 四川大学华西医院.
    row = _row(parsed, key, 2708)
    assert (row.raw_name, row.raw_team) == ("四川大学华西医院", "多学科联合癫痫")
    assert len({r.raw_name for r in parsed[key].listings}) == 22  # 21 hospitals; 同仁 also as 眼科会诊中心


def test_names_with_stray_spaces_keep_their_raw_form(parsed):
    row = _row(parsed, ("002", "green-channel-hospitals"), 111)
    assert row.raw_name == "中国人民解放军第 302 医院"


def test_prose_city_list_keeps_line_numbers(parsed):
    cov = parsed[("002", "medical-advance-cities")].coverage
    assert cov[0].raw_city == "合肥市" and cov[0].line == 1017
    assert [c.raw_city for c in cov if c.line == 1019] == ["杭州市", "宁波市", "嘉兴市", "温州市", "重庆市"]


def test_overseas_groups_and_domestic_rows(parsed):
    rows = parsed[("001", "global-consultation-hospitals")].listings
    assert {r.raw_country for r in rows} == {"欧洲", "加拿大", "美国", "日本", "中国"}
    # 302 '2¦大阪…' lost its empty group cell: still Japan.
    assert next(r for r in rows if r.line == 302).raw_country == "日本"
    assert next(r for r in rows if r.line == 358).raw_name == "广州医学院第一附属医院"


def test_a_cell_beyond_the_columns_is_rejected_with_its_line(manifest):
    spec = _table(manifest, "004", "special-drug-hospitals")
    lines = ["x"] * 357 + ["序号\t省份\t医院", "1\t安徽\t安徽省立医院西区\t多余"] + ["x"] * 60
    out = parse_table(lines, spec)
    assert out.rejects[0].line == 359 and "beyond the 3 columns" in out.rejects[0].reason
