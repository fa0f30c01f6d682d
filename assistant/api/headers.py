"""Headers every response carries: no framing by other sites, no content sniffing.

Why: a page on another port of the same host could frame the UI while staff were
logged in (the Lax cookie is sent within one site) and overlay it to steer their
clicks (clickjacking). ``Content-Security-Policy: frame-ancestors`` (from the
``frame_ancestors`` setting, ``'self'`` by default) is what browsers obey;
``X-Frame-Options`` says the same to older ones when the setting is ``'self'`` or
``'none'`` (it cannot express a list). ``X-Content-Type-Options: nosniff`` stops a
browser from running an upload or an export as script or HTML because it "looks like" it.

Installed outermost in ``assistant.server``, so the refusals of the other guards carry them too.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.core.settings import Settings

_LEGACY = {"'self'": "SAMEORIGIN", "'none'": "DENY"}


class SecurityHeaders:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        ancestors = " ".join(settings.frame_ancestors.split()) or "'self'"
        self.policy = f"frame-ancestors {ancestors}"
        self.legacy = _LEGACY.get(ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                policy = headers.get("content-security-policy")
                if policy is None:
                    headers["Content-Security-Policy"] = self.policy
                elif "frame-ancestors" not in policy:
                    headers["Content-Security-Policy"] = f"{policy}; {self.policy}"
                if self.legacy and "x-frame-options" not in headers:
                    headers["X-Frame-Options"] = self.legacy
                headers["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, with_headers)
