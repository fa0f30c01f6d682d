"""Where everything sits on the page, arranged by task (issue 28); ``ui.app`` connects the events.

Laptop (1366×768), without scrolling: the header; a toolbar with the open application and every
download (Word, PDF, 宣传推广材料, 申报材料包), one click each; one row of tabs, so 申报信息表, 多媒体材料,
审阅 … are one click from the top; and under 我的申报 the main loop side by side — the rail (click a
part to open it), the chat with its input and 发送 (Enter sends, Shift+Enter is a new line), the
current part's draft with 编辑草稿 and 撤销. The chat and the draft take the height the window has.

Phone (390 px): the same components in one column in task order — chat, current draft, then the
rail — the header on two lines, the tabs wrapped instead of hidden behind 「…」 (``ui.style``).

Staff land on the board: the applicant's tabs are hidden for them (``ui.app``), so no chat box
ever stands on someone else's application.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import gradio as gr

from assistant.forms.spec import FormSpec

from . import app_forms, board, importing, password, review_screen, staff
from . import media as materials
from .render import AUTO_PART, downloads_html, header_html, part_choices

TITLE = "数据要素× 案例申报助手"
MSG_PLACEHOLDER = "输入回答或修改意见；Enter 发送，Shift+Enter 换行"
# The rail's parts are buttons; a click tells the server which part to open (``Workspace.pick_part``).
RAIL_CLICK_JS = """
element.addEventListener('click', (event) => {
  const part = event.target.closest('[data-part]');
  if (part) { trigger('click', {part: part.dataset.part}); }
});
"""
APPLICANT_TABS = ("workspace", "info", "media", "materials", "review", "call", "import")


def header(mode_label: str) -> SimpleNamespace:
    with gr.Row(elem_id="header", equal_height=True):
        bar = gr.HTML(header_html(TITLE, mode_label), elem_id="header-bar", js_on_load=None, scale=1)
        logout = gr.Button("退出登录", size="sm", visible=False, scale=0, min_width=84, elem_id="logout")
    return SimpleNamespace(bar=bar, logout=logout)


def login_form() -> SimpleNamespace:
    gr.Markdown("### 登录\n请输入管理员为您创建的账号。")
    username = gr.Textbox(label="用户名", elem_id="login-username")
    secret = gr.Textbox(label="密码", type="password", elem_id="login-password")
    button = gr.Button("登录", variant="primary", elem_id="login-button")
    return SimpleNamespace(username=username, password=secret, button=button)


def toolbar(form: FormSpec) -> SimpleNamespace:
    """The open application, 新建申报 and the downloads: above the tabs, so every tab works on the same one."""
    with gr.Row(elem_id="toolbar", equal_height=True, visible=False) as row:
        apps = gr.Dropdown(
            label="当前申报书", show_label=False, container=False, choices=[], value=None, interactive=True,
            scale=3, min_width=220, elem_id="app-select",
        )
        with gr.Accordion("新建申报", open=False, elem_id="new-app") as new_acc:
            field = gr.Dropdown(
                label=f"所属领域（{form.fields_phrase}之一）", choices=list(form.fields), value=None,
                elem_id="new-field",
            )
            case_name = gr.Textbox(
                label="案例名称", placeholder=f"例如：{form.case_name_example}", elem_id="new-case-name",
                info="格式：“<领域>领域——<案例名称>”",
            )
            applicant = gr.Textbox(label="申报单位", elem_id="new-applicant")
            create = gr.Button("创建申报书", variant="primary", elem_id="create-app")
        downloads = gr.HTML(downloads_html(None), elem_id="downloads", js_on_load=None, scale=4, min_width=240)
    return SimpleNamespace(row=row, apps=apps, new_acc=new_acc, field=field, case_name=case_name,
                           applicant=applicant, create=create, downloads=downloads)


def workspace_columns() -> SimpleNamespace:
    """我的申报: rail | chat | draft (one column on a phone: chat, draft, rail — see ``ui.style``)."""
    with gr.Row(elem_id="ws-main", equal_height=False):
        with gr.Column(scale=3, min_width=250, elem_id="col-rail"):
            rail = gr.HTML(elem_id="rail", js_on_load=RAIL_CLICK_JS)
        with gr.Column(scale=5, min_width=340, elem_id="col-chat"):
            chat = gr.Chatbot(
                label="访谈与修改", show_label=False, latex_delimiters=[], height="calc(100vh - 300px)", min_height=240,
                elem_id="chat", buttons=["copy"], feedback_options=None,
                placeholder="新建或选择一份申报书后，我会按模板逐部分向您提问。",
            )
            with gr.Row(elem_id="composer", equal_height=True):
                msg = gr.Textbox(
                    show_label=False, lines=1, max_lines=6, scale=6, min_width=150, container=False,
                    elem_id="msg", placeholder=MSG_PLACEHOLDER,
                )
                send = gr.Button("发送", variant="primary", scale=0, min_width=64, elem_id="send")
                skip = gr.Button("跳过", scale=0, min_width=60, elem_id="skip")
            busy = gr.HTML("", elem_id="busy-note", js_on_load=None)
        with gr.Column(scale=4, min_width=300, elem_id="col-draft"):
            part = gr.Dropdown(
                label="当前部分（预览；修改意见和编辑作用于此部分）", choices=part_choices(None), value=AUTO_PART,
                interactive=True, elem_id="part-select",
            )
            preview = gr.Markdown(elem_id="preview", container=True, max_height="calc(100vh - 400px)")
            editor = gr.Textbox(
                show_label=True, label="编辑草稿", lines=10, max_lines=24, visible=False, elem_id="draft-editor",
                info="直接修改文字后点击“保存修改”：保存为新的版本，可以撤销；您写入的数字视为您提供的事实。",
            )
            with gr.Row(elem_id="draft-actions"):
                edit = gr.Button("编辑草稿", size="sm", elem_id="edit-draft")
                undo = gr.Button("撤销（恢复上一版）", size="sm", elem_id="undo")
                save_edit = gr.Button("保存修改", size="sm", variant="primary", visible=False, elem_id="edit-save")
                cancel_edit = gr.Button("取消编辑", size="sm", visible=False, elem_id="edit-cancel")
            issues = gr.Markdown(elem_id="issues")
            with gr.Accordion("历史版本", open=False, elem_id="versions-acc"):
                versions = gr.HTML(elem_id="versions", js_on_load=None)
    editing = gr.State(None)  # {"part": …, "version": …}: what the open editor will save onto
    return SimpleNamespace(rail=rail, chat=chat, msg=msg, send=send, skip=skip, busy=busy, part=part,
                           preview=preview, editor=editor, edit=edit, undo=undo, save_edit=save_edit,
                           cancel_edit=cancel_edit, editing=editing, issues=issues, versions=versions)


def main_tabs(form: FormSpec) -> SimpleNamespace:
    """One row of tabs (wrapped on a phone). Returns every tab and what is inside.

    The applicant's tabs start hidden and ``ui.app`` shows them to applicants (and in local mode): Gradio
    applies a tab's ``visible=True`` update but not ``visible=False``, so staff simply never get them."""
    tabs: dict[str, Any] = {}
    with gr.Tabs(elem_id="main-tabs", overflow_behavior="wrap") as container:
        with gr.Tab("我的申报", id="workspace", visible=False, elem_id="tab-workspace") as tabs["workspace"]:
            ws = workspace_columns()
        with gr.Tab("申报信息表", id="info", elem_id="tab-info", visible=False) as tabs["info"]:
            ws.info = app_forms.info_layout(form)
        with gr.Tab("多媒体材料", id="media", elem_id="tab-media", visible=False) as tabs["media"]:
            ws.media = app_forms.media_layout(form)
        with gr.Tab("材料与打包", id="materials", elem_id="tab-materials", visible=False) as tabs["materials"]:
            ws.materials = materials.layout(form)
        with gr.Tab("审阅", id="review", elem_id="tab-review", visible=False) as tabs["review"]:
            ws.review = review_screen.review_layout()
        ws.call = board.applicant_tab(form)
        tabs["call"] = ws.call.tab
        with gr.Tab("导入已有申报书", id="import", visible=False, elem_id="tab-import") as tabs["import"]:
            ws.importing = importing.layout(form)
        with gr.Tab("申报总览", id="overview", elem_id="tab-overview") as tabs["overview"]:
            ws.ov = review_screen.overview_layout(form)
        ws.board = board.staff_tab(form)
        tabs["board"] = ws.board.tab
        with gr.Tab("政策问答", id="qa", elem_id="tab-qa"):
            ws.qa = qa_layout()
        with gr.Tab("知识库", id="knowledge", visible=False, elem_id="tab-knowledge") as tabs["knowledge"]:
            ws.kb = knowledge_layout()
        with gr.Tab("账号", id="account", visible=False, elem_id="tab-account") as tabs["account"]:
            ws.account = SimpleNamespace(tab=tabs["account"], form=password.layout())
    ws.tabs, ws.tab_bar = tabs, container
    return ws


