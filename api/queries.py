"""The SQL the endpoints run, kept out of the handlers: bound parameters only, rows as dicts."""
from __future__ import annotations

import sqlite3
from typing import Any

HOSPITAL_COLUMNS = ("id, name, province, city, district, adcode, province_adcode, city_adcode, lat, lon, "
                    "geo_precision, grade, grade_source, grade_class, parent_id, campus, country, listing_count")
COUNTED_TABLES = ("hospitals", "listings", "services", "eligibility", "coverage", "regions")


def hospital(conn: sqlite3.Connection, hid: str) -> dict[str, Any] | None:
    r = conn.execute(f"select {HOSPITAL_COLUMNS}, overseas_city, place_source, geo_source "
                     "from hospitals where id = ?", (hid,)).fetchone()
    return dict(r) if r else None


def hospital_name(conn: sqlite3.Connection, hid: str) -> str | None:
    r = conn.execute("select name from hospitals where id = ?", (hid,)).fetchone()
    return r[0] if r else None


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    # Table names come from the constant above, never from a request.
    return {t: conn.execute(f"select count(*) from [{t}]").fetchone()[0] for t in COUNTED_TABLES}


def build_timing(conn: sqlite3.Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute("select item, value from build_report where section = 'timing'")}


def listed_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """service id → number of hospitals its lists name."""
    return dict(conn.execute("select service_id, count(*) from eligibility group by service_id").fetchall())


def hospitals_per_city(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("select city_adcode, count(*) from hospitals where city_adcode is not null "
                             "group by city_adcode").fetchall())


def is_listed(conn: sqlite3.Connection, service_id: str, hospital_id: str) -> bool:
    return conn.execute("select 1 from eligibility where service_id = ? and hospital_id = ?",
                        (service_id, hospital_id)).fetchone() is not None


def listed_related_sites(conn: sqlite3.Connection, service_id: str, h: dict[str, Any]) -> list[str]:
    """Names of the hospital's parent or campuses that the service's lists name."""
    return [r[0] for r in conn.execute(
        "select h.name from eligibility e join hospitals h on h.id = e.hospital_id where e.service_id = ? "
        "and (h.id = ? or h.parent_id = ?)", (service_id, h.get("parent_id") or "", h["id"]))]


def hospitals_matching(conn: sqlite3.Connection, clauses: list[str], args: list[Any]) -> list[dict[str, Any]]:
    """Hospitals meeting every clause (built by the caller from fixed SQL fragments), in place order."""
    where = (" where " + " and ".join(clauses)) if clauses else ""
    return [dict(r) for r in conn.execute(
        f"select {HOSPITAL_COLUMNS} from hospitals{where} order by province_adcode, city_adcode, name, id", args)]


def aliases_of(conn: sqlite3.Connection, hid: str) -> dict[str, list[str]]:
    """alias → the sources that give it."""
    out: dict[str, list[str]] = {}
    for r in conn.execute("select alias, source from aliases where hospital_id = ? order by alias, source", (hid,)):
        out.setdefault(r["alias"], []).append(r["source"])
    return out


def campuses_of(conn: sqlite3.Connection, hid: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        f"select {HOSPITAL_COLUMNS} from hospitals where parent_id = ? order by name", (hid,))]


def listings_of(conn: sqlite3.Connection, hid: str) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(
        "select id, source_file, line, table_id, service_id, raw_name, raw_province, raw_city, raw_grade, "
        "match_method, match_score, row_note from listings where hospital_id = ? order by source_file, line", (hid,))]


def listed_services_of(conn: sqlite3.Connection, hid: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "select service_id from eligibility where hospital_id = ? order by service_id", (hid,))]


def source_titles(conn: sqlite3.Connection) -> dict[str, str]:
    """manual file name → the manual's title (what people call it; the file name is a hash)."""
    return {r[0]: r[1] or r[0] for r in conn.execute("select file, title from sources")}


FACT_ORDER = ("city", "district", "city_proper", "point", "address", "grade", "ownership", "facility_type", "inpatient")


def chosen_facts(conn: sqlite3.Connection, hid: str) -> list[dict[str, Any]]:
    """The hospital's chosen facts (the values on its row) with class, source and evidence, and how many other
    candidates disagree; [] for a registry built before the facts stage."""
    try:
        rows = [dict(r) for r in conn.execute(
            "select f.fact, f.value, f.class, f.source, f.evidence, "
            "(select count(*) from facts o where o.hospital_id = f.hospital_id and o.fact = f.fact "
            " and o.value != f.value) as conflicting "
            "from facts f where f.hospital_id = ? and f.chosen = 1", (hid,))]
    except sqlite3.OperationalError:
        return []
    rank = {k: i for i, k in enumerate(FACT_ORDER)}
    return sorted(rows, key=lambda r: (rank.get(r["fact"], len(rank)), r["fact"]))
