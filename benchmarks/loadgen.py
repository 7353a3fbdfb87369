"""A closed-loop HTTP load generator in its own processes (the stand-in for wrk where wrk is missing).

`clients` keep-alive connections are spread over up to `processes` worker processes (one per core by
default); each process runs its connections as asyncio tasks over raw sockets with a minimal HTTP/1.1
client (Content-Length or chunked bodies, reconnect when the server closes), so the generator spends
far less CPU per request than http.client threads would, and none of it in the server's processes.
Every connection sends its next request as soon as the previous answer is read.

    from benchmarks.loadgen import run_load
    result = run_load("127.0.0.1", 8000, ["/healthz"], clients=64, seconds=10)
    result.requests_per_s, result.p50_ms, result.p99_ms, result.errors
"""
from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import time
from array import array
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    clients: int
    seconds: float
    ok: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    # With record=True: (start, end, status, X-Hospnet-Build header, body of probe paths) per request,
    # times from time.time(), for checking which build answered when.
    records: list[tuple[float, float, int, str, str]] = field(default_factory=list)

    @property
    def requests_per_s(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        values = sorted(self.latencies_ms)
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    @property
    def p50_ms(self) -> float:
        return self.percentile(50)

    @property
    def p99_ms(self) -> float:
        return self.percentile(99)


class _Closed(Exception):
    pass


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool, dict[str, str], bytes]:
    """Read one response; return (status, server keeps the connection open, headers, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip().lower()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append((await reader.readexactly(size + 2))[:-2])
            if size == 0:
                break
        body = b"".join(parts)
    else:  # body until close
        return status, False, headers, await reader.read()
    keep = headers.get("connection") != "close" and lines[0].startswith("HTTP/1.1")
    return status, keep, headers, body


async def _client(host: str, port: int, requests: list[tuple[bytes, bool]], start: int, deadline: list[float],
                  lat: array, counts: dict[str, int], records: list | None) -> None:
    reader = writer = None
    i = start
    while time.perf_counter() < deadline[0]:
        req, probe = requests[i % len(requests)]
        i += 1
        t = time.perf_counter()
        wall = time.time()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(req)
            status, keep, headers, body = await asyncio.wait_for(_read_response(reader), timeout=30)
            elapsed = (time.perf_counter() - t) * 1000
            if status == 200:
                counts["ok"] += 1
                lat.append(elapsed)
            else:
                counts[f"http {status}"] = counts.get(f"http {status}", 0) + 1
            if records is not None:
                records.append((wall, wall + elapsed / 1000, status, headers.get("x-hospnet-build", ""),
                                body.decode("utf-8", "replace") if probe else ""))
            if not keep:
                writer.close()
                reader = writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError) as exc:
            kind = type(exc).__name__
            counts[kind] = counts.get(kind, 0) + 1
            if records is not None:
                records.append((wall, time.time(), 0, "", kind))
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def _stop_when(stop_file: str, deadline: list[float]) -> None:
    while time.perf_counter() < deadline[0]:
        if os.path.exists(stop_file):
            deadline[0] = time.perf_counter()
            return
        await asyncio.sleep(0.05)


def _process(host: str, port: int, paths: list[str], probes: set[str], first: int, n: int, seconds: float,
             start_at: float, record: bool, stop_file: str | None, out: mp.Queue) -> None:
    requests = [(f"GET {p} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode(), p in probes)
                for p in paths]
    lat = array("d")
    counts: dict[str, int] = {"ok": 0}
    records: list | None = [] if record else None

    async def main() -> None:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        deadline = [time.perf_counter() + seconds]
        watch = [_stop_when(stop_file, deadline)] if stop_file else []
        await asyncio.gather(*watch, *(_client(host, port, requests, first + k, deadline, lat, counts, records)
                                       for k in range(n)))

    asyncio.run(main())
    out.put((counts, lat.tobytes(), records or []))


def _next_result(out: mp.Queue, procs: list, deadline: float) -> tuple[dict[str, int], bytes, list]:
    import queue

    while time.monotonic() < deadline:
        try:
            return out.get(timeout=0.5)
        except queue.Empty:
            if all(p.exitcode not in (None, 0) for p in procs):
                raise RuntimeError("every load generator process failed") from None
    raise RuntimeError("load generator processes did not report in time")


def run_load(host: str, port: int, paths: list[str], clients: int, seconds: float,
             processes: int | None = None, record: bool = False, probes: tuple[str, ...] = (),
             stop_file: str | None = None) -> LoadResult:
    """Drive `clients` concurrent keep-alive connections for `seconds` (or until `stop_file` exists)
    from separate processes. With `record`, every request is kept in result.records (with the body of
    `probes` paths); result.seconds is then the time the load really ran."""
    processes = max(1, min(clients, processes or os.cpu_count() or 1))
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()
    share = [clients // processes + (1 if k < clients % processes else 0) for k in range(processes)]
    start_at = time.time() + 1.0  # every process starts its clients at the same moment
    procs, first = [], 0
    for n in share:
        p = ctx.Process(target=_process, args=(host, port, paths, set(probes), first, n, seconds, start_at, record,
                                               stop_file, out), daemon=True)
        p.start()
        procs.append(p)
        first += n
    result = LoadResult(clients=clients, seconds=seconds)
    for _ in procs:
        counts, raw, records = _next_result(out, procs, time.monotonic() + seconds + 120)
        result.records.extend(records)
        lat = array("d")
        lat.frombytes(raw)
        result.latencies_ms.extend(lat)
        result.ok += counts.pop("ok")
        for kind, c in counts.items():
            result.errors += c
            result.error_kinds[kind] = result.error_kinds.get(kind, 0) + c
    for p in procs:
        p.join(timeout=10)
    if stop_file:
        result.seconds = min(seconds, time.time() - start_at)
    return result
