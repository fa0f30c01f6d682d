"""How a browser proves who it is: the HttpOnly session cookie, shared by the API and the UI.

The UI never keeps the session token where page scripts can read it (no
localStorage, no BrowserState): the Gradio login event hands the browser a
one-time login ticket, which ``POST /api/auth/session`` exchanges for this cookie.
"""

from __future__ import annotations

from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie
from typing import Any

SESSION_COOKIE = "case_assistant_session"


def cookie_token(cookies: Mapping[str, str] | None) -> str | None:
    if not cookies:
        return None
    return cookies.get(SESSION_COOKIE) or None


def token_from_cookie_header(header: str) -> str | None:
    """The session token in a raw ``Cookie:`` header (for ASGI middleware)."""
    if not header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


def request_cookie_token(request: Any) -> str | None:
    """The cookie token of a Starlette or Gradio request object (None for none)."""
    if request is None:
        return None
    try:
        token = cookie_token(getattr(request, "cookies", None))
    except (AttributeError, KeyError):
        token = None
    if token:
        return token
    headers = getattr(request, "headers", None) or {}
    return token_from_cookie_header(headers.get("cookie", "") if hasattr(headers, "get") else "")
