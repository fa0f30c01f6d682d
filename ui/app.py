"""``build_ui(service, accounts, settings) -> gr.Blocks``: the page layout and its wiring.

Layout: a header (title, mode badge, who is logged in), a login form (hidden in
local mode), and three tabs — 我的申报 (list, 新建申报, progress rail, chat, preview,
versions, 撤销, review, 导出 Word), 政策问答 (answer with numbered, expandable
sources) and 知识库 (upload with per-file results, document list; staff and local
mode only). Behaviour lives in ``workspace``, ``staff`` and ``session``; this
module only places components and connects events.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr

from assistant.core.workpool import WorkPool, model_pool
from assistant.forms.spec import load_form
from assistant.service.service import DEFAULT_FORM

from . import app_forms, board, importing, password, review_screen, staff, workspace
from . import media as materials
from .concurrency import configure_concurrency
from .feedback import guarded
from .render import AUTO_PART, mode_badge_html, part_choices, user_line_html
from .session import Sessions
from .style import CSS

TITLE = "数据要素× 案例申报助手"
# The session is an HttpOnly cookie (see ``ui.session``); the browser only remembers which
# application was open. BrowserState's key is public (it is in /config), so nothing secret
# is kept there; a per-process key just means the last application is forgotten on restart.
BROWSER_SECRET = secrets.token_hex(16)
# After a successful login event: trade the one-time ticket for the HttpOnly cookie, reload.
EXCHANGE_TICKET_JS = """async (ticket) => {
  if (!ticket) { return; }
  const response = await fetch("api/session", {method: "POST", credentials: "same-origin",
    headers: {"content-type": "application/json"}, body: JSON.stringify({ticket: ticket})});
  if (response.ok) { window.location.reload(); }
}"""
LOGOUT_JS = """async () => {
  await fetch("api/logout", {method: "POST", credentials: "same-origin"});
  window.location.reload();
}"""


@dataclass
class Page:
    """Components shared by several event wirings."""

    ticket: Any
    last_app: Any
    user_line: Any
    logout: Any
    login_col: Any
    main_col: Any
    kb_tab: Any
    ov_tab: Any
    docs: Any
    new_acc: Any
    ws: SimpleNamespace


def build_ui(service: Any, accounts: Any, settings: Any, turns: WorkPool | None = None) -> gr.Blocks:
    """The whole web UI; mount options (css, footer) are left on ``blocks.mount_options``.

    ``turns``: the model-work pool shared with the REST API (``assistant.server`` passes it).
    """
    sessions = Sessions(accounts)
    turns = turns or model_pool(settings)
    desk = staff.StaffDesk(service, sessions, max_files=settings.limit_upload_files, turns=turns)
    place = workspace.Workspace(service, sessions, turns)
    form = load_form(DEFAULT_FORM)
    cache_seconds = settings.upload_cache_minutes * 60  # uploads nobody used are deleted after this
    with gr.Blocks(
        title=TITLE, analytics_enabled=False, fill_width=True, delete_cache=(min(600, cache_seconds), cache_seconds)
    ) as blocks:
        page = _layout(service)
        ws_handlers = workspace.guarded_handlers(place)
        events = _wire_workspace(page, ws_handlers)
        imports = importing.ImportUI(service, sessions, form, settings.limit_upload_mb)
        confirmed = importing.wire(imports, page.ws.importing, page.ws.apps)  # issue 27: open it after import
        events["opened"].append(confirmed.then(ws_handlers["open"], [page.ws.importing.new_id], _panel(page)))
        kit = materials.MaterialsUI(service, sessions, form)
        forms = app_forms.FormHandlers(service, sessions, form, page.ws.info, page.ws.media, settings.limit_upload_mb)
        reviews = review_screen.ReviewDesk(service, sessions, form)
        review_screen.wire_overview(reviews, page.ws.ov, page.ov_tab)
        events["opened"].append(_wire_page(blocks, page, sessions, place, desk))
        password.wire(blocks, page.ws.account.tab, page.ws.account.form, sessions, page.ticket, EXCHANGE_TICKET_JS)
        _wire_forms(page, ws_handlers, forms, reviews, events)
        desk_ui = board.BoardDeskUI(service, sessions, form)
        board.wire(blocks, desk_ui, page.ws.board, page.ws.call, page.ws.apps, events["opened"] + events["changed"])
        materials.wire(kit, page.ws.materials, page.ws.apps, events["opened"])
    desk.is_uploaded = forms.is_uploaded = imports.is_uploaded = kit.is_uploaded = _upload_check(blocks)
    for fn in blocks.fns.values():  # out of /info, the API docs and the browser's run history
        fn.api_visibility = "private"
    configure_concurrency(blocks, settings)
    # Gradio's upload route is outside /api, so the API's size limit does not cover it: cap it here too.
    blocks.mount_options = {
        "css": CSS + board.CSS,
        "footer_links": [],
        "show_error": False,
        "max_file_size": f"{settings.limit_upload_mb}mb",
    }
    return blocks


def _upload_check(blocks: gr.Blocks) -> Any:
    """A path is acceptable only if Gradio's own upload route produced it, inside its cache."""

    def is_uploaded(path: str) -> bool:
        cache = Path(blocks.GRADIO_CACHE).resolve()
        return path in blocks.upload_file_set and Path(path).resolve().is_relative_to(cache)

    return is_uploaded


