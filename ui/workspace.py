"""Event handlers of the applicant workspace: open, create, pick a part, chat, skip, follow, undo.

Every handler resolves the Principal from the session cookie (``request``) first and then calls
the one service object; state shown on screen is always rebuilt from what the
service returns, so a refresh (``load``) shows exactly what is stored.

Most handlers return the whole *panel*, in the order of ``PANEL_OUTPUTS``: application list,
chat, progress rail, part selector, preview, review issues, versions, the last-opened
application id kept in the browser, and the downloads. Chat turns also set ``LIVE_OUTPUTS``
(发送 and 跳过 disabled while a turn runs, and a note saying why).

A chat turn is a server-side job (``ui.turn_jobs``): the page that sent it follows it, and so
does a page opened or reloaded while it runs (``follow``), with the same progress in the chat
and in the preview; a second message meanwhile is refused with a message, never dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, Any

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
    downloads_html,
    find_part,
    issues_markdown,
    part_choices,
    preview_markdown,
    preview_part_id,
    rail_html,
    streaming_markdown,
    template_limit,
    versions_html,
)
from .session import Sessions
from .turn_jobs import Progress, TurnJob, TurnJobs

if TYPE_CHECKING:
    from assistant.llm.chat import DeltaCallback
    from assistant.service.service import Service

PANEL_OUTPUTS = ("apps", "chat", "rail", "part", "preview", "issues", "versions", "last_app", "downloads")
LIVE_OUTPUTS = ("send", "skip", "busy")
SKIP_TEXT = "跳过"
SEND_TEXT = "发送"  # the labels of the two buttons (ui.layout)
NO_APP = "请先在“当前申报书”中选择一份申报书，或点击“新建申报”。"
RESUMING = "上次起草时被中断（页面关闭或服务重启），您的回答都已保存，正在重新起草……"


def live(running: Progress | None) -> tuple:
    """发送/跳过 and the note under them: disabled with the reason while a turn runs."""
    if running is None or running.done:
        return gr.update(interactive=True), gr.update(interactive=True), ""
    what = waiting_message(running.waiting) if running.waiting is not None else "正在起草"
    note = f'<div class="busy">{what}：完成后才能发送下一条，您可以先输入。</div>'
    return gr.update(interactive=False), gr.update(interactive=False), note


class Workspace:
    def __init__(self, service: Service, sessions: Sessions, turns: WorkPool, jobs: TurnJobs | None = None) -> None:
        self.service = service
        self.sessions = sessions
        self.turns = turns  # shared with the REST API: one line for model work
        self.jobs = jobs or TurnJobs(turns)

    # ---- rendering ----------------------------------------------------------------
    def panel(self, principal: Principal, view: ApplicationView | None, selected: str | None) -> tuple:
        """Everything the workspace shows for ``view`` (or the empty state when None)."""
        apps = self.service.list_applications(principal)
        shown: str = selected if selected and view is not None and find_part(view, selected) else AUTO_PART
        return (
            gr.update(choices=application_choices(apps), value=view.id if view else None),
            chat_messages(view),
            *self.part_outputs(principal, view, shown, rail=True),
            view.id if view else None,
            downloads_html(view.id if view else None),
        )

    def part_outputs(self, principal: Principal, view: ApplicationView | None, selected: str, rail: bool) -> tuple:
        """Rail, part selector, preview, issues and versions for the selected part."""
        shown = preview_part_id(view, selected)
        part = find_part(view, shown)
        versions = (
            self.service.versions(principal, view.id, shown)
            if view is not None and shown is not None and part and part.version
            else []
        )
        outputs = (
            gr.update(choices=part_choices(view), value=selected),
            preview_markdown(part, template_limit(view, part) if part else None),
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
        """Page load or refresh: reopen the last application this browser had open (staff: none, see ``ui.app``)."""
        principal = self.sessions.try_principal(request)
        if principal is None or principal.can_read_all:
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
            downloads_html(None),
        )

    def open(self, app_id: int | None, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        view = self.service.get_application(principal, int(app_id)) if app_id else None
        return self.panel(principal, view, AUTO_PART)

    def refresh(self, app_id: int | None, part_id: str, request: gr.Request) -> tuple:
        """The panel again with the selected part kept (after the 信息表 was saved: name, rail notes)."""
        principal = self.sessions.principal(request)
        view = self.service.get_application(principal, int(app_id)) if app_id else None
        return self.panel(principal, view, part_id or AUTO_PART)

    def select_part(self, part_id: str, app_id: int | None, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        view = self.service.get_application(principal, int(app_id)) if app_id else None
        return self.part_outputs(principal, view, part_id or AUTO_PART, rail=True)

    def pick_part(self, app_id: int | None, event: gr.EventData, request: gr.Request) -> tuple:
        """A click on a part in the rail: that part becomes the current one (the id is checked, not trusted)."""
        data = getattr(event, "_data", None) or {}
        principal = self.sessions.principal(request)
        view = self._view(principal, app_id)
        part_id = str(data.get("part", "")) if isinstance(data, dict) else ""
        if find_part(view, part_id) is None:
            return (gr.skip(),) * 5
        return self.part_outputs(principal, view, part_id, rail=True)

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

    # ---- chat (a server-side job, followed) ------------------------------------------------
    async def send(
        self, text: str, app_id: int | None, part_id: str, request: gr.Request
    ) -> AsyncGenerator[tuple, None]:
        """One chat turn, streamed: outputs are (message box, *PANEL_OUTPUTS, *LIVE_OUTPUTS)."""
        async with contextlib.aclosing(self._turn(text, app_id, part_id, request, action=None)) as turn:
            async for update in turn:
                yield update

    async def skip(self, app_id: int | None, part_id: str, request: gr.Request) -> AsyncGenerator[tuple, None]:
        """跳过 always answers the interview, even when a drafted part is selected for revision."""
        async with contextlib.aclosing(self._turn(SKIP_TEXT, app_id, part_id, request, action="skip")) as turn:
            async for update in turn:
                yield update

    async def follow(self, app_id: int | None, part_id: str, request: gr.Request) -> AsyncGenerator[tuple, None]:
        """After a page load or opening an application: show the turn the server is running for it, then its
        result; a draft that was cut off (the page closed long ago, a restart) is drafted again now."""
        idle = (gr.skip(),) * (1 + len(PANEL_OUTPUTS)) + live(None)  # nothing running: 发送 is free again
        principal = await to_thread.run_sync(self.sessions.try_principal, request)
        if principal is None or principal.can_read_all or not app_id:
            yield idle
            return
        job = self.jobs.running(app_id)
        if job is None:
            view = await to_thread.run_sync(self._view, principal, app_id)
            if not view.interrupted or view.owner_id != principal.id:
                yield idle
                return
            job = self._start(principal, view, RESUMING, None, lambda on_delta: self._resume(principal, view.id))
        view = await to_thread.run_sync(self._view, principal, app_id)
        async with contextlib.aclosing(self._follow(principal, view, job, part_id, sender=False)) as updates:
            async for update in updates:
                yield update

    async def _turn(
        self, text: str, app_id: int | None, part_id: str, request: gr.Request, action: str | None
    ) -> AsyncGenerator[tuple, None]:
        principal = await to_thread.run_sync(self.sessions.principal, request)
        view = await to_thread.run_sync(self._view, principal, app_id)
        text = (text or "").strip()
        if not text:
            raise InvalidInputError("请先输入您的回答或修改意见。")
        target = part_id if part_id and part_id != AUTO_PART else None

        def call(on_delta: DeltaCallback) -> TurnResult:
            return self.service.send_message(principal, view.id, text, part_id=target, action=action, on_delta=on_delta)

        job = self._start(principal, view, text, target, call)
        async with contextlib.aclosing(self._follow(principal, view, job, part_id, sender=True)) as updates:
            async for update in updates:
                yield update

    def _start(
        self,
        principal: Principal,
        view: ApplicationView,
        text: str,
        target: str | None,
        call: Callable[[DeltaCallback], TurnResult | ApplicationView],
    ) -> TurnJob:
        """The turn as the application's job; raises ``TurnInProgress`` (a warning) if one is running."""

        def locate() -> str | None:  # the part a new stream is for: the first one still to draft
            pending = self.service.get_application(principal, view.id).interrupted
            return pending[0] if pending else target

        async def after(result: object) -> object:
            if isinstance(result, TurnResult):
                reviewed = await to_thread.run_sync(self._with_review_note, principal, result)
                return result.model_copy(update={"application": reviewed})
            return result

        user = None if principal.local else f"user:{principal.id}"
        return self.jobs.start(view.id, text, call, user=user, part_id=target, locate=locate, after=after)

    def _resume(self, principal: Principal, app_id: int) -> ApplicationView:
        return self.service.resume_interrupted(principal, app_id)

    async def _follow(
        self, principal: Principal, view: ApplicationView, job: TurnJob, selected: str, sender: bool
    ) -> AsyncGenerator[tuple, None]:
        """The job's progress in the chat and the preview, 发送 disabled; then the stored result, 发送 enabled."""
        history = chat_messages(view)
        if not any(m.role == "user" and m.content == job.message for m in view.messages[-3:]):
            history.append(chat_message("user" if job.message != RESUMING else "assistant", job.message))
        history.append(chat_message("assistant", "正在处理您的回答……"))
        fallback = find_part(view, job.part_id or (view.interrupted[0] if view.interrupted else None))
        steady = _Steady(view.id)
        yield ("" if sender else gr.skip(), *steady.panel(history, None), *steady.controls(job.progress()))
        shown: str | None = None
        marked = fallback.part_id if fallback else None  # the part the rail marks: the one being written
        async for progress in self.jobs.follow(job):
            if progress.done and (progress.text == shown or job.error is not None):
                break
            shown = progress.text  # the last text is shown once more when it changed at the end (the stored one)
            history[-1] = chat_message("assistant", _progress_text(progress))
            part = find_part(view, progress.part_id) or fallback
            preview = streaming_markdown(part, progress.text, progress.seconds, progress.waiting)
            if part is not None and part.part_id != marked:
                steady.rail = rail_html(view, part.part_id)
            marked = part.part_id if part is not None else marked
            yield (gr.skip(), *steady.panel(history, preview), *steady.controls(progress))
        outcome = await self._outcome(principal, view, job, selected, sender)
        yield (*outcome, *live(None))

    async def _outcome(
        self, principal: Principal, view: ApplicationView, job: TurnJob, selected: str, sender: bool
    ) -> tuple:
        """(message box, *PANEL_OUTPUTS) once the job is done: what is stored, and what went wrong if anything."""
        if job.error is None:
            result = job.result
            stored = result.application if isinstance(result, TurnResult) else result
            if isinstance(result, TurnResult):
                selected = result.drafted_part or result.revised_part or selected
            return (gr.skip(),) + await to_thread.run_sync(self.panel, principal, stored, selected)
        if isinstance(job.error, Exception):  # a cancelled turn (the page was gone) has nobody to tell
            report(job.error)
        stored = await to_thread.run_sync(self.service.get_application, principal, view.id)
        kept = any(m.role == "user" and m.content == job.message for m in stored.messages[-4:])
        message_box = job.message if sender and not kept else gr.skip()  # give back text that was not stored
        return (message_box,) + await to_thread.run_sync(self.panel, principal, stored, selected)

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


