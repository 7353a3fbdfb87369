"""Geography on the built registry: every place string the manuals print, cities for listings,
coordinates inside their own unit, grades with sources."""
from __future__ import annotations

import pytest
from shapely.geometry import Point

from directory.locate import resolve_listed
from geodata.divisions import load_regions
from geodata.polygons import load_polygons

# Place strings the manuals print that no official name or rule can place, with why.
KNOWN_UNPLACEABLE = {
    "邓煌市": "typo (敦煌市?) in 003:660; not guessed",
    "直辖县": "003:718 heading for Hainan's province-administered counties, not one city",
}



def _raw_places(db) -> set[tuple[str | None, str | None]]:
    rows = db.execute("SELECT DISTINCT raw_province, raw_city FROM listings WHERE raw_country IS NULL "
                      "UNION SELECT DISTINCT raw_province, raw_city FROM coverage_entries").fetchall()
    return {(p, c) for p, c in rows if p or c}


def test_every_printed_place_string_resolves_or_is_known_unplaceable(db):
    regions = load_regions()
    official = {r.name for r in regions.values()}
    cases = [(p, c) for p, c in _raw_places(db) if not ({p, c} - {None} <= official)]
    assert len(cases) > 100  # the manuals are full of short and old forms
    failures = []
    for province, city in sorted(cases, key=str):
        m = resolve_listed(province, city)
        if city in KNOWN_UNPLACEABLE:
            assert m.status in ("unknown", "ambiguous") and not m.city_adcode, (province, city)
            continue
        if m.status not in ("exact", "alias", "conflict") or not (m.city_adcode or (m.province_adcode and not city)):
            failures.append((province, city, m.status, m.reason))
    assert failures == []


@pytest.mark.parametrize(
    "province, city, adcode",
    [
        ("北京市", "市辖区", "110100"), ("北京", "北京", "110100"), ("重庆市", "县", "500100"),
        ("四川", "凉山州", "513400"), ("四川", "凉山彝族自治州", "513400"), ("云南", "大理州", "532900"),
        ("湖南", "湘西州", "433100"), ("云南", "思茅", "530800"), ("山东省", "莱芜市", "370116"),
        ("四川", "彭州市", "510182"), ("四川", "邛崃市", "510183"), ("四川", "都江堰市", "510181"),
        ("山西", "霍州市", "141082"), ("广东", "鄂州市", "420700"), ("四川", "东营市", "370500"),
    ],
)
def test_named_place_forms(province, city, adcode):
    m = resolve_listed(province, city)
    assert adcode in (m.district_adcode, m.city_adcode), m


def test_shifted_row_under_the_wrong_province_is_a_visible_conflict():
    m = resolve_listed("广东", "鄂州市")
    assert m.status == "conflict" and m.city_adcode == "420700" and "广东" in m.reason


def test_at_least_99_percent_of_mainland_listings_have_a_city(db):
    total, with_city = db.execute(
        "SELECT count(*), sum(city_adcode IS NOT NULL) FROM listings WHERE raw_country IS NULL "
        "OR raw_country = '中国'").fetchone()
    assert with_city / total >= 0.99
    report = dict(db.execute("SELECT item, value FROM build_report WHERE section = 'places'").fetchall())
    assert "listings without a city" in report


def test_seed_004_province_only_rows_get_their_city(db):
    rows = db.execute("SELECT l.raw_name, h.city_adcode FROM listings l JOIN hospitals h ON h.id = l.hospital_id "
                      "WHERE l.table_id = '004-special-drug-hospitals'").fetchall()
    assert len(rows) == 58 and all(city for _, city in rows)
    city = dict(rows)
    assert city["香港大学深圳医院"] == "440300"  # the name says 深圳, not 香港
    assert city["中山大学附属肿瘤医院"] == "440100"  # 中山大学 is in 广州, not 中山市
    assert city["华中科技大学附属同济医院（光谷）"] == "420100"