def _layout(service: Any) -> Page:
    ticket = gr.Textbox(visible=False, elem_id="login-ticket")
    last_app = gr.BrowserState(None, storage_key="case-assistant-last-app", secret=BROWSER_SECRET)
    with gr.Row(elem_id="header", equal_height=True):
        gr.HTML(f"<h1>{TITLE}</h1>", js_on_load=None, scale=2)
        gr.HTML(mode_badge_html(service.mode_label), elem_id="mode-badge", js_on_load=None, scale=4)
        user_line = gr.HTML("", elem_id="user-line", js_on_load=None, scale=2)
        logout = gr.Button("退出登录", size="sm", visible=False, scale=0, min_width=90)
        gr.HTML("", scale=2, js_on_load=None)  # keeps the right edge free for Gradio's toasts
    with gr.Column(visible=False, elem_id="login") as login_col:
        login = _login_form()
    with gr.Column(visible=False, elem_id="main") as main_col:
        with gr.Tabs():
            with gr.Tab("我的申报", id="workspace", elem_id="tab-workspace"):
                ws, new_acc = _workspace_layout()
            with gr.Tab("导入已有申报书", id="import", elem_id="tab-import"):
                ws.importing = importing.layout(load_form(DEFAULT_FORM))
            with gr.Tab("申报总览", id="overview", elem_id="tab-overview") as ov_tab:
                ws.ov = review_screen.overview_layout(load_form(DEFAULT_FORM))
            ws.board = board.staff_tab(load_form(DEFAULT_FORM))
            with gr.Tab("政策问答", id="qa", elem_id="tab-qa"):
                qa = _qa_layout()
            with gr.Tab("知识库", id="knowledge", visible=False, elem_id="tab-knowledge") as kb_tab:
                kb = _knowledge_layout()
            with gr.Tab("账号", id="account", visible=False, elem_id="tab-account") as account_tab:
                ws.account = SimpleNamespace(tab=account_tab, form=password.layout())
    ws.login, ws.qa, ws.kb = login, qa, kb
    return Page(ticket, last_app, user_line, logout, login_col, main_col, kb_tab, ov_tab, kb.docs, new_acc, ws)


def _login_form() -> SimpleNamespace:
    gr.Markdown("### 登录\n请输入管理员为您创建的账号。")
    username = gr.Textbox(label="用户名", elem_id="login-username")
    password = gr.Textbox(label="密码", type="password", elem_id="login-password")
    button = gr.Button("登录", variant="primary", elem_id="login-button")
    return SimpleNamespace(username=username, password=password, button=button)


