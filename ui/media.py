"""材料与打包: upload and check pictures and the video, the 数据要素流向图 as an editable table, the video
outline and the package download.

Self-contained like ``ui.importing``. Files are read once from Gradio's upload cache (only paths its
upload route produced) and deleted there; the service stores and checks them. Thumbnails, the diagram
and the downloads are links to the authenticated API routes (same origin, session cookie), so no file
is put in Gradio's cache. Everything from the applicant is escaped before it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.errors import InvalidInputError
from assistant.diagram.graph import TABLE_HEADERS, to_rows
from assistant.forms.spec import FormSpec
from assistant.media.models import MediaItem

from .feedback import guarded, notify, warn
from .session import Sessions

if TYPE_CHECKING:
    from assistant.auth.principal import Principal
    from assistant.service.service import Service

NO_APP = "请先在上方选择一份申报书。"
FORGED_FILE = "文件无效：只能上传通过本页面选择的文件，请重新选择。"


def layout(form: FormSpec) -> SimpleNamespace:
    slots = [(f"图{i}：{kind}", f"image:{i}") for i, kind in enumerate(form.media.images, start=1)]
    slots.append((f"视频（{form.media.video.format}，约{form.media.video.minutes}分钟）", "video"))
    gr.Markdown(
        "#### 上传并检查多媒体材料\n图片为 JPG（PNG 会自动转换），视频为 MP4；上传后检查格式、清晰度、编码和时长。"
    )
    with gr.Row(equal_height=True):
        slot = gr.Dropdown(label="材料位置", choices=slots, value="image:2", elem_id="mat-slot", scale=2)
        file = gr.File(label="选择文件", type="filepath", height=110, elem_id="mat-file", scale=3)
        upload = gr.Button("上传并检查", variant="primary", elem_id="mat-upload", scale=1)
    items = gr.HTML("", elem_id="mat-items", js_on_load=None)
    with gr.Row(equal_height=True):
        remove_id = gr.Dropdown(label="删除文件", choices=[], value=None, elem_id="mat-remove-id", scale=3)
        remove = gr.Button("删除", elem_id="mat-remove", scale=1)
    gr.Markdown("#### 数据要素流向图（图1）\n根据您关于数据来源和流通过程的回答生成，可以在表中修改后再生成图片。")
    with gr.Row():
        extract = gr.Button("根据回答生成流向图", elem_id="flow-extract")
        save = gr.Button("保存表格", elem_id="flow-save")
        draw = gr.Button("生成图片（作为图1）", variant="primary", elem_id="flow-render")
    flow = gr.Dataframe(headers=TABLE_HEADERS, value=[], interactive=True, row_count=1,
                        column_count=3, elem_id="flow-table")
    flow_note = gr.HTML("", elem_id="flow-note", js_on_load=None)
    gr.Markdown("#### 视频拍摄提纲与申报材料包")
    with gr.Row():
        outline = gr.Button("生成视频拍摄提纲（约5分钟）", elem_id="outline-make")
        package = gr.Button("打包下载全部申报材料", variant="primary", elem_id="package-make")
    outline_html = gr.HTML("", elem_id="outline", js_on_load=None)
    package_html = gr.HTML("", elem_id="package-link", js_on_load=None)
    return SimpleNamespace(slot=slot, file=file, upload=upload, items=items, remove_id=remove_id, remove=remove,
                           extract=extract, save=save, draw=draw, flow=flow, flow_note=flow_note, outline=outline,
                           package=package, outline_html=outline_html, package_html=package_html)


def items_html(app_id: int, form: FormSpec, items: list[MediaItem]) -> str:
    if not items:
        return '<div class="mat-empty">还没有上传多媒体文件。</div>'
    rows = []
    for item in items:
        base = f"api/applications/{int(app_id)}/media/{int(item.id)}"
        number = item.picture_number or 0
        where = "视频" if item.slot == "video" else f"图{number}：{form.media.images[number - 1]}"
        thumb = f'<img class="mat-thumb" alt="缩略图" src="{base}/thumbnail.jpg">' if item.facts.kind == "image" else ""
        facts = f"{item.facts.width}×{item.facts.height}"
        if item.facts.kind == "video":
            minutes, seconds = divmod(int(item.facts.duration_s), 60)
            facts += f"，{item.facts.codec or '编码未知'}，{minutes}分{seconds}秒"
        findings = "".join(
            f'<li data-severity="{escape(f.severity)}">{escape(f.severity)}：{escape(f.message)}</li>'
            for f in item.facts.findings
        ) or '<li data-severity="ok">检查通过</li>'
        rows.append(
            f'<div class="mat-item" data-slot="{escape(item.slot)}">{thumb}<div><b>{escape(where)}</b> '
            f'<a href="{base}/file" download>{escape(item.filename)}</a>（{escape(facts)}）'
            f"<ul>{findings}</ul></div></div>"
        )
    return "".join(rows)


class MaterialsUI:
    def __init__(self, service: Service, sessions: Sessions, form: FormSpec) -> None:
        self.service, self.sessions, self.form = service, sessions, form
        self.is_uploaded: Callable[[str], bool] = lambda path: False

    def _principal(self, app_id: int | str | None, request: gr.Request) -> tuple[Principal, int]:
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError(NO_APP)
        return principal, int(app_id)

    def _listing(self, principal: Principal, app_id: int) -> tuple:
        items = self.service.media.items(principal, app_id)
        choices = [(f"{i.filename}（{'视频' if i.slot == 'video' else '图' + str(i.picture_number)}）", i.id)
                   for i in items]
        return items_html(app_id, self.form, items), gr.update(choices=choices, value=None)

    def load(self, app_id: int | str | None, request: gr.Request) -> tuple:
        """The tab for ``app_id``; the last output is the id it now shows (its actions work on that one)."""
        principal = self.sessions.try_principal(request)
        if principal is None or not app_id:
            return "", gr.update(choices=[], value=None), [], "", "", "", None
        graph = self.service.media.flow_graph(principal, int(app_id))
        return (*self._listing(principal, int(app_id)), to_rows(graph), "", "", "", int(app_id))

    def upload(self, app_id: int | str | None, slot: str, path: str | None, request: gr.Request) -> tuple:
        principal, app_id = self._principal(app_id, request)
        if not path:
            raise InvalidInputError("请先选择要上传的文件。")
        if not isinstance(path, str) or not self.is_uploaded(path):
            raise InvalidInputError(FORGED_FILE, code="forged_path")
        file = Path(path)
        try:
            data = file.read_bytes()
        finally:
            file.unlink(missing_ok=True)
        item = self.service.media.upload(principal, app_id, slot or "", file.name, data)
        problems = [f for f in item.facts.findings if f.severity != "建议"]
        if problems:  # stored, but not as the notice asks: a warning, with what to fix
            warn(f"“{item.filename}”已上传，但有{len(problems)}项需要处理：{problems[0].message}")
        else:
            notify(f"“{item.filename}”已上传，检查通过。")
        return (*self._listing(principal, app_id), None)

    def remove(self, app_id: int | str | None, media_id: int | str | None, request: gr.Request) -> tuple:
        principal, app_id = self._principal(app_id, request)
        if not media_id:
            raise InvalidInputError("请先选择要删除的文件。")
        self.service.media.delete(principal, app_id, int(media_id))
        notify("已删除。")
        return self._listing(principal, app_id)

    def extract(self, app_id: int | str | None, request: gr.Request) -> tuple:
        principal, app_id = self._principal(app_id, request)
        graph, note = self.service.media.extract(principal, app_id)
        return to_rows(graph), escape(note)

    def save(self, app_id: int | str | None, table: Any, request: gr.Request) -> tuple:
        principal, app_id = self._principal(app_id, request)
        rows = table.values.tolist() if hasattr(table, "values") else list(table or [])
        graph = self.service.media.save_rows(principal, app_id, rows)
        notify("流向图表格已保存。")
        return to_rows(graph), ""

    def draw(self, app_id: int | str | None, table: Any, request: gr.Request) -> tuple:
        principal, app_id = self._principal(app_id, request)
        rows = table.values.tolist() if hasattr(table, "values") else list(table or [])
        if any(any(str(c).strip() for c in row) for row in rows):
            self.service.media.save_rows(principal, app_id, rows)
        item = self.service.media.render_flow(principal, app_id)
        note = (f'<img class="flow-image" alt="数据要素流向图" '
                f'src="api/applications/{app_id}/media/{int(item.id)}/file?v={escape(item.stored_name)}">')
        notify("已生成数据要素流向图，作为图1保存。")
        return (*self._listing(principal, app_id), note)

    def outline(self, app_id: int | str | None, request: gr.Request) -> str:
        principal, app_id = self._principal(app_id, request)
        outline = self.service.package.outline(principal, app_id)
        rows = "".join(
            f"<tr><td>{escape(s.segment)}</td><td>{s.seconds}秒</td><td>{escape(s.picture)}</td>"
            f"<td>{escape(s.narration)}</td></tr>"
            for s in outline.shots
        )
        link = (f'<a href="api/applications/{app_id}/video-outline.docx" download data-testid="dl-outline">'
                "下载提纲（Word）</a>")
        return (f'<div class="outline"><p>{escape(outline.title)}，共{outline.total_seconds}秒。{link}</p>'
                f"<table><tr><th>段落</th><th>时长</th><th>画面</th><th>解说词</th></tr>{rows}</table></div>")

    def package(self, app_id: int | str | None, request: gr.Request) -> str:
        principal, app_id = self._principal(app_id, request)
        self.service.get_application(principal, app_id)
        return (f'<a class="download-link" href="api/applications/{app_id}/package.zip" download '
                'data-testid="dl-package">下载申报材料包（zip：Word、PDF、宣传推广材料、多媒体材料、材料清单）</a>')


def wire(ui: MaterialsUI, c: SimpleNamespace, apps: Any, opened: list[Any]) -> None:
    """``apps`` is the workspace's selector; the tab's actions use the application it was filled from (``shown``),
    so a flow table or an upload never lands in an application opened a moment later."""
    shown = gr.State(None)
    refill = dict(fn=guarded(ui.load), inputs=[apps], outputs=[c.items, c.remove_id, c.flow, c.flow_note,
                                                                 c.outline_html, c.package_html, shown])
    for event in opened:
        event.then(**refill)
    apps = shown
    c.upload.click(guarded(ui.upload), [apps, c.slot, c.file], [c.items, c.remove_id, c.file])
    c.remove.click(guarded(ui.remove), [apps, c.remove_id], [c.items, c.remove_id])
    c.extract.click(guarded(ui.extract), [apps], [c.flow, c.flow_note])
    c.save.click(guarded(ui.save), [apps, c.flow], [c.flow, c.flow_note])
    c.draw.click(guarded(ui.draw), [apps, c.flow], [c.items, c.remove_id, c.flow_note])
    c.outline.click(guarded(ui.outline), [apps], [c.outline_html])
    c.package.click(guarded(ui.package), [apps], [c.package_html])
