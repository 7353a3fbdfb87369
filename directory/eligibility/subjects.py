"""Loading the hospitals a service's rules must judge, with the service's listing rows for each."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from directory.eligibility.context import EligibilityContext
from directory.eligibility.facts import load_hospitals
from directory.eligibility.rules import Subject
from directory.eligibility.services import Service


def _marks(n: int) -> str:
    return ",".join("?" * n)


def candidate_filter(ctx: EligibilityContext, s: Service) -> tuple[str, list[str]]:
    """SQL condition (on alias h) for every hospital that could be eligible for the service.

    Hospital lists: the hospitals they name. Coverage services: every hospital in a city that holds a
    covered unit — or, when the coverage table is known to be incomplete, every mainland hospital with a
    city, since a city missing from the table may still be covered.
    """
    if s.kind != "city_coverage":
        return "h.id in (select hospital_id from eligibility where service_id = ?)", [s.id]
    if s.coverage_incomplete:
        return "h.city_adcode is not null and coalesce(h.country, '中国') = '中国'", []
    cities = sorted({a if (ctx.regions.get(a) or {}).get("level") == "city" else ctx.regions.parent_of(a)
                     for a in s.areas} - {None})
    if not cities:
        return "0", []
    return f"h.city_adcode in ({_marks(len(cities))})", cities


def _listings(conn: sqlite3.Connection, s: Service, where: str, args: list | tuple) -> dict[str, list[dict]]:
    listings: dict[str, list[dict]] = {}
    if not s.tables:
        return listings
    sql = ("select l.id, l.hospital_id, l.source_file, l.line, l.raw_name, l.raw_province, l.raw_city, l.table_id, "
           "l.note, l.row_note from listings l join hospitals h on h.id = l.hospital_id "
           f"where l.table_id in ({_marks(len(s.tables))}) and {where} order by l.source_file, l.line")
    for r in conn.execute(sql, [*s.tables, *args]):
        listings.setdefault(r[1], []).append({
            "service_id": s.id, "source_file": r[2], "line": r[3], "raw_name": r[4], "raw_province": r[5],
            "raw_city": r[6], "listing_id": r[0], "table_id": r[7], "note": r[8], "row_note": r[9]})
    return listings


def load_subjects(conn: sqlite3.Connection, s: Service, where: str, args: list | tuple) -> list[Subject]:
    hospitals = load_hospitals(conn, where, args)
    listings = _listings(conn, s, where, args) if hospitals else {}
    return [Subject(h, listings.get(h.id, [])) for h in hospitals]


def every_service_subjects(conn: sqlite3.Connection, ctx: EligibilityContext) -> Iterator[tuple[Service, list[Subject]]]:
    """Each service with its candidates, loading every hospital once (for writing all verdicts)."""
    hospitals = {h.id: h for h in load_hospitals(conn, "1")}
    for s in ctx.services.values():
        where, args = candidate_filter(ctx, s)
        ids = [r[0] for r in conn.execute(f"select h.id from hospitals h where {where} order by h.id", args)]
        listings = _listings(conn, s, where, args)
        yield s, [Subject(hospitals[i], listings.get(i, [])) for i in ids]


def candidates(conn: sqlite3.Connection, ctx: EligibilityContext, s: Service) -> list[Subject]:
    where, args = candidate_filter(ctx, s)
    return load_subjects(conn, s, where, args)


def subject(conn: sqlite3.Connection, s: Service, hospital_id: str) -> Subject | None:
    found = load_subjects(conn, s, "h.id = ?", [hospital_id])
    return found[0] if found else None
