"""A programmable HTTP server on 127.0.0.1 (ephemeral port) for tests.

Routes map a request path (query string included, or the bare path) to a `Reply`
or a list of replies served in order, the last one repeating:

    with serve({"/a.csv": [status(503, retry_after="1"), ok(b"x,y\\n1,2\\n")]}) as base:
        fetch(..., f"{base}/a.csv", ...)
        assert base.hits("/a.csv") == 2

`serve()` yields a `ServerURL`: a `str` (the base URL, no trailing slash) that also
carries `routes` (mutable while running), `requests` (every request received) and helpers.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    trickle: float = 0.0
    chunk_size: int = 1024
    send_bytes: int | None = None
    content_length: bool = True
    reset: bool = False
    conditional: bool = True


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]


def ok(
    body: bytes, content_type: str = "text/csv; charset=utf-8", headers: Mapping[str, str] | None = None
) -> Reply:
    """200 with `body`; ETag / Last-Modified in `headers` make it answer conditional requests with 304."""
    return Reply(200, body, {"Content-Type": content_type, **(headers or {})})


def status(code: int, body: bytes = b"", retry_after: str | None = None) -> Reply:
    headers = {"Content-Type": "text/plain"}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return Reply(code, body, headers)


def redirect(location: str, code: int = 302) -> Reply:
    return Reply(code, b"", {"Location": location})


def reset() -> Reply:
    """Drop the connection (TCP RST) without sending any response."""
    return Reply(reset=True)


def truncated(body: bytes, send_bytes: int, content_type: str = "text/csv") -> Reply:
    """Announce Content-Length len(body) but send only `send_bytes` bytes, then close."""
    return Reply(200, body, {"Content-Type": content_type}, send_bytes=send_bytes)


def trickle(body: bytes, interval: float, chunk_size: int = 1, content_type: str = "text/csv") -> Reply:
    """Send `body` in `chunk_size` pieces with `interval` seconds between them."""
    return Reply(200, body, {"Content-Type": content_type}, trickle=interval, chunk_size=chunk_size)


def slow(delay: float, body: bytes = b"a,b\n1,2\n", content_type: str = "text/csv") -> Reply:
    """Wait `delay` seconds before sending the status line."""
    return Reply(200, body, {"Content-Type": content_type}, delay=delay)


class ServerURL(str):
    routes: dict[str, Reply | Sequence[Reply]]
    requests: list[Recorded]

    def __new__(cls, base: str, routes: Mapping[str, Reply | Sequence[Reply]]) -> ServerURL:
        self = super().__new__(cls, base)
        self.routes = dict(routes)
        self.requests = []
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        return self

    def url(self, path: str) -> str:
        return f"{self}{path}"

    def hits(self, path: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if path is None or r.path == path)

    def requests_for(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _next(self, method: str, path: str, headers: dict[str, str]) -> Reply | None:
        with self._lock:
            self.requests.append(Recorded(method, path, headers))
            key = path if path in self.routes else path.split("?", 1)[0]
            route = self.routes.get(key)
            if route is None:
                return None
            if isinstance(route, Reply):
                return route
            index = self._served.get(key, 0)
            self._served[key] = index + 1
            return route[min(index, len(route) - 1)]


def _not_modified(reply: Reply, request_headers: Mapping[str, str]) -> bool:
    if not reply.conditional or reply.status != 200:
        return False
    etag, last_modified = reply.headers.get("ETag"), reply.headers.get("Last-Modified")
    if_none_match, if_modified_since = (
        request_headers.get("if-none-match"),
        request_headers.get("if-modified-since"),
    )
    if if_none_match is not None:
        tags = [t.strip() for t in if_none_match.split(",")]
        return etag is not None and ("*" in tags or etag in tags)
    if if_modified_since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _respond(self, with_body: bool) -> None:
        site = self.server.site
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = site._next(self.command, self.path, headers) or Reply(
            404, b"not found", {"Content-Type": "text/plain"}
        )
        if reply.delay and site._stop.wait(reply.delay):
            self.close_connection = True
            return
        if reply.reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        try:
            if _not_modified(reply, headers):
                self.send_response(304)
                for name in ("ETag", "Last-Modified"):
                    if name in reply.headers:
                        self.send_header(name, reply.headers[name])
                self.end_headers()
                return
            self._send(reply, with_body, site._stop)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(self, reply: Reply, with_body: bool, stop: threading.Event) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.content_length and not any(k.lower() == "content-length" for k in reply.headers):
            self.send_header("Content-Length", str(len(reply.body)))
        if reply.send_bytes is not None or reply.trickle or not reply.content_length:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not with_body or reply.status in (204, 304):
            return
        payload = reply.body if reply.send_bytes is None else reply.body[: reply.send_bytes]
        if not reply.trickle:
            self.wfile.write(payload)
            return
        for start in range(0, len(payload), reply.chunk_size):
            if stop.wait(reply.trickle):
                return
            self.wfile.write(payload[start : start + reply.chunk_size])
            self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: ServerURL

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(routes: Mapping[str, Reply | Sequence[Reply]] | None = None) -> Iterator[ServerURL]:
    """Run the server for the duration of the block; yields its base URL (a `ServerURL`)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    site = ServerURL(f"http://{host}:{port}", routes or {})
    server.site = site
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site._stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def http_server() -> Iterator[ServerURL]:
    """A running server with no routes yet: set `http_server.routes[path] = ...` in the test."""
    with serve() as site:
        yield site
