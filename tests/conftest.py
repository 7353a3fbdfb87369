"""Shared fixtures: one real registry built from the bundled manuals for the whole session."""
from __future__ import annotations

from pathlib import Path

import pytest

from directory.manifest import load_manifest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path_factory, monkeypatch):
    """Each test (and every command it runs) gets an empty data folder, never a developer's ./hospnet-data."""
    monkeypatch.setenv("HOSPNET_HOME", str(tmp_path_factory.mktemp("hospnet-home")))


@pytest.fixture(scope="session")
def manifest():
    return load_manifest(ROOT / "sources" / "manifest.toml")


@pytest.fixture(scope="session")
def manual_lines(manifest):
    """Lines of each bundled manual, keyed by its short id ('000' … '004')."""
    return {d.doc_id: d.path.read_text(encoding="utf-8").split("\n") for d in manifest.documents}


@pytest.fixture(scope="session")
def registry(tmp_path_factory) -> Path:
    """The registry built from the bundled sources (built once per test session)."""
    from directory.build import build

    out = tmp_path_factory.mktemp("registry") / "registry.db"
    build(out, manifest=load_manifest(ROOT / "sources" / "manifest.toml"))
    return out


@pytest.fixture(scope="session")
def fever_joint():
    """The bundled manuals resolved together with the 2020 fever-clinic list, as the build sees an imported
    list (directory.evaluate.resolve_with_outside; built once per test session)."""
    from directory.evaluate import resolve_with_outside

    return resolve_with_outside()


@pytest.fixture(scope="module")
def db(registry):
    """A connection to the bundled registry whose rows are sqlite3.Row (by name or by position)."""
    import sqlite3

    conn = sqlite3.connect(registry)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def hospital_at(registry):
    """hospital_at("002:121") → the id of the hospital that manual listing (file prefix, line) resolved to."""
    import sqlite3

    conn = sqlite3.connect(registry, check_same_thread=False)

    def of(ref: str) -> str:
        prefix, line = ref.split(":")
        row = conn.execute("SELECT hospital_id FROM listings WHERE substr(source_file, 1, 3) = ? AND line = ?",
                           (prefix, int(line))).fetchone()
        assert row, f"{ref} is not a listing of the bundled registry"
        return row[0]

    yield of
    conn.close()


@pytest.fixture(scope="session")
def api(registry, tmp_path_factory):
    """One real API server (`python -m api.serve --no-datasette`, gunicorn workers) on a copy of the bundled
    registry, shared by the read-only HTTP tests; tests that change the file start their own."""
    import shutil

    from tests.servers import api_server

    db = tmp_path_factory.mktemp("api") / "registry.db"
    shutil.copy(registry, db)
    with api_server(db) as base:
        yield base


@pytest.fixture(scope="module")
def chrome():
    """A desktop-sized headless Chromium (tests/browser.py), one per test module; fails when none is installed."""
    from tests.browser import DESKTOP, browser, missing_browser

    if missing_browser():
        pytest.fail(missing_browser())
    with browser(DESKTOP) as driver:
        yield driver
