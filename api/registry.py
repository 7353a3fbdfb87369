"""The registry file as the API sees it: read-only connections, and the in-memory catalog that follows
rebuilds (a new file renamed into place is noticed on the next request and loaded on one thread)."""
from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from api.catalog import Catalog

log = logging.getLogger("hospnet.api")


def connect_ro(db_path: str | Path) -> sqlite3.Connection:
    """A read-only connection (sqlite URI mode=ro) whose rows are sqlite3.Row."""
    uri = Path(db_path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def _name_resolver(conn: sqlite3.Connection, cat: Catalog):
    """resolve(name, city_adcode=None, limit=5) → {"status", "best", "candidates", "message", …}, over an index of
    every alias built once per registry file (directory.lookup)."""
    from directory import lookup

    index = lookup.build_index(conn)

    def resolve(name: str, city_adcode: str | None = None, limit: int = 5) -> dict[str, Any]:
        return lookup.resolve_name(index, name, city_adcode=city_adcode, city_name=cat.name_of(city_adcode),
                                   limit=limit)

    return resolve


class LiveRegistry:
    """The catalog and name index of whatever registry file is at `path` now.

    A rebuild renames a new file into place; the next request notices (inode, mtime, size changed)
    and one thread loads the new file while the others keep answering from the old catalog. A file
    that cannot be loaded is logged and the old catalog stays in service.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._state = self._load()

    def _signature(self) -> tuple[int, int, int]:
        st = os.stat(self.path)
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _load(self) -> tuple[tuple[int, int, int], Catalog, Any]:
        started = time.perf_counter()
        signature = self._signature()
        with connect_ro(self.path) as conn:
            cat = Catalog(conn)
            resolver = _name_resolver(conn, cat)
        conn.close()
        self.load_seconds = round(time.perf_counter() - started, 3)
        self.loaded_at = time.strftime("%Y-%m-%dT%H:%M:%S")
        return signature, cat, resolver

    def refresh(self) -> None:
        try:
            changed = self._signature() != self._state[0]
        except OSError:
            return  # mid-swap or removed: keep serving what we have
        if changed and self._lock.acquire(blocking=False):
            try:
                if self._signature() != self._state[0]:
                    self._state = self._load()
                    log.info("registry reloaded from %s", self.path)
            except Exception:  # noqa: BLE001 - a bad new file must not take the service down
                log.exception("could not load the new registry; still serving the previous one")
            finally:
                self._lock.release()

    @property
    def catalog(self) -> Catalog:
        return self._state[1]

    def resolve_name(self, name: str, city_adcode: str | None = None, limit: int = 5) -> dict[str, Any]:
        return self._state[2](name, city_adcode=city_adcode, limit=limit)
