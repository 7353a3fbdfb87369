"""Reference lists of hospitals (the 2020 fever-clinic list) read as evidence and linked to the registry.

A reference row is linked to a registry hospital only through the registry's own name matching
(`directory.lookup.resolve_name`) inside the row's own city, and only when the match is confident
(LINK_MIN_SCORE). Unlinked rows never become registry hospitals; they stay in `reference_hospitals`.
"""
from __future__ import annotations

import csv
import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from directory import provenance
from directory.facts.records import FactsError
from geodata.place_index import place_index
from geodata.places import resolve_place

FEVER_FILE = "fever_clinics_2020.tsv"
FEVER_COLUMNS = ("province", "city", "county", "name", "level", "designated", "address", "tel", "source", "date")
FEVER_PROVENANCE = {
    "title": "2020 年发热门诊医院名单（各省卫健委公告汇编）",
    "date": "2020-01-25",
    "origin": "参考数据：hhui64/wuhan2020map src/assets/json/data_20200211030250.json（commit fd2a2777，MIT），"
              "汇编自各省卫健委的发热门诊公告，2020-01-21…25",
}
# resolve_name scores 100 for the same text and 98 for the same normalized name with the same places.
# 95 ('same core') is not enough here: on this list it linked 哈尔滨市阿城区中医医院 to 黑龙江省中医医院 and
# 尉氏县人民医院 to 开封市第一人民医院 (see tests/test_facts_reference.py).
LINK_MIN_SCORE = 98.0


@dataclass(frozen=True)
class ReferenceRow:
    """One row of a reference list, as printed, with where it is (file, 1-based line)."""

    file: str
    line: int
    province: str
    city: str
    county: str
    name: str
    level: str
    designated: str
    address: str
    tel: str
    issuer: str
    date: str

    @property
    def ref(self) -> str:
        return provenance.reference_ref(self.file, self.line)


@dataclass(frozen=True)
class PlacedRow:
    """A reference row with its city (and county) resolved to adcodes."""

    row: ReferenceRow
    city_adcode: str | None
    county_adcode: str | None
    county_reason: str


@dataclass(frozen=True)
class Link:
    """A reference row linked to a registry hospital, with the matcher's score and reason."""

    placed: PlacedRow
    hospital_id: str
    score: float
    reason: str


@dataclass(frozen=True)
class ReferenceFile:
    rows: tuple[ReferenceRow, ...]
    sha256: str
    line_count: int


def read_fever_list(path: Path) -> ReferenceFile:
    """Read the fever-clinic list; a wrong header or row width is an error naming the file and line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FactsError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    lines = data.decode("utf-8").split("\n")
    header = tuple(lines[0].rstrip("\r").split("\t"))
    if header != FEVER_COLUMNS:
        raise FactsError(f"{path}:1: header {header!r} != expected {FEVER_COLUMNS!r}")
    rows = []
    for lineno, cells in enumerate(csv.reader(lines[1:], delimiter="\t", quoting=csv.QUOTE_NONE), start=2):
        if not cells or not any(c.strip() for c in cells):
            continue
        if len(cells) != len(FEVER_COLUMNS):
            raise FactsError(f"{path}:{lineno}: {len(cells)} columns, expected {len(FEVER_COLUMNS)}")
        c = [x.strip() for x in cells]
        if not c[3]:
            raise FactsError(f"{path}:{lineno}: empty name")
        rows.append(ReferenceRow(path.name, lineno, *c))
    return ReferenceFile(tuple(rows), hashlib.sha256(data).hexdigest(), len(lines))


_NOT_A_COUNTY = frozenset({"", "市本级", "市直", "市属", "省直", "省属", "本级", "市区", "市辖区"})


def place_row(row: ReferenceRow) -> PlacedRow:
    """Resolve the row's city, then its county within that city ('东城' → 东城区, '路南区')."""
    city = resolve_place(row.province, row.city)
    city_code = city.city_adcode if city.status in ("exact", "alias") else None
    if city_code is None or row.county in _NOT_A_COUNTY:
        return PlacedRow(row, city_code, None, "" if city_code else city.reason)
    county = resolve_place(row.province, row.city, row.county)
    ok = county.status in ("exact", "alias") and county.district_adcode and county.city_adcode == city_code
    return PlacedRow(row, city_code, county.district_adcode if ok else None, county.reason)


