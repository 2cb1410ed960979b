"""The web app: the labelling page, the guidelines and the JSON API (Starlette).

API (a contract other tools rely on):

- ``GET /api/next`` -> ``{"id", "title", "text", "scores", "evidence", "strategy"}``
  (204 when nothing is left to label)
- ``POST /api/labels`` ``{"id", "relevant", "topics", "note"?}`` -> 201 once the label line is
  flushed and fsynced
- ``GET /api/progress`` -> counts, per-topic counts and the model's state

and, for the page: ``POST /api/skip`` ``{"id"}``, ``POST /api/undo``, ``GET /api/item?id=&script=``.
Item text is untrusted: templates autoescape, the page inserts text as text nodes only, and a
Content-Security-Policy forbids inline scripts.  The API takes ids, never file paths.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.label.guidelines import render_guidelines, render_page
from pipeline.label.session import LabelError, LabelSession

#: largest request body accepted (a label is a few hundred bytes)
MAX_BODY_BYTES = 64 * 1024

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        (
            b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
            b"base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
        ),
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _json_body(request: Request) -> Any:
    """The request's JSON body; ``LabelError`` unless it is ``application/json`` and parses.

    Requiring the JSON content type also keeps other web pages out: a cross-site form or
    ``text/plain`` post cannot carry it without a CORS preflight, which this app never grants.
    """
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise LabelError(415, "send the body as application/json")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise LabelError(413, "request body too large")
    try:
        return json.loads(body or b"null")
    except ValueError as exc:
        raise LabelError(400, f"the body is not JSON: {exc}") from exc


Handler = Callable[[Request], Awaitable[Response]]


def _api(handler: Handler) -> Handler:
    """Turn :class:`LabelError` into a JSON error response."""

    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except LabelError as exc:
            return _error(exc.status, exc.message)

    return wrapped


def create_app(session: LabelSession, allowed_hosts: list[str] | None = None) -> Starlette:
    """The app serving ``session``; requests must name one of ``allowed_hosts`` in their Host."""

    async def page(request: Request) -> Response:
        return HTMLResponse(render_page(session.taxonomy))

    async def guidelines(request: Request) -> Response:
        return HTMLResponse(render_guidelines(session.taxonomy))

    @_api
    async def next_item(request: Request) -> Response:
        item = await run_in_threadpool(session.next_item)
        return Response(status_code=204) if item is None else JSONResponse(item)

    @_api
    async def post_label(request: Request) -> Response:
        payload = await _json_body(request)
        return JSONResponse(await run_in_threadpool(session.add_label, payload), status_code=201)

    @_api
    async def progress(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(session.progress))

    @_api
    async def skip(request: Request) -> Response:
        payload = await _json_body(request)
        if not isinstance(payload, dict) or set(payload) != {"id"}:
            raise LabelError(422, 'the body must be {"id": ...}')
        return JSONResponse(await run_in_threadpool(session.skip, payload["id"]))

    @_api
    async def undo(request: Request) -> Response:
        item = await run_in_threadpool(session.undo)
        if item is None:
            raise LabelError(409, "nothing to undo in this session")
        return JSONResponse(item)

    @_api
    async def item(request: Request) -> Response:
        doc_id = request.query_params.get("id")
        if doc_id is None:
            raise LabelError(422, "give the item's id: /api/item?id=...")
        script = request.query_params.get("script", "original")
        return JSONResponse(await run_in_threadpool(session.item_display, doc_id, script))

    routes = [
        Route("/", page),
        Route("/guidelines", guidelines),
        Route("/api/next", next_item),
        Route("/api/labels", post_label, methods=["POST"]),
        Route("/api/progress", progress),
        Route("/api/skip", skip, methods=["POST"]),
        Route("/api/undo", undo, methods=["POST"]),
        Route("/api/item", item),
        Mount("/static", StaticFiles(packages=[("pipeline.label", "static")]), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or ["127.0.0.1", "localhost"]),
    ]
    return Starlette(routes=routes, middleware=middleware)
