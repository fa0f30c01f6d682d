"""Must show (browser): the bureau's side of the call, end to end in headless Chromium.

A staff member scores two criteria (one accepted, one changed with a reason), moves an application
across the recommendation line, comments on a part and returns the application; the applicant sees
the comment beside the part and in the chat, fixes the part and resubmits; the snapshot staff saw
before is unchanged; the audit log lists each step. The call is set up in-process first (17
submitted applications, so 2 stand below the line of 15) and then served by ``case-assistant serve``.
Screenshots land in ``test-output/ui/test_staff_scores_moves_comments_and_the_applicant_resubmits/``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from .conftest import REPO, RunningServer, _clean_env, _serve, free_port
from .workspace_page import choose, log_in, open_tab, shot, textbox

pytestmark = pytest.mark.browser

PASSWORD = "board-test-password"
STAFF, APPLICANT, OTHER = "board-staff", "board-app", "board-other"
CASE = "现代农业领域——柑橘全产业链数据赋能农户授信与品牌溢价"
COMMENT = "请补充问题描述覆盖的农户数量的统计口径。"
RETURN = "请按意见修改问题描述后重新提交。"
FIX = "补充：农户数量为区农业农村委2023年确权登记口径。"
SETUP = """
import sys
from pathlib import Path
from assistant.auth.accounts import Accounts
from assistant.export.scripted import parse_answers
from tests.bureau import variants as v
service = v.make_service(Path(sys.argv[1]))
accounts = Accounts(service.store, service.settings)
staff = accounts.add_user("{staff}", "{password}", "staff")
other = accounts.add_user("{other}", "{password}", "applicant")
me = accounts.add_user("{me}", "{password}", "applicant")
for serial in range(2):
    for name in v.NAMES:
        app_id = service.call.create_from_answers(other, parse_answers(v.variant(name, "thin", serial)), offline=True)
        v.submit(service, app_id, other, staff)
