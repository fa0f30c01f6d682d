"""When accounts exist the page asks for a login; the session survives a refresh; logout ends it.

Uses a second server (offline drafting, one staff account). Screenshots land in
``test-output/ui/test_login_page/``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .conftest import STAFF_PASSWORD, STAFF_USER
from .workspace_page import shot, textbox

pytestmark = pytest.mark.browser


def log_in(page: Page, password: str) -> None:
    textbox(page, "login-username").fill(STAFF_USER)
    textbox(page, "login-password").fill(password)
    page.locator("#login-button").click()


def test_login_page(page: Page, accounts_server, shots) -> None:
    page.goto(accounts_server.url)
    expect(page.locator("#login-button")).to_be_visible()
    expect(page.locator("#main")).to_be_hidden()
    expect(page.locator("#mode-badge")).to_contain_text("离线模式")  # visible even before login
    shot(page, shots, "01-login-page")

    log_in(page, "wrong-password")
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    expect(page.locator("#main")).to_be_hidden()
    shot(page, shots, "02-wrong-password")

    log_in(page, STAFF_PASSWORD)
    expect(page.locator("#user-line")).to_contain_text(f"{STAFF_USER}（工作人员）")
    expect(page.get_by_role("tab", name="知识库")).to_be_visible()  # staff manage documents
    shot(page, shots, "03-logged-in")

    page.reload()
    expect(page.locator("#user-line")).to_contain_text(STAFF_USER)  # the session token is kept in the browser

    page.get_by_role("button", name="退出登录").click()
    expect(page.locator("#login-button")).to_be_visible()
    page.reload()
    expect(page.locator("#login-button")).to_be_visible()  # logout ended the session for good
