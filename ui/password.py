"""The 账号 tab: change one's own password.

Shown only to a logged-in account (not in local mode). The change goes through
``Accounts.change_password``: the current password is checked behind the login
throttle, every session of the account ends (a stolen copy of the cookie stops
working), and the page gets a one-time ticket for its new session, which it
exchanges for the cookie and reloads, exactly as after logging in.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr

from assistant.auth.accounts import PASSWORD_RULES
from assistant.core.errors import InvalidInputError

from .feedback import guarded
from .session import Sessions

MISMATCH = "两次输入的新密码不一致，请重新输入。"


def layout() -> SimpleNamespace:
    """The form, placed inside the 账号 tab by ``ui.app``."""
    gr.Markdown(f"### 修改密码\n{PASSWORD_RULES}修改后，该账号在其他浏览器和设备上的登录都会失效。")
    current = gr.Textbox(label="当前密码", type="password", elem_id="pw-current")
    new = gr.Textbox(label="新密码", type="password", elem_id="pw-new")
    confirm = gr.Textbox(label="再次输入新密码", type="password", elem_id="pw-confirm")
    button = gr.Button("修改密码", variant="primary", elem_id="pw-change")
    return SimpleNamespace(current=current, new=new, confirm=confirm, button=button)


class PasswordDesk:
    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def visibility(self, request: gr.Request) -> Any:
        principal = self.sessions.try_principal(request)
        return gr.update(visible=principal is not None and not principal.local)

    def change(self, current: str, new: str, confirm: str, request: gr.Request) -> tuple[str, str, str, str]:
        """The ticket for the new session (the page exchanges it and reloads); the three fields emptied."""
        if (new or "") != (confirm or ""):
            raise InvalidInputError(MISMATCH)
        return self.sessions.change_password(current or "", new or "", request), "", "", ""


def wire(blocks: gr.Blocks, tab: Any, form: SimpleNamespace, sessions: Sessions, ticket: Any, exchange_js: str) -> None:
    """Show the tab to accounts; on success hand the ticket to ``exchange_js`` (as the login form does)."""
    desk = PasswordDesk(sessions)
    blocks.load(guarded(desk.visibility), None, [tab])
    fields = [form.current, form.new, form.confirm]
    form.button.click(guarded(desk.change), fields, [ticket, *fields]).then(None, [ticket], None, js=exchange_js)
