"""Who is using the page: the HttpOnly session cookie, checked on every event.

Why our own login form instead of Gradio's ``auth=``: Gradio keeps its logins in
process memory and only gives us a username, while ``Accounts`` already has
database-backed sessions. Every event handler takes ``request: gr.Request`` and
resolves the principal from the session cookie with
``Accounts.principal_for_token``, so a disabled account or an expired session is
locked out at its next click, sessions survive a server restart, and logout really
ends the session. In local mode (loopback, no accounts) no login is needed at all.

Why a cookie and not a token in ``gr.BrowserState``: the BrowserState key is sent to
every visitor in ``/config``, so a token kept there is readable by any script on the
page. The login event returns a one-time ticket instead; the page exchanges it at
``POST /api/session`` for the HttpOnly cookie, which page scripts cannot read.
The login goes through ``Accounts.login``, the same throttle as ``POST /api/login``.
The ticket is bound to the page cookie (``assistant.api.session_binding``): only the
page that logged in can redeem it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.auth.principal import Principal, local_principal
from assistant.auth.web import request_cookie_token, request_page_owner
from assistant.core.errors import AuthenticationError

if TYPE_CHECKING:
    import gradio as gr

    from assistant.auth.accounts import Accounts

LOGIN_REQUIRED = "登录已失效或尚未登录，请刷新页面后重新登录。"


def client_address(request: gr.Request) -> str:
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "unknown")


class Sessions:
    """The UI's view of ``assistant.auth.accounts.Accounts``: login and the principal per event."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts

    def local_mode(self) -> bool:
        """Asked on every event, so creating the first account ends local mode without a restart."""
        return bool(self.accounts.local_mode())

    def principal(self, request: gr.Request) -> Principal:
        """The Principal for this event; raises AuthenticationError when nobody is logged in."""
        if self.local_mode():
            return local_principal()
        token = request_cookie_token(request)
        principal = self.accounts.principal_for_token(token) if token else None
        if principal is None:
            raise AuthenticationError(LOGIN_REQUIRED)
        return principal

    def try_principal(self, request: gr.Request) -> Principal | None:
        try:
            return self.principal(request)
        except AuthenticationError:
            return None

    def login(self, username: str, password: str, request: gr.Request) -> tuple[str, Principal]:
        """Check the password (throttled), open a session; return a one-time ticket for the cookie."""
        principal = self.accounts.login((username or "").strip(), password or "", client_address(request))
        token = self.accounts.create_session(principal)
        return self.accounts.login_tickets.issue(token, request_page_owner(request)), principal

    def change_password(self, current: str, new: str, request: gr.Request) -> str:
        """The user's own password change (all their sessions end); a one-time ticket for the new session."""
        principal = self.principal(request)
        token = self.accounts.change_password(principal, current, new, client_address(request))
        return self.accounts.login_tickets.issue(token, request_page_owner(request))
