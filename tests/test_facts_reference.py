"""The 2020 fever-clinic list as evidence: read, placed, linked to registry hospitals inside one city."""
from __future__ import annotations

from pathlib import Path

import pytest

from directory.facts.records import FactsError
from directory.facts.reference import FEVER_COLUMNS, ReferenceRow, place_row, read_fever_list

ROOT = Path(__file__).resolve().parent.parent
FEVER = ROOT / "sources" / "reference" / "fever_clinics_2020.tsv"



def _row(**cells) -> ReferenceRow:
    base = dict.fromkeys(FEVER_COLUMNS, "")
    base.update(cells)
    return ReferenceRow("x.tsv", 2, *(base[c] for c in FEVER_COLUMNS))


def test_every_row_is_kept_with_its_line_and_adcodes(db):
    rows = db.execute("SELECT count(*), min(line), max(line) FROM reference_hospitals").fetchone()
    assert tuple(rows) == (4476, 2, 4477)
    row = db.execute("SELECT * FROM reference_hospitals WHERE line = 3").fetchone()  # 唐山市工人医院, 路北区
    assert (row["name"], row["city_adcode"], row["county_adcode"]) == ("唐山市工人医院", "130200", "130203")


def test_rows_link_only_inside_their_own_city(db):
    linked = db.execute("SELECT r.city_adcode, h.city_adcode FROM reference_hospitals r "
                        "JOIN hospitals h ON h.id = r.hospital_id").fetchall()
    assert len(linked) >= 300
    assert all(a == b for a, b in linked)
    unlinked = db.execute("SELECT count(*) FROM reference_hospitals WHERE hospital_id IS NULL").fetchone()[0]
    assert unlinked >= 4000  # never made into registry hospitals


@pytest.mark.parametrize("name", ["哈尔滨市阿城区中医医院", "尉氏县人民医院", "哈尔滨市中医医院", "开封市人民医院"])
def test_look_alikes_the_matcher_scores_95_are_not_linked(db, name):
    # resolve_name gives these 95 ("same core") against 黑龙江省中医医院 / 开封市第一人民医院: not confident.
    assert db.execute("SELECT hospital_id FROM reference_hospitals WHERE name = ?", (name,)).fetchone()[0] is None


@pytest.mark.parametrize("line, name, linked", [
    (1466, "武进中医医院", "常州市武进中医医院"),  # no county column; its own name states 武进
    (3003, "罗湖区人民医院", "深圳市罗湖区人民医院"),  # county 罗湖区, which the hospital's name states
    (3004, "第二人民医院", None),  # 深圳's 第二人民医院 under 福田区: the hospital's name states no county to confirm it
])
def test_a_row_without_its_city_links_with_the_city_in_front_when_its_county_confirms(db, line, name, linked):
    row = db.execute("SELECT r.name, h.name AS hospital, r.link_reason FROM reference_hospitals r "
                     "LEFT JOIN hospitals h ON h.id = r.hospital_id WHERE r.line = ?", (line,)).fetchone()
    assert (row["name"], row["hospital"]) == (name, linked)
    if linked:
        assert row["link_reason"].startswith("名称前加上所在城市：")


def test_a_row_filed_under_the_city_proper_states_it(db):
    # 扬州's list files its city hospitals under '市区', 镇江's under '镇江市区': stated, citing the row.
    rows = {r["name"]: r for r in db.execute(
        "SELECT name, city_proper, city_proper_class, city_proper_source FROM hospitals "
        "WHERE name IN ('扬州市第三人民医院', '镇江市第一人民医院')")}
    assert len(rows) == 2
    for r in rows.values():
        assert (r["city_proper"], r["city_proper_class"]) == (1, "stated")
        assert r["city_proper_source"].startswith("参考数据 fever_clinics_2020.tsv:") and "市区" in r["city_proper_source"]


def test_a_linked_row_gives_alias_address_district_and_level(db):
    hid = db.execute("SELECT id FROM hospitals WHERE name = '唐山市人民医院'").fetchone()[0]
    assert db.execute("SELECT count(*) FROM aliases WHERE hospital_id = ? AND source = "
                      "'参考数据 fever_clinics_2020.tsv:4'", (hid,)).fetchone()[0] == 1
    h = db.execute("SELECT district, district_class, district_source, address FROM hospitals WHERE id = ?",
                   (hid,)).fetchone()
    assert (h["district"], h["district_class"], h["address"]) == ("路南区", "stated", "唐山市路南区胜利路65号")
    assert h["district_source"].startswith("参考数据 fever_clinics_2020.tsv:4")


def test_the_reference_file_is_a_source_with_provenance(db):
    row = db.execute("SELECT * FROM sources WHERE file = 'fever_clinics_2020.tsv'").fetchone()
    assert row["sha256"] == "a620aa158caa9d1a1ee6d2fc6a201d4b3c5050b134b1769aa02ac1e53e45b9c5"
    assert "wuhan2020map" in row["origin"] and row["date"] == "2020-01-25"


def test_county_without_suffix_and_typos():
    assert place_row(_row(province="北京市", city="北京市", county="东城", name="x")).county_adcode == "110101"
    assert place_row(_row(province="河北省", city="唐山市", county="路南区", name="x")).county_adcode == "130202"
    # a typo the 2020 list repeats is a reviewed alias (geodata/data/place_aliases.tsv)
    assert place_row(_row(province="江苏省", city="南京市", county="秦准区", name="x")).county_adcode == "320104"
    assert place_row(_row(province="浙江省", city="杭州市", county="下城区", name="x")).county_adcode == "330105"
    assert place_row(_row(province="浙江省", city="衢州市", county="市本级", name="x")).county_adcode is None


def test_bad_reference_file_names_file_and_line(tmp_path):
    bad = tmp_path / "fever.tsv"
    bad.write_text("\t".join(FEVER_COLUMNS) + "\n" + "a\tb\n", encoding="utf-8")
    with pytest.raises(FactsError, match=r"fever.tsv:2: 2 columns, expected 10"):
        read_fever_list(bad)
    bad.write_text("province\tcity\n", encoding="utf-8")
    with pytest.raises(FactsError, match=r"fever.tsv:1: header"):
        read_fever_list(bad)


def test_the_vendored_list_reads_whole():
    ref = read_fever_list(FEVER)
    assert len(ref.rows) == 4476 and ref.rows[0].line == 2
