"""The call's process in the browser: the 评审排序 tab (staff) and the 提交与意见 tab (applicant).

Self-contained: ``staff_tab`` and ``applicant_tab`` place their components where ``ui.app``
calls them, ``wire`` connects every event. Handlers resolve the principal from the session
cookie on each event and call only ``service.call`` / ``service.board``, which refuse
applicants every staff action; the staff tab is also hidden from them. Files are links to
the authenticated API routes, never put in Gradio's cache.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.errors import InvalidInputError
from assistant.forms.spec import FormSpec
from assistant.service.call_views import ScoreInput

from . import board_render as render
from .feedback import guarded, notify
from .session import Sessions

if TYPE_CHECKING:
    from assistant.service.service import Service

CSS = """
table.board, table.audit { border-collapse: collapse; width: 100%; font-size: .88rem; }
table.board th, table.board td, table.audit th, table.audit td {
  border: 1px solid var(--border-color-primary); padding: 3px 6px; vertical-align: top; }
table.board tr.above td { background: #f1f8e9; }
table.board tr.gated td { color: var(--body-text-color-subdued); background: #fafafa; }
table.board tr.board-line td { background: #c62828; color: #fff; font-weight: 700; text-align: center; }
table.board td.note { font-size: .8rem; max-width: 360px; }
table.board .pre { color: #e65100; font-size: .75rem; margin-left: 2px; }
.disagree { color: #c62828; font-weight: 700; }
.board-selection, .board-legend, .call-window {
  color: var(--body-text-color-subdued); font-size: .85rem; margin: 4px 0; }
.sheet .criterion { margin: 8px 0; } .sheet .where { color: var(--body-text-color-subdued); margin-right: 4px; }
.sheet .ev-finding { color: #c62828; } .sheet .cap { color: #c62828; } .gates .fail { color: #c62828; }
.snapshot .snap-head { font-weight: 600; margin-bottom: 6px; } .comments h4 { margin: 8px 0 2px; }
.call-status .changed { color: #e65100; }
"""


def staff_tab(form: FormSpec) -> SimpleNamespace:
    """The 评审排序 tab (hidden until a staff member is logged in)."""
    with gr.Tab("评审排序", id="board", visible=False, elem_id="tab-board") as tab:
        call = gr.HTML("", elem_id="board-call", js_on_load=None)
        with gr.Row(equal_height=True):
            field = gr.Dropdown(label="领域", choices=[("全部领域", ""), *[(f, f) for f in form.fields]], value="",
                                scale=1, elem_id="board-field")
            status = gr.Dropdown(label="状态", choices=render.STATUS_CHOICES, value="", scale=1,
                                 elem_id="board-status")
            sort = gr.Dropdown(label="排序", choices=render.SORT_CHOICES, value="rank", scale=1, elem_id="board-sort")
            refresh = gr.Button("刷新", scale=0, min_width=90, elem_id="board-refresh")
        table = gr.HTML("", elem_id="board-table", js_on_load=None)
        gr.HTML(render.links_html(render.BOARD_LINKS), elem_id="board-links", js_on_load=None)
        pick = gr.Dropdown(label="选择申报书", choices=[], value=None, elem_id="board-pick")
        with gr.Row():
            with gr.Column(scale=3):
                sheet = gr.HTML("", elem_id="board-sheet", js_on_load=None)
                snapshot = gr.HTML("", elem_id="board-snapshot", js_on_load=None)
            with gr.Column(scale=2):
                scores = _score_form(form)
                actions = _action_form(form)
        with gr.Accordion("操作记录", open=False, elem_id="board-audit-acc"):
            audit_refresh = gr.Button("刷新操作记录", size="sm", elem_id="board-audit-refresh")
            audit = gr.HTML("", elem_id="board-audit", js_on_load=None)
        with gr.Accordion("征集时间", open=False, elem_id="board-call-acc"):
            until = gr.Textbox(label="重新开放到（YYYY-MM-DD，留空恢复原截止时间）", elem_id="board-until")
            until_reason = gr.Textbox(label="理由", elem_id="board-until-reason")
            reopen = gr.Button("保存", elem_id="board-reopen")
    return SimpleNamespace(tab=tab, call=call, field=field, status=status, sort=sort, refresh=refresh, table=table,
                           pick=pick, sheet=sheet, snapshot=snapshot, scores=scores, actions=actions,
                           audit_refresh=audit_refresh, audit=audit, until=until, until_reason=until_reason,
                           reopen=reopen)


def _score_form(form: FormSpec) -> SimpleNamespace:
    gr.Markdown("#### 评分（与预评分不同时须写理由）")
    levels, reasons = [], []
    for criterion in form.rubric.criteria if form.rubric else []:
        levels.append(gr.Dropdown(label=f"{criterion.title}（{criterion.weight:g}）", value=None,
                                  choices=render.level_choices(form, criterion.id),
                                  elem_id=f"score-{criterion.id}"))
        reasons.append(gr.Textbox(show_label=False, placeholder="理由（改动预评分时必填）",
                                  elem_id=f"reason-{criterion.id}"))
    save = gr.Button("保存评分", variant="primary", elem_id="score-save")
    return SimpleNamespace(levels=levels, reasons=reasons, save=save)


def _action_form(form: FormSpec) -> SimpleNamespace:
    gr.Markdown("#### 排序与决定")
    with gr.Row():
        position = gr.Number(label="移到第几位", value=None, precision=0, minimum=1, elem_id="move-position")
        move_reason = gr.Textbox(label="调整理由", elem_id="move-reason")
    move = gr.Button("调整排序", elem_id="move-save")
    decision = gr.Dropdown(label="决定", choices=render.DECISION_CHOICES, value=None, elem_id="decision")
    decision_reason = gr.Textbox(label="决定理由（不推荐时必填）", elem_id="decision-reason")
    decide = gr.Button("保存决定", elem_id="decision-save")
    gr.Markdown("#### 意见与退回")
    target = gr.Dropdown(label="意见针对", choices=render.targets(form), value="general", elem_id="comment-target")
    text = gr.Textbox(label="意见", lines=2, elem_id="comment-text")
    internal = gr.Checkbox(label="内部备注（申报单位看不到）", value=False, elem_id="comment-internal")
    with gr.Row():
        comment = gr.Button("发表意见", elem_id="comment-save")
        send_back = gr.Button("退回修改（以上意见为退回理由）", variant="stop", elem_id="return-save")
    comments = gr.HTML("", elem_id="board-comments", js_on_load=None)
    reason = gr.Textbox(label="推荐理由（用于汇总表，可编辑）", lines=3, elem_id="recommend-reason")
    save_reason = gr.Button("保存推荐理由", elem_id="recommend-save")
    return SimpleNamespace(position=position, move_reason=move_reason, move=move, decision=decision,
                           decision_reason=decision_reason, decide=decide, target=target, text=text,
                           internal=internal, comment=comment, send_back=send_back, comments=comments,
                           reason=reason, save_reason=save_reason)


def applicant_tab(form: FormSpec) -> SimpleNamespace:
    """The 提交与意见 tab of the workspace: status, submit/withdraw, staff comments by part, replies."""
    with gr.Tab("提交与意见", id="call", visible=False, elem_id="tab-call") as tab:  # shown to applicants (ui.app)
        status = gr.HTML("", elem_id="call-status", js_on_load=None)
        with gr.Row():
            submit = gr.Button("提交申报书", variant="primary", elem_id="call-submit")
            withdraw = gr.Button("撤回提交", elem_id="call-withdraw")
            refresh = gr.Button("刷新", elem_id="call-refresh")
        comments = gr.HTML("", elem_id="call-comments", js_on_load=None)
        reply_to = gr.Dropdown(label="回复哪条意见", choices=[], value=None, elem_id="call-reply-to")
        reply = gr.Textbox(label="回复内容", lines=2, elem_id="call-reply")
        send = gr.Button("发送回复", elem_id="call-reply-send")
    return SimpleNamespace(tab=tab, status=status, submit=submit, withdraw=withdraw, refresh=refresh,
                           comments=comments, reply_to=reply_to, reply=reply, send=send)


class BoardDeskUI:
    """Handlers of both tabs; each returns what it changed, in the order ``wire`` lists the outputs."""

    def __init__(self, service: Service, sessions: Sessions, form: FormSpec) -> None:
        self.service, self.sessions, self.form = service, sessions, form
        self.criteria = [c.id for c in form.rubric.criteria] if form.rubric else []

    # ---- staff ------------------------------------------------------------------------------------------------
    def show_tab(self, request: gr.Request) -> Any:
        principal = self.sessions.try_principal(request)
        return gr.update(visible=bool(principal and principal.role in ("staff", "admin")))

    def board(self, field: str, status: str, sort: str, request: gr.Request) -> tuple[str, str, Any]:
        principal = self.sessions.principal(request)
        board = self.service.board.board(principal, field=field or None, status=status or None, sort=sort or "rank")
        info = self.service.call.call_info(principal)
        call = f'<div class="call-window">{render.escape(info.description)}推荐上限{info.recommend_limit}个。</div>'
        return call, render.board_html(self.form, board), gr.update(choices=render.board_choices(board))

    def open(self, app_id: int | None, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError("请先选择一份申报书。")
        sheet = self.service.board.score_sheet(principal, int(app_id))
        snapshot = self.service.call.snapshot(principal, int(app_id))
        comments = self.service.call.comments(principal, int(app_id))
        levels = []  # only this staff member's own levels are filled in: accepting a proposal is a choice too
        for c in sheet.criteria:
            proposed = f" · 预评分{c.proposal.level}级" if c.proposal else ""
            levels.append(gr.update(value=None if c.mine is None else str(c.mine),
                                    label=f"{c.title}（{c.weight:g}）{proposed}"))
        reasons = [gr.update(value="") for _ in sheet.criteria]
        return (render.sheet_html(sheet), render.snapshot_html(snapshot), render.comments_html(comments, self.form),
                sheet.recommend_reason, *levels, *reasons)

    def save_scores(self, request: gr.Request, app_id: int | None, *values: Any) -> str:
        """``request`` first: Gradio inserts it by position, which must come before the variable inputs."""
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError("请先选择一份申报书。")
        count = len(self.criteria)
        levels, reasons = values[:count], values[count:]
        inputs = [ScoreInput(criterion=cid, level=int(level), reason=reason or "")
                  for cid, level, reason in zip(self.criteria, levels, reasons, strict=True) if level not in (None, "")]
        sheet = self.service.board.put_scores(principal, int(app_id), inputs)
        notify("评分已保存。")
        return render.sheet_html(sheet)

    def move(self, app_id: int | None, position: float | None, reason: str, request: gr.Request) -> None:
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError("请先选择一份申报书。")
        self.service.board.move(principal, int(app_id), int(position) if position else None, reason)
        notify("排序已调整。")

    def decide(self, app_id: int | None, action: str | None, reason: str, request: gr.Request) -> None:
        principal = self.sessions.principal(request)
        if not app_id or not action:
            raise InvalidInputError("请先选择申报书和决定。")
        self.service.board.decide(principal, int(app_id), action, reason)
        notify("决定已保存。")

    def comment(self, app_id: int | None, target: str, text: str, internal: bool, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError("请先选择一份申报书。")
        self.service.call.add_comment(principal, int(app_id), target or "general", text, bool(internal))
        notify("意见已发送给申报单位。" if not internal else "内部备注已保存。")
        return render.comments_html(self.service.call.comments(principal, int(app_id)), self.form), ""

    def send_back(self, app_id: int | None, target: str, text: str, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError("请先选择一份申报书。")
        self.service.call.return_application(principal, int(app_id), text, target or "general")
        notify("已退回申报单位修改。")
        return render.comments_html(self.service.call.comments(principal, int(app_id)), self.form), ""

    def save_reason(self, app_id: int | None, text: str, request: gr.Request) -> None:
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError("请先选择一份申报书。")
        self.service.board.set_reason(principal, int(app_id), text)
        notify("推荐理由已保存。")

    def audit(self, request: gr.Request) -> str:
        return render.audit_html(self.service.board.audit(self.sessions.principal(request)))

    def reopen(self, until: str, reason: str, request: gr.Request) -> str:
        info = self.service.call.reopen(self.sessions.principal(request), (until or "").strip() or None, reason)
        notify(info.description)
        return f'<div class="call-window">{render.escape(info.description)}</div>'

    # ---- applicant ------------------------------------------------------------------------------------------------
    def status(self, app_id: int | None, request: gr.Request) -> tuple[str, str, Any]:
        principal = self.sessions.try_principal(request)
        if principal is None or not app_id:
            return "", "", gr.update(choices=[], value=None)
        status = self.service.call.status(principal, int(app_id))
        top = [c for c in status.comments if c.parent_id is None]
        return (render.status_html(status), render.comments_html(status.comments, self.form),
                gr.update(choices=render.comment_choices(top), value=None))

    def submit(self, app_id: int | None, request: gr.Request) -> tuple[str, str, Any]:
        if not app_id:
            raise InvalidInputError("请先选择或新建一份申报书。")
        status = self.service.call.submit(self.sessions.principal(request), int(app_id))
        notify(f"已提交（第{status.submission}次）。工作人员将审核提交时的内容。")
        return self.status(app_id, request)

    def withdraw(self, app_id: int | None, request: gr.Request) -> tuple[str, str, Any]:
        if not app_id:
            raise InvalidInputError("请先选择一份申报书。")
        self.service.call.withdraw(self.sessions.principal(request), int(app_id))
        notify("已撤回，可继续修改后再提交。")
        return self.status(app_id, request)

    def reply(self, app_id: int | None, parent: int | None, text: str, request: gr.Request) -> tuple:
        if not app_id or not parent:
            raise InvalidInputError("请先选择要回复的意见。")
        self.service.call.add_comment(self.sessions.principal(request), int(app_id), "general", text,
                                      parent_id=int(parent))
        notify("回复已发送。")
        return (*self.status(app_id, request), "")


def wire(blocks: gr.Blocks, desk: BoardDeskUI, staff: SimpleNamespace, mine: SimpleNamespace, apps: Any,
         opened: list[Any]) -> None:
    """Connect both tabs. ``apps`` is the workspace's application picker; ``opened`` its open/create events."""
    h = {name: guarded(getattr(desk, name)) for name in (
        "show_tab", "board", "open", "save_scores", "move", "decide", "comment", "send_back", "save_reason",
        "audit", "reopen", "status", "submit", "withdraw", "reply")}
    blocks.load(h["show_tab"], None, [staff.tab])
    listing = dict(fn=h["board"], inputs=[staff.field, staff.status, staff.sort],
                   outputs=[staff.call, staff.table, staff.pick])
    for trigger in (staff.refresh.click, staff.tab.select, staff.field.input, staff.status.input, staff.sort.input):
        trigger(**listing)
    a = staff.actions
    detail = [staff.sheet, staff.snapshot, a.comments, a.reason, *staff.scores.levels, *staff.scores.reasons]
    staff.pick.input(h["open"], [staff.pick], detail)
    staff.scores.save.click(h["save_scores"], [staff.pick, *staff.scores.levels, *staff.scores.reasons],
                            [staff.sheet]).then(**listing)
    a.move.click(h["move"], [staff.pick, a.position, a.move_reason], None).then(**listing)
    a.decide.click(h["decide"], [staff.pick, a.decision, a.decision_reason], None).then(**listing)
    a.comment.click(h["comment"], [staff.pick, a.target, a.text, a.internal], [a.comments, a.text])
    a.send_back.click(h["send_back"], [staff.pick, a.target, a.text], [a.comments, a.text]).then(**listing)
    a.save_reason.click(h["save_reason"], [staff.pick, a.reason], None)
    staff.audit_refresh.click(h["audit"], None, [staff.audit])
    staff.reopen.click(h["reopen"], [staff.until, staff.until_reason], [staff.call])
    mine_out = [mine.status, mine.comments, mine.reply_to]
    for event in opened:
        event.then(h["status"], [apps], mine_out)
    mine.refresh.click(h["status"], [apps], mine_out)
    mine.submit.click(h["submit"], [apps], mine_out)
    mine.withdraw.click(h["withdraw"], [apps], mine_out)
    mine.send.click(h["reply"], [apps, mine.reply_to, mine.reply], [*mine_out, mine.reply])
