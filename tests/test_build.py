"""The build writes one SQLite registry with full provenance, atomically."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_parse_tables import COVERAGE_COUNTS, LISTING_COUNTS

ROOT = Path(__file__).resolve().parent.parent


def _q(db: Path, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_every_hospital_row_is_one_listing_with_provenance(registry):
    assert _q(registry, "SELECT count(*) FROM listings")[0][0] == sum(LISTING_COUNTS.values())
    dupes = _q(registry, "SELECT source_file, line, count(*) FROM listings GROUP BY 1, 2 HAVING count(*) > 1")
    assert dupes == []
    missing = _q(registry, "SELECT count(*) FROM listings WHERE source_file IS NULL OR line < 1 OR raw_name = '' "
                           "OR service_id IS NULL")
    assert missing == [(0,)]
    row = _q(registry, "SELECT raw_name, raw_province, raw_city, service_id FROM listings "
                       "WHERE source_file = '002_e8b033acd9a55b94.txt' AND line = 111")
    assert row == [("中国人民解放军第 302 医院", "北京市", "市辖区", "002-green-channel")]


def test_listing_line_points_at_the_raw_text(registry):
    files = {p.name: p.read_text(encoding="utf-8").split("\n") for p in (ROOT / "sources" / "manuals").glob("*.txt")}
    for source_file, line, raw_text in _q(registry, "SELECT source_file, line, raw_text FROM listings"):
        assert files[source_file][line - 1] == raw_text


def test_every_covered_city_is_recorded(registry):
    assert _q(registry, "SELECT count(*) FROM coverage_entries")[0][0] == sum(COVERAGE_COUNTS.values())
    # The 83 cities of 医疗垫付 all resolve to distinct adcodes.
    assert _q(registry, "SELECT count(*) FROM coverage WHERE service_id = '002-medical-advance'") == [(83,)]
    assert _q(registry, "SELECT count(*) FROM coverage WHERE service_id = '002-home-nursing'") == [(241,)]


def test_services_carry_kind_and_rule(registry):
    rows = dict(_q(registry, "SELECT id, kind FROM services"))
    assert rows["002-medical-advance"] == "city_coverage"
    assert rows["000-overseas-treatment"] == "overseas"
    assert rows["004-special-drug"] == "hospital_list"
    rule = _q(registry, "SELECT min_grade, public_only, city_proper_only, rule FROM services "
                        "WHERE id = '002-medical-advance'")[0]
    assert rule[:3] == ("二级", 1, 1) and "公立医院" in rule[3]


def test_rejects_are_at_most_one_percent(registry):
    parsed = _q(registry, "SELECT sum(rows_parsed) FROM source_tables")[0][0]
    rejected = _q(registry, "SELECT count(*) FROM rejects")[0][0]
    assert rejected <= 0.01 * (parsed + rejected)
    assert _q(registry, "SELECT count(*) FROM rejects WHERE reason IS NULL OR reason = ''") == [(0,)]


def test_listings_have_a_hospital_id_column(registry):
    cols = [r[1] for r in _q(registry, "PRAGMA table_info(listings)")]
    assert {"hospital_id", "match_method", "match_score"} <= set(cols)


def test_failed_build_leaves_the_existing_registry_untouched(tmp_path, monkeypatch):
    import shutil

    from directory.build import build
    from directory.manifest import load_manifest
    from directory.sources import SourceError

    src = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", src)
    out = tmp_path / "registry.db"
    out.write_bytes(b"previous registry")
    (src / "manuals" / "004_b427b5be98ff1c70.txt").write_bytes(b"\xff\xfe broken \x00")
    with pytest.raises(SourceError, match="004_b427b5be98ff1c70.txt"):
        build(out, manifest=load_manifest(src / "manifest.toml"))
    assert out.read_bytes() == b"previous registry"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_build_command_prints_time_and_report(tmp_path):
    out = tmp_path / "r.db"
    done = subprocess.run([sys.executable, "-m", "directory.cli", "build", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "[5/5]" in done.stderr and "Built" in done.stdout
    report = subprocess.run([sys.executable, "-m", "directory.cli", "report", "--db", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert report.returncode == 0
    assert "total: 5148 parsed, 0 rejected" in report.stdout
    assert "Timing (s):" in report.stdout


def test_report_on_a_missing_registry_is_a_clear_error(tmp_path):
    done = subprocess.run([sys.executable, "-m", "directory.cli", "report", "--db", str(tmp_path / "none.db")],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode != 0 and "run 'hospnet build' first" in done.stderr