def qa_layout() -> SimpleNamespace:
    gr.Markdown("根据已导入的政策文件回答问题，每条依据都可以展开查看原文。文件中没有的内容会明确说明。")
    with gr.Row():
        question = gr.Textbox(
            show_label=False, placeholder="例如：申报截止时间是哪天？（Enter 提问）", scale=5, elem_id="qa-question"
        )
        ask = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="qa-ask")
    gr.Examples(examples=[[q] for q in staff.EXAMPLE_QUESTIONS], inputs=[question], label="常见问题")
    answer = gr.HTML(elem_id="qa-answer", js_on_load=None, max_height="70vh")  # type: ignore[arg-type]  # CSS units: documented, not in the stub
    history = gr.State([])  # this page's questions and answers, newest first
    return SimpleNamespace(question=question, ask=ask, answer=answer, history=history)


def knowledge_layout() -> SimpleNamespace:
    gr.Markdown("上传政策文件（.txt .md .docx .pdf .html），导入后即可在问答和起草中引用。重复的文件不会重复导入。")
    with gr.Row():
        files = gr.File(label="选择文件", file_count="multiple", elem_id="kb-files", scale=3)
        with gr.Column(scale=1):
            kind = gr.Dropdown(
                label="文件类型", choices=[(v, k) for k, v in staff.KIND_LABELS.items()], value="notice",
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
    return SimpleNamespace(files=files, kind=kind, upload=upload, results=results, refresh=refresh, docs=docs,
                           progress=progress, cancel=cancel)
