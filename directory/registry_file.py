"""The registry file's life cycle on disk: written under a temporary name, marked complete by its
last write, renamed into place; temporary files of builds that died are found and removed.

- A build writes `.{name}.{pid}.tmp` beside the target and renames it into place when done.
- Just before the end it records its id and finish time in `build_report` (section 'build'); its
  LAST write sets `PRAGMA application_id = BUILD_COMPLETE_ID` in the file header. A file without it
  was not finished — a build killed while indexing leaves a temp file that has every table but not
  this mark — and nothing serves it (`is_complete`, used by `hospnet serve` and by the API workers
  and Datasette when they follow a rebuild).
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

BUILD_COMPLETE_ID = 0x484E4554  # 'HNET'


def temp_path(out: Path, pid: int | None = None) -> Path:
    """Where a build by process `pid` (this one by default) writes before renaming into `out`."""
    return out.with_name(f".{out.name}.{pid or os.getpid()}.tmp")


def owned_path(out: Path, suffix: str, pid: int | None = None) -> Path:
    """A hidden file beside `out` owned by process `pid`: removed as stale once that process is gone."""
    return out.with_name(f".{out.name}.{pid or os.getpid()}.{suffix}")


def write_build_id(conn: sqlite3.Connection) -> str:
    """Record a new build id and the finish time in build_report; returns the id."""
    new_id = uuid.uuid4().hex[:12]
    with conn:
        conn.executemany("INSERT INTO build_report (section, item, value) VALUES (?, ?, ?)",
                         [("build", "id", new_id), ("build", "finished_at", time.strftime("%Y-%m-%dT%H:%M:%S%z"))])
    return new_id


def build_id(conn: sqlite3.Connection) -> str | None:
    """The id of the build that wrote this registry; None when the build did not finish."""
    try:
        if conn.execute("PRAGMA application_id").fetchone()[0] != BUILD_COMPLETE_ID:
            return None
        row = conn.execute("select value from build_report where section = 'build' and item = 'id'").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else "unidentified"


def is_complete(path: str | Path) -> bool:
    """True only for a registry whose build finished (see BUILD_COMPLETE_ID); never raises."""
    try:
        conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        try:
            return conn.execute("PRAGMA application_id").fetchone()[0] == BUILD_COMPLETE_ID
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return False


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
