"""Screenshots of what people see, taken in headless Chromium (tests/browser.py) into docs/screenshots/:

- agent-desktop.png   the agent page at 1,400 px: 重疾绿通 (众安) in 温州
- agent-phone.png     the agent page at phone width (375 px): 医疗垫付 in 杭州
- agent-hospital.png  the agent page's hospital page: 北京协和医院
- datasette-hospitals.png, datasette-hospital-row.png, datasette-canned-query.png
                      Datasette's hospitals table (with its map), one hospital's row page, one canned query

    .venv/bin/python scripts/screenshots.py [--db registry.db] [--out docs/screenshots]

Builds nothing: it copies the registry to a temporary directory (adding the Chinese search index to the
copy), starts the API (with the agent pages) and Datasette with the same commands as `hospnet serve`,
takes the pictures and stops both. Needs chromium and chromium-driver (.ci/install-browser). Without a
tile URL (HOSPNET_TILE_URL) the maps are grey and show their markers.
"""
from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from api.search_index import add_search_index  # noqa: E402
from tests.browser import DESKTOP, PHONE, browser, missing_browser, wait_for  # noqa: E402
from tests.servers import api_server, datasette_server  # noqa: E402


def shoot(url: str, out: Path, size: tuple[int, int], ready: str, settle: float = 1.0) -> None:
    with browser(size) as driver:
        driver.get(url)
        wait_for(driver, ready, 60)
        time.sleep(settle)  # let the map draw its markers
        driver.save_screenshot(str(out))
    print(f"{out}  ←  {url}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="registry.db", help="registry file (build it with `hospnet build`)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="folder for the PNG files")
    args = ap.parse_args()
    src = Path(args.db)
    if not src.exists():
        sys.exit(f"{src} not found: run 'hospnet build --out {src}' first")
    if missing_browser():
        sys.exit(missing_browser())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hospnet-shots-") as tmp:
        db = Path(tmp) / "registry.db"
        shutil.copy(src, db)
        add_search_index(db)
        conn = sqlite3.connect(db)
        row = conn.execute("select id from hospitals where name = '北京协和医院'").fetchone()
        hid = row[0] if row else conn.execute("select id from hospitals order by listing_count desc").fetchone()[0]
        conn.close()
        with api_server(db) as api, datasette_server(db) as ds:
            shoot(f"{api}/?{urlencode({'service': '重疾绿通', 'insurer': '众安保险', 'city': '温州'})}",
                  out / "agent-desktop.png", (DESKTOP[0], 1500), "section.answer")
            shoot(f"{api}/?{urlencode({'service': '医疗垫付', 'city': '杭州'})}",
                  out / "agent-phone.png", (PHONE[0], 2600), "section.answer")
            shoot(f"{api}/hospital/{hid}", out / "agent-hospital.png", (DESKTOP[0], 1500), "section.hospital-head")
            shoot(f"{ds}/registry/hospitals", out / "datasette-hospitals.png", (DESKTOP[0], 1600),
                  ".leaflet-marker-icon", settle=4)
            shoot(f"{ds}/registry/hospitals/{hid}", out / "datasette-hospital-row.png", (DESKTOP[0], 1300), "h1")
            shoot(f"{ds}/registry/eligible_hospitals?{urlencode({'service': '重疾绿通', 'insurer': '众安', 'city': '温州'})}",
                  out / "datasette-canned-query.png", (DESKTOP[0], 1200), "table.rows-and-columns")


if __name__ == "__main__":
    main()
