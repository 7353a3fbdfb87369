"""A build marks its file complete as its very last step; anything else is not a registry to serve."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from directory.build import BUILD_COMPLETE_ID, is_complete

ROOT = Path(__file__).resolve().parent.parent


def test_a_finished_build_is_complete(registry):
    assert is_complete(registry)
    import sqlite3

    with sqlite3.connect(registry) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == BUILD_COMPLETE_ID


def test_missing_empty_and_foreign_files_are_not(tmp_path):
    assert not is_complete(tmp_path / "none.db")
    (tmp_path / "empty.db").write_bytes(b"")
    assert not is_complete(tmp_path / "empty.db")
    (tmp_path / "junk.db").write_bytes(os.urandom(4096))
    assert not is_complete(tmp_path / "junk.db")
    import sqlite3

    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE hospitals (id)")
    assert not is_complete(tmp_path / "other.db")


def test_a_build_killed_while_writing_leaves_no_complete_file(tmp_path):
    out = tmp_path / "r.db"
    proc = subprocess.Popen([sys.executable, "-m", "directory.cli", "build", "--out", str(out), "--quiet"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    temps: list[Path] = []
    while time.monotonic() < deadline and proc.poll() is None and not temps:
        temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp") and p.stat().st_size > 0]
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert temps, "the build finished before it could be killed"
    assert not out.exists()
    assert all(not is_complete(p) for p in tmp_path.iterdir())
