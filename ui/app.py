"""``build_ui(service, accounts, settings) -> gr.Blocks``: build the page (``ui.layout``) and connect its events.

Applicants (and local mode) land on 我的申报: the rail, the chat and the current part's draft, with
the open application's tabs (申报信息表, 多媒体材料, 材料与打包, 审阅, 提交与意见) and its downloads one
click away. Staff land on 评审排序, the board, and never see an applicant's application in a chat
box: the applicant's tabs and the toolbar are hidden for them. Behaviour lives in ``workspace``,
``draft_editor``, ``staff``, ``board`` and ``session``; this module only connects events.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.workpool import WorkPool, model_pool
from assistant.forms.spec import load_form
from assistant.service.service import DEFAULT_FORM

from . import app_forms, board, draft_editor, importing, layout, password, review_screen, staff, workspace
from . import media as materials
from .concurrency import configure_concurrency
from .feedback import guarded
from .render import header_html, user_line_html
from .session import Sessions
from .style import CSS, HEAD
from .turn_jobs import TurnJobs

if TYPE_CHECKING:
    from assistant.auth.accounts import Accounts
    from assistant.core.settings import Settings
    from assistant.forms.spec import FormSpec
    from assistant.service.service import Service

TITLE = layout.TITLE
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
    head: SimpleNamespace
    bar: SimpleNamespace
    login_col: Any
    main_col: Any
    ws: SimpleNamespace
    following: list[Any] = field(default_factory=list)  # events that follow a turn: stopped on a switch


def build_ui(service: Service, accounts: Accounts, settings: Settings, turns: WorkPool | None = None) -> gr.Blocks:
    """The whole web UI; mount options (css, footer) are left on ``blocks.mount_options``.

    ``turns``: the model-work pool shared with the REST API (``assistant.server`` passes it).
    """
    sessions = Sessions(accounts)
    turns = turns or model_pool(settings)
    desk = staff.StaffDesk(service, sessions, max_files=settings.limit_upload_files, turns=turns)
    place = workspace.Workspace(service, sessions, turns, TurnJobs(turns))
    form = load_form(DEFAULT_FORM)
    cache_seconds = settings.upload_cache_minutes * 60  # uploads nobody used are deleted after this
    with gr.Blocks(
        title=TITLE, analytics_enabled=False, fill_width=True, delete_cache=(min(600, cache_seconds), cache_seconds)
    ) as blocks:
        page = _layout(service, form)
        ws_handlers = workspace.guarded_handlers(place)
        events = _wire_workspace(page, ws_handlers, draft_editor.DraftEditor(service, sessions, place))
        imports = importing.ImportUI(service, sessions, form, settings.limit_upload_mb)
        confirmed = importing.wire(imports, page.ws.importing, page.ws.apps)  # issue 27: open it after import
        opened_import = confirmed.then(ws_handlers["open"], [page.ws.importing.new_id], _panel(page))
        events["opened"].append(opened_import.then(lambda: gr.Tabs(selected="workspace"), None, [page.ws.tab_bar]))
        events["following"].append(
            opened_import.then(ws_handlers["follow"], [page.ws.apps, page.ws.part], _turn_outputs(page))
        )
        kit = materials.MaterialsUI(service, sessions, form)
        forms = app_forms.FormHandlers(service, sessions, form, page.ws.info, page.ws.media, settings.limit_upload_mb)
        reviews = review_screen.ReviewDesk(service, sessions, form)
        review_screen.wire_overview(reviews, page.ws.ov, page.ws.tabs["overview"])
        page.following = events["following"]
        events["opened"].append(_wire_page(blocks, page, sessions, place, desk, ws_handlers))
        _stop_following_on_switch(page)
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
        "head": HEAD,
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


def _layout(service: Service, form: FormSpec) -> Page:
    ticket = gr.Textbox(visible=False, elem_id="login-ticket")
    last_app = gr.BrowserState(None, storage_key="case-assistant-last-app", secret=BROWSER_SECRET)
    head = layout.header(service.mode_label)
    with gr.Column(visible=False, elem_id="login") as login_col:
        login = layout.login_form()
    with gr.Column(visible=False, elem_id="main") as main_col:
        bar = layout.toolbar(form)
        ws = layout.main_tabs(form)
    ws.login, ws.apps = login, bar.apps
    ws.field, ws.case_name, ws.applicant, ws.create = bar.field, bar.case_name, bar.applicant, bar.create
    return Page(ticket, last_app, head, bar, login_col, main_col, ws)


def _panel(page: Page) -> list[Any]:
    ws = page.ws
    return [ws.apps, ws.chat, ws.rail, ws.part, ws.preview, ws.issues, ws.versions, page.last_app, page.bar.downloads]


def _part_outputs(page: Page) -> list[Any]:
    ws = page.ws
    return [ws.rail, ws.part, ws.preview, ws.issues, ws.versions]


def _editor_outputs(page: Page) -> list[Any]:
    ws = page.ws
    return [ws.editor, ws.preview, ws.edit, ws.undo, ws.save_edit, ws.cancel_edit, ws.editing]


def _turn_outputs(page: Page) -> list[Any]:
    ws = page.ws
    return [ws.msg, *_panel(page), ws.send, ws.skip, ws.busy]


def _wire_workspace(page: Page, h: dict[str, Any], editor: draft_editor.DraftEditor) -> dict[str, list[Any]]:
    """Handlers take ``request: gr.Request`` (the session cookie), never a token as an input.

    Returns the events after which the forms (``opened``) or the review (``changed``) are refreshed.
    """
    ws, panel = page.ws, _panel(page)
    e = draft_editor.guarded_handlers(editor)
    close_editor = dict(fn=e["close"], outputs=_editor_outputs(page), queue=False)
    follow = dict(fn=h["follow"], inputs=[ws.apps, ws.part], outputs=_turn_outputs(page), show_progress="hidden")
    opened = [ws.apps.input(h["open"], [ws.apps], panel)]
    opened[0].then(**close_editor)
    follows = [opened[0].then(**follow)]  # a turn still running for it (another tab, before a reload) is shown
    ws.part.input(h["select_part"], [ws.part, ws.apps], _part_outputs(page)).then(**close_editor)
    ws.rail.click(h["pick_part"], [ws.apps], _part_outputs(page)).then(**close_editor)
    ws.field.input(_prefill_case_name, [ws.field, ws.case_name], [ws.case_name], queue=False)
    created = ws.create.click(
        h["create"], [ws.field, ws.case_name, ws.applicant], panel + [page.bar.new_acc, ws.case_name, ws.applicant]
    )
    created.then(**close_editor)
    follows.append(created.then(**follow))  # sets 发送 from the server's state (a switch stopped the last turn)
    opened.append(created)
    # trigger_mode "multiple": a second Enter while a turn runs reaches the handler, which says why it waits
    turn = dict(outputs=_turn_outputs(page), show_progress="minimal", trigger_mode="multiple")
    turns = [
        ws.send.click(h["send"], [ws.msg, ws.apps, ws.part], **turn),
        ws.msg.submit(h["send"], [ws.msg, ws.apps, ws.part], **turn),
        ws.skip.click(h["skip"], [ws.apps, ws.part], **turn),
    ]
    changed = [*turns, ws.undo.click(h["undo"], [ws.apps, ws.part], panel)]
    ws.edit.click(e["open"], [ws.apps, ws.part], _editor_outputs(page))
    ws.cancel_edit.click(**close_editor)
    changed.append(ws.save_edit.click(e["save"], [ws.editor, ws.editing], panel + _editor_outputs(page)))
    return {"opened": opened, "changed": changed, "following": turns + follows}


def _stop_following_on_switch(page: Page) -> None:
    """Opening, creating or importing another application stops this page following the last one's turn.

    Otherwise its stream kept writing the old application's chat over the new one and its last update put
    the old application back in the selector: the page showed one application while another was open. The
    turn itself goes on on the server (``ui.turn_jobs``) and is shown again when its application is reopened.
    """
    ws = page.ws
    for trigger in (ws.apps.input, ws.create.click, ws.importing.confirm.click):
        trigger(None, None, None, cancels=page.following, queue=False)


def _prefill_case_name(field: str | None, case_name: str) -> Any:
    """Start the case name with “<领域>领域——” so the required form is the easy path."""
    if field and (not case_name or case_name.endswith("领域——")):
        return f"{field}领域——"
    return gr.skip()


def _wire_page(
    blocks: gr.Blocks,
    page: Page,
    sessions: Sessions,
    place: workspace.Workspace,
    desk: staff.StaffDesk,
    h: dict[str, Any],
) -> Any:
    ws = page.ws
    applicant_tabs = [ws.tabs[name] for name in layout.APPLICANT_TABS]
    page_outputs = [page.login_col, page.main_col, page.head.bar, page.head.logout, ws.tabs["knowledge"], ws.kb.docs,
                    page.bar.new_acc, page.bar.row, ws.tab_bar, ws.tabs["board"], *applicant_tabs]
    outputs = page_outputs + _panel(page)
    mode = place.service.mode_label

    def show_page(last_app: int | None, request: gr.Request) -> tuple:
        principal = sessions.try_principal(request)
        panel = place.load(last_app, request)
        if principal is None:
            hidden = gr.update(visible=False)
            return (gr.update(visible=True), hidden, header_html(TITLE, mode), hidden, hidden, [], gr.update(),
                    hidden, gr.update(), hidden, *[gr.update() for _ in applicant_tabs]) + panel
        staff_home = principal.can_read_all  # staff and admins: the board is home; no applicant chat for them
        has_apps = bool(place.service.list_applications(principal))
        return (
            gr.update(visible=False),
            gr.update(visible=True),
            header_html(TITLE, mode, user_line_html(principal.username, principal.role, principal.local)),
            gr.update(visible=not principal.local),
            gr.update(visible=principal.can_manage_knowledge),
            desk.documents(request),
            gr.update(open=not has_apps and not staff_home),
            gr.update(visible=not staff_home),
            gr.Tabs(selected="board" if staff_home else "workspace"),
            gr.update(visible=staff_home),
            *[gr.update(visible=not staff_home) for _ in applicant_tabs],
        ) + panel

    def log_in(username: str, password: str, request: gr.Request) -> tuple[str, str]:
        """The password never leaves this handler; the browser gets a one-time ticket (see ui.session)."""
        return sessions.login(username, password, request)[0], ""

    loaded = blocks.load(guarded(show_page), [page.last_app], outputs)
    page.following.append(loaded.then(h["follow"], [ws.apps, ws.part], _turn_outputs(page), show_progress="hidden"))
    for trigger in (ws.login.button.click, ws.login.password.submit):
        trigger(guarded(log_in), [ws.login.username, ws.login.password], [page.ticket, ws.login.password]).then(
            None, [page.ticket], None, js=EXCHANGE_TICKET_JS
        )
    page.head.logout.click(None, None, None, js=LOGOUT_JS)
    sh = staff.guarded_handlers(desk)
    qa = ws.qa
    for trigger in (qa.ask.click, qa.question.submit):
        trigger(sh["ask"], [qa.question, qa.history], [qa.answer, qa.history, qa.question])
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
    forms.apps = gr.State(None)  # the application the forms show (see ``FormHandlers``): saves go there
    review = dict(fn=guarded(reviews.review), inputs=[ws.apps], outputs=[ws.review.panel, ws.review.links])
    refill = dict(fn=guarded(forms.load), inputs=[ws.apps], outputs=forms.info_outputs + forms.media_outputs
                  + [forms.apps])
    for event in events["opened"]:
        event.then(**refill).then(**review)
    for event in events["changed"]:
        event.then(**review)
    slots = {s.field_id: s.component for s in ws.info["slots"]}
    if "field" in slots and "case_name" in slots:
        slots["field"].input(app_forms.swap_field_prefix, [slots["field"], slots["case_name"]], [slots["case_name"]])
    info_inputs = {forms.apps, *(s.component for s in ws.info["slots"])}
    # Saving the 信息表 refreshes the rail (its 待补充 note) and the application's name, keeping the selected part.
    ws.info["save"].click(guarded(forms.save_info), info_inputs, forms.info_outputs).then(
        h["refresh"], [ws.apps, ws.part], _panel(page)
    ).then(**review)
    if "reason" in slots and "reason" in ws.info["counts"]:
        count = ws.info["counts"]["reason"]
        slots["reason"].change(guarded(forms.count_reason), [slots["reason"]], [count], trigger_mode="always_last")
        ws.info["suggest"].click(guarded(forms.suggest_reason), [forms.apps], [slots["reason"], count])
    media = ws.media
    media_inputs = {forms.apps, *media["image_names"], media["video_name"], media["prepared"]}
    media["save"].click(guarded(forms.save_media), media_inputs, forms.media_outputs).then(**review)
    for file, name in zip(media["image_files"], media["image_names"], strict=True):
        file.upload(guarded(forms.upload_picture), [file], [name, file])
    video = media["video_file"]
    video.upload(guarded(forms.upload_video), [video], [media["video_name"], video])
