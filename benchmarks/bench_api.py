"""`nearest` latency in process and over HTTP under concurrent load, with requests/s.

In process: the Flask app called through its test client (no sockets). Over HTTP: the production
server (`hospnet serve --no-datasette`: gunicorn worker processes) loaded by N keep-alive clients
from separate processes (benchmarks/loadgen.py), for a fixed time, and by wrk when it is installed.
benchmarks/bench_load.py compares with Datasette from 1 to 128 clients.

Targets on the 2-core machine: p50 ≤ 2 ms in process; p99 ≤ 25 ms over HTTP with 8 clients;
≥ 500 requests/s.

    .venv/bin/python benchmarks/bench_api.py [--db registry.db] [--clients 8] [--seconds 10] [--workers N] [--short]
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.loadgen import run_load  # noqa: E402

QUERIES = [
    "/api/v1/nearest?service=重疾绿通&city=温州&insurer=众安",
    "/api/v1/nearest?service=002-green-channel&city=北京",
    "/api/v1/nearest?service=002-registration-assist&city=上海&lat=31.23&lon=121.47",
    "/api/v1/nearest?service=MDT&city=深圳&insurer=中宏",
    "/api/v1/nearest?service=特药&city=广州&insurer=平安",
    "/api/v1/nearest?service=医疗垫付&city=拉萨",
    "/api/v1/nearest?service=002-home-nursing&city=成都",
    "/api/v1/nearest?service=003-escort&city=彭州市",
    "/api/v1/nearest?service=001-specialist-outpatient&city=杭州&limit=20",
    "/api/v1/nearest?service=002-second-opinion&city=430100",
]


def _quote(path: str) -> str:
    base, _, query = path.partition("?")
    return base + "?" + urllib.parse.urlencode(urllib.parse.parse_qsl(query))


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def in_process(db: Path, rounds: int) -> list[float]:
    from api.app import create_app

    client = create_app(str(db)).test_client()
    for q in QUERIES:  # warm the per-service indexes
        assert client.get(q).status_code == 200, q
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            t = time.perf_counter()
            client.get(q)
            times.append((time.perf_counter() - t) * 1000)
    return times


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, workers: int | None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "api.serve", "--db", str(db), "--port", str(port), "--no-datasette"]
    if workers:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def wrk_load(port: int, clients: int, seconds: float) -> str | None:
    """The same load from wrk (a C load generator, if installed: `apt-get install wrk`)."""
    import shutil

    if shutil.which("wrk") is None:
        return None
    paths = ", ".join(f'"{_quote(q)}"' for q in QUERIES)
    script = Path(tempfile.mkdtemp()) / "paths.lua"
    script.write_text(f"local paths = {{{paths}}}\nlocal i = 0\n"
                      "request = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n")
    done = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{int(seconds)}s", "--latency", "-s", str(script),
                           f"http://127.0.0.1:{port}"], capture_output=True, text=True, timeout=seconds + 60)
    keep = [ln.strip() for ln in done.stdout.splitlines()
            if ln.strip().startswith(("50%", "99%", "Requests/sec", "Non-2xx", "Socket errors"))
            or "requests in" in ln]
    return " | ".join(keep)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--workers", type=int, help="API worker processes (default: hospnet serve's, cores + 1)")
    ap.add_argument("--short", action="store_true", help="CI mode: fewer rounds, 2 s of load")
    args = ap.parse_args()
    db = args.db
    if db is None:
        from directory.build import build

        db = Path(tempfile.mkdtemp()) / "registry.db"
        t = time.perf_counter()
        build(db)
        print(f"build (bundled sources): {time.perf_counter() - t:.2f} s")
    rounds = 20 if args.short else 200
    seconds = 2.0 if args.short else args.seconds
    times = in_process(db, rounds)
    print(f"nearest in process: n={len(times)} p50 {statistics.median(times):.2f} ms  "
          f"p99 {percentile(times, 99):.2f} ms  (target p50 <= 2 ms)")
    port = free_port()
    server = start_server(db, port, args.workers)
    paths = [_quote(q) for q in QUERIES]
    try:
        run_load("127.0.0.1", port, paths, args.clients, 1.0)  # warm-up: every worker's indexes
        r = run_load("127.0.0.1", port, paths, args.clients, seconds)
        wrk = wrk_load(port, args.clients, seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"nearest over HTTP: {args.clients} clients, {seconds:.0f} s, hospnet serve "
          f"({args.workers or 'default'} workers): {r.ok} ok, {r.errors} failed, {r.requests_per_s:.0f} requests/s, "
          f"p50 {r.p50_ms:.2f} ms, p99 {r.p99_ms:.2f} ms  (targets: p99 <= 25 ms, >= 500 req/s)")
    if wrk:
        print(f"nearest over HTTP, wrk -t2 -c{args.clients}: {wrk}")
    else:
        print("wrk not installed: only the Python load generator ran")
    print(f"cpu count: {os.cpu_count()}")


if __name__ == "__main__":
    main()
