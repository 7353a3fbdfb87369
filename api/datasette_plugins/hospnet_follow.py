"""Datasette plugin: follow rebuilds of the served registry, never answering from two builds.

A rebuild renames a new file over the served path (directory/registry_file.py). Datasette by itself
keeps per-thread connections on the file it opened first and opens new ones on whatever is at the
path later, so after a rebuild it answered some requests from the old build and some from the new.

Here every file database is served as a `PinnedDatabase`, one per build ("generation"):
- at the start of every HTTP request the path is stat()ed (about a microsecond); if it holds a new
  file, the new file is pinned — hard-linked as `.{name}.{pid}.datasette-{n}` beside it, so every
  connection of the generation opens that same file even if the path moves on again — checked
  complete (the build's completion mark), and swapped in with datasette.remove_database /
  add_database before the request is handled. Every request that starts after a rebuild's rename
  is answered from the new build.
- connections are kept per thread and per generation; the old generation's connections are closed
  and its link removed once the last request that started before the swap has finished.
- a new file that is not a complete registry is logged once and the current build stays in service.
Links of a Datasette that died are removed by the next build or `hospnet serve` (dead pid). Where the
folder refuses links, the path itself is opened (a swap mid-request could then mix builds).
"""
from __future__ import annotations

import asyncio
import atexit
import os
import sqlite3
import sys
from pathlib import Path

from datasette import hookimpl
from datasette.database import Database, connections

from directory.registry_file import clean_stale_files, is_complete, owned_path


class PinnedDatabase(Database):
    """An immutable Database whose connections all open one build's file (`pinned`)."""

    def __init__(self, ds, path: str, pinned: str, generation: int, signature: tuple[int, int, int]):
        super().__init__(ds, path=path, is_mutable=False)
        self.pinned = pinned
        self.generation = generation
        self.signature = signature

    def connect(self, write: bool = False) -> sqlite3.Connection:
        assert not write, "the registry is served read-only"
        conn = sqlite3.connect(Path(self.pinned).resolve().as_uri() + "?immutable=1", uri=True,
                               check_same_thread=False)
        self._all_file_connections.append(conn)
        return conn

    async def execute_fn(self, fn):
        if self.ds.executor is None:
            return await super().execute_fn(fn)
        key = f"hospnet:{self.name}:{self.generation}"  # Datasette's own key is the name alone

        def in_thread():
            conn = getattr(connections, key, None)
            if not conn:
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                setattr(connections, key, conn)
            return fn(conn)

        return await asyncio.get_running_loop().run_in_executor(self.ds.executor, in_thread)


# Plain classes: Datasette loads a plugins-dir file outside sys.modules, where dataclasses fail.
class _Followed:
    def __init__(self, name: str, path: str, current: PinnedDatabase) -> None:
        self.name = name
        self.path = path
        self.current = current
        self.refused: tuple[int, int, int] | None = None


