"""Event handlers of the applicant workspace: open, create, chat, skip, undo, export.

Every handler resolves the Principal from the session cookie (``request``) first and then calls
the one service object; state shown on screen is always rebuilt from what the
service returns, so a refresh (``load``) shows exactly what is stored.

Most handlers return the whole *panel*, in the order of ``PANEL_OUTPUTS``:
application list, chat, progress rail, part selector, preview, review issues,
versions, and the last-opened application id kept in the browser.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import gradio as gr
from anyio import to_thread

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError
from assistant.core.workpool import WorkPool, waiting_message
from assistant.forms.application import ApplicationInfo
from assistant.service.views import ApplicationView, TurnResult

from .feedback import guarded, notify, report
from .render import (
    AUTO_PART,
    application_choices,
    chat_message,
    chat_messages,
    download_link_html,
    find_part,
    issues_markdown,
    part_choices,
    preview_markdown,
    preview_part_id,
    rail_html,
    versions_html,
)
from .session import Sessions
from .streaming import StreamedCall

PANEL_OUTPUTS = ("apps", "chat", "rail", "part", "preview", "issues", "versions", "last_app")
SKIP_TEXT = "跳过"
NO_APP = "请先在左侧选择一份申报书，或点击“新建申报”。"


class Workspace:
    def __init__(self, service: Any, sessions: Sessions, turns: WorkPool) -> None:
        self.service = service
        self.sessions = sessions
        self.turns = turns  # shared with the REST API: one line for model work (see ``streaming``)

    # ---- rendering ----------------------------------------------------------------
    def panel(self, principal: Principal, view: ApplicationView | None, selected: str | None) -> tuple:
        """Everything the workspace shows for ``view`` (or the empty state when None)."""
        apps = self.service.list_applications(principal)
        selected = selected if view is not None and find_part(view, selected) else AUTO_PART
        return (
            gr.update(choices=application_choices(apps), value=view.id if view else None),
            chat_messages(view),
            *self.part_outputs(principal, view, selected, rail=True),
            view.id if view else None,
        )

    def part_outputs(self, principal: Principal, view: ApplicationView | None, selected: str, rail: bool) -> tuple:
        """Rail, part selector, preview, issues and versions for the selected part."""
        shown = preview_part_id(view, selected)
        part = find_part(view, shown)
        versions = (
            self.service.versions(principal, view.id, shown) if view is not None and part and part.version else []
        )
        outputs = (
            gr.update(choices=part_choices(view), value=selected),
            preview_markdown(part),
            issues_markdown(part),
            versions_html(versions),
        )
        return ((rail_html(view, shown),) if rail else ()) + outputs

    def _view(self, principal: Principal, app_id: int | None) -> ApplicationView:
        if not app_id:
            raise InvalidInputError(NO_APP)
        return self.service.get_application(principal, int(app_id))

    # ---- handlers -------------------------------------------------------------------
    def load(self, last_app: int | None, request: gr.Request) -> tuple:
        """Page load or refresh: reopen the last application this browser had open."""
        principal = self.sessions.try_principal(request)
        if principal is None:
            return self.panel_for_nobody()
        apps = self.service.list_applications(principal)
        ids = [a.id for a in apps]
        app_id = last_app if last_app in ids else (ids[0] if ids else None)
        view = self.service.get_application(principal, app_id) if app_id else None
        return self.panel(principal, view, AUTO_PART)

    def panel_for_nobody(self) -> tuple:
        return (
            gr.update(choices=[], value=None),
            [],
            rail_html(None),
            gr.update(choices=part_choices(None), value=AUTO_PART),
            preview_markdown(None),
            "",
            versions_html([]),
            None,
        )

    def open(self, app_id: int | None, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        view = self.service.get_application(principal, int(app_id)) if app_id else None
        return self.panel(principal, view, AUTO_PART)

    def select_part(self, part_id: str, app_id: int | None, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        view = self.service.get_application(principal, int(app_id)) if app_id else None
        return self.part_outputs(principal, view, part_id or AUTO_PART, rail=True)

    def create(self, field: str | None, case_name: str, applicant: str, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        info = ApplicationInfo(
            field=field or "", case_name=(case_name or "").strip(), applicant=(applicant or "").strip()
        )
        view = self.service.create_application(principal, info)
        notify(f"已创建“{view.case_name or '新申报书'}”，请在对话框中回答第一个问题。")
        return self.panel(principal, view, AUTO_PART) + (gr.update(open=False), "", "")

    def undo(self, app_id: int | None, part_id: str, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        view = self._view(principal, app_id)
        target = preview_part_id(view, part_id)
        if not target:
            raise InvalidInputError("请先在“当前部分”中选择要撤销的部分。")
        view = self.service.undo(principal, view.id, target)
        return self.panel(principal, view, target)

    def export(self, app_id: int | None, request: gr.Request) -> Any:
        """Check the export works, then show a link to the authenticated export route.

        The file is built again when the link is followed (``GET /api/applications/{id}/
        export.docx``, session cookie or local mode); nothing is written to disk or to
        Gradio's cache, where ``/gradio_api/file=`` would hand it to anyone with the URL.
        """
        principal = self.sessions.principal(request)
        view = self._view(principal, app_id)
        name, _ = self.service.export_docx(principal, view.id)
        return gr.update(value=download_link_html(view.id, name), visible=True)

    # ---- chat (streaming) -----------------------------------------------------------------
    async def send(self, text: str, app_id: int | None, part_id: str, request: gr.Request) -> AsyncIterator[tuple]:
        """One chat turn, streamed: outputs are (message box, *PANEL_OUTPUTS)."""
        async with contextlib.aclosing(self._turn(text, app_id, part_id, request, action=None)) as turn:
            async for update in turn:
                yield update

    async def skip(self, app_id: int | None, part_id: str, request: gr.Request) -> AsyncIterator[tuple]:
        """跳过 always answers the interview, even when a drafted part is selected for revision."""
        async with contextlib.aclosing(self._turn(SKIP_TEXT, app_id, part_id, request, action="skip")) as turn:
            async for update in turn:
                yield update

    async def _turn(
        self, text: str, app_id: int | None, part_id: str, request: gr.Request, action: str | None
    ) -> AsyncIterator[tuple]:
        """The turn runs in the model-work pool; this generator holds no thread while it waits (see ``streaming``)."""
        principal = await to_thread.run_sync(self.sessions.principal, request)
        view = await to_thread.run_sync(self._view, principal, app_id)
        text = (text or "").strip()
        if not text:
            raise InvalidInputError("请先输入您的回答或修改意见。")
        target = part_id if part_id and part_id != AUTO_PART else None
        history = chat_messages(view) + [chat_message("user", text), chat_message("assistant", "正在处理您的回答……")]
        yield _chat_only("", history)
        call: StreamedCall[TurnResult] = StreamedCall(
            lambda on_delta: self.service.send_message(
                principal, view.id, text, part_id=target, action=action, on_delta=on_delta
            ),
            self.turns,
            user=None if principal.local else f"user:{principal.id}",
            key=f"application:{view.id}",
        )
        started: float | None = None
        try:
            async for update in call.stream():
                if update.waiting is not None:
                    history[-1] = chat_message("assistant", waiting_message(update.waiting))
                else:
                    started = started or time.monotonic()
                    elapsed, written = int(time.monotonic() - started), len(update.text)
                    history[-1] = chat_message(
                        "assistant", f"正在起草（已写{written}字，用时{elapsed}秒）……\n\n{update.text}"
                    )
                yield _chat_only(gr.skip(), history)
        finally:
            await call.cancel()  # a no-op once the turn ended; the page went away otherwise
        try:
            result = call.result()
        except Exception as exc:  # noqa: BLE001 - show what is stored; give back text that was not stored
            report(exc)
            stored = await to_thread.run_sync(self.service.get_application, principal, view.id)
            kept = any(m.role == "user" and m.content == text for m in stored.messages[-4:])
            panel = await to_thread.run_sync(self.panel, principal, stored, part_id)
            yield (gr.skip() if kept else text,) + panel
            return
        selected = result.drafted_part or result.revised_part or part_id
        reviewed = await to_thread.run_sync(self._with_review_note, principal, result)
        yield (gr.skip(),) + await to_thread.run_sync(self.panel, principal, reviewed, selected)

    def _with_review_note(self, principal: Principal, result: TurnResult) -> ApplicationView:
        """After a draft or a revision the chat gets the review's 错误 for those parts (the rest: 审阅 panel)."""
        parts = list(result.prompt.completed_parts or ([result.drafted_part] if result.drafted_part else []))
        parts += [result.revised_part] if result.revised_part and result.revised_part not in parts else []
        try:
            if parts and self.service.note_review_errors(principal, result.application.id, parts):
                return self.service.get_application(principal, result.application.id)
        except Exception as exc:  # noqa: BLE001 - the turn is stored; a failed review must not hide it
            report(exc)
        return result.application


def _chat_only(message_box: Any, history: list[dict[str, str]]) -> tuple:
    """A streaming update: (message box, *PANEL_OUTPUTS) with only the chat changed."""
    panel = [gr.skip()] * len(PANEL_OUTPUTS)
    panel[PANEL_OUTPUTS.index("chat")] = history
    return (message_box, *panel)


def guarded_handlers(workspace: Workspace) -> dict[str, Any]:
    """The bound handlers, each wrapped so errors become warnings (see ``feedback``)."""
    names = ("load", "open", "select_part", "create", "undo", "export", "send", "skip")
    return {name: guarded(getattr(workspace, name)) for name in names}
