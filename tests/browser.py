"""A real headless browser for tests and scripts/screenshots.py: Debian's chromium driven through its
chromium-driver by selenium. Installed by .ci/install-browser (which .ci/run calls).

Each browser gets a fresh profile directory and flags that keep Chromium from talking to the network
on its own (updates, sync, field trials), so a test sees only the pages it opens.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("HOSPNET_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("HOSPNET_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--hide-scrollbars", "--lang=zh-CN")
DESKTOP = (1400, 1000)
PHONE = (375, 812)

__all__ = ["By", "CHROMIUM", "DESKTOP", "PHONE", "browser", "missing_browser", "wait_for", "wait_text"]


def missing_browser() -> str | None:
    """Why no browser can be started here, or None when chromium and its driver are installed."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            return f"{path} not found: run .ci/install-browser (apt-get install chromium chromium-driver fonts-noto-cjk)"
    return None


@contextmanager
def browser(size: tuple[int, int] = DESKTOP) -> Iterator[WebDriver]:
    """A headless Chromium with a fresh profile, its window `size` CSS pixels; quit and cleaned up after."""
    why = missing_browser()
    if why:
        raise RuntimeError(why)
    profile = tempfile.mkdtemp(prefix="hospnet-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={size[0]},{size[1]}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(60)
        # --window-size sets the outer window; make the layout viewport exactly `size` (phone width tests).
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": size[0], "height": size[1], "deviceScaleFactor": 1,
                                "mobile": size[0] < 600})
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(driver: WebDriver, css: str, seconds: float = 20):
    """The first element matching `css` once it is visible."""
    return WebDriverWait(driver, seconds).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))


def wait_text(driver: WebDriver, css: str, text: str, seconds: float = 20) -> None:
    """Wait until the element matching `css` contains `text`."""
    WebDriverWait(driver, seconds).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
