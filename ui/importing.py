"""导入已有申报书: upload a .docx/.pdf (or paste text), see where each paragraph landed, move paragraphs, confirm.

Self-contained: ``layout`` places the components, ``ImportUI`` holds the handlers, ``wire`` connects
them; ``ui.app`` adds the tab and opens the new application after confirming. The preview is kept
in the browser session's ``gr.State`` (nothing is stored until 确认导入). Uploaded files are read
once and deleted from Gradio's cache; only paths Gradio's upload route produced are accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.errors import InvalidInputError
from assistant.forms.spec import FormSpec
from assistant.importing.models import ImportResult
from assistant.service.import_desk import ImportedParagraph, ImportPlan

from .feedback import guarded, notify, warn
from .session import Sessions

if TYPE_CHECKING:
    from assistant.service.service import Service

LEAVE_OUT = "__leave_out__"
HEADERS = ["序号", "段落（开头）", "归入部分", "依据"]
METHODS = {"heading": "标题", "alias": "标题别名", "meaning": "按内容", "moved": "已手动调整", "unplaced": "不导入"}
FORGED_FILE = "文件无效：只能导入通过本页面上传的文件，请重新选择文件。"


def layout(form: FormSpec) -> SimpleNamespace:
    gr.Markdown(
        "#### 从已有的申报书开始\n上传按旧模板（如渝大数据发〔2024〕39号）或自己起草的 Word（.docx）、带文字的 PDF，"
        "或直接粘贴文字。助手按标题和内容把每一段归入新模板的各部分，**保留您的原文**；确认前可以调整归类。"
    )
    with gr.Row():
        file = gr.File(label="选择文件（.docx .pdf .txt）", type="filepath", height=120, elem_id="import-file", scale=2)
        paste = gr.Textbox(label="或粘贴文字", lines=5, max_lines=12, elem_id="import-paste", scale=3)
    read = gr.Button("读取并归类", variant="primary", elem_id="import-read")
    summary = gr.HTML("", elem_id="import-summary", js_on_load=None)
    table = gr.Dataframe(headers=HEADERS, value=[], interactive=False, wrap=True, elem_id="import-table")
    choices = [(f"{p.number}{p.title}", p.id) for p in form.all_parts()] + [("不导入这一段", LEAVE_OUT)]
    with gr.Row(equal_height=True):
        index = gr.Number(label="段落序号", precision=0, minimum=1, elem_id="import-move-index", scale=1)
        target = gr.Dropdown(label="移到", choices=choices, value=None, elem_id="import-move-target", scale=3)
        move = gr.Button("移动", elem_id="import-move", scale=1)
    with gr.Row():
        field = gr.Dropdown(label="所属领域 *", choices=list(form.fields), value=None, elem_id="import-field")
        case_name = gr.Textbox(label="案例名称 *", elem_id="import-case-name", info="格式：“<领域>领域——<案例名称>”")
        applicant = gr.Textbox(label="申报单位", elem_id="import-applicant")
    confirm = gr.Button("确认导入（创建申报书）", variant="primary", elem_id="import-confirm")
    state = gr.State(None)
    new_id = gr.Number(visible=False, elem_id="import-new-id")
    gr.Markdown(
        "#### 压缩超出字数的部分\n作用于“我的申报”中打开的申报书：配置了模型时由模型精简；"
        "离线时删去不含数字的句子，所有数字都保留。压缩后是新的版本，可以撤销。"
    )
    with gr.Row(equal_height=True):
        condense_part = gr.Dropdown(label="部分", choices=[(f"{p.number}{p.title}", p.id) for p in form.all_parts()],
                                    value=None, elem_id="import-condense-part", scale=3)
        condense = gr.Button("压缩该部分", elem_id="import-condense", scale=1)
    condensed = gr.HTML("", elem_id="import-condensed", js_on_load=None)
    return SimpleNamespace(file=file, paste=paste, read=read, summary=summary, table=table, index=index,
                           target=target, move=move, field=field, case_name=case_name, applicant=applicant,
                           confirm=confirm, state=state, new_id=new_id, condense_part=condense_part,
                           condense=condense, condensed=condensed)


def table_rows(form: FormSpec, result: ImportResult) -> list[list[Any]]:
    titles = {p.id: f"{p.number}{p.title}" for p in form.all_parts()}
    return [
        [p.index + 1, p.text[:60] + ("……" if len(p.text) > 60 else ""), titles.get(p.part_id or "", "（不导入）"),
         METHODS.get(p.method, p.method)]
        for p in result.paragraphs
    ]


def summary_html(form: FormSpec, result: ImportResult) -> str:
    """Everything from the file is escaped: it is shown as text, never as markup."""
    items = []
    for part in result.parts:
        state = f"{part.paragraphs}段，{part.words}字" if part.paragraphs else "未找到"
        over = ' class="over"' if part.over else ""
        items.append(f'<li data-part="{escape(part.part_id)}"{over}>{escape(part.title)}：{escape(state)}</li>')
    notes = "".join(f"<li>{escape(n)}</li>" for n in result.notes)
    read = "、".join(result.info_read) or "无"
    return (
        f'<div class="import-summary"><p>来自“{escape(result.source)}”：读到申报信息表的 {escape(read)}。</p>'
        f"<ul>{''.join(items)}</ul>" + (f'<ul class="notes">{notes}</ul>' if notes else "") + "</div>"
    )


class ImportUI:
    def __init__(self, service: Service, sessions: Sessions, form: FormSpec, max_mb: int) -> None:
        self.service, self.sessions, self.form, self.max_bytes = service, sessions, form, max_mb * 1024 * 1024
        self.is_uploaded: Callable[[str], bool] = lambda path: False

    def _file(self, path: str) -> tuple[str, bytes]:
        if not isinstance(path, str) or not self.is_uploaded(path):
            raise InvalidInputError(FORGED_FILE, code="forged_path")
        file = Path(path)
        try:
            if file.stat().st_size > self.max_bytes:
                raise InvalidInputError(f"文件超过{self.max_bytes // (1024 * 1024)}MB 的上传上限。")
            return file.name, file.read_bytes()
        finally:
            file.unlink(missing_ok=True)

    def _shown(self, result: ImportResult) -> tuple:
        info = result.info
        return (
            result.model_dump(),
            summary_html(self.form, result),
            table_rows(self.form, result),
            gr.update(value=info.get("field") or None),
            info.get("case_name", ""),
            info.get("applicant", ""),
        )

    def read(self, path: str | None, text: str, request: gr.Request) -> tuple:
        principal = self.sessions.principal(request)
        if path:
            name, data = self._file(path)
            result = self.service.imports.preview_file(principal, name, data)
        elif (text or "").strip():
            result = self.service.imports.preview_text(principal, text)
        else:
            raise InvalidInputError("请先选择文件，或粘贴申报书的文字。")
        notify(f"已读取 {len(result.paragraphs)} 段，请核对归类后点击“确认导入”。")
        return (*self._shown(result), None)

    def move(self, state: dict | None, index: float | None, target: str | None, request: gr.Request) -> tuple:
        self.sessions.principal(request)
        if not state:
            raise InvalidInputError("请先读取一个文件。")
        if not index or not target:
            raise InvalidInputError("请填写段落序号，并选择要移到的部分。")
        result = ImportResult.model_validate(state)
        part = None if target == LEAVE_OUT else target
        result = self.service.imports.replan(result.form_id, result, {int(index) - 1: part})
        return result.model_dump(), summary_html(self.form, result), table_rows(self.form, result)

    def confirm(self, state: dict | None, field: str | None, case_name: str, applicant: str, request: gr.Request):
        principal = self.sessions.principal(request)
        if not state:
            raise InvalidInputError("请先读取一个文件。")
        result = ImportResult.model_validate(state)
        info = {**result.info, "field": field or "", "case_name": (case_name or "").strip(),
                "applicant": (applicant or "").strip()}
        plan = ImportPlan(
            form_id=result.form_id,
            source=result.source[:200],
            info=info,
            paragraphs=[ImportedParagraph(text=p.text, part_id=p.part_id) for p in result.paragraphs],
        )
        view = self.service.imports.create(principal, plan)
        notify(f"已导入为新的申报书“{view.case_name}”，请在“我的申报”中继续。")
        return view.id, None, "", []


    def condense(self, app_id: int | str | None, part_id: str | None, request: gr.Request) -> str:
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError("请先在“我的申报”中打开一份申报书。")
        if not part_id:
            raise InvalidInputError("请选择要压缩的部分。")
        result = self.service.imports.condense(principal, int(app_id), part_id)
        (warn if result.words > result.budget else notify)(result.message)  # still over: a warning
        dropped = "".join(f"<li>{escape(d)}</li>" for d in result.dropped[:20])
        return (f'<div class="condensed"><p>{escape(result.message)}</p>'
                + (f"<p>删去的内容：</p><ul>{dropped}</ul>" if dropped else "") + "</div>")


def wire(ui: ImportUI, c: SimpleNamespace, apps: Any = None) -> Any:
    """Connect the tab; returns the confirm event so ``ui.app`` can open the new application after it."""
    if apps is not None:
        c.condense.click(guarded(ui.condense), [apps, c.condense_part], [c.condensed])
    c.read.click(guarded(ui.read), [c.file, c.paste],
                 [c.state, c.summary, c.table, c.field, c.case_name, c.applicant, c.file])
    c.move.click(guarded(ui.move), [c.state, c.index, c.target], [c.state, c.summary, c.table])
    return c.confirm.click(guarded(ui.confirm), [c.state, c.field, c.case_name, c.applicant],
                           [c.new_id, c.state, c.summary, c.table])