mine = service.call.create_from_answers(me, parse_answers(v.variant("agri-citrus-credit", "good")), offline=True)
v.submit(service, mine, me, staff)
service.call.reopen(staff, "2099-12-31", "界面测试：重新开放，以便退回后重新提交")
print(mine)
"""


@pytest.fixture(scope="module")
def call_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, int]]:
    import subprocess

    work = tmp_path_factory.mktemp("board-ui")
    env = _clean_env()
    env.update(CASE_ASSISTANT_DATA_DIR=str(work / "data"), CASE_ASSISTANT_EMBEDDER="hash")
    script = SETUP.format(staff=STAFF, other=OTHER, me=APPLICANT, password=PASSWORD)
    done = subprocess.run([sys.executable, "-c", script, str(work / "data")], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    yield from ((server, int(done.stdout.strip())) for server in _serve(free_port(), env, work / "server.log"))


def signed_in(browser, url: str, username: str) -> Page:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(url)
    log_in(page, username, PASSWORD)
    return page


def api(server: RunningServer, username: str) -> httpx.Client:
    token = httpx.post(f"{server.url}api/login", json={"username": username, "password": PASSWORD}).json()["token"]
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def pick(page: Page, case_name: str) -> None:
    page.locator("#board-pick input").click()
    page.get_by_role("option").filter(has_text=case_name).first.click()
    expect(page.locator("#board-sheet")).to_contain_text("预评分")


def test_staff_scores_moves_comments_and_the_applicant_resubmits(browser, call_server, shots: Path) -> None:
    server, app_id = call_server
    staff_api = api(server, STAFF)
    staff = signed_in(browser, server.url, STAFF)
    applicant = signed_in(browser, server.url, APPLICANT)
    try:
        expect(applicant.get_by_role("tab", name="评审排序")).to_have_count(0)  # hidden from applicants
        open_tab(staff, "评审排序")
        table = staff.locator("#board-table")
        expect(table.locator('[data-testid="board-line"]')).to_contain_text("推荐线")
        shot(staff, shots, "01-board")

        # 1. two criteria: accept the proposal on one, change the other with a reason
        pick(staff, CASE)
        sheet = staff_api.get(f"api/applications/{app_id}/scores").json()
        proposals = {c["criterion_id"]: c["proposal"]["level"] for c in sheet["criteria"]}
        changed = 1 if proposals["innovation"] != 1 else 2
        choose_level(staff, "data_fusion", proposals["data_fusion"])
        choose_level(staff, "innovation", changed)
        staff.locator("#score-save").click()
        expect(staff.locator(".toast-body, .toast-wrap").first).to_contain_text("理由")  # refused without one
        textbox(staff, "reason-innovation").fill("创新点写得具体，专家组认为高于预评分")
        staff.locator("#score-save").click()
        expect(staff.locator('#board-sheet [data-testid="sheet-innovation"]')).to_contain_text(f"{STAFF} {changed}级")
        expect(staff.locator('#board-sheet [data-testid="sheet-data_fusion"]')).to_contain_text(STAFF)
        shot(staff, shots, "02-scored")

        # 2. move an application from below the line to the top
        below = next(r for r in staff_api.get("api/board").json()["rows"] if r["eligible"] and not r["above_line"])
        pick(staff, below["case_name"])
        staff.locator("#move-position input").fill("1")
        textbox(staff, "move-reason").fill("专家评议：示范性突出，调入推荐名单")
        staff.locator("#move-save").click()
        first = table.locator("tbody tr").first
        expect(first).to_have_attribute("data-testid", f"board-row-{below['application_id']}")
        expect(first).to_have_class("above")
        shot(staff, shots, "03-moved-across-the-line")

        # 3. a comment on a part, then return the application
        pick(staff, CASE)
        before = staff_api.get(f"api/applications/{app_id}/snapshot", params={"number": 1}).json()
        choose(staff, "comment-target", "（一）问题描述")
        textbox(staff, "comment-text").fill(COMMENT)
        staff.locator("#comment-save").click()
        expect(staff.locator("#board-comments")).to_contain_text(COMMENT)
        textbox(staff, "comment-text").fill(RETURN)
        staff.locator("#return-save").click()
        expect(staff.locator("#board-comments")).to_contain_text(RETURN)
        shot(staff, shots, "04-commented-and-returned")

        # 4. the applicant sees the comment beside the part and in the chat, fixes the part, resubmits
        applicant.locator("#app-select input").click()
        applicant.get_by_role("option").filter(has_text=CASE).first.click()
        expect(applicant.locator("#chat")).to_contain_text(f"【工作人员意见·（一）问题描述】{COMMENT}")
        open_tab(applicant, "提交与意见")
        comments = applicant.locator("#call-comments")
        expect(comments.locator(".comment-group").filter(has_text="（一）问题描述")).to_contain_text(COMMENT)
        expect(applicant.locator("#call-status")).to_contain_text("退回修改")
        shot(applicant, shots, "05-applicant-sees-the-comment")
        open_tab(applicant, "我的申报")
        applicant.locator("#part-select input").click()
        applicant.get_by_role("option").filter(has_text="（一）问题描述").first.click()
        textbox(applicant, "msg").fill(FIX)
        applicant.locator("#send").click()
        expect(applicant.locator("#preview")).to_contain_text("确权登记口径", timeout=60_000)
        open_tab(applicant, "提交与意见")
        applicant.locator("#call-submit").click()
        expect(applicant.locator("#call-status")).to_contain_text("第2次提交")
        shot(applicant, shots, "06-resubmitted")

        # 5. what staff saw before is unchanged; the new submission has the fix
        assert staff_api.get(f"api/applications/{app_id}/snapshot", params={"number": 1}).json() == before
        latest = staff_api.get(f"api/applications/{app_id}/snapshot").json()
        problem = next(p["text"] for p in latest["parts"] if p["part_id"] == "intro.problem")
        assert latest["number"] == 2 and "确权登记口径" in problem

        # 6. the audit log lists each step
        staff.locator("#board-audit-acc").get_by_text("操作记录").first.click()
        staff.locator("#board-audit-refresh").click()
        audit = staff.locator("#board-audit")
        for text in ("评分", "创新点写得具体，专家组认为高于预评分", "接受预评分", "调整排序", "第1位（推荐线以上）",
                     "专家评议：示范性突出，调入推荐名单", COMMENT, RETURN, "退回修改", "已提交（第2次提交）"):
            expect(audit).to_contain_text(text)
        shot(staff, shots, "07-audit-log")
    finally:
        for page in (staff, applicant):
            page.context.close()


def choose_level(page: Page, criterion_id: str, level: int) -> None:
    page.locator(f"#score-{criterion_id} input").click()
    page.get_by_role("option").filter(has_text=f"{level}级 ").first.click()
