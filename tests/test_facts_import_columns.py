"""Imported lists' extra columns (raw_district, raw_address, raw_ownership, raw_lat/raw_lon/raw_crs) become
stated facts citing `import FILE:LINE`; the pure functions are exercised on listing rows as the importer
writes them."""
from __future__ import annotations

from directory.facts.assemble import _import_point
from directory.facts.district import address_candidates
from directory.facts.ownership import stated_candidates
from directory.facts.place import decide_city, listing_evidence

LISTING = {"id": 1, "source_file": "new_list.csv", "line": 7, "raw_name": "杭州市第一人民医院",
           "raw_province": "浙江", "raw_city": "杭州", "raw_district": "上城区", "raw_address": "杭州市上城区浣纱路261号",
           "raw_ownership": "公立", "raw_lat": 30.258433, "raw_lon": 120.169199, "raw_crs": "gcj02"}


def test_import_cells_are_stated_city_and_district():
    ev = listing_evidence(LISTING, LISTING["raw_name"], "imported")
    cells = [e for e in ev if e.kind == "import_cell"]
    assert len(cells) == 1 and cells[0].source == "导入名单 new_list.csv:7"
    assert (cells[0].city, cells[0].district) == ("330100", "330102")
    decision = decide_city("h1", ev)
    chosen = [f for f in decision.facts if f.chosen]
    assert decision.city == "330100" and chosen[0].klass == "stated" and chosen[0].source == "导入名单 new_list.csv:7"


def test_an_imported_address_gives_a_stated_district():
    facts = address_candidates("h1", LISTING["raw_address"], "330100", "导入名单 new_list.csv:7")
    assert [(f.value, f.klass, f.source) for f in facts] == [("330102", "stated", "导入名单 new_list.csv:7")]


def test_an_ownership_column_is_stated_and_unknown_words_are_not_guessed():
    assert [(f.value, f.klass) for f in stated_candidates("h1", "公立", "导入名单 new_list.csv:7")] == [("public", "stated")]
    assert [f.value for f in stated_candidates("h1", "民营", "导入名单 x.csv:2")] == ["private"]
    assert stated_candidates("h1", "股份制", "导入名单 x.csv:2") == []


def test_imported_coordinates_are_stated_points_in_wgs84():
    # the importer converts to WGS-84 (raw_crs says from what); the fact cites the import row
    c = _import_point("h1", LISTING, {"new_list.csv": "imported"})
    assert c is not None and c.klass == "stated" and c.source == "导入名单 new_list.csv:7"
    assert (c.lat, c.lon) == (30.258433, 120.169199) and "由导入程序从 gcj02 换算" in c.evidence
    assert _import_point("h1", {**LISTING, "raw_lat": None}, {"new_list.csv": "imported"}) is None
