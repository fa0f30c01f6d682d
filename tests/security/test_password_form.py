"""Issue 25, item 2 in the browser: changing one's own password in the UI ends every other session.

The attack it answers: someone holds a copy of the user's session (a shared computer,
a stolen cookie). The user notices and changes the password in the 账号 tab; the copy
must stop working at once, while the user's own page stays logged in with a new session.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.ui.workspace_page import textbox

from .conftest import PASSWORD, Server
from .test_browser_attacks import ui_login

pytestmark = pytest.mark.browser
NEW_PASSWORD = "carol-new-password-2"


def fill_and_change(page, current: str, new: str, confirm: str) -> None:
    textbox(page, "pw-current").fill(current)
    textbox(page, "pw-new").fill(new)
    textbox(page, "pw-confirm").fill(confirm)
    page.locator("#pw-change").click()


def test_changing_the_password_in_the_ui_ends_the_stolen_session(secure: Server, browser_context) -> None:
    stolen = secure.token("sec-carol")
    page = browser_context.new_page()
    ui_login(page, secure, "sec-carol")
    expect(page.locator("#main")).to_be_visible()
    page.get_by_role("tab", name="账号").click()
    fill_and_change(page, PASSWORD, NEW_PASSWORD, "not-the-same-1")
    expect(page.get_by_text("两次输入的新密码不一致")).to_be_visible()
    fill_and_change(page, "wrong-current-1", NEW_PASSWORD, NEW_PASSWORD)
    expect(page.get_by_text("当前密码不正确")).to_be_visible()
    before = next(c["value"] for c in browser_context.cookies() if c["name"] == "case_assistant_session")
    with page.expect_navigation():  # the new session's ticket is exchanged for the cookie, then the page reloads
        fill_and_change(page, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)
    expect(page.locator("#main")).to_be_visible()
    expect(page.locator("#user-line")).to_contain_text("sec-carol")
    after = next(c["value"] for c in browser_context.cookies() if c["name"] == "case_assistant_session")
    assert after != before
    with secure.client(stolen) as thief:
        assert thief.get("api/me").status_code == 401
    assert secure.login("sec-carol").status_code == 401
    assert secure.login("sec-carol", NEW_PASSWORD).status_code == 200
