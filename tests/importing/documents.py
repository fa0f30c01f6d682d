"""Six existing applications in different layouts, built from the scenario answers files (ground truth kept).

Each scenario answer becomes one paragraph the applicant wrote, under the part it answered, so
every paragraph's right part is known. Interview-only replies (“不清楚”, “没有了”) are not text
anyone would write in a document and are left out. Layouts:

1. ``styles``   — the template as exported (Word heading styles, the 6-column 申报信息表);
2. ``bold``     — Normal style everywhere, headings as bold lines, a 2-column table with other labels;
3. ``numbered`` — typed numbering (“二、” “1.”), the 信息表 as “标签：值” lines, a numbered sub-list;
4. ``renamed``  — renamed and merged headings (项目背景和建设方案, 实施效果, 合作单位, 对外宣传材料 …);
5. ``old39``    — a first-call (渝大数据发〔2024〕39号) file with its old title and section names;
6. ``pdf``      — the template rendered to PDF by LibreOffice (a part over its budget).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document

from assistant.export.docx_builder import build_docx
from assistant.export.pdf import docx_to_pdf
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import load_form

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests/data/scenarios"
FORM = load_form("cq-2024-batch2")


@dataclass
class Built:
    name: str
    data: bytes
    truth: list[tuple[str, str]]  # (paragraph, part id)
    info: dict


def scenario(name: str) -> dict:
    return json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))


def paragraphs(answers: dict) -> dict[str, list[str]]:
    out = {}
    for part_id, value in answers.items():
        items = value if isinstance(value, list) else [value]
        kept = [a.strip() for a in items if len(a.strip()) >= 8]
        if kept:
            out[part_id] = kept
    return out


def truth_of(texts: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(p, pid) for pid in FORM.part_ids() for p in texts.get(pid, [])]


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _bold(document, text: str) -> None:
    document.add_paragraph().add_run(text).bold = True


def styles_docx(name: str = "agri-citrus-credit") -> Built:
    data = scenario(name)
    texts = paragraphs(data["answers"])
    info = ApplicationInfo.model_validate(data["info"])
    docx = build_docx(FORM, info, {k: "\n".join(v) for k, v in texts.items()}, MediaInfo(), day=date(2024, 8, 15))
    return Built(f"{name}.docx", docx, truth_of(texts), data["info"])


def bold_docx(name: str = "city-12345-dispatch") -> Built:
    data = scenario(name)
    texts, info = paragraphs(data["answers"]), data["info"]
    document = Document()
    _bold(document, "“数据要素×”典型案例申报书")
    _bold(document, "一、申报信息表")
    table = document.add_table(rows=0, cols=2)
    units = "\n".join([info["applicant"], *info.get("co_applicants", [])])
    rows = [("申报单位", units), ("案例名称", info["case_name"])]
    rows += [("所属领域", info["field"]), ("通讯地址", info.get("address", "")), ("申报理由", info.get("reason", ""))]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    people = document.add_table(rows=0, cols=6)
    for label, key in (("负责人", "leader"), ("联系人", "contact")):
        person = info.get(key, {})
        values = [label, person.get("name", ""), "职务", person.get("title", ""), "电话", person.get("phone", "")]
        for cell, value in zip(people.add_row().cells, values, strict=True):
            cell.text = value
    for group in FORM.groups:
        _bold(document, f"{group.number}、{group.title}")
        for part in group.parts:
            _bold(document, f"{part.number}{part.title}")
            for text in texts.get(part.id, []):
                document.add_paragraph(text)
    _bold(document, "四、多媒体材料目录")
    document.add_paragraph("1.数据要素流向图（JPG格式）")
    return Built(f"{name}.docx", _saved(document), truth_of(texts), info)


def numbered_docx(name: str = "finance-smb-credit") -> Built:
    data = scenario(name)
    texts, info = paragraphs(data["answers"]), data["info"]
    document = Document()
    document.add_paragraph("“数据要素×”典型案例申报书")
    document.add_paragraph("一、申报信息表")
    document.add_paragraph(f"申报单位：{info['applicant']}")
    document.add_paragraph(f"案例名称：{info['case_name']}")
    leader, contact = info.get("leader", {}), info.get("contact", {})
    document.add_paragraph(f"负责人：{leader.get('name', '')}")
    document.add_paragraph(f"联系人：{contact.get('name', '')}")
    document.add_paragraph(f"通讯地址：{info.get('address', '')}")
    for group_number, group in zip(("二", "三"), FORM.groups, strict=True):
        document.add_paragraph(f"{group_number}、{group.title.replace('“数据要素×”典型', '')}")
        for index, part in enumerate(group.parts, start=1):
            document.add_paragraph(f"{index}.{part.title}")
            for n, text in enumerate(texts.get(part.id, []), start=1):
                if part.id == "intro.solution" and n == 2:
                    document.add_paragraph("（1）数据归集与共享")  # a numbered sub-heading inside the part
                document.add_paragraph(text)
    document.add_paragraph("四、申报承诺书")
    document.add_paragraph("本单位提交的申报材料内容、数据真实准确。")
    return Built(f"{name}.docx", _saved(document), truth_of(texts), info)


RENAMED = [
    ("一、项目背景和建设方案", ["intro.problem", "intro.solution"]),
    ("二、实施效果", ["intro.results"]),
    ("三、创新亮点", ["intro.innovation"]),
    ("四、数据安全与合规", ["intro.compliance"]),
    ("五、合作单位", ["intro.participants"]),
    ("六、对外宣传材料", ["promo.description", "promo.practice"]),
]


def renamed_docx(name: str = "tourism-scenic-flow") -> Built:
    data = scenario(name)
    texts, info = paragraphs(data["answers"]), data["info"]
    document = Document()
    document.add_heading(info["case_name"].split("——")[-1], level=0)
    table = document.add_table(rows=0, cols=2)
    for label, value in (("申报单位", info["applicant"]), ("案例名称", info["case_name"]), ("地址", info["address"])):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for heading, part_ids in RENAMED:
        document.add_heading(heading, level=1)
        for part_id in part_ids:
            for text in texts.get(part_id, []):
                document.add_paragraph(text)
    return Built(f"{name}.docx", _saved(document), truth_of(texts), info)


OLD_SECTIONS = [
    ("（一）案例背景", "intro.problem"),
    ("（二）主要做法", "intro.solution"),
    ("（三）取得成效", "intro.results"),
    ("（四）创新之处", "intro.innovation"),
    ("（五）数据安全", "intro.compliance"),
    ("（六）参与单位", "intro.participants"),
]


def old39_docx(name: str = "green-park-carbon-account") -> Built:
    data = scenario(name)
    texts, info = paragraphs(data["answers"]), data["info"]
    texts = {k: v for k, v in texts.items() if k.startswith("intro.")}  # the first call had no 宣传推广材料
    document = Document()
    _bold(document, "重庆市第一批“数据要素×”典型案例申报书")
    document.add_paragraph("（按《关于征集重庆市第一批“数据要素×”典型案例的通知》（渝大数据发〔2024〕39号）填报）")
    _bold(document, "一、申报单位基本情况")
    table = document.add_table(rows=0, cols=2)
    for label, value in (
        ("申报主体", info["applicant"]),
        ("联合申报", "、".join(info.get("co_applicants", []))),
        ("项目名称", info["case_name"]),
        ("行业领域", info["field"]),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    _bold(document, "二、案例介绍")
    for heading, part_id in OLD_SECTIONS:
        _bold(document, heading)
        for text in texts.get(part_id, []):
            document.add_paragraph(text)
    return Built(f"{name}-39号.docx", _saved(document), truth_of(texts), info)


def pdf_file(name: str = "health-exam-mutual-recognition") -> Built:
    built = styles_docx(name)
    return Built(f"{name}.pdf", docx_to_pdf(built.data, name), built.truth, built.info)


BUILDERS = {
    "styles": styles_docx,
    "bold": bold_docx,
    "numbered": numbered_docx,
    "renamed": renamed_docx,
    "old39": old39_docx,
    "pdf": pdf_file,
}


def placement_accuracy(truth: list[tuple[str, str]], placed: dict[str, list[str]]) -> tuple[int, list[str]]:
    """How many true paragraphs sit in their part (whitespace ignored: a PDF re-wraps lines), and the misses."""

    def squash(text: str) -> str:
        return "".join(text.split())

    joined = {pid: squash("".join(texts)) for pid, texts in placed.items()}
    right, misses = 0, []
    for text, part_id in truth:
        if squash(text) in joined.get(part_id, ""):
            right += 1
        else:
            where = [pid for pid, t in joined.items() if squash(text)[:30] in t]
            misses.append(f"{part_id} -> {where}: {text[:30]}")
    return right, misses
