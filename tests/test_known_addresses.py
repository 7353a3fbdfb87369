"""The reviewed hospital addresses (directory/knowledge/hospital_addresses.tsv): the file's format and its
load errors, every row against the real manuals and a registry built from them, their place in the
district choice, and their agreement with independent district evidence on the real build."""
from __future__ import annotations

from pathlib import Path

import pytest

from directory.facts.address_check import check_known_addresses
from directory.facts.assemble import known_address_facts
from directory.facts.knowledge import district_weight
from directory.facts.known_addresses import COLUMNS, known_addresses, read_known_addresses
from directory.facts.records import Fact, FactsError, choose
from directory.knowledge import KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parent.parent
FILE = KNOWLEDGE_DIR / "hospital_addresses.tsv"
HEADER = "\t".join(COLUMNS)
GOOD = "000:308\t北京协和医院\t北京市\t北京市东城区帅府园1号\t东城区\t医院公布的地址（本部）"



def _write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "hospital_addresses.tsv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_bundled_file_loads_and_every_row_says_something():
    rows = known_addresses()
    assert len(rows) >= 400
    assert FILE.read_text(encoding="utf-8").split("\n", 1)[0] == HEADER
    for r in rows:
        assert r.evidence and r.address and r.source == f"知识文件 hospital_addresses.tsv:{r.line}"
    refs = [r.manual_ref for r in rows]
    assert len(refs) == len(set(refs))


@pytest.mark.parametrize("row, message", [
    ("000:308\t北京协和医院\t北京市\t北京市东城区帅府园1号\t东城区", "2: 5 columns, expected 6"),
    ("000:308\t北京协和医院\t北京市\t北京市东城区帅府园1号\t东城区\t", "2: empty 'evidence'"),
    ("308\t北京协和医院\t北京市\t北京市东城区帅府园1号\t东城区\tx", "2: manual_ref must be NNN:LINE"),
    ("000:308\t北京协和医院\t北京\t北京市东城区帅府园1号\t东城区\tx", "2: city must be a city's official name"),
    ("000:308\t北京协和医院\t北京市\t北京市帅府园1号\t东城区\tx", "2: address '北京市帅府园1号' names no county-level unit"),
    ("000:308\t北京协和医院\t北京市\t北京市东城区帅府园1号\t西城区\tx",
     "2: district '西城区' disagrees with the address, which names 东城区"),
    # 普陀区 read inside 舟山市 is 舟山's 普陀区, not 上海's
    ("002:1\tx\t舟山市\t普陀区某路1号\t普陀区\tx", None),
])
def test_load_errors_name_the_file_and_line(tmp_path, row, message):
    path = _write(tmp_path, row)
    if message is None:
        (got,) = read_known_addresses(path)
        assert got.district == "330903"
        return
    with pytest.raises(FactsError) as err:
        read_known_addresses(path)
    assert str(err.value).startswith(f"{path}:{message.split(':')[0]}:")
    assert message.split(": ", 1)[1] in str(err.value)


def test_bad_header_and_duplicate_rows_are_refused(tmp_path):
    with pytest.raises(FactsError, match=r"hospital_addresses.tsv:1: header"):
        read_known_addresses(_write(tmp_path, GOOD, header="ref\tname\tcity\taddress\tdistrict\tevidence"))
    with pytest.raises(FactsError, match=r"hospital_addresses.tsv:3: manual_ref 000:308 already on line 2"):
        read_known_addresses(_write(tmp_path, GOOD, GOOD))


def test_a_row_must_name_a_real_listing_with_its_printed_name(tmp_path, db):
    listings = {(r["source_file"][:3], r["line"]): dict(r) for r in db.execute("SELECT * FROM listings")}
    by_id = {r["id"]: dict(r) for r in db.execute("SELECT * FROM hospitals")}
    (good,) = read_known_addresses(_write(tmp_path, GOOD))
    facts = known_address_facts([good], listings, by_id)
    assert [(f.fact, f.value, f.klass, f.source) for f in facts] == [
        ("district", "110101", "stated", "知识文件 hospital_addresses.tsv:2"),
        ("address", "北京市东城区帅府园1号", "stated", "知识文件 hospital_addresses.tsv:2")]
    path = _write(tmp_path, GOOD.replace("000:308", "000:99999"))
    with pytest.raises(FactsError, match=rf"{path}:2: manual_ref 000:99999 is not a listing of any manual"):
        known_address_facts(read_known_addresses(path), listings, by_id)
    path = _write(tmp_path, GOOD.replace("000:308", "000:309"))  # 000:309 prints 北京大学第一医院
    with pytest.raises(FactsError, match=rf"{path}:2: manual 000:309 prints '北京大学第一医院', not '北京协和医院'"):
        known_address_facts(read_known_addresses(path), listings, by_id)


