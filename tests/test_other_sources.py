"""A sources folder that is not the bundled one (a new insurer's lists, no service catalog, none of the
bundled manuals that the knowledge files cite) still builds: knowledge about other manuals does not apply
to it, and its services simply have no "how to use" yet."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from directory.build import build
from directory.manifest import load_manifest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from synthetic import make_hospitals, write_lists  # noqa: E402


def test_a_folder_of_new_lists_without_catalog_or_bundled_manuals_builds(tmp_path):
    src = tmp_path / "sources"
    write_lists(make_hospitals(400), src, 800, 5)
    assert not (src / "catalog.toml").exists()
    db = tmp_path / "registry.db"
    build(db, manifest=load_manifest(src / "manifest.toml"))
    with sqlite3.connect(db) as conn:
        listings = conn.execute("select count(*) from listings").fetchone()[0]
        hospitals = conn.execute("select count(*) from hospitals").fetchone()[0]
        unresolved = conn.execute("select count(*) from listings where hospital_id is null").fetchone()[0]
        conditions = conn.execute("select count(*) from service_conditions").fetchone()[0]
    assert listings == 800 and unresolved == 0
    assert 0 < hospitals <= 400
    assert conditions == 0
