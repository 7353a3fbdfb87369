"""Schemathesis against the API's own OpenAPI document on a real server: no input yields a 5xx,
and every response conforms to the schema's status codes and content type."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings


@pytest.fixture(scope="module")
def api_schema(api):  # noqa: F811
    return schemathesis.openapi.from_url(f"{api}/api/v1/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, api):  # noqa: F811
    response = case.call(base_url=api, timeout=10)
    assert response.status_code < 500, (case.path, case.query, response.text[:300])
    if case.method.upper() != "GET":
        return  # schemathesis also probes other methods: 405 (JSON) or Flask's automatic OPTIONS reply
    headers = {k.lower(): (v[0] if isinstance(v, list) else v) for k, v in response.headers.items()}
    assert headers["content-type"].startswith("application/json"), (case.path, response.status_code, headers, response.content[:100])
