"""The registry file as one API process sees it, following rebuilds without mixing two builds.

A rebuild renames a new, complete file over the served path (directory/registry_file.py). Each
process (every gunicorn worker) has one LiveRegistry: a watcher thread notices the new file
(polling its inode/mtime/size every POLL_SECONDS, and woken at once when a request sees the change),
loads it in the background while requests keep being answered from the current build, then swaps.

One loaded file is a `LoadedBuild`: its catalog, its name index and its own read-only connections,
all opened on that very file when it was loaded. A request takes the current LoadedBuild once
(`current()`) and uses only it, so every answer comes from exactly one build even when a swap
happens mid-request; the old build's connections are closed when its last request is done.
A new file that is incomplete or cannot be loaded is logged and the current build stays in service.
"""
from __future__ import annotations

import gc
import logging
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from api.catalog import Catalog
from directory.registry_file import build_id as read_build_id

log = logging.getLogger("hospnet.api")

POLL_SECONDS = 0.25
Signature = tuple[int, int, int]


class RegistryNotReady(Exception):
    """The file at the path is not a complete registry (a half-written or foreign file)."""


def connect_ro(db_path: str | Path) -> sqlite3.Connection:
    """A read-only connection (sqlite URI mode=ro) whose rows are sqlite3.Row."""
    uri = Path(db_path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def file_signature(path: str) -> Signature:
    st = os.stat(path)
    return st.st_ino, st.st_mtime_ns, st.st_size


def _name_resolver(conn: sqlite3.Connection, cat: Catalog) -> Callable[..., dict[str, Any]]:
    """resolve(name, city_adcode=None, limit=5) → {"status", "best", "candidates", "message", …}, over an index of
    every alias built once per registry file (directory.lookup)."""
    from directory import lookup

    index = lookup.build_index(conn)

    def resolve(name: str, city_adcode: str | None = None, limit: int = 5) -> dict[str, Any]:
        return lookup.resolve_name(index, name, city_adcode=city_adcode, city_name=cat.name_of(city_adcode),
                                   limit=limit)

    return resolve


@dataclass(eq=False)
class LoadedBuild:
    """One registry file, loaded: everything a request needs, pinned to that file."""

    path: str
    signature: Signature
    build_id: str
    catalog: Catalog
    resolver: Callable[..., dict[str, Any]]
    load_seconds: float
    loaded_at: float  # time.time() when loading finished
    _idle: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _users: int = 0
    _retired: bool = False

    def resolve_name(self, name: str, city_adcode: str | None = None, limit: int = 5) -> dict[str, Any]:
        return self.resolver(name, city_adcode=city_adcode, limit=limit)

    def enter(self) -> None:
        with self._lock:
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            done = self._retired and self._users == 0
        if done:
            self._close_idle()

    def borrow(self) -> sqlite3.Connection:
        """A connection on this build's file (between enter() and leave()): an idle one, a new one
        while the file is still at the path, else the next one another request gives back (a build
        keeps its connections open until it is retired and its last request has left)."""
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        conn = connect_ro(self.path)
        if read_build_id(conn) == self.build_id:
            return conn
        conn.close()  # the path holds a newer file already: wait for one of ours
        return self._idle.get(timeout=60)

    def give_back(self, conn: sqlite3.Connection) -> None:
        self._idle.put(conn)

    def retire(self) -> None:
        """No new request will take this build; its connections close when its last request leaves."""
        with self._lock:
            self._retired = True
            done = self._users == 0
        if done:
            self._close_idle()

    def _close_idle(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


def load_build(path: str) -> LoadedBuild:
    """Load the registry at `path` (catalog, name index, one open connection), all from one file."""
    started = time.perf_counter()
    signature = file_signature(path)
    conn = connect_ro(path)
    try:
        build = read_build_id(conn)
        if build is None:
            raise RegistryNotReady(f"{path}: not a complete registry (no completion mark from 'hospnet build')")
        cat = Catalog(conn)
        resolver = _name_resolver(conn, cat)
    except BaseException:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row  # the catalog may have changed it
    loaded = LoadedBuild(path, signature, build, cat, resolver, round(time.perf_counter() - started, 3), time.time())
    loaded._idle.put(conn)
    return loaded


def _freeze_loaded_objects() -> None:
    """Keep the loaded build out of the garbage collector's full passes: with its ~250,000 objects
    a full collection took 100-360 ms here, a stall for every request waiting on that worker. The
    build's objects are freed by reference counting when it is retired (they form no cycles)."""
    gc.collect()
    gc.freeze()


class LiveRegistry:
    """The current LoadedBuild of whatever registry file is at `path`, followed across rebuilds."""

    def __init__(self, path: str, poll_seconds: float = POLL_SECONDS,
                 on_load: Callable[[LoadedBuild], None] | None = None) -> None:
        self.path = path
        self.poll_seconds = poll_seconds
        self.on_load = on_load  # e.g. warm the build's per-service indexes: before serving, and after each swap
        self._current = load_build(path)
        if on_load is not None:
            on_load(self._current)
        _freeze_loaded_objects()
        self._wake = threading.Event()
        self._watcher_pid: int | None = None
        self._watcher_lock = threading.Lock()
        self._refused: Signature | None = None
        self._swap_lock = threading.Lock()

    def enter(self) -> LoadedBuild:
        """The build to answer one request from (call its leave() when done); also nudges the
        watcher when the file at the path changed."""
        if self._watcher_pid != os.getpid():
            self._start_watcher()  # lazily, in the serving process (after a fork, too)
        try:
            if file_signature(self.path) != self._current.signature:
                self._wake.set()
        except OSError:
            pass  # mid-swap or removed: keep serving what we have
        with self._swap_lock:
            build = self._current
            build.enter()
        return build

    @contextmanager
    def request(self):
        """`with registry.request() as (build, conn)`: one build and one of its connections."""
        build = self.enter()
        try:
            conn = build.borrow()
            try:
                yield build, conn
            finally:
                build.give_back(conn)
        finally:
            build.leave()

    def _start_watcher(self) -> None:
        with self._watcher_lock:
            if self._watcher_pid == os.getpid():
                return
            self._watcher_pid = os.getpid()
            self._wake = threading.Event()
            threading.Thread(target=self._watch, name="hospnet-registry-watcher", daemon=True).start()

    def _watch(self) -> None:
        while True:
            self._wake.wait(self.poll_seconds)
            self._wake.clear()
            self.follow()

    def follow(self) -> bool:
        """Load and swap in the file at the path if it is a new, complete build; True if swapped."""
        try:
            signature = file_signature(self.path)
        except OSError:
            return False
        if signature == self._current.signature or signature == self._refused:
            return False
        try:
            loaded = load_build(self.path)
        except Exception as exc:  # noqa: BLE001 - a bad new file must not take the service down
            self._refused = signature
            log.error("%s changed but cannot be served (%s); still serving build %s",
                      self.path, exc, self._current.build_id)
            return False
        with self._swap_lock:
            old, self._current = self._current, loaded
        old.retire()
        _freeze_loaded_objects()
        log.info("pid %d now serves build %s from %s (loaded in %.2f s)", os.getpid(), loaded.build_id,
                 self.path, loaded.load_seconds)
        if self.on_load is not None:
            # after the swap, so the new build answers at once (a request that needs an index not
            # built yet builds it itself); failures here must not stop the watcher
            try:
                self.on_load(loaded)
            except Exception:  # noqa: BLE001
                log.exception("warming build %s failed; its indexes are built on first use", loaded.build_id)
        return True

    # The build loaded now (tests and the health check read these).
    @property
    def catalog(self) -> Catalog:
        return self._current.catalog

    @property
    def build_id(self) -> str:
        return self._current.build_id
