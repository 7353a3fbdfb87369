"""Datasette shows the service catalog, teams and places abroad, described in the metadata, and the
canned queries how_to_use and teams_for_specialty answer."""
from __future__ import annotations

import requests

from tests.test_datasette import TIMEOUT, ds, rows  # noqa: F401 - the module-scoped real Datasette


def test_catalog_tables_are_described_and_faceted(ds):  # noqa: F811
    meta = requests.get(ds + "/-/metadata.json", timeout=TIMEOUT).json()["databases"]["registry"]["tables"]
    for table in ("service_conditions", "teams", "overseas_places", "row_restrictions", "service_merges"):
        assert meta[table]["title"] and meta[table].get("description") or meta[table].get("columns"), table
    data = requests.get(ds + "/registry/service_conditions.json", params={"_size": 1}, timeout=TIMEOUT).json()
    assert {"service_id", "aspect"} <= set(data["facet_results"])
    got = rows(ds, "/registry/service_conditions.json", service_id="001-specialist-outpatient", aspect="exclusion")
    assert any(r["line"] == 78 and "产科" in r["text"] for r in got)


def test_canned_how_to_use_and_teams(ds):  # noqa: F811
    got = rows(ds, "/registry/how_to_use.json", service="001-specialist-outpatient")
    assert any(r["line"] == 23 and "400-620-1800" in r["text"] for r in got)
    teams = rows(ds, "/registry/teams_for_specialty.json", specialty="胃癌")
    assert any(t["team"] == "多学科联合胃癌" and t["hospital"] == "四川大学华西医院" for t in teams)
    places = rows(ds, "/registry/overseas_places.json", name="伦敦")
    assert places[0]["name_en"] == "London"
