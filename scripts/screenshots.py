"""Headless-Chromium screenshots of the registry in Datasette: the hospitals table (with its map and
facets), a Chinese search, and one hospital's row page.

    .venv/bin/python scripts/screenshots.py [--db registry.db] [--out docs/screenshots]

Builds nothing: it copies the registry to a temp dir, adds the search index to the copy, starts
Datasette with the same command as `hospnet serve`, takes the pictures, stops Datasette.
Needs /usr/bin/chromium (apt-get install -y chromium). Map tiles need internet; without it the map
shows markers on a blank background.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.search_index import add_search_index  # noqa: E402
from api.serve import METADATA, datasette_command  # noqa: E402

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                  "--virtual-time-budget=8000"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def shoot(chromium: str, url: str, out: Path, profile: Path, size: str = "1400,1000") -> None:
    cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={out}",
           f"--window-size={size}", url]
    subprocess.run(cmd, check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"{out}  ←  {url}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="registry.db")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args()
    src = Path(args.db)
    if not src.exists():
        sys.exit(f"{src} not found: run 'hospnet build --out {src}' first")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hospnet-shots-") as tmp:
        db = Path(tmp) / "registry.db"
        shutil.copy(src, db)
        add_search_index(db)
        conn = sqlite3.connect(db)
        hid = conn.execute("select id from hospitals where name = '北京协和医院'").fetchone()
        hid = hid[0] if hid else conn.execute("select id from hospitals order by listing_count desc").fetchone()[0]
        conn.close()
        port = free_port()
        proc = subprocess.Popen(datasette_command(db, "127.0.0.1", port, METADATA),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait(base + "/-/versions.json")
            shoot(args.chromium, f"{base}/registry/hospitals", out / "hospitals.png", Path(tmp) / "p1",
                  "1400,2000")
            shoot(args.chromium, f"{base}/registry/hospitals?_search=%E5%8D%8F%E5%92%8C",
                  out / "hospitals-search-xiehe.png", Path(tmp) / "p2")
            shoot(args.chromium, f"{base}/registry/hospitals/{hid}", out / "hospital.png", Path(tmp) / "p3",
                  "1400,1000")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
