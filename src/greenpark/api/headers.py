"""Security headers on every response: CSP with a per-request nonce, no framing, no sniffing, no referrer leaks.

A pure ASGI middleware (outermost, so error pages, static files and 404s carry the headers too).
Each HTTP request gets a fresh random nonce in ``request.state.csp_nonce``; the dashboard's
templates put it on their few inline ``<script>`` elements, and the policy allows no other inline
script. Styles may be inline (Plotly and Swagger UI set element styles); images and fonts may be
``data:`` URIs; ReDoc runs a worker from a ``blob:`` URL.

References
----------
OWASP Cheat Sheet Series: Content Security Policy Cheat Sheet ("strict" nonce-based policy),
HTTP Headers Cheat Sheet (X-Content-Type-Options, Referrer-Policy, X-Frame-Options).
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

NONCE_KEY = "csp_nonce"


def content_security_policy(nonce: str) -> str:
    """The Content-Security-Policy value for a response whose inline scripts carry ``nonce``."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """Adds CSP (with a nonce), X-Frame-Options, X-Content-Type-Options and Referrer-Policy to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})[NONCE_KEY] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = content_security_policy(nonce)
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, send_with_headers)
