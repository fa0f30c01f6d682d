"""编辑草稿: the current part's preview switches to an editor; 保存修改 stores the text as a new version.

The service does the work (``service.edits``: the guarantees, the review, the store path, the note in the
chat); this module only opens and closes the editor. The editor remembers which application, part and
version it was opened on (``editing``), so a save never lands elsewhere because a selection moved, and a
version stored meanwhile (a chat revision, another window) is reported instead of overwritten. When a
save is refused (too long, unchanged, a conflict) the editor stays open with the applicant's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.errors import InvalidInputError

from .feedback import guarded, notify
from .render import find_part, preview_part_id
from .session import Sessions
from .workspace import Workspace

if TYPE_CHECKING:
    from assistant.service.service import Service

EDITOR_OUTPUTS = ("editor", "preview", "edit", "undo", "save", "cancel", "editing")


def closed() -> tuple:
    """The editor hidden, the preview and its buttons back."""
    return (
        gr.update(visible=False, value=""),
        gr.update(visible=True),
        gr.update(visible=True),
        gr.update(visible=True),
        gr.update(visible=False),
        gr.update(visible=False),
        None,
    )


class DraftEditor:
    def __init__(self, service: Service, sessions: Sessions, place: Workspace) -> None:
        self.service, self.sessions, self.place = service, sessions, place

    def open(self, app_id: int | None, part_id: str, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        view = self.place._view(principal, app_id)
        shown = preview_part_id(view, part_id)
        part = find_part(view, shown)
        if part is None:
            raise InvalidInputError("请先在“当前部分”中选择要编辑的部分。")
        if part.version is None:
            raise InvalidInputError(f"“{part.number}{part.title}”还没有草稿：请先在对话中回答这一部分的问题。")
        if view.owner_id != principal.id:
            raise InvalidInputError("只有申报书的创建者可以修改它。")
        label = f"编辑：{part.number}{part.title}（第{part.version}版，保存后为新版本）"
        return (
            gr.update(visible=True, value=part.text, label=label),
            gr.update(visible=False),
            gr.update(visible=False),
            gr.update(visible=False),
            gr.update(visible=True),
            gr.update(visible=True),
            {"app": view.id, "part": part.part_id, "version": part.version},
        )

    def save(self, text: str, editing: dict | None, request: gr.Request) -> tuple:
        """(*PANEL_OUTPUTS, *EDITOR_OUTPUTS): the stored version shown, the editor closed. The application, part
        and version are the ones the editor was opened on, whatever the selectors show now."""
        principal = self.sessions.principal(request)
        if not editing:
            raise InvalidInputError("请先点击“编辑草稿”打开编辑器。")
        app_id, part_id, version = int(editing["app"]), editing["part"], editing.get("version")
        result = self.service.edits.edit(principal, app_id, part_id, text or "", version)
        notify(f"已保存为第{result.version}版（{result.words}字），可以点击“撤销”恢复上一版。")
        return self.place.panel(principal, result.application, result.part_id) + closed()

    def close(self) -> tuple:
        return closed()


def guarded_handlers(editor: DraftEditor) -> dict[str, Any]:
    return {name: guarded(getattr(editor, name)) for name in ("open", "save", "close")}
