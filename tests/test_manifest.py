"""The manifest describes every bundled document and its tables."""
from __future__ import annotations

import pytest

from directory.manifest import ManifestError, parse_manifest


def test_every_bundled_manual_is_in_the_manifest(manifest):
    files = sorted(p.name for p in manifest.documents[0].path.parent.glob("*.txt"))
    assert [d.file for d in manifest.documents if d.origin == "bundled"] == files
    assert len(files) == 5


def test_table_ranges_lie_inside_their_files(manifest, manual_lines):
    for doc in manifest.documents:
        for t in doc.tables:
            assert 1 <= t.first_line <= t.last_line <= len(manual_lines[doc.doc_id]), (doc.file, t.key)


def test_every_service_has_a_table(manifest):
    for doc in manifest.documents:
        used = {s for t in doc.tables for s in t.services}
        assert used == {s.key for s in doc.services}, doc.file


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"insurer": "x"}, "missing required key 'file'"),
        ({"file": "a.txt", "insurer": "x", "services": [{"key": "s", "name": "S", "kind": "bogus"}]}, "kind must be"),
        ({"file": "a.txt", "insurer": "x", "services": [{"key": "s", "name": "S", "kind": "hospital_list"}],
          "tables": [{"key": "t", "lines": [5, 2], "services": ["s"], "layout": "columns", "columns": ["name"]}]},
         "lines must be"),
        ({"file": "a.txt", "insurer": "x", "services": [{"key": "s", "name": "S", "kind": "hospital_list"}],
          "tables": [{"key": "t", "lines": [1, 2], "services": ["nope"], "layout": "columns", "columns": ["name"]}]},
         "unknown: ['nope']"),
        ({"file": "a.txt", "insurer": "x", "services": [{"key": "s", "name": "S", "kind": "hospital_list"}],
          "tables": [{"key": "t", "lines": [1, 2], "services": ["s"], "layout": "columns", "columns": ["city"]}]},
         "needs a 'name' column"),
        ({"file": "a.txt", "insurer": "x", "services": [{"key": "s", "name": "S", "kind": "city_coverage"}],
          "tables": [{"key": "t", "lines": [1, 2], "services": ["s"], "layout": "city_matrix", "incomplete": True}]},
         "table[1] t: 'incomplete' must be a string"),
        ({"file": "a.txt", "insurer": "x", "services": [{"key": "s", "name": "S", "kind": "city_coverage",
                                                        "inpatient": "yes"}]},
         "service[1]: 'inpatient' must be true or false"),
    ],
)
def test_malformed_manifest_entries_are_named(entry, message):
    with pytest.raises(ManifestError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_manifest({"documents": [entry]}, origin="test.toml")


def test_inpatient_services_and_incomplete_tables_are_marked(manifest):
    doc = next(d for d in manifest.documents if d.doc_id == "002")
    inpatient = {s.key for s in doc.services if s.inpatient}
    assert inpatient == {"medical-advance", "critical-care-aide", "critical-care-aide-2"}
    assert all(not s.inpatient for d in manifest.documents for s in d.services if s.kind != "city_coverage")
    incomplete = {t.key: t for d in manifest.documents for t in d.tables if t.incomplete}
    assert set(incomplete) == {"cancer-screening-cities"}
    t = incomplete["cancer-screening-cities"]
    assert (t.first_line, t.last_line) == (1494, 1578) and "表头缺失" in t.incomplete
