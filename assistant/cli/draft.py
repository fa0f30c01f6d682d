"""``case-assistant draft``: an answers file in; the .docx, optionally the 宣传推广材料 alone and a PDF out.

Imports of the drafting stack are deferred to the command itself: ``case-assistant
--help`` and the other commands should not pay for loading the model client and
the knowledge base.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.core.settings import get_settings

if TYPE_CHECKING:
    from assistant.drafting.protocol import Drafter


def _write(path: str, data: bytes) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(data)


def run_draft(args: argparse.Namespace) -> int:
    # Deferred for start-up cost, and in this order: a bad answers file is refused before the drafting stack
    # loads, and an offline draft never loads the model client or the knowledge base (openai, chromadb).
    from assistant.export.scripted import load_answers_file

    settings = get_settings()
    answers = load_answers_file(Path(args.answers))
    for warning in answers.warnings:
        print(f"警告：{warning}", file=sys.stderr)

    from assistant.drafting.offline.drafter import OfflineDrafter
    from assistant.drafting.pipeline import draft_application
    from assistant.export.docx_builder import build_docx, build_publishable_docx
    from assistant.export.pdf import docx_to_pdf
    from assistant.export.scripted import build_report, review_scripted
    from assistant.knowledge.corpus import field_sections

    drafter: Drafter = OfflineDrafter()
    retriever = None
    if not args.offline:
        from assistant.service.factory import build_drafter, open_knowledge

        drafter = build_drafter(settings)
        retriever = open_knowledge(settings, prepare=True) if drafter.mode == "model" else None
    draft = draft_application(answers.form, answers.info, answers.answers, drafter, retriever)
    texts = {pid: d.text for pid, d in draft.parts.items()}
    data = build_docx(answers.form, answers.info, texts, answers.media)
    _write(args.out, data)
    if args.promo:
        _write(args.promo, build_publishable_docx(answers.form, answers.info, texts))
    if args.pdf:
        _write(args.pdf, docx_to_pdf(data, answers.info.case_name or "申报书"))
    review = review_scripted(answers, draft, field_sections(answers.info.field))
    report = build_report(answers.form, draft, drafter.mode, answers.warnings, review)
    if args.report:
        Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    totals = "；".join(f"{g}：{v['words']}/{v['limit']}字" for g, v in report["groups"].items())
    problems = sum(1 for p in report["parts"] for i in p["issues"] if i["severity"] == "error")
    print(
        f"已生成 {args.out}（{'模型' if drafter.mode == 'model' else '离线'}起草）。"
        f"{totals}。需处理的问题：{problems}项。"
    )
    return 0


def register(subparsers: Any) -> None:
    draft = subparsers.add_parser("draft", help="根据回答文件起草并导出 Word 申报书")
    draft.add_argument("--answers", required=True, help="回答文件（JSON），格式见 examples/")
    draft.add_argument("--out", required=True, help="输出的 .docx 路径")
    draft.add_argument("--report", help="输出的检查报告（JSON）路径")
    draft.add_argument("--promo", help="另存一份只含宣传推广材料的 .docx（对外公开用）")
    draft.add_argument("--pdf", help="另存整份申报书的 PDF（需要安装 LibreOffice）")
    draft.add_argument("--offline", action="store_true", help="即使配置了模型也使用离线起草")
    draft.set_defaults(handler=run_draft)
