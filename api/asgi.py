"""The Flask app as an ASGI app that runs each request inline on the event loop (no thread pool).

gunicorn's asgi worker is one asyncio event loop per process: kept-alive connections wait in epoll
(their cost does not grow with their number) and a request is parsed, answered and written by the
same thread. Every hospnet request is short, CPU-bound Python with no network waits (SQLite is a
local read-only file), so running the WSGI app right there, without handing it to a thread, is what
a worker process does best: with gthread each request crossed two threads and their GIL twice.

    asgi = inline_wsgi(create_app(db_path))
"""
from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

Scope = dict[str, Any]


def _path_info(scope: Scope) -> str:
    """PATH_INFO as WSGI wants it: the percent-decoded bytes of the path, as latin-1."""
    raw = scope.get("raw_path")
    if raw and raw.startswith(b"/"):
        return unquote_to_bytes(raw).decode("latin-1")
    return scope["path"].encode("utf-8", "surrogateescape").decode("latin-1")


def _environ(scope: Scope, body: bytes) -> dict[str, Any]:
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf-8").decode("latin-1"),
        "PATH_INFO": _path_info(scope),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] or 80),
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)),
    }
    for name, value in scope.get("headers", []):
        key = name.decode("latin-1").upper().replace("-", "_")
        text = value.decode("latin-1")
        if key == "CONTENT_TYPE":
            environ["CONTENT_TYPE"] = text
        elif key != "CONTENT_LENGTH":
            key = f"HTTP_{key}"
            environ[key] = f"{environ[key]},{text}" if key in environ else text
    return environ


def inline_wsgi(wsgi_app: Callable) -> Callable:
    """An ASGI application (HTTP only) that calls `wsgi_app` synchronously for every request."""

    async def app(scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:  # the API answers GET; a body is read and ignored by Flask, never left unread
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        started: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
            started["status"] = int(status.split(" ", 1)[0])
            started["headers"] = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
            return lambda _data: None  # the legacy write() callable; Flask does not use it

        result = wsgi_app(_environ(scope, body), start_response)
        try:
            chunks = [chunk for chunk in result if chunk]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        await send({"type": "http.response.start", "status": started["status"], "headers": started["headers"]})
        await send({"type": "http.response.body", "body": b"".join(chunks)})

    return app
