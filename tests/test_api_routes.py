"""The API's route map and its OpenAPI document describe the same endpoints; /api/v1/ lists them."""
from __future__ import annotations

import re

import pytest

from api.app import create_app
from api.openapi import spec

# Pages for people (api/pages/: the agent page, hospital pages, search, the API docs, their assets) and
# Flask's static route are not part of the JSON API contract.
PAGE_BLUEPRINTS = {"ask", "hospital", "search", "docs", "assets"}


def _is_page(rule) -> bool:
    return rule.endpoint == "static" or rule.endpoint.split(".", 1)[0] in PAGE_BLUEPRINTS


@pytest.fixture(scope="module")
def app(registry):
    return create_app(str(registry))


def _flask_paths(app) -> set[str]:
    return {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules() if not _is_page(r)}


def test_every_route_is_documented_and_every_documented_path_is_served(app):
    assert _flask_paths(app) == set(spec()["paths"])


def test_documented_methods_match_the_route_methods(app):
    for rule in app.url_map.iter_rules():
        if _is_page(rule):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        served = {m.lower() for m in rule.methods - {"HEAD", "OPTIONS"}}
        assert served == set(spec()["paths"][path]), path


def test_api_index_lists_every_endpoint_with_a_summary(app):
    body = app.test_client().get("/api/v1/").get_json()
    listed = {(e["method"], e["path"]) for e in body["endpoints"]}
    assert ("GET", "/api/v1/nearest") in listed
    assert {p for _m, p in listed} == set(spec()["paths"])
    assert all(e["summary"] for e in body["endpoints"])
    assert body["openapi"] == "/api/v1/openapi.json"


def test_pages_are_the_people_pages():
    from api.pages import PAGE_BLUEPRINTS as blueprints

    assert {bp.name for bp in blueprints} == PAGE_BLUEPRINTS