def _workspace_layout() -> tuple[SimpleNamespace, Any]:
    form = load_form(DEFAULT_FORM)
    with gr.Row():
        with gr.Column(scale=3, min_width=280):
            apps = gr.Dropdown(label="我的申报书", choices=[], value=None, interactive=True, elem_id="app-select")
            with gr.Accordion("新建申报", open=False, elem_id="new-app") as new_acc:
                field = gr.Dropdown(
                    label=f"所属领域（{form.fields_phrase}之一）",
                    choices=list(form.fields),
                    value=None,
                    elem_id="new-field",
                )
                case_name = gr.Textbox(
                    label="案例名称",
                    placeholder=f"例如：{form.case_name_example}",
                    elem_id="new-case-name",
                    info="格式：“<领域>领域——<案例名称>”",
                )
                applicant = gr.Textbox(label="申报单位", elem_id="new-applicant")
                create = gr.Button("创建申报书", variant="primary", elem_id="create-app")
            rail = gr.HTML(elem_id="rail", js_on_load=None)
        with gr.Column(scale=5, min_width=360):
            chat = gr.Chatbot(
                label="访谈与修改",
                latex_delimiters=[],
                height=560,
                elem_id="chat",
                buttons=["copy"],
                feedback_options=None,
                placeholder="新建或选择一份申报书后，我会按模板逐部分向您提问。",
            )
            msg = gr.Textbox(
                show_label=False,
                lines=3,
                elem_id="msg",
                placeholder="输入您的回答；或输入修改意见，例如“第二段更简洁”“补充：……”",
            )
            with gr.Row():
                send = gr.Button("发送", variant="primary", elem_id="send")
                skip = gr.Button("跳过此问题", elem_id="skip")
        with gr.Column(scale=4, min_width=320):
            part = gr.Dropdown(
                label="当前部分（预览；修改意见作用于此部分）",
                choices=part_choices(None),
                value=AUTO_PART,
                interactive=True,
                elem_id="part-select",
            )
            preview = gr.Markdown(elem_id="preview", container=True, max_height=460)
            with gr.Row():
                undo = gr.Button("撤销（恢复上一版）", elem_id="undo")
                export = gr.Button("导出 Word", variant="primary", elem_id="export")
            download = gr.HTML("", visible=False, elem_id="download", js_on_load=None)
            issues = gr.Markdown(elem_id="issues")
            with gr.Accordion("历史版本", open=False, elem_id="versions-acc"):
                versions = gr.HTML(elem_id="versions", js_on_load=None)
    with gr.Tabs(elem_id="ws-tabs"):
        with gr.Tab("申报信息表", id="info", elem_id="tab-info"):
            info = app_forms.info_layout(form)
        with gr.Tab("多媒体材料", id="media", elem_id="tab-media"):
            media = app_forms.media_layout(form)
        with gr.Tab("材料与打包", id="materials", elem_id="tab-materials"):
            kit = materials.layout(form)
        with gr.Tab("审阅", id="review", elem_id="tab-review"):
            review = review_screen.review_layout()
        call = board.applicant_tab(form)
    ws = SimpleNamespace(
        apps=apps,
        field=field,
        case_name=case_name,
        applicant=applicant,
        create=create,
        rail=rail,
        chat=chat,
        msg=msg,
        send=send,
        skip=skip,
        part=part,
        preview=preview,
        undo=undo,
        export=export,
        download=download,
        issues=issues,
        versions=versions,
        info=info,
        media=media,
        review=review,
        call=call,
        materials=kit,
    )
    return ws, new_acc


def _qa_layout() -> SimpleNamespace:
    gr.Markdown("根据已导入的政策文件回答问题，每条依据都可以展开查看原文。文件中没有的内容会明确说明。")
    with gr.Row():
        question = gr.Textbox(
            show_label=False, placeholder="例如：申报截止时间是哪天？", scale=5, elem_id="qa-question"
        )
        ask = gr.Button("提问", variant="primary", scale=1, elem_id="qa-ask")
    gr.Examples(examples=[[q] for q in staff.EXAMPLE_QUESTIONS], inputs=[question], label="常见问题")
    answer = gr.HTML(elem_id="qa-answer", js_on_load=None)
    return SimpleNamespace(question=question, ask=ask, answer=answer)


