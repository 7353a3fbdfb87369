"""Datasette shows the service catalog, teams and places abroad, described in Chinese in the metadata,
and the canned queries how_to_use and teams_for_specialty answer (with a service's name, in Chinese)."""
from __future__ import annotations

import re

import requests

from tests.test_datasette import TIMEOUT, db, ds, rows  # noqa: F401 - the module-scoped real Datasette

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_catalog_tables_are_described_and_faceted(ds):  # noqa: F811
    meta = requests.get(ds + "/-/metadata.json", timeout=TIMEOUT).json()["databases"]["registry"]["tables"]
    for table in ("service_conditions", "teams", "overseas_places", "row_restrictions", "service_merges"):
        assert CJK.search(meta[table]["title"]) and CJK.search(meta[table]["description"]), table
    data = requests.get(ds + "/registry/service_conditions.json", params={"_size": 1}, timeout=TIMEOUT).json()
    assert {"service_id", "label"} <= set(data["facet_results"])
    got = rows(ds, "/registry/service_conditions.json", service_id="001-specialist-outpatient", aspect="exclusion")
    assert any(r["line"] == 78 and "产科" in r["text"] for r in got)


def test_canned_how_to_use_and_teams(ds):  # noqa: F811
    by_id = rows(ds, "/registry/how_to_use.json", service="001-specialist-outpatient", insurer="")
    assert any(r["行号"] == 23 and "400-620-1800" in r["手册原文"] for r in by_id)
    assert {r["服务手册"] for r in by_id} == {"都汇康健增值服务手册"}
    by_name = rows(ds, "/registry/how_to_use.json", service="专家门诊", insurer="大都会")
    assert by_name == by_id
    teams = rows(ds, "/registry/teams_for_specialty.json", specialty="胃癌")
    assert any(t["团队"] == "多学科联合胃癌" and t["医院"] == "四川大学华西医院" for t in teams)
    places = rows(ds, "/registry/overseas_places.json", name="伦敦")
    assert places[0]["name_en"] == "London"
