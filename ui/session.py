"""Who is using the page: the login form's session token, checked on every event.

Why our own login form with the token in ``gr.BrowserState`` instead of Gradio's
``auth=``: Gradio keeps its logins in process memory and only gives us a username,
while ``Accounts`` already has database-backed sessions. Resolving the token with
``Accounts.principal_for_token`` on every event means a disabled account or an
expired session is locked out at its next click, sessions survive a server restart,
logout really ends the session, and the login page is in Chinese like the rest.
In local mode (loopback, no accounts) no token is needed at all.
"""

from __future__ import annotations

from typing import Any

from assistant.auth.principal import Principal, local_principal
from assistant.core.errors import AuthenticationError

LOGIN_REQUIRED = "登录已失效或尚未登录，请刷新页面后重新登录。"


class Sessions:
    """The UI's view of ``assistant.accounts.Accounts``: login, logout, principal per event."""

    def __init__(self, accounts: Any) -> None:
        self.accounts = accounts

    def local_mode(self) -> bool:
        """Asked on every event, so creating the first account ends local mode without a restart."""
        return bool(self.accounts.local_mode())

    def principal(self, token: str | None) -> Principal:
        """The Principal for this event; raises AuthenticationError when nobody is logged in."""
        if self.local_mode():
            return local_principal()
        principal = self.accounts.principal_for_token(token) if token else None
        if principal is None:
            raise AuthenticationError(LOGIN_REQUIRED)
        return principal

    def try_principal(self, token: str | None) -> Principal | None:
        try:
            return self.principal(token)
        except AuthenticationError:
            return None

    def login(self, username: str, password: str) -> tuple[str, Principal]:
        """Check the password and open a database session; the token goes to the browser."""
        principal = self.accounts.authenticate((username or "").strip(), password or "")
        return self.accounts.create_session(principal), principal

    def logout(self, token: str | None) -> None:
        if token and not self.local_mode():
            self.accounts.end_session(token)