def _knowledge_layout() -> SimpleNamespace:
    gr.Markdown("上传政策文件（.txt .md .docx .pdf .html），导入后即可在问答和起草中引用。重复的文件不会重复导入。")
    with gr.Row():
        files = gr.File(label="选择文件", file_count="multiple", elem_id="kb-files", scale=3)
        with gr.Column(scale=1):
            kind = gr.Dropdown(
                label="文件类型",
                choices=[(v, k) for k, v in staff.KIND_LABELS.items()],
                value="notice",
                elem_id="kb-kind",
            )
            upload = gr.Button("导入知识库", variant="primary", elem_id="kb-upload")
    with gr.Row():
        progress = gr.HTML("", elem_id="kb-progress", js_on_load=None)  # each upload's chunks embedded so far
        cancel = gr.Button("取消导入", size="sm", scale=0, min_width=100, elem_id="kb-cancel")
    results = gr.Dataframe(
        headers=staff.RESULT_HEADERS, value=[], label="导入结果", interactive=False, elem_id="kb-results"
    )
    with gr.Row():
        gr.Markdown("#### 已导入的文件")
        refresh = gr.Button("刷新列表", size="sm", scale=0, min_width=100)
    docs = gr.Dataframe(headers=staff.DOC_HEADERS, value=[], interactive=False, elem_id="kb-docs", wrap=True)
    return SimpleNamespace(
        files=files,
        kind=kind,
        upload=upload,
        results=results,
        refresh=refresh,
        docs=docs,
        progress=progress,
        cancel=cancel,
    )


def _panel(page: Page) -> list[Any]:
    ws = page.ws
    return [ws.apps, ws.chat, ws.rail, ws.part, ws.preview, ws.issues, ws.versions, page.last_app]


def _wire_workspace(page: Page, h: dict[str, Any]) -> dict[str, list[Any]]:
    """Handlers take ``request: gr.Request`` (the session cookie), never a token as an input.

    Returns the events after which the forms (``opened``) or the review (``changed``) are refreshed.
    """
    ws, panel = page.ws, _panel(page)
    hide_download = dict(fn=lambda: gr.update(visible=False), outputs=[ws.download], queue=False)
    opened = [ws.apps.input(h["open"], [ws.apps], panel).then(**hide_download)]
    ws.part.input(h["select_part"], [ws.part, ws.apps], [ws.rail, ws.part, ws.preview, ws.issues, ws.versions])
    ws.field.input(_prefill_case_name, [ws.field, ws.case_name], [ws.case_name], queue=False)
    opened.append(
        ws.create.click(
            h["create"], [ws.field, ws.case_name, ws.applicant], panel + [page.new_acc, ws.case_name, ws.applicant]
        ).then(**hide_download)
    )
    turn = dict(outputs=[ws.msg] + panel, show_progress="minimal")
    changed = [
        ws.send.click(h["send"], [ws.msg, ws.apps, ws.part], **turn).then(**hide_download),
        ws.msg.submit(h["send"], [ws.msg, ws.apps, ws.part], **turn).then(**hide_download),
        ws.skip.click(h["skip"], [ws.apps, ws.part], **turn).then(**hide_download),
        ws.undo.click(h["undo"], [ws.apps, ws.part], panel).then(**hide_download),
    ]
    ws.export.click(h["export"], [ws.apps], [ws.download])
    return {"opened": opened, "changed": changed}


def _prefill_case_name(field: str | None, case_name: str) -> Any:
    """Start the case name with “<领域>领域——” so the required form is the easy path."""
    if field and (not case_name or case_name.endswith("领域——")):
        return f"{field}领域——"
    return gr.skip()