def _progress_text(progress: Progress) -> str:
    if progress.waiting is not None:
        return waiting_message(progress.waiting)
    return f"正在起草（已写{len(progress.text)}字，用时{progress.seconds}秒）……\n\n{progress.text}"


class _Steady:
    """The outputs of a streaming update that do not change while a turn streams, given as their values.

    Gradio builds a whole new component on the server's event loop for every ``gr.update``/``gr.skip()``
    in every update (about 0.25 ms each, nine per update, 50 pages updating every two seconds), while an
    unchanged value costs nothing: it is diffed against the last one and nothing is sent. So what stays
    the same is repeated as a value — the downloads, the application id, the rail once drawn, the labels
    of 发送/跳过 — and only the outputs whose current value this update cannot know stay ``gr.skip()``.
    """

    def __init__(self, app_id: int) -> None:
        self.app_id = app_id
        self.rail: str | None = None
        self._note: str | None = None

    def panel(self, history: list[dict[str, str]], preview: str | None) -> tuple:
        """A streaming update of PANEL_OUTPUTS: the chat; the preview when there is one; the steady values."""
        values: dict[str, Any] = {"chat": history, "last_app": self.app_id, "downloads": downloads_html(self.app_id)}
        if preview is not None:
            values["preview"] = preview
        if self.rail is not None:
            values["rail"] = self.rail
        return tuple(values.get(name, gr.skip()) for name in PANEL_OUTPUTS)

    def controls(self, progress: Progress) -> tuple:
        """LIVE_OUTPUTS: an update when 发送/跳过 change state, else their labels and the note as values."""
        send, skip, note = live(progress)
        if note != self._note:
            self._note = note
            return send, skip, note
        return SEND_TEXT, SKIP_TEXT, note


def guarded_handlers(workspace: Workspace) -> dict[str, Any]:
    """The bound handlers, each wrapped so errors become warnings (see ``feedback``)."""
    names = ("load", "open", "refresh", "select_part", "pick_part", "create", "undo", "send", "skip", "follow")
    return {name: guarded(getattr(workspace, name)) for name in names}
