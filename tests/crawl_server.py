"""A real HTTP server on 127.0.0.1 for crawler tests, with injected faults and a request log.

Routes map a path to a :class:`Route`: a body with its headers, or a fault (slow answer,
500, 429 with ``Retry-After``, redirect, truncated body, oversize body).  ``fail_times`` makes
a fault transient: the route answers normally after that many faulty answers.  Every request
is logged with its arrival time, path, Host and User-Agent, and the server tracks the most
requests it had in flight at once per host.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html"
    headers: dict[str, str] = field(default_factory=dict)
    #: "slow", "error", "retry_after", "truncate", "redirect" or None
    fault: str | None = None
    #: answer normally after this many faulty answers (None: always faulty)
    fail_times: int | None = None
    delay: float = 0.0
    location: str = ""
    retry_after: str = "1"


@dataclass(frozen=True)
class Hit:
    time: float
    path: str
    host: str
    user_agent: str


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle + delayed ACK add 40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        site = self.server.site
        host = self.headers.get("Host", "")
        site.record(Hit(time.monotonic(), self.path, host, self.headers.get("User-Agent", "")))
        self._left = False
        try:
            self._answer(site)
        finally:
            if not self._left:
                site.leave(host)

    def _stall(self, seconds: float) -> bool:
        """Wait without answering; True if the client hung up meanwhile (it stops counting as active)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], min(left, 0.01))
            if readable and self.connection.recv(1, socket.MSG_PEEK) == b"":
                self.server.site.leave(self.headers.get("Host", ""))
                self._left = True
                self.close_connection = True
                return True
        return False

    def _send(self, status: int, body: bytes, content_type: str | None, headers: dict[str, str]) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self, site: TestSite) -> None:
        route = site.routes.get(self.path)
        if route is None:
            self._send(404, b"<html><body>not found</body></html>", "text/html", {})
            return
        faulty = route.fault is not None and site.take_fault(self.path, route)
        if route.delay and route.fault != "slow":
            time.sleep(route.delay)
        if not faulty:
            self._send(route.status, route.body, route.content_type, route.headers)
            return
        if route.fault == "slow":
            if self._stall(route.delay or 2.0):
                return
            self._send(route.status, route.body, route.content_type, route.headers)
        elif route.fault == "error":
            self._send(500, b"<html><body>internal error</body></html>", "text/html", {})
        elif route.fault == "retry_after":
            self._send(429, b"slow down", "text/plain", {"Retry-After": route.retry_after})
        elif route.fault == "unavailable":
            self._send(503, b"busy", "text/plain", {"Retry-After": route.retry_after})
        elif route.fault == "redirect":
            self._send(route.status if 300 <= route.status < 400 else 302, b"", "text/html",
                       {"Location": route.location})
        elif route.fault == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", route.content_type or "text/html")
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body[: len(route.body) // 3])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)
        else:
            raise ValueError(route.fault)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: TestSite


class TestSite:
    """The routes, the fault counters and the request log of one test server."""

    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._faults: Counter[str] = Counter()
        self._active: Counter[str] = Counter()
        self.max_active: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self._server: _Server | None = None

    # -- state used by the handler --------------------------------------------------------
    def record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)
            self._active[hit.host] += 1
            self.max_active[hit.host] = max(self.max_active[hit.host], self._active[hit.host])

    def leave(self, host: str) -> None:
        with self._lock:
            self._active[host] -= 1

    def take_fault(self, path: str, route: Route) -> bool:
        with self._lock:
            if route.fail_times is not None and self._faults[path] >= route.fail_times:
                return False
            self._faults[path] += 1
            return True

    # -- for tests ----------------------------------------------------------------------------
    def add(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url(path)

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def requests_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def paths(self) -> Counter[str]:
        with self._lock:
            return Counter(h.path for h in self.hits)

    def start(self) -> TestSite:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> TestSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
