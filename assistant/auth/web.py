"""How a browser proves who it is: the HttpOnly session cookie, shared by the API and the UI.

The UI never keeps the session token where page scripts can read it (no
localStorage, no BrowserState): the Gradio login event hands the browser a
one-time login ticket, which ``POST /api/auth/session`` exchanges for this cookie.
"""

from __future__ import annotations

import hashlib
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


# A random id per browser, set by ``assistant.api.session_binding`` (HttpOnly): Gradio's event results and
# the one-time login ticket are bound to it, so only the page that asked can read or redeem them.
PAGE_COOKIE = "case_assistant_page"


def page_owner(page_id: str | None) -> str:
    """What a ticket or a Gradio session is bound to: a hash of the page id ("" when there is none)."""
    return hashlib.sha256(page_id.encode("utf-8")).hexdigest() if page_id else ""


def request_page_owner(request: Any) -> str:
    """``page_owner`` of a Starlette or Gradio request's page cookie."""
    if request is None:
        return ""
    cookies = getattr(request, "cookies", None) or {}
    page_id = cookies.get(PAGE_COOKIE) if hasattr(cookies, "get") else None
    if not page_id:
        headers = getattr(request, "headers", None) or {}
        jar = SimpleCookie()
        try:
            jar.load(headers.get("cookie", "") if hasattr(headers, "get") else "")
        except CookieError:
            return ""
        morsel = jar.get(PAGE_COOKIE)
        page_id = morsel.value if morsel is not None else None
    return page_owner(page_id)
