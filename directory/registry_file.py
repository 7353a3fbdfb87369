"""The registry file's life cycle on disk: written under a temporary name, marked complete by its
last write, renamed into place; temporary files of builds that died are found and removed.

- A build writes `.{name}.{pid}.tmp` beside the target and renames it into place when done.
- The LAST write of a build is the row ('build', 'complete', '1') in `build_report` (with the
  build's id and finish time, in the same transaction): a file without it was not finished — a build
  killed while indexing leaves a temp file that has every table but not this row — and nothing
  serves it (`is_complete`, used by `hospnet serve` and the servers that follow rebuilds).
- Hidden `.{name}.{pid}.*` files beside a registry belong to process `pid` (a build's temp file, a
  Datasette server's pinned link); once that process is gone they are stale and
  `clean_stale_files` removes them.
"""
from __future__ import annotations

import os
import re
import sqlite3
import time
import uuid
from pathlib import Path

COMPLETE = ("build", "complete", "1")


def temp_path(out: Path, pid: int | None = None) -> Path:
    """Where a build by process `pid` (this one by default) writes before renaming into `out`."""
    return out.with_name(f".{out.name}.{pid or os.getpid()}.tmp")


def owned_path(out: Path, suffix: str, pid: int | None = None) -> Path:
    """A hidden file beside `out` owned by process `pid`: removed as stale once that process is gone."""
    return out.with_name(f".{out.name}.{pid or os.getpid()}.{suffix}")


def mark_complete(conn: sqlite3.Connection) -> str:
    """Write the completion marker (call as the build's last write); returns the new build id."""
    build_id = uuid.uuid4().hex[:12]
    with conn:
        conn.executemany("INSERT INTO build_report (section, item, value) VALUES (?, ?, ?)",
                         [("build", "id", build_id),
                          ("build", "finished_at", time.strftime("%Y-%m-%dT%H:%M:%S%z")),
                          COMPLETE])
    return build_id


def build_id(conn: sqlite3.Connection) -> str | None:
    """The id of the build that wrote this registry, or None when it is not marked complete."""
    try:
        rows = dict(conn.execute("select item, value from build_report where section = 'build' "
                                 "and item in ('id', 'complete')").fetchall())
    except sqlite3.DatabaseError:
        return None
    if rows.get("complete") != COMPLETE[2]:
        return None
    return rows.get("id") or "unknown"


def is_complete(path: str | Path) -> bool:
    """True when `path` is a registry whose build finished (it carries the completion marker)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        return build_id(conn) is not None
    finally:
        conn.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_files(out: Path) -> list[Path]:
    """Hidden `.{name}.{pid}.*` files beside `out` whose process is no longer running."""
    out = Path(out)
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.(\d+)\.[\w.-]+$")
    found = []
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        m = pattern.match(entry.name)
        if m and int(m.group(1)) != os.getpid() and not _alive(int(m.group(1))) and entry.is_file():
            found.append(entry)
    return sorted(found)


def clean_stale_files(out: Path) -> list[Path]:
    """Remove the stale files of dead builds and servers beside `out`; returns what was removed."""
    removed = []
    for path in stale_files(out):
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed
