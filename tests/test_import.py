"""`hospnet import` registers a new list, and refuses malformed files without touching anything."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def sources(tmp_path) -> Path:
    src = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", src, ignore=shutil.ignore_patterns("imported"))
    return src


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _hospnet(sources: Path, *args: str) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "HOSPNET_SOURCES": str(sources)}
    return subprocess.run([sys.executable, "-m", "directory.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_import_csv_then_build_includes_it(sources, tmp_path):
    csv = tmp_path / "新名单.csv"
    csv.write_text("医院名称,省份,城市,医院级别\n北京协和医院,北京,北京,三甲\n温州医科大学附属第一医院,浙江,温州,三甲\n",
                   encoding="utf-8")
    done = _hospnet(sources, "import", str(csv), "--insurer", "测试保险", "--service", "重疾绿通",
                    "--columns", "name=医院名称,province=省份,city=城市,grade=医院级别")
    assert done.returncode == 0, done.stderr
    assert "Imported 2 rows" in done.stdout
    out = tmp_path / "r.db"
    built = _hospnet(sources, "build", "--out", str(out))
    assert built.returncode == 0, built.stderr
    import sqlite3

    with sqlite3.connect(out) as conn:
        rows = conn.execute("SELECT raw_name, raw_city, raw_grade, line FROM listings l JOIN sources s "
                            "ON s.file = l.source_file WHERE s.origin = 'imported' ORDER BY line").fetchall()
    assert rows == [("北京协和医院", "北京", "三甲", 2), ("温州医科大学附属第一医院", "温州", "三甲", 3)]


def test_import_xlsx(sources, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["序号", "医院", "城市"])
    wb.active.append([1, "四川大学华西医院", "成都"])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    done = _hospnet(sources, "import", str(path), "--insurer", "测试保险", "--service", "MDT")
    assert done.returncode == 0, done.stderr
    assert "name=医院" in done.stdout and "city=城市" in done.stdout


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.csv", "省份,城市\n北京,北京\n", "no hospital-name column"),
        ("empty.csv", "", "file is empty"),
        ("gbk.csv", "医院名称\n北京协和医院\n".encode("gbk"), "not UTF-8 text"),
        ("junk.csv", bytes(range(256)) * 4, "binary file"),
        ("junk.xlsx", b"PK\x03\x04 not really a workbook", "not a readable .xlsx"),
        ("header.csv", "医院名称\n", "header only"),
        ("list.pdf", "x", "unsupported file type"),
    ],
)
def test_malformed_files_are_refused_and_nothing_changes(sources, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    registry = tmp_path / "registry.db"
    registry.write_bytes(b"existing registry")
    before = _snapshot(sources)
    done = _hospnet(sources, "import", str(path), "--insurer", "测试保险", "--service", "重疾绿通")
    assert done.returncode != 0
    assert message in done.stderr and name in done.stderr
    assert _snapshot(sources) == before
    assert registry.read_bytes() == b"existing registry"


def test_bad_columns_option_names_the_parameter(sources, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("医院名称\n北京医院\n", encoding="utf-8")
    done = _hospnet(sources, "import", str(path), "--insurer", "x", "--service", "y", "--columns", "hospital=医院名称")
    assert done.returncode != 0 and "--columns: unknown field 'hospital'" in done.stderr
