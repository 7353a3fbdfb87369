"""A plain (non-editable) install works from any folder: `pip install <project>`, then `hospnet build`
and `hospnet serve` in an empty folder, with no warning from the install.

Offline and fast: a fresh venv without pip; pip from the test venv installs into it
(`pip --python`) with --no-deps and --no-build-isolation (setuptools is pinned in the test extras,
as in [build-system]); the fresh venv sees the already-installed dependencies through a .pth file
pointing at a folder of links to them — every one except hospnet itself, so only the new install
can answer `import directory`.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import requests

from tests.servers import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("pyproject.toml", "README.md", "directory", "geodata", "api", "sources")
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "imported", "hospnet-data", "geocode_cache.tsv")


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HOSPNET_", "PYTHON", "VIRTUAL_ENV", "PIP_"))}
    return {**env, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **extra}


def test_every_folder_of_code_or_data_is_packaged():
    """pyproject lists packages one by one (the bundled sources are mapped to hospnet_sources); a new
    folder left out would be missing from every install."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    mapped = {v: k for k, v in config["package-dir"].items()}
    folders = set()
    for top in ("directory", "geodata", "api", "sources"):
        for folder in [ROOT / top, *(ROOT / top).rglob("*")]:
            if folder.is_dir() and "__pycache__" not in folder.parts and folder.name != "imported" and any(
                    p.is_file() for p in folder.iterdir()):
                rel = folder.relative_to(ROOT).as_posix()
                root = rel.split("/")[0]
                folders.add(".".join([mapped.get(root, root), *rel.split("/")[1:]]))
    assert folders - listed == set(), "add these to [tool.setuptools] packages (and their files to package-data)"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("install")
    project = tmp / "project"  # a copy, as an unpacked sdist would be: the checkout stays untouched
    project.mkdir()
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=NOT_SHIPPED)
        else:
            shutil.copy2(src, project / name)
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    deps = tmp / "deps"
    deps.mkdir()
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        if entry.name.startswith(("hospnet", "__editable__")) or entry.suffix == ".pth":
            continue
        (deps / entry.name).symlink_to(entry)
    (purelib / "test_dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                           "--no-build-isolation", "--no-index", str(project)],
                          capture_output=True, text=True, timeout=300, env=_clean_env(), cwd=tmp)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"bin": venv / "bin", "purelib": purelib, "tmp": tmp, "pip_output": done.stdout + done.stderr}


def test_install_prints_no_warning(installed):
    output = installed["pip_output"]
    assert "Successfully installed hospnet" in output
    warnings = [line for line in output.splitlines() if re.search(r"warn|deprecat|!!", line, re.IGNORECASE)]
    assert warnings == []


def test_the_installed_package_is_the_one_that_runs(installed):
    where = subprocess.run([str(installed["bin"] / "python"), "-c",
                            "import directory, hospnet_sources, api; print(directory.__file__); "
                            "print(list(hospnet_sources.__path__)[0])"],
                           capture_output=True, text=True, env=_clean_env(), cwd=installed["tmp"], timeout=60)
    code_file, sources = where.stdout.split()
    assert Path(code_file).is_relative_to(installed["purelib"])
    shipped = {p.relative_to(sources).as_posix() for p in Path(sources).rglob("*") if p.is_file()}
    assert {"manifest.toml", "manuals/002_e8b033acd9a55b94.txt", "reference/fever_clinics_2020.tsv",
            "reference/README.md"} <= shipped
    version = subprocess.run([str(installed["bin"] / "hospnet"), "--version"], capture_output=True, text=True,
                             env=_clean_env(), timeout=60)
    assert version.returncode == 0 and version.stdout.strip() == "hospnet, version 0.1.0"


def test_build_import_and_serve_from_an_empty_folder(installed, tmp_path):
    hospnet = str(installed["bin"] / "hospnet")
    empty = tmp_path / "empty"
    empty.mkdir()
    package_files = sorted(p for p in installed["purelib"].rglob("*") if "__pycache__" not in p.parts)
    built = subprocess.run([hospnet, "build", "--quiet"], capture_output=True, text=True, cwd=empty,
                           env=_clean_env(), timeout=300)
    assert built.returncode == 0, built.stderr
    assert "Built registry.db" in built.stdout and (empty / "registry.db").is_file()

    csv = empty / "名单.csv"
    csv.write_text("医院名称,城市\n那曲市人民医院,那曲\n", encoding="utf-8")
    imported = subprocess.run([hospnet, "import", str(csv), "--insurer", "测试保险", "--service", "测试服务"],
                              capture_output=True, text=True, cwd=empty, env=_clean_env(), timeout=120)
    assert imported.returncode == 0, imported.stderr
    assert len(list((empty / "hospnet-data" / "imported").glob("imp*.tsv"))) == 1
    # Nothing was written into the installed package.
    assert sorted(p for p in installed["purelib"].rglob("*") if "__pycache__" not in p.parts) == package_files

    port, dport = free_port(), free_port()
    proc = subprocess.Popen([hospnet, "serve", "--port", str(port), "--datasette-port", str(dport)], cwd=empty,
                            env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", proc)
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert health.status_code == 200 and health.json()["counts"]["hospitals"] > 1000
        # the agent page's templates, styles and Leaflet travelled too
        page = requests.get(f"http://127.0.0.1:{port}/", params={"service": "重疾绿通", "insurer": "众安",
                                                                  "city": "温州"}, timeout=10)
        assert page.status_code == 200 and "重疾绿通（众安保险） · 温州市" in page.text
        for asset in re.findall(r'(?:href|src)="(/(?:static|assets)/[^"]+)"', page.text):
            assert requests.get(f"http://127.0.0.1:{port}{asset}", timeout=10).status_code == 200, asset
        wait_until_up(f"http://127.0.0.1:{dport}/-/plugins.json", proc)
        plugins = requests.get(f"http://127.0.0.1:{dport}/-/plugins.json", timeout=10).json()
        assert "hospnet_links.py" in {p["name"] for p in plugins}  # the plugin folder travelled too
        table = requests.get(f"http://127.0.0.1:{dport}/registry/hospitals", timeout=10).text
        assert "<h1>医院（规范名录" in table and re.search(r'data-column="name"[^>]*>\s*(<a [^>]*>)?医院名称', table)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
