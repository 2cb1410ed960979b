"""Serving the app with uvicorn on a socket bound before start-up (so the port is known)."""

from __future__ import annotations

import socket
from typing import Any

from pipeline.errors import UsageError

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
def require_extra() -> None:
    """``UsageError`` naming the ``label`` extra when one of its packages is missing."""
    from pipeline.extras import require_extra as require

    require("label", "the labelling app")


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port); ``UsageError`` if taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.listen(128)
    return sock


def allowed_hosts(host: str) -> list[str]:
    """Host header values accepted: the loopback names, plus ``host`` (anything for a wildcard).

    Checking the Host header stops a web page from reaching the app through DNS rebinding.
    """
    if host in ("0.0.0.0", "::", ""):
        return ["*"]
    return sorted({"127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host}]"})


def exposure_warning(host: str) -> str | None:
    """The warning to print when ``host`` is reachable from other machines."""
    if host in LOOPBACK:
        return None
    return (f"warning: listening on {host}, not 127.0.0.1: anyone who can reach this address can "
            "read the items and write labels (there is no login)")


def make_server(app: Any) -> Any:  # -> uvicorn.Server
    """A uvicorn server for ``app`` (run it with ``server.run(sockets=[bind(...)])``)."""
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)