class Follower:
    """Every file database of one Datasette, with the old generations still finishing requests."""

    def __init__(self, datasette) -> None:
        self.datasette = datasette
        self.followed: dict[str, _Followed] = {}
        self.generation = 0
        self.inflight: dict[int, int] = {}  # requests in flight per swap epoch
        self.epoch = 0
        self.retiring: list[tuple[int, PinnedDatabase]] = []

    def _pin(self, path: str) -> tuple[str, tuple[int, int, int]]:
        self.generation += 1
        link = owned_path(Path(path), f"datasette-{self.generation}")
        try:
            link.unlink(missing_ok=True)  # ours by its pid: left by an earlier process with our pid
            os.link(path, link)
            pinned = str(link)
        except OSError as exc:
            sys.stderr.write(f"hospnet-datasette: cannot pin {path} ({exc.strerror}); opening it by name\n")
            pinned = path
        st = os.stat(pinned)
        return pinned, (st.st_ino, st.st_mtime_ns, st.st_size)

    def adopt(self, name: str, db: Database) -> None:
        """Serve the database Datasette was started with as the first generation."""
        path = str(Path(db.path).resolve())
        clean_stale_files(Path(path))
        pinned, signature = self._pin(path)
        new = PinnedDatabase(self.datasette, path, pinned, self.generation, signature)
        self._swap(name, new, route=db.route)
        self.followed[name] = _Followed(name, path, new)

    def _swap(self, name: str, new: PinnedDatabase, route: str | None) -> None:
        self.datasette.remove_database(name)
        self.datasette.add_database(new, name=name, route=route)

    def check(self) -> list[str]:
        """Swap in every followed file that changed on disk; returns the names swapped."""
        swapped = []
        for f in self.followed.values():
            try:
                st = os.stat(f.path)
            except OSError:
                continue  # mid-rename or removed: keep serving the current build
            signature = (st.st_ino, st.st_mtime_ns, st.st_size)
            if signature in (f.current.signature, f.refused):
                continue
            pinned, pinned_signature = self._pin(f.path)
            if pinned_signature == f.current.signature:  # moved again, back to ours
                self._unlink(pinned, f.path)
                continue
            if not is_complete(pinned):
                f.refused = pinned_signature
                sys.stderr.write(f"hospnet-datasette: {f.path} changed but is not a complete registry; "
                                 f"still serving the previous build\n")
                self._unlink(pinned, f.path)
                continue
            new = PinnedDatabase(self.datasette, f.path, pinned, self.generation, pinned_signature)
            old = f.current
            self._swap(f.name, new, route=old.route)
            f.current = new
            self.retiring.append((self.epoch, old))
            self.epoch += 1
            swapped.append(f.name)
        return swapped

    def request_started(self) -> int:
        self.inflight[self.epoch] = self.inflight.get(self.epoch, 0) + 1
        return self.epoch

    def request_finished(self, epoch: int) -> None:
        self.inflight[epoch] -= 1
        if not self.inflight[epoch] and epoch < self.epoch:
            del self.inflight[epoch]
        oldest_busy = min((e for e, n in self.inflight.items() if n), default=self.epoch)
        keep = []
        for swapped_at, db in self.retiring:
            if swapped_at < oldest_busy:
                self._retire(db)
            else:
                keep.append((swapped_at, db))
        self.retiring = keep

    def _retire(self, db: PinnedDatabase) -> None:
        db.close()
        self._unlink(db.pinned, db.path)

    @staticmethod
    def _unlink(pinned: str, path: str) -> None:
        if pinned != path:
            try:
                os.unlink(pinned)
            except OSError:
                pass

    def close(self) -> None:
        for _, db in self.retiring:
            self._unlink(db.pinned, db.path)
        for f in self.followed.values():
            self._unlink(f.current.pinned, f.path)


_FOLLOWERS: dict[int, Follower] = {}


@hookimpl
def startup(datasette):
    follower = Follower(datasette)
    for name, db in list(datasette.databases.items()):
        if db.path and not db.is_memory and name != "_internal":
            follower.adopt(name, db)
    _FOLLOWERS[id(datasette)] = follower
    atexit.register(follower.close)


async def _forget_schema(datasette, names: list[str]) -> None:
    """Make Datasette re-read the swapped databases' tables and columns on its next schema refresh."""
    internal = datasette.databases.get("_internal")
    if internal is None or not getattr(datasette, "internal_db_created", False):
        return
    for name in names:
        await internal.execute_write("delete from databases where database_name = ?", [name])


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def follow_rebuilds(scope, receive, send):
            follower = _FOLLOWERS.get(id(datasette))
            if follower is not None and scope.get("type") == "lifespan":
                async def receive_and_clean_up():
                    message = await receive()
                    if message.get("type") == "lifespan.shutdown":
                        follower.close()  # uvicorn re-raises SIGTERM after shutdown: atexit would not run
                    return message

                return await app(scope, receive_and_clean_up, send)
            if follower is None or scope.get("type") != "http":
                return await app(scope, receive, send)
            swapped = follower.check()
            if swapped:
                await _forget_schema(datasette, swapped)
            epoch = follower.request_started()
            try:
                return await app(scope, receive, send)
            finally:
                follower.request_finished(epoch)

        return follow_rebuilds

    return wrap
