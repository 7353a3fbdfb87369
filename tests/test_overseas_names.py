"""Overseas hospitals: the English name decides; campuses and cities stay apart."""
from __future__ import annotations

import pytest

from directory.hospitals import resolve_hospitals
from directory.names import chinese_part, english_key


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Mayo Clinic 梅奥诊所", "mayo clinic"),
        ("Mayo Clinic-Phoenix 梅奥诊所", "mayo clinic-phoenix"),
        ("Berlin' s Charité (Berlin, Germany) 柏林慈善医院 (柏林, 德国)", "berlin's charité"),
        ("ＭＡＹＯ  Clinic 梅奥诊所", "mayo clinic"),
        ("DMC 哈珀大学医院", None),  # an initialism alone is no name
        ("日内瓦大学医院", None),
    ],
)
def test_english_key(name, key):
    assert english_key(name) == key


def test_chinese_part():
    assert chinese_part("University Hospital of Geneva (Geneva, Switzerland) 日内瓦大学医院 (日内瓦, 瑞士)") == "日内瓦大学医院"


def resolve_overseas(*rows: tuple[str, str | None]) -> list[str]:
    listings = [{"id": i, "source_file": f"list{i}.tsv", "line": 2, "table_id": "t", "raw_name": name,
                 "raw_province": None, "raw_city": None, "raw_country": "美国", "raw_place": city, "raw_grade": None}
                for i, (name, city) in enumerate(rows, 1)]
    origin = {f"list{i}.tsv": "imported" for i in range(1, len(rows) + 1)}
    resolve_hospitals(listings, [{"table_id": "t", "service_id": "s"}], origin)
    return [li["hospital_id"] for li in listings]


def test_same_english_name_different_translations_merge():
    a, b = resolve_overseas(("Cleveland Clinic 克利夫兰诊所", "克利夫兰"), ("Cleveland Clinic 克里夫兰医学中心", None))
    assert a == b


def test_different_english_names_stay_apart_whatever_the_chinese():
    ids = resolve_overseas(("Mayo Clinic 梅奥诊所", "罗切斯特"), ("Mayo Clinic-Phoenix 梅奥诊所", None),
                           ("Mayo Clinic-Jacksonville 梅奥诊所", None))
    assert len(set(ids)) == 3


def test_one_english_name_in_two_cities_stays_two_sites():
    a, b = resolve_overseas(("Mayo Clinic 梅奥诊所", "罗切斯特"), ("Mayo Clinic 梅奥医学中心", "凤凰城"))
    assert a != b



def _h(db, doc: str, line: int) -> str:
    return db.execute("SELECT hospital_id FROM listings WHERE source_file LIKE ? AND line = ?",
                      (f"{doc}_%", line)).fetchone()[0]


def test_overseas_on_the_registry(db):
    assert _h(db, "000", 377) == _h(db, "001", 298)  # New York-Presbyterian: 纽约长老会医院 / 哥伦比亚大学和康奈尔…
    assert _h(db, "000", 487) == _h(db, "001", 283)  # 日内瓦大学医院 = University Hospital of Geneva
    assert _h(db, "000", 368) == _h(db, "001", 285)  # Mayo Clinic
    assert len({_h(db, "000", 368), _h(db, "000", 379), _h(db, "000", 432)}) == 3  # Rochester, Phoenix, Jacksonville


def test_a_chinese_name_containing_another_is_the_same_hospital():
    a, b = resolve_overseas(("罗纳德里根加州大学洛杉矶分校医学中心", "洛杉矶"), ("UCLA Medical Center 加州大学洛杉矶分校医学中心", None))
    assert a == b
    c, d = resolve_overseas(("梅奥诊所杰克逊维尔", "杰克逊维尔"), ("Mayo Clinic 梅奥诊所", "罗切斯特"))
    assert c != d  # 梅奥诊所 is too short to name a hospital inside another name