def test_name_beats_a_contradicting_city_cell(db):
    # 001:682 prints 常州市第一人民医院 on the 徐州 row (a shifted block): the name's 常州 wins, visibly.
    city, status, reason = db.execute("SELECT city_adcode, place_status, place_reason FROM listings "
                                      "WHERE source_file LIKE '001%' AND line = 682").fetchone()
    assert (city, status) == ("320400", "name") and "CONFLICT" in reason


def test_coordinates_are_wgs84_inside_their_own_unit(db):
    rows = db.execute("SELECT id, adcode, city_adcode, lat, lon, geo_precision FROM hospitals "
                      "WHERE lat IS NOT NULL AND country = '中国'").fetchall()
    assert len(rows) > 1000
    polygons = {**load_polygons("city"), **load_polygons("district")}
    outside = []
    for hid, adcode, city, lat, lon, precision in rows:
        unit = adcode if precision == "district" else city
        poly = polygons.get(unit)
        if poly is not None and not poly.buffer(0.005).contains(Point(lon, lat)):
            outside.append((hid, unit, lat, lon))
    assert outside == []
    assert {r[5] for r in rows} <= {"district", "city", "exact"}
    # abroad, a hospital known only to its state or country sits on that place's point and says so
    abroad = {r[0] for r in db.execute("SELECT DISTINCT geo_precision FROM hospitals WHERE country != '中国'")}
    assert abroad <= {"exact", "city", "region", "country"}


def test_hospitals_without_a_city_say_so(db):
    rows = db.execute("SELECT place_source, lat, geo_precision FROM hospitals WHERE country = '中国' "
                      "AND city_adcode IS NULL")
    # no centroid to stand in for them; an exact point (台湾童综合医院's Wikidata item) is their own
    assert all(src in ("none", "list_province") and (lat is None or precision == "exact")
               for src, lat, precision in rows)


def test_grades_are_normalized_with_a_source(db):
    rows = db.execute("SELECT grade, grade_source, grade_class FROM hospitals WHERE grade IS NOT NULL").fetchall()
    stated = {"三级特等", "三级甲等", "三级乙等", "三级丙等", "三级", "二级甲等", "二级乙等", "二级丙等", "二级",
              "一级甲等", "一级乙等", "一级丙等", "一级", "未定级"}
    # a source states a grade; a reviewer (knowledge/hospital_facts.tsv) may state only a lower bound
    assert rows and {g for g, s, c in rows if c == "stated" and not s.startswith("知识文件 ")} <= stated
    assert {g for g, s, c in rows if c == "stated" and s.startswith("知识文件 ")} <= stated | {"二级及以上"}
    assert {g for g, _, c in rows if c == "inferred"} <= {"二级及以上"}  # a range, never a class
    assert all(src.startswith(("名单 ", "参考数据 ", "导入名单 ", "知识文件 hospital_facts.tsv:"))
               for _, src, c in rows if c == "stated")
    assert all(src.startswith(("规则 grade_rules.tsv:", "规则 campus_rules.tsv:")) for _, src, c in rows
               if c == "inferred")
    unknown = db.execute("SELECT count(*) FROM hospitals WHERE grade IS NULL AND grade_source IS NOT NULL")
    assert unknown.fetchone()[0] == 0


def test_city_tiers_come_from_the_data_file(db):
    tiers = dict(db.execute("SELECT name, tier FROM regions WHERE level = 'city' AND tier IS NOT NULL"))
    assert tiers["北京市"] == "一线" and tiers["成都市"] == "新一线"
    assert tiers["拉萨市"] == "四线"  # the 2025 ranking covers 337 cities
    assert db.execute("SELECT tier FROM regions WHERE adcode = '429004'").fetchone()[0] is None  # 仙桃: unranked
    sources = {r[0] for r in db.execute("SELECT DISTINCT tier_source FROM regions WHERE tier IS NOT NULL")}
    assert sources == {"第一财经·新一线城市研究所《2025城市商业魅力排行榜》(2025-05-28)"}
