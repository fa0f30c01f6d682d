"""The whole application as Markdown: the 申报信息表 as a table, then every group and part under its heading.

Why: staff paste applications into e-mail, a wiki or a review tool that takes plain text; a .docx needs Word and
a PDF cannot be edited. Everything printed comes from the form spec (numbers, titles, info labels) and the stored
texts; nothing is added (an empty part says so).
"""

from __future__ import annotations

from assistant.forms.application import ApplicationInfo, Person
from assistant.forms.spec import FormSpec, InfoField

EMPTY_PART = "（尚未填写）"


def _cell(text: str) -> str:
    """A table cell: pipes escaped, line breaks as <br> (Markdown tables are one line per row)."""
    return text.replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _value(info: ApplicationInfo, item: InfoField, joined: list[str]) -> str:
    raw = info.value(item.id)
    if isinstance(raw, Person):
        value = "，".join(x for x in (raw.name, raw.title, raw.phone) if x)
    elif isinstance(raw, list):
        value = "、".join(raw)
    else:
        value = raw
    return "；".join(x for x in [value, *joined] if x)


def _info_rows(form: FormSpec, info: ApplicationInfo) -> list[str]:
    rows = ["| 项目 | 内容 |", "| --- | --- |"]
    for item in form.info.fields:
        if not item.printed:
            continue
        joined = [_value(info, spec, []) for spec in form.info.fields if spec.id in item.joined]
        rows.append(f"| {_cell(item.label)} | {_cell(_value(info, item, [j for j in joined if j]))} |")
    return rows


def build_markdown(form: FormSpec, info: ApplicationInfo, texts: dict[str, str]) -> str:
    """Title, the info table, then each group (``## 二、…``) and part (``### （一）…``) with its stored text."""
    lines = [f"# {info.case_name or form.title}", "", f"## {form.info.number}、{form.info.title}", ""]
    lines += _info_rows(form, info)
    for group in form.groups:
        lines += ["", f"## {group.number}、{group.title}"]
        for part in group.parts:
            lines += ["", f"### {part.number}{part.title}", "", (texts.get(part.id) or "").strip() or EMPTY_PART]
    return "\n".join(lines) + "\n"