def registry_index(hospitals: list[dict], aliases: list[dict], name_norms: list[dict]):
    """The registry's own name index (directory.lookup) over rows not yet written to disk."""
    import sqlite_utils

    from directory.lookup import build_index
    from directory.schema import TABLES, create_schema

    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    create_schema(db)
    for name, rows in (("hospitals", hospitals), ("aliases", aliases), ("name_norms", name_norms)):
        cols = list(TABLES[name]["columns"])
        db.conn.executemany(f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in cols)}) "
                            f"VALUES ({', '.join('?' * len(cols))})", ([r.get(c) for c in cols] for r in rows))
    try:
        return build_index(db.conn)
    finally:
        db.conn.close()


def link_rows(placed: list[PlacedRow], index, min_score: float = LINK_MIN_SCORE) -> list[Link]:
    """Link each row to a registry hospital in its own city when the registry's matcher is confident.

    A row whose name leaves out its city (武进人民医院, 罗湖区人民医院 in lists per city) is tried again with
    the city's name in front (常州市武进人民医院), at the same score, and linked only when its county column
    and address — where it has them — name the county the hospital's own name states (深圳's '第二人民医院'
    under 福田区 is not linked to 深圳大学第一附属医院, whose name states no county to confirm it; 武进人民医院
    at '天宁区永宁北路2号' is not linked to 常州市武进人民医院)."""
    from directory.facts.district import county_after_city, district_from_address
    from directory.lookup import resolve_name
    from geodata.name_places import place_from_name

    names = place_index().names
    cities = {h.city_adcode for h in index.hospitals.values()}
    links = []
    for p in placed:
        if p.city_adcode is None or p.city_adcode not in cities:
            continue  # never across cities: a row whose city has no registry hospital stays unlinked
        res = resolve_name(index, p.row.name, city_adcode=p.city_adcode, city_name=p.row.city)
        best = res["best"]
        if best and best["score"] >= min_score and best["city_adcode"] == p.city_adcode:
            links.append(Link(p, best["id"], best["score"], "; ".join(best["reasons"])))
            continue
        city_name = names.get(p.city_adcode, "")
        if not city_name or p.row.name.startswith(city_name.removesuffix("市")):
            continue
        res = resolve_name(index, city_name + p.row.name, city_adcode=p.city_adcode, city_name=p.row.city)
        best = res["best"]
        if not best or best["score"] < min_score or best["city_adcode"] != p.city_adcode:
            continue
        named = place_from_name(best["name"]).district_adcode or county_after_city(best["name"], p.city_adcode)
        at = district_from_address(p.row.address, p.city_adcode).district if p.row.address else None
        if any(c and c != named for c in (p.county_adcode, at)):
            continue  # the row's county or address must name the county the hospital's own name states
        links.append(Link(p, best["id"], best["score"], f"名称前加上所在城市：{city_name}{p.row.name}；"
                          + "；".join(best["reasons"])))
    return links


def reference_rows(placed: list[PlacedRow], links: list[Link], grade_of) -> list[dict]:
    """The `reference_hospitals` table: every row as printed, its adcodes and its link (if any)."""
    linked = {(lk.placed.row.file, lk.placed.row.line): lk for lk in links}
    out = []
    for p in placed:
        r = p.row
        lk = linked.get((r.file, r.line))
        grade = grade_of(r.level)
        out.append({
            "source_file": r.file, "line": r.line, "name": r.name, "province": r.province, "city": r.city,
            "county": r.county, "city_adcode": p.city_adcode, "county_adcode": p.county_adcode,
            "level": r.level or None, "grade": grade, "designated": r.designated or None,
            "address": r.address or None, "tel": r.tel or None, "issuer": r.issuer or None, "date": r.date or None,
            "hospital_id": lk.hospital_id if lk else None, "link_score": lk.score if lk else None,
            "link_reason": lk.reason if lk else None,
        })
    return out