def _wire_page(
    blocks: gr.Blocks, page: Page, sessions: Sessions, place: workspace.Workspace, desk: staff.StaffDesk
) -> Any:
    ws = page.ws
    page_outputs = [page.login_col, page.main_col, page.user_line, page.logout, page.kb_tab, page.docs, page.new_acc]
    outputs = page_outputs + _panel(page)

    def show_page(last_app: int | None, request: gr.Request) -> tuple:
        principal = sessions.try_principal(request)
        panel = place.load(last_app, request)
        if principal is None:
            return (
                gr.update(visible=True),
                gr.update(visible=False),
                "",
                gr.update(visible=False),
                gr.update(visible=False),
                [],
                gr.update(),
            ) + panel
        has_apps = bool(place.service.list_applications(principal))
        return (
            gr.update(visible=False),
            gr.update(visible=True),
            user_line_html(principal.username, principal.role, principal.local),
            gr.update(visible=not principal.local),
            gr.update(visible=principal.can_manage_knowledge),
            desk.documents(request),
            gr.update(open=not has_apps),
        ) + panel

    def log_in(username: str, password: str, request: gr.Request) -> tuple[str, str]:
        """The password never leaves this handler; the browser gets a one-time ticket (see ui.session)."""
        return sessions.login(username, password, request)[0], ""

    loaded = blocks.load(guarded(show_page), [page.last_app], outputs)
    for trigger in (ws.login.button.click, ws.login.password.submit):
        trigger(guarded(log_in), [ws.login.username, ws.login.password], [page.ticket, ws.login.password]).then(
            None, [page.ticket], None, js=EXCHANGE_TICKET_JS
        )
    page.logout.click(None, None, None, js=LOGOUT_JS)
    sh = staff.guarded_handlers(desk)
    ws.qa.ask.click(sh["ask"], [ws.qa.question], [ws.qa.answer])
    ws.qa.question.submit(sh["ask"], [ws.qa.question], [ws.qa.answer])
    kb_outputs = [ws.kb.results, ws.kb.docs, ws.kb.files, ws.kb.progress]
    ws.kb.upload.click(sh["upload"], [ws.kb.files, ws.kb.kind], kb_outputs)
    ws.kb.cancel.click(sh["cancel_uploads"], None, [ws.kb.progress])
    ws.kb.refresh.click(sh["documents"], None, [ws.kb.docs])
    return loaded


def _wire_forms(
    page: Page,
    h: dict[str, Any],
    forms: app_forms.FormHandlers,
    reviews: review_screen.ReviewDesk,
    events: dict[str, list[Any]],
) -> None:
    """The 申报信息表, 多媒体材料 and 审阅 tabs: filled from the open application, refreshed after changes."""
    ws = page.ws
    forms.apps = ws.apps
    review = dict(fn=guarded(reviews.review), inputs=[ws.apps], outputs=[ws.review.panel, ws.review.links])
    refill = dict(fn=guarded(forms.load), inputs=[ws.apps], outputs=forms.info_outputs + forms.media_outputs)
    for event in events["opened"]:
        event.then(**refill).then(**review)
    for event in events["changed"]:
        event.then(**review)
    slots = {s.field_id: s.component for s in ws.info["slots"]}
    if "field" in slots and "case_name" in slots:
        slots["field"].input(app_forms.swap_field_prefix, [slots["field"], slots["case_name"]], [slots["case_name"]])
    info_inputs = {ws.apps, *(s.component for s in ws.info["slots"])}
    ws.info["save"].click(guarded(forms.save_info), info_inputs, forms.info_outputs).then(
        h["open"], [ws.apps], _panel(page)
    ).then(**review)
    if "reason" in slots and "reason" in ws.info["counts"]:
        count = ws.info["counts"]["reason"]
        slots["reason"].change(guarded(forms.count_reason), [slots["reason"]], [count], trigger_mode="always_last")
        ws.info["suggest"].click(guarded(forms.suggest_reason), [ws.apps], [slots["reason"], count])
    media = ws.media
    media_inputs = {ws.apps, *media["image_names"], media["video_name"], media["prepared"]}
    media["save"].click(guarded(forms.save_media), media_inputs, forms.media_outputs).then(**review)
    for file, name in zip(media["image_files"], media["image_names"], strict=True):
        file.upload(guarded(forms.upload_picture), [file], [name, file])
    video = media["video_file"]
    video.upload(guarded(forms.upload_video), [video], [media["video_name"], video])
