"""Exact points from reviewed Wikidata links: checked against city and district polygons, overseas by
country; campus links are not a site's point. Built from a copy of the sources with a small links file
(tests/data/wikidata_links_fixture.tsv) so the checks are exercised whatever the real mapping holds."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from shapely.geometry import Point

from directory.facts.records import FactsError
from directory.facts.wikidata import read_items, read_links
from geodata.polygons import inside_margin_km, polygon

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "wikidata_links_fixture.tsv"
ITEMS = ROOT / "sources" / "reference" / "wikidata_hospitals.tsv"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from directory.build import build
    from directory.manifest import load_manifest

    src = tmp_path_factory.mktemp("sources") / "sources"
    shutil.copytree(ROOT / "sources", src, ignore=shutil.ignore_patterns("imported", "wikidata_links.tsv"))
    shutil.copy(FIXTURE, src / "reference" / "wikidata_links.tsv")
    out = src.parent / "registry.db"
    build(out, manifest=load_manifest(src / "manifest.toml"))
    conn = sqlite3.connect(out)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def _hospital(db, name: str) -> sqlite3.Row:
    return db.execute("SELECT * FROM hospitals WHERE name = ?", (name,)).fetchone()


def test_a_same_site_link_gives_a_stated_exact_point_and_its_district(db):
    h = _hospital(db, "北京协和医院")
    assert (h["lat"], h["lon"], h["geo_precision"], h["point_class"]) == (39.91139, 116.40965, "exact", "stated")
    assert h["geo_source"].startswith("Wikidata Q7161058")
    # Its district is stated by the reviewed address (knowledge/hospital_addresses.tsv: 帅府园1号, 东城区);
    # the point, 1.7 km inside 东城区, agrees with it.
    assert (h["district"], h["district_class"]) == ("东城区", "stated")
    assert h["district_source"].startswith("知识文件 hospital_addresses.tsv:")
    # No name, cell, reference or reviewed address gives 贵州省肿瘤医院's district: its point, 1.2 km
    # inside 云岩区, does (inferred).
    h = _hospital(db, "贵州省肿瘤医院")
    assert (h["geo_precision"], h["point_class"]) == ("exact", "stated")
    assert (h["district"], h["district_class"]) == ("云岩区", "inferred")
    assert h["district_source"].startswith("规则 point-in-district：Wikidata Q30260457")
    # 北京丰台医院's name reads 丰台区 (丰台 right after 北京: district_rules.tsv); its point, 4.2 km inside
    # 丰台区, agrees and is counted by the point-in-district check instead.
    h = _hospital(db, "北京丰台医院")
    assert (h["geo_precision"], h["point_class"]) == ("exact", "stated")
    assert (h["district"], h["district_class"]) == ("丰台区", "inferred")
    assert h["district_source"].startswith("规则 district_rules.tsv:2 city-then-county")


def test_a_point_outside_the_city_is_rejected_and_kept_visible(db):
    h = _hospital(db, "中南大学湘雅二医院")
    assert h["geo_source"].startswith("Wikidata Q17031457") and h["geo_precision"] == "exact"
    wrong = db.execute("SELECT chosen, evidence FROM facts WHERE hospital_id = ? AND source = 'Wikidata Q10924797'",
                       (h["id"],)).fetchone()
    assert wrong["chosen"] == 0 and "不采用：在长沙市多边形外" in wrong["evidence"]
    # its district is stated by the 2020 list's address; the accepted point is checked against it
    assert (h["district"], h["district_class"]) == ("芙蓉区", "stated")


def test_a_campus_link_is_not_the_site_point(db):
    h = _hospital(db, "上海交通大学附属瑞金医院古北分院")
    assert h["geo_precision"] != "exact"
    f = db.execute("SELECT chosen, evidence FROM facts WHERE hospital_id = ? AND source = 'Wikidata Q7378746'",
                   (h["id"],)).fetchone()
    assert f["chosen"] == 0 and "未采用：院区条目是另一处院址" in f["evidence"]
    assert _hospital(db, "上海交通大学医学院附属瑞金医院")["geo_precision"] == "exact"


def test_overseas_points_need_the_same_country(db):
    h = db.execute("SELECT * FROM hospitals WHERE name LIKE 'Massachusetts General Hospital%'").fetchone()
    assert (h["geo_precision"], h["point_class"], h["country"]) == ("exact", "stated", "美国")


def test_every_exact_point_lies_in_its_city_polygon(db):
    rows = db.execute("SELECT name, city_adcode, lat, lon FROM hospitals WHERE geo_precision = 'exact' "
                      "AND country = '中国'").fetchall()
    assert len(rows) == 6  # 协和, 积水潭, 瑞金, 湘雅二院, 北京丰台医院, 贵州省肿瘤医院
    assert all(polygon(r["city_adcode"]).covers(Point(r["lon"], r["lat"])) for r in rows)


def test_the_links_file_is_a_source(db):
    files = {r[0] for r in db.execute("SELECT file FROM sources WHERE origin LIKE '参考数据%'")}
    assert {"wikidata_links.tsv", "wikidata_hospitals.tsv", "fever_clinics_2020.tsv"} <= files


@pytest.mark.parametrize("change, message", [
    (("Q7161058", "Q999999999999"), "wikidata_links.tsv:2: Q999999999999 is not in wikidata_hospitals.tsv"),
    (("000:308", "308"), "wikidata_links.tsv:2: manual_ref must be NNN:LINE"),
    (("39.91139", "39.95"), "wikidata_links.tsv:2: point (39.95, 116.40965) is not Q7161058's point"),
    (("\tsame\tlabel = 北京", "\tidentical\tlabel = 北京"), "wikidata_links.tsv:2: match must be 'same' or 'campus'"),
])
def test_bad_link_rows_name_file_and_line(tmp_path, change, message):
    text = FIXTURE.read_text(encoding="utf-8").replace(*change, 1)
    path = tmp_path / "wikidata_links.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_links(path, read_items(ITEMS))


def test_margin_is_measured_in_kilometres():
    beijing = polygon("110100")
    assert inside_margin_km(beijing, 39.91139, 116.40965) > 20  # 天安门 area: deep inside 北京
    assert inside_margin_km(beijing, 31.2109, 121.4666) < -900  # 上海 is ~1,000 km away
