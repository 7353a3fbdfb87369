"""The vendored reference files are byte-for-byte what their README records (provenance holds)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent.parent / "sources" / "reference"


def test_every_reference_file_matches_its_recorded_sha256():
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"- `([\w.]+\.tsv)`: `([0-9a-f]{64})`", readme))
    # Files reviewed and edited in this project (not vendored) are listed as such instead of pinned.
    made_here = set(re.findall(r"- `([\w.]+\.tsv)`: made in this project", readme))
    files = sorted(p.name for p in REFERENCE.glob("*.tsv"))
    assert files and sorted(set(recorded) | made_here) == files and not set(recorded) & made_here
    for name, digest in recorded.items():
        assert hashlib.sha256((REFERENCE / name).read_bytes()).hexdigest() == digest, name


def test_reference_files_have_their_documented_row_counts():
    counts = {p.name: len(p.read_text(encoding="utf-8").splitlines()) - 1 for p in REFERENCE.glob("*.tsv")}
    assert counts["fever_clinics_2020.tsv"] == 4476
    assert counts["city_tiers_2025.tsv"] == 337
