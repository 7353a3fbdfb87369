"""The API's documentation page (/api/v1/docs), rendered on the server from the OpenAPI document:
every operation and parameter is on it, its examples answer, and it needs nothing from outside."""
from __future__ import annotations

import re
from html import unescape

import pytest

from api.app import create_app
from api.openapi import spec


@pytest.fixture(scope="module")
def client(registry):
    return create_app(str(registry)).test_client()


@pytest.fixture(scope="module")
def page(client) -> str:
    r = client.get("/api/v1/docs")
    assert r.status_code == 200 and r.content_type.startswith("text/html")
    return r.get_data(as_text=True)


def test_every_operation_and_parameter_is_documented(page):
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            assert f'<span class="method">{method.upper()}</span> {path}</code>' in page, path
            assert unescape(op["summary"]) in unescape(page)
            for p in op.get("parameters") or []:
                assert f"<td><code>{p['name']}</code></td>" in page, (path, p["name"])
    for name in spec()["components"]["schemas"]:
        assert f'id="schema-{name}"' in page


def test_examples_on_the_page_answer(client, page):
    examples = [unescape(u) for u in re.findall(r'试一试：<a href="([^"]+)"', page)]
    assert any(u.startswith("/api/v1/nearest?service=%E9%87%8D%E7%96%BE%E7%BB%BF%E9%80%9A&") for u in examples)
    assert len(examples) >= 8
    for url in examples:
        r = client.get(url)
        assert r.status_code == 200 and r.is_json, (url, r.get_data(as_text=True)[:200])


def test_the_page_needs_nothing_from_outside(page, client):
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert client.get("/api/v1/").get_json()["docs"] == "/api/v1/docs"
