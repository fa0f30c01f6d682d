"""``case-assistant review ID|ANSWERS.json``: the pre-submission review, printed or saved.

An answers file is drafted offline first and reviewed as drafted; a number is the id
of an application stored in this machine's database, reviewed as staff would see it
(the command runs with the server's own access to the data directory).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError
from assistant.core.settings import get_settings

CLI_REVIEWER = Principal(id=-1, username="命令行审阅", role="staff")


def _review_answers_file(path: Path) -> tuple[Any, Any, str]:
    # Deferred for start-up cost: the drafting stack is only needed here.
    from assistant.drafting.offline.drafter import OfflineDrafter
    from assistant.drafting.pipeline import draft_application
    from assistant.export.scripted import load_answers_file, review_scripted
    from assistant.knowledge.corpus import field_sections

    answers = load_answers_file(path)
    draft = draft_application(answers.form, answers.info, answers.answers, OfflineDrafter())
    return answers.form, review_scripted(answers, draft, field_sections(answers.info.field)), answers.info.case_name


def _review_stored(app_id: int) -> tuple[Any, Any, str]:
    from assistant.forms.spec import load_form
    from assistant.service.factory import build_service

    service = build_service(get_settings(), prepare_knowledge=False)
    view = service.get_application(CLI_REVIEWER, app_id)
    return load_form(view.form_id), service.review_report(CLI_REVIEWER, app_id), view.info.case_name


def run_review(args: argparse.Namespace) -> int:
    from assistant.export.review_report import review_docx, review_markdown

    target = args.target
    if target.isdigit():
        form, report, case_name = _review_stored(int(target))
    elif Path(target).suffix.lower() == ".json":
        form, report, case_name = _review_answers_file(Path(target))
    else:
        raise InvalidInputError(f"“{target}”既不是申报书编号，也不是回答文件（.json）。")
    if args.out and args.out.endswith(".docx"):
        Path(args.out).write_bytes(review_docx(form, report, case_name))
    elif args.out:
        Path(args.out).write_text(review_markdown(form, report, case_name), encoding="utf-8")
    if args.json:
        print(json.dumps(report.model_dump(), ensure_ascii=False, indent=2))
    elif not args.out:
        print(review_markdown(form, report, case_name))
    errors = report.count("错误")
    print(f"审阅完成：错误{errors}项，警告{report.count('警告')}项，建议{report.count('建议')}项。", file=sys.stderr)
    return 1 if errors and args.strict else 0


def register(subparsers: Any) -> None:
    review = subparsers.add_parser("review", help="提交前审阅：按通知要求检查申报书并列出材料清单")
    review.add_argument("target", help="申报书编号，或回答文件（JSON）")
    review.add_argument("--out", help="保存审阅报告：.md 或 .docx")
    review.add_argument("--json", action="store_true", help="以 JSON 输出")
    review.add_argument("--strict", action="store_true", help="有“错误”时以退出码 1 结束（用于批量检查）")
    review.set_defaults(handler=run_review)
