"""Classes for the facts the registry already held before the facts stage classified them.

The facts stage writes `grade_class` and `district_class` with the values it chooses. Where a value is
present and its class still NULL (a registry built without that stage), this gives it the class
DESIGN.md assigns: a grade printed in a list's grade cell is 'stated'; a city or district read from the
list's cells is 'stated', one read from a place written in the name (or an institution's seat) is
'inferred'. It never overwrites a class.
"""
from __future__ import annotations

import sqlite3


def classify_existing_facts(conn: sqlite3.Connection) -> dict[str, int]:
    """Fill NULL classes of city, grade and district values that carry their source; return counts filled."""
    city = conn.execute(
        "update hospitals set city_class = case place_source when 'list' then 'stated' else 'inferred' end "
        "where city_adcode is not null and city_class is null "
        "and place_source in ('list', 'name', 'institution_seat')").rowcount
    grade = conn.execute(
        "update hospitals set grade_class = 'stated' "
        "where grade is not null and grade_class is null and grade_source like 'list %'").rowcount
    district = conn.execute(
        "update hospitals set "
        "district_class = case place_source when 'list' then 'stated' else 'inferred' end, "
        "district_source = coalesce(district_source, case place_source "
        "  when 'list' then '名单所列的市/区县栏' "
        "  else '医院名称中的地名' end) "
        "where district is not null and district_class is null "
        "and place_source in ('list', 'name')").rowcount
    return {"city": city, "grade": grade, "district": district}