def test_every_row_is_a_real_listing_whose_printed_name_matches(db, manual_lines):
    for r in known_addresses():
        printed = db.execute("SELECT raw_name, raw_text FROM listings WHERE substr(source_file, 1, 3) = ? AND line = ?",
                             (r.doc, r.manual_line)).fetchall()
        assert [p["raw_name"].strip() for p in printed] == [r.manual_name], r.manual_ref
        # and the manual's own line prints it (spaces as the PDF extraction left them aside)
        assert r.manual_name.replace(" ", "") in manual_lines[r.doc][r.manual_line - 1].replace(" ", ""), r.manual_ref


def test_every_row_is_a_district_fact_of_its_hospital_in_its_city(db):
    for r in known_addresses():
        h = db.execute("SELECT h.* FROM listings l JOIN hospitals h ON h.id = l.hospital_id "
                       "WHERE substr(l.source_file, 1, 3) = ? AND l.line = ?", (r.doc, r.manual_line)).fetchone()
        assert h["city_adcode"] == r.city, r.manual_ref
        fact = db.execute("SELECT * FROM facts WHERE hospital_id = ? AND fact = 'district' AND source = ?",
                          (h["id"], r.source)).fetchone()
        assert (fact["value"], fact["class"]) == (r.district, "stated"), r.manual_ref
        assert r.address in fact["evidence"] and r.evidence in fact["evidence"]
        # every hospital with a reviewed row has a district now (its own, or a source's that outweighs it)
        assert h["district"] is not None and h["district_class"] == "stated", r.manual_ref


def test_the_reviewed_address_weighs_below_the_sources_and_above_every_inference():
    klass, weight = district_weight("knowledge_address")
    assert klass == "stated"
    for stronger in ("list_cell", "import_address", "reference_address", "reference_county"):
        assert district_weight(stronger) == ("stated", district_weight(stronger)[1])
        assert district_weight(stronger)[1] > weight
    known = Fact("h", "district", "110101", "stated", "知识文件 hospital_addresses.tsv:2", "", weight)
    county = Fact("h", "district", "110102", "stated", "参考数据 fever_clinics_2020.tsv:9", "",
                  district_weight("reference_county")[1])
    point = Fact("h", "district", "110105", "inferred", "规则 point-in-district", "", district_weight("point")[1])
    name = Fact("h", "district", "110108", "inferred", "名单 001:1", "", district_weight("name")[1])
    assert choose([known, county, point])[1].source.startswith("参考数据 ")
    assert choose([known, point, name])[1] is not None and choose([known, point, name])[1].value == "110101"


def test_a_reviewed_address_is_the_address_only_where_no_source_gives_one(db):
    row = db.execute("SELECT address, address_source, district, district_source FROM hospitals WHERE name = '北京协和医院'"
                     ).fetchone()
    assert row["address"] == "北京市东城区帅府园1号" and row["district"] == "东城区"
    assert row["address_source"].startswith("知识文件 hospital_addresses.tsv:")
    # 内蒙古自治区人民医院: the 2020 list gives an address without a district; the reviewed row gives the
    # district, the 2020 address stays the address.
    row = db.execute("SELECT address, address_source, district, district_source FROM hospitals "
                     "WHERE name = '内蒙古自治区人民医院'").fetchone()
    assert row["address"] == "内蒙古呼和浩特市昭乌达路20号"
    assert row["address_source"].startswith("参考数据 fever_clinics_2020.tsv:")
    assert row["district"] == "赛罕区" and row["district_source"].startswith("知识文件 hospital_addresses.tsv:")


def test_a_point_far_from_the_reviewed_district_is_rejected_and_stays_visible(db):
    # 中国医科大学附属第一医院 is at 和平区南京北街155号; its Wikidata point lies 1.5 km outside the 和平区
    # polygon (1.1 km inside 皇姑区): beyond the 1 km tolerance the point is kept as a fact, not used.
    h = db.execute("SELECT * FROM hospitals WHERE name = '中国医科大学附属第一医院'").fetchone()
    assert (h["district"], h["district_class"]) == ("和平区", "stated")
    assert h["geo_precision"] == "district"
    point = db.execute("SELECT evidence, chosen FROM facts WHERE hospital_id = ? AND fact = 'point' "
                       "AND source = 'Wikidata Q17014231'", (h["id"],)).fetchone()
    assert point["chosen"] == 0 and "不采用：在和平区多边形外 1.5 公里" in point["evidence"]


def test_reviewed_addresses_agree_with_independent_evidence_on_the_real_build(registry):
    agreements, distances = check_known_addresses(registry, ROOT / "sources" / "reference")
    # independent evidence: a 2020 address or county, a list cell, the name or campus, a point ≥ 1 km inside
    assert len(agreements) >= 150
    assert sum(a.agrees for a in agreements) / len(agreements) >= 0.95
    # every Wikidata point of a reviewed hospital lies within a few km of the reviewed district's polygon
    assert len(distances) >= 250
    assert all(d.margin_km >= -5.0 for d in distances), [(d.hospital, d.margin_km) for d in distances]
    assert sum(d.margin_km >= -1.0 for d in distances) / len(distances) >= 0.98
