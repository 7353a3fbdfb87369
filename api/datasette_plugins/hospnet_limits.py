"""Datasette plugin: bound every query's memory as well as its time, and log a refused query in one line.

- Memory: each connection Datasette opens gets SQLite's length limit (no string, blob or row above
  MAX_VALUE_BYTES: `select length(randomblob(1000000000))` is refused at once instead of taking 1 GB)
  and the process-wide hard heap limit (HEAP_LIMIT_BYTES for all of SQLite in this process: a query
  that holds many large values at once is refused with "out of memory" instead of growing the
  process). Time stays bounded by Datasette's sql_time_limit_ms.
- Logging: a refused query (time limit, memory limit, value too big) answers 400 with the reason and
  writes ONE line to stderr (`hospnet-datasette: refused query …: reason: sql`); Datasette's own
  handler would print a full traceback with locals (240 lines) for each. Unexpected errors still
  get a traceback. Datasette's per-request access log is off, as it is for the JSON API.

Both limits can be changed with HOSPNET_DATASETTE_HEAP_MB and HOSPNET_DATASETTE_MAX_VALUE_MB.
"""
from __future__ import annotations

import logging
import os
import sqlite3
import sys
import traceback

from datasette import Response, hookimpl
from datasette.database import QueryInterrupted
from datasette.plugins import pm
from datasette.utils import add_cors_headers
from datasette.utils.asgi import Base400
from datasette.views.base import DatasetteError
from markupsafe import Markup

HEAP_LIMIT_BYTES = int(float(os.environ.get("HOSPNET_DATASETTE_HEAP_MB", "256")) * 2**20)
MAX_VALUE_BYTES = int(float(os.environ.get("HOSPNET_DATASETTE_MAX_VALUE_MB", "16")) * 2**20)
_REFUSALS = {"interrupted": "time limit", "string or blob too big": "value too big",
             "out of memory": "memory limit"}

# This plugin answers every exception itself (below); Datasette's default handler would also print
# a rich traceback with locals for each refused query.
if pm.has_plugin("datasette.handle_exception"):
    pm.unregister(name="datasette.handle_exception")


class _NoAccessLog(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


logging.getLogger("uvicorn.access").addFilter(_NoAccessLog())


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str, datasette) -> None:
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT_BYTES}")


def refusal_reason(exception: BaseException, time_limit_ms: int | None = None) -> str | None:
    """Why a query was refused (time limit, memory limit, value too big), or None for other errors."""
    limits = {"time limit": f"time limit ({time_limit_ms or 'sql_time_limit_ms'} ms)",
              "value too big": f"value too big (over {MAX_VALUE_BYTES // 2**20} MiB)",
              "memory limit": f"memory limit ({HEAP_LIMIT_BYTES // 2**20} MiB)"}
    seen = set()
    exc: BaseException | None = exception
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, QueryInterrupted):
            return limits["time limit"]
        if isinstance(exc, MemoryError):
            return limits["memory limit"]
        if isinstance(exc, sqlite3.Error):
            for key, reason in _REFUSALS.items():
                if key in str(exc):
                    return limits[reason]
        exc = exc.__cause__ or exc.__context__
    return None


def log_refusal(reason: str, request) -> None:
    sql = request.args.get("sql") if request is not None else None
    what = sql or (request.path if request is not None else "?")
    what = " ".join(str(what).split())
    if len(what) > 300:
        what = what[:300] + "…"
    client = ""
    if request is not None and request.scope.get("client"):
        client = f" from {request.scope['client'][0]}"
    sys.stderr.write(f"hospnet-datasette: refused query{client}: {reason}: {what}\n")
    sys.stderr.flush()


@hookimpl
def handle_exception(datasette, request, exception):
    """Datasette's default exception response, without its traceback; refused queries are a 400
    with the reason and one log line."""
    async def inner():
        title = None
        reason = refusal_reason(exception, datasette.setting("sql_time_limit_ms"))
        if isinstance(exception, Base400):
            status, info, message = exception.status, {}, exception.args[0]
        elif isinstance(exception, DatasetteError):
            status, info, message = exception.status, exception.error_dict, exception.message
            if exception.message_is_html:
                message = Markup(message)
            title = exception.title
        elif reason is not None:
            status, info, message = 400, {}, f"Query refused: {reason}"
        else:
            status, info, message = 500, {}, str(exception)
            traceback.print_exception(exception)
        if reason is not None:
            log_refusal(reason, request)
        info = {**info, "ok": False, "error": message, "status": status, "title": title}
        headers: dict[str, str] = {}
        if datasette.cors:
            add_cors_headers(headers)
        if request is not None and request.path.split("?")[0].endswith(".json"):
            return Response.json(info, status=status, headers=headers)
        html = await datasette.render_template([f"{status}.html", "error.html"], dict(info), request=request)
        return Response.html(html, status=status, headers=headers)

    return inner
