"""A hospital with its facts as the rules read them: each fact a value, a class and its evidence.

The facts stage writes them into `hospitals` (value, `*_class`, `*_source` columns) and the long
`facts` table (one row per candidate value; `chosen` marks the one on the hospital row, whose
`evidence` is quoted here). The class is 'stated' or 'inferred'; NULL means unknown, and a value
without a class is treated as unknown — a fact is never used without evidence.

`city_proper` (1 = in a 市辖区, 0 = in a county or county-level city) is the facts stage's answer to "is it
in the city proper", known even where the district is not (an exact point inside the city's 区 polygons).
The hospital's city is `city_adcode` with `city_class`; its source is the chosen `facts` row for 'city',
else what `hospitals.place_source` says placed it (the list's cells, the name, an institution's seat).
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from directory.eligibility.vocabulary import CLASS_LABELS, FactClass, fact_label
from directory.manual_titles import Titles, cite_source, titled

BASE_COLUMNS = ("id", "name", "province", "city", "district", "adcode", "province_adcode", "city_adcode", "lat",
                "lon", "geo_precision", "geo_source", "grade", "grade_source", "parent_id", "campus", "country",
                "listing_count", "place_source", "overseas_city")
FACT_COLUMNS = ("city_class", "district_class", "district_source", "point_class", "city_proper", "city_proper_class",
                "city_proper_source", "grade_class", "ownership", "ownership_class",
                "ownership_source", "facility_type", "facility_type_class", "facility_type_source", "inpatient",
                "inpatient_class", "inpatient_source")
CLASSES = ("stated", "inferred")
CITY_SOURCE_BY_PLACE_SOURCE: dict[str, str] = {
    "list": "名单所列的省/市栏",
    "name": "医院名称中的地名",
    "institution_seat": "所属院校的所在城市（geodata/data/institution_seats.tsv）",
}
# Facility types that do not admit patients: an inpatient service needs a hospital.
NOT_INPATIENT_TYPES = frozenset({"门诊部", "诊所", "体检机构"})
HOSPITAL_TYPES = frozenset({"综合", "专科", "中医", "妇幼", "口腔"})


@dataclass(frozen=True)
class Fact:
    """One fact about a hospital: value, class (None = unknown), where it comes from, and the text quoted."""

    name: str
    value: Any
    klass: FactClass | None
    source: str | None = None
    evidence: str | None = None
    shown: str | None = None  # the value as an agent reads it (a place's name for its adcode)

    @property
    def known(self) -> bool:
        return self.value is not None and self.klass in CLASSES

    def as_dict(self, titles: Titles | None = None) -> dict[str, Any]:
        """The fact as answers carry it. With `titles`, its source and evidence are worded for reading out
        (a manual by its title and line, not its file): the registry keeps the stored provenance strings."""
        source, evidence = self.source, self.evidence
        if titles:
            source = cite_source(source, titles, short=True) if source else source
            evidence = titled(evidence, titles) if evidence else evidence
        return {"fact": self.name, "label": fact_label(self.name), "value": self.value,
                "shown": self.shown if self.shown is not None else self.value,
                "class": self.klass if self.known else None,
                "class_label": CLASS_LABELS[self.klass if self.known else None],
                "source": source, "evidence": evidence}


@dataclass
class Hospital:
    """A registry hospital (its row) and its facts by name."""

    row: dict[str, Any]
    facts: dict[str, Fact] = field(default_factory=dict)
    prominence: int = 0  # how many source tables (lists) name it

    @property
    def id(self) -> str:
        return self.row["id"]

    @property
    def name(self) -> str:
        return self.row["name"] or ""

    @property
    def city_adcode(self) -> str | None:
        return self.row.get("city_adcode")

    @property
    def district_adcode(self) -> str | None:
        """The county-level unit the registry places it in (whatever the class), or None."""
        a = self.row.get("adcode")
        if a and len(a) == 6 and a[4:] != "00" and a != self.city_adcode and self.row.get("district"):
            return a
        return None

    @property
    def mainland(self) -> bool:
        return (self.row.get("country") or "中国") == "中国"

    def fact(self, name: str) -> Fact:
        return self.facts.get(name) or Fact(name, None, None)


def _klass(value: Any) -> FactClass | None:
    return value if value in CLASSES else None


def facts_of(row: dict[str, Any], chosen: dict[str, dict[str, Any]] | None = None) -> dict[str, Fact]:
    """The facts of one hospital row; `chosen` holds its chosen `facts` rows by fact name (for evidence)."""
    chosen = chosen or {}

    def ev(name: str) -> str | None:
        return (chosen.get(name) or {}).get("evidence")

    def src(name: str, column: str | None) -> str | None:
        return column or (chosen.get(name) or {}).get("source")

    out: dict[str, Fact] = {}
    city = row.get("city_adcode")
    if city:
        place_source = CITY_SOURCE_BY_PLACE_SOURCE.get(row.get("place_source") or "")
        out["city"] = Fact("city", city, _klass(row.get("city_class")), src("city", None) or place_source,
                           ev("city"), row.get("city"))
    adcode = row.get("adcode")
    district = adcode if adcode and row.get("district") and adcode != city and adcode[4:] != "00" else None
    out["district"] = Fact("district", district, _klass(row.get("district_class")),
                           src("district", row.get("district_source")), ev("district"), row.get("district") if district else None)
    proper = row.get("city_proper")
    out["city_proper"] = Fact("city_proper", None if proper is None else int(proper),
                              _klass(row.get("city_proper_class")), src("city_proper", row.get("city_proper_source")),
                              ev("city_proper"), None if proper is None else ("在市辖区" if proper else "不在市辖区"))
    out["grade"] = Fact("grade", row.get("grade") or None, _klass(row.get("grade_class")),
                        src("grade", row.get("grade_source")), ev("grade"))
    owner = row.get("ownership") or None
    out["ownership"] = Fact("ownership", owner, _klass(row.get("ownership_class")),
                            src("ownership", row.get("ownership_source")), ev("ownership"),
                            {"public": "公立", "private": "民营"}.get(owner or "", owner))
    out["facility_type"] = Fact("facility_type", row.get("facility_type") or None,
                                _klass(row.get("facility_type_class")),
                                src("facility_type", row.get("facility_type_source")), ev("facility_type"))
    inpatient = row.get("inpatient")
    out["inpatient"] = Fact("inpatient", None if inpatient is None else int(inpatient),
                            _klass(row.get("inpatient_class")), src("inpatient", row.get("inpatient_source")),
                            ev("inpatient"), None if inpatient is None else ("能" if inpatient else "不能"))
    point = [row["lat"], row["lon"]] if row.get("lat") is not None and row.get("lon") is not None else None
    out["point"] = Fact("point", point, _klass(row.get("point_class")), row.get("geo_source"), ev("point"),
                        row.get("geo_precision"))
    return out


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"pragma table_info([{table}])")}


def load_hospitals(conn: sqlite3.Connection, where: str, args: tuple | list = ()) -> list[Hospital]:
    """Hospitals matching `where` (a fixed SQL condition on alias `h`, written by this library — never
    request text) with their facts and prominence, in id order."""
    have = _columns(conn, "hospitals")
    cols = ", ".join(f"h.{c}" if c in have else f"null as {c}" for c in (*BASE_COLUMNS, *FACT_COLUMNS))
    cur = conn.execute(f"select {cols} from hospitals h where {where} order by h.id", args)
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur]
    if not rows:
        return []
    chosen: dict[str, dict[str, dict[str, Any]]] = {}
    if conn.execute("select 1 from sqlite_master where type = 'table' and name = 'facts'").fetchone():
        for hid, fact, value, klass, source, evidence in conn.execute(
                "select f.hospital_id, f.fact, f.value, f.class, f.source, f.evidence from facts f "
                f"join hospitals h on h.id = f.hospital_id where f.chosen = 1 and {where}", args):
            chosen.setdefault(hid, {})[fact] = {"value": value, "class": klass, "source": source, "evidence": evidence}
    prominence = dict(conn.execute(
        "select l.hospital_id, count(distinct l.table_id) from listings l join hospitals h on h.id = l.hospital_id "
        f"where {where} group by l.hospital_id", args).fetchall())
    return [Hospital(r, facts_of(r, chosen.get(r["id"])), prominence.get(r["id"], 0)) for r in rows]
