"""The 申报总览 with real accounts: staff see every application, an applicant only their own.

Two applicants and the staff member log in through the login form, each in their own
browser profile. Staff filter by field, open an application read-only and download its
Word file and its review report through the authenticated links.
Screenshots land in ``test-output/ui/test_overview_by_role/``.
"""

from __future__ import annotations

import io

import docx
import pytest
from playwright.sync_api import Page, expect

from .conftest import STAFF_PASSWORD, STAFF_USER
from .workspace_page import choose, create_application, log_in, open_tab, shot

pytestmark = pytest.mark.browser

PASSWORD = "applicant-pass-9"
ALICE_CASE = "交通运输领域——冷链物流温控数据共享"
BOB_CASE = "金融服务领域——小微企业纳税信用贷款"


def new_page(browser, url: str, username: str, password: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url)
    log_in(page, username, password)
    return page


def overview_rows(page: Page) -> None:
    open_tab(page, "申报总览")
    expect(page.locator("#ov-table")).to_contain_text("已起草")  # the header row at least


def test_overview_by_role(browser, accounts_server, shots) -> None:
    accounts_server.add_user("alice-ui", PASSWORD)
    accounts_server.add_user("bob-ui", PASSWORD)
    alice = new_page(browser, accounts_server.url, "alice-ui", PASSWORD)
    bob = new_page(browser, accounts_server.url, "bob-ui", PASSWORD)
    staff = new_page(browser, accounts_server.url, STAFF_USER, STAFF_PASSWORD)
    try:
        create_application(alice, "交通运输", ALICE_CASE, "重庆冷链示例有限公司")
        create_application(bob, "金融服务", BOB_CASE, "重庆小微金融示例公司")

        overview_rows(alice)
        table = alice.locator("#ov-table")
        expect(table).to_contain_text(ALICE_CASE)
        expect(table).not_to_contain_text(BOB_CASE)
        open_tab(alice, "我的申报")
        alice.locator("#app-select input").click()
        expect(alice.get_by_role("option")).to_have_count(1)  # only her own application to choose
        alice.keyboard.press("Escape")
        open_tab(alice, "申报总览")
        shot(alice, shots, "01-applicant-sees-own")

        overview_rows(staff)
        table = staff.locator("#ov-table")
        expect(table).to_contain_text(ALICE_CASE)
        expect(table).to_contain_text(BOB_CASE)
        expect(table).to_contain_text("0/5000")  # 字数 per group
        shot(staff, shots, "02-staff-sees-all")
        choose(staff, "ov-field", "金融服务")
        expect(table).to_contain_text(BOB_CASE)
        expect(table).not_to_contain_text(ALICE_CASE)
        shot(staff, shots, "03-filtered-by-field")
        choose(staff, "ov-field", "全部领域")
        expect(table).to_contain_text(ALICE_CASE)

        staff.locator("#ov-pick input").click()
        staff.get_by_role("option").filter(has_text=ALICE_CASE).click()
        detail = staff.locator("#ov-detail")
        expect(detail).to_contain_text(ALICE_CASE)
        expect(detail).to_contain_text("重庆冷链示例有限公司")
        expect(staff.locator("#ov-review")).to_contain_text("材料清单")
        shot(staff, shots, "04-staff-reads-one")
        with staff.expect_download() as info:
            staff.locator('#ov-links [data-testid="dl-export.docx"]').click()
        document = docx.Document(io.BytesIO(open(info.value.path(), "rb").read()))
        assert ALICE_CASE in "\n".join(p.text for p in document.paragraphs)
        with staff.expect_download() as info:
            staff.locator('#ov-links [data-testid="dl-review.docx"]').click()
        review = docx.Document(io.BytesIO(open(info.value.path(), "rb").read()))
        assert "审阅报告" in "\n".join(p.text for p in review.paragraphs)
    finally:
        for page in (alice, bob, staff):
            page.context.close()
