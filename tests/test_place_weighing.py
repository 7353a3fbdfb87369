"""Where a hospital is when its evidence disagrees: the weighing of place_weights.tsv on the real registry
(reprints weigh once, a campus named after a county, reviewed cities, a 2020 row that writes its own city
before a registry name), with the conflicts kept visible and the hard negatives that must not move."""
from __future__ import annotations

import pytest

from directory.facts.known_cities import read_known_cities
from directory.facts.records import FactsError


@pytest.mark.parametrize("ref, city, conflict_with", [
    ("002:434", "武汉市", "咸宁市"),  # 武汉科技大学附属天佑医院: 002 prints it under 咸宁 (reviewed city)
    ("002:203", "佛山市", "广州市"),  # 广东省中西医结合医院 = 佛山市南海区中医院 (reviewed city)
    ("001:704", "佛山市", "广州市"),  # 广东省人民医院平洲分院, filed in 广州's block (reviewed city)
    ("001:728", "佛山市", "广州市"),  # 南方医科大学口腔医院（广东省口腔医院）顺德分院: its campus names 顺德区
    ("001:696", "梅州市", "广州市"),  # 中山大学附属第三医院粤东分院 = 粤东医院, 002:245 under 梅州
    ("002:316", "濮阳市", "安阳市"),  # 安阳地区医院: the 2020 list's 濮阳市安阳地区医院 (reviewed city + that row)
])
def test_a_site_placed_elsewhere_by_a_list_is_placed_by_the_weight_of_evidence(db, hospital_at, ref, city,
                                                                               conflict_with):
    row = db.execute("SELECT city, place_conflict FROM hospitals WHERE id = ?", (hospital_at(ref),)).fetchone()
    assert row["city"] == city
    # the list's city stays visible as a conflict
    assert conflict_with in (row["place_conflict"] or "") and f"选定{city}" in row["place_conflict"]


def test_a_manual_printing_one_table_three_times_states_each_row_once(db, hospital_at):
    # 002 prints 天佑医院 under 咸宁 at lines 434, 1984 and 4172: one statement of weight 3, not 9.
    conflict = db.execute("SELECT place_conflict FROM hospitals WHERE id = ?", (hospital_at("002:434"),)).fetchone()[0]
    assert "咸宁市（3）" in conflict
    assert hospital_at("002:434") == hospital_at("002:1984") == hospital_at("002:4172")


def test_branches_in_another_city_keep_their_main_site(db, hospital_at):
    parent = {ref: db.execute("SELECT p.name FROM hospitals h JOIN hospitals p ON p.id = h.parent_id WHERE h.id = ?",
                              (hospital_at(ref),)).fetchone() for ref in ("001:696", "001:704", "001:728")}
    assert parent["001:696"][0] == "中山大学附属第三医院"
    assert parent["001:704"][0] == "广东省人民医院"
    assert parent["001:728"][0] == "南方医科大学口腔医院"
    # 粤东分院 (001, 广州's block) and 粤东医院 (002, 梅州) are one site
    assert hospital_at("001:696") == hospital_at("002:245")


def test_hard_negatives_stay_where_their_lists_put_them(db, hospital_at):
    # a campus named after a district of its own city stays there; the seat of a university still fills in a
    # campus printed with its province only
    cities = {name: city for name, city in db.execute(
        "SELECT name, city FROM hospitals WHERE name IN ('南方医科大学南方医院增城分院', '中山大学附属第三医院', "
        "'广东省人民医院', '咸宁市中心医院', '安阳市人民医院')")}
    assert cities == {"南方医科大学南方医院增城分院": "广州市", "中山大学附属第三医院": "广州市", "广东省人民医院": "广州市",
                      "咸宁市中心医院": "咸宁市", "安阳市人民医院": "安阳市"}
    row = db.execute("SELECT city FROM hospitals WHERE name = '华中科技大学附属同济医院（光谷）'").fetchone()
    assert row["city"] == "武汉市"


def test_a_2020_row_with_its_city_in_front_links_once_placed(db):
    row = db.execute("SELECT r.hospital_id, h.name, r.link_reason FROM reference_hospitals r "
                     "JOIN hospitals h ON h.id = r.hospital_id WHERE r.name = '濮阳市安阳地区医院'").fetchone()
    assert row["name"] == "安阳地区医院" and "濮阳市" in row["link_reason"]
    # 安阳市's own hospitals are not touched by it
    assert db.execute("SELECT count(*) FROM reference_hospitals r JOIN hospitals h ON h.id = r.hospital_id "
                      "WHERE r.name LIKE '濮阳市%' AND h.name LIKE '安阳市%'").fetchone()[0] == 0


def test_reviewed_city_facts_cite_their_row(db, hospital_at):
    facts = db.execute("SELECT value, class, source, chosen FROM facts WHERE hospital_id = ? AND fact = 'city'",
                       (hospital_at("002:434"),)).fetchall()
    reviewed = [f for f in facts if f["source"].startswith("知识文件 hospital_cities.tsv:")]
    assert reviewed and {(f["value"], f["class"]) for f in reviewed} == {("420100", "stated")}


def test_a_bad_reviewed_city_row_names_its_file_and_line(tmp_path):
    path = tmp_path / "hospital_cities.tsv"
    path.write_text("manual_ref\tmanual_name\tcity\tevidence\n002:434\t武汉科技大学附属天佑医院\t武汉\tx\n", encoding="utf-8")
    with pytest.raises(FactsError, match=r"hospital_cities.tsv:2: city must be a city's official name"):
        read_known_cities(path)
    path.write_text("manual_ref\tmanual_name\tcity\tevidence\n2:434\t武汉科技大学附属天佑医院\t武汉市\tx\n", encoding="utf-8")
    with pytest.raises(FactsError, match=r"hospital_cities.tsv:2: manual_ref must be NNN:LINE"):
        read_known_cities(path)


def test_a_reviewed_city_citing_the_wrong_name_stops_the_build():
    from directory.facts.known_cities import KnownCity
    from directory.facts.reviewed_rows import cited_listing

    row = KnownCity("hospital_cities.tsv", "hospital_cities.tsv", 2, "002", 434, "咸宁市中心医院", "420100", "x")
    listing = {"raw_name": "武汉科技大学附属天佑医院", "source_file": "002_x.txt", "line": 434}
    with pytest.raises(FactsError, match="prints '武汉科技大学附属天佑医院'"):
        cited_listing(row, {("002", 434): listing})
