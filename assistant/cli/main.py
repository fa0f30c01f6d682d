"""Console script ``case-assistant``: serve, draft, prepare, ingest, ask, users.

Each subcommand is a thin shell over the core; user-facing errors print in Chinese
and exit with code 2, never with a stack trace.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.cli import knowledge as knowledge_commands
from assistant.cli import users as user_commands
from assistant.core.errors import UserFacingError
from assistant.core.resources import configure_offline_environment
from assistant.core.settings import get_settings


def _cmd_draft(args: argparse.Namespace) -> int:
    from assistant.drafting.offline.drafter import OfflineDrafter
    from assistant.drafting.pipeline import draft_application
    from assistant.export.docx_builder import build_docx
    from assistant.export.scripted import build_report, load_answers_file
    from assistant.service.factory import build_drafter, open_knowledge

    settings = get_settings()
    answers = load_answers_file(Path(args.answers))
    for warning in answers.warnings:
        print(f"警告：{warning}", file=sys.stderr)
    drafter = OfflineDrafter() if args.offline else build_drafter(settings)
    retriever = open_knowledge(settings, prepare=True) if drafter.mode == "model" else None
    draft = draft_application(answers.form, answers.info, answers.answers, drafter, retriever)
    data = build_docx(answers.form, answers.info, {pid: d.text for pid, d in draft.parts.items()}, answers.media)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(data)
    report = build_report(answers.form, draft, drafter.mode, answers.warnings)
    if args.report:
        Path(args.report).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    totals = "；".join(f"{g}：{v['words']}/{v['limit']}字" for g, v in report["groups"].items())
    problems = sum(1 for p in report["parts"] for i in p["issues"] if i["severity"] == "error")
    print(
        f"已生成 {args.out}（{'模型' if drafter.mode == 'model' else '离线'}起草）。"
        f"{totals}。需处理的问题：{problems}项。"
    )
    return 0


def _cmd_prepare(args: argparse.Namespace) -> int:
    from assistant.service.factory import open_knowledge

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    knowledge = open_knowledge(settings)
    added = knowledge.ensure_bundled_corpus(progress=True)
    print(f"知识库已就绪（新增 {added} 个片段）。" if added else "知识库已就绪。")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from assistant.server import serve

    settings = get_settings()
    updates = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    return serve(settings.model_copy(update=updates))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="case-assistant", description="“数据要素×”典型案例申报助手")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    draft = sub.add_parser("draft", help="根据回答文件起草并导出 Word 申报书")
    draft.add_argument("--answers", required=True, help="回答文件（JSON），格式见 examples/")
    draft.add_argument("--out", required=True, help="输出的 .docx 路径")
    draft.add_argument("--report", help="输出的检查报告（JSON）路径")
    draft.add_argument("--offline", action="store_true", help="即使配置了模型也使用离线起草")
    draft.set_defaults(handler=_cmd_draft)
    prepare = sub.add_parser("prepare", help="建立内置知识库索引（首次运行需要约一分钟）")
    prepare.set_defaults(handler=_cmd_prepare)
    serve = sub.add_parser("serve", help="启动网页界面与 API")
    serve.add_argument("--host", help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, help="端口（默认 7860）")
    serve.set_defaults(handler=_cmd_serve)
    knowledge_commands.register(sub)
    user_commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    configure_offline_environment()
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UserFacingError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已取消。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
