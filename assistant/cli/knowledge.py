"""CLI subcommands ``ingest``, ``ask`` and ``eval-qa`` (wired into ``case-assistant`` by ``assistant.cli``).

Also runnable on its own: ``python -m assistant.cli ask "问题"``.
Everything printed is Chinese; ``--json`` prints one JSON object per question per
line so scripts can consume it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.core.errors import InvalidInputError, UserFacingError
from assistant.core.settings import Settings, get_settings
from assistant.knowledge.corpus import KINDS


def _open_kb(settings: Settings, progress: bool) -> Any:
    from assistant.core.resources import configure_offline_environment
    from assistant.knowledge.search import KnowledgeBase

    configure_offline_environment()
    kb = KnowledgeBase.open(settings)
    kb.ensure_bundled_corpus(progress=progress)
    return kb


def _chat_model(settings: Settings) -> Any:
    """The configured chat model, or None (offline extractive answers)."""
    try:
        from assistant.llm.client import build_chat_model
    except ImportError:
        return None
    return build_chat_model(settings)


def _wants_progress(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "progress", False)) or sys.stderr.isatty()


def run_ingest(args: argparse.Namespace, settings: Settings | None = None) -> int:
    settings = settings or get_settings()
    kb = _open_kb(settings, _wants_progress(args))
    results = kb.ingest_paths([Path(p) for p in args.paths], kind=args.kind, progress=_wants_progress(args))
    labels = {"added": "已导入", "updated": "已更新", "duplicate": "已存在，跳过", "error": "失败"}
    for r in results:
        detail = f"（{r.chunks} 个片段）" if r.status != "error" else f"：{r.message}"
        print(f"[{labels[r.status]}] {r.filename} {r.title}{detail}")
    failed = sum(r.status == "error" for r in results)
    print(f"共 {len(results)} 个文件：成功 {len(results) - failed} 个，失败 {failed} 个。")
    return 1 if failed else 0


def _questions(args: argparse.Namespace) -> list[str]:
    if args.file:
        try:
            lines = Path(args.file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"无法读取问题文件 {args.file}：{exc}") from exc
        questions = [line.strip() for line in lines if line.strip()]
    else:
        questions = [args.question] if args.question else []
    if not questions:
        raise InvalidInputError(
            "没有问题：请写出问题，例如 case-assistant ask \"申报截止时间是哪天？\"，或用 --file 指定问题文件。"
        )
    return questions


def format_answer(answer: Any) -> str:
    """Human-readable answer with numbered citations."""
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("引用：")
        for n, c in enumerate(answer.citations, start=1):
            lines.append(f"[{n}] 《{c.title}》 {c.locator or '文首'}（{c.source}）")
            excerpt = c.text.replace("\n", " ")
            lines.append(f"    {excerpt[:160]}{'…' if len(excerpt) > 160 else ''}")
    return "\n".join(lines)


def run_ask(args: argparse.Namespace, settings: Settings | None = None) -> int:
    from assistant.knowledge.qa import answer_question

    settings = settings or get_settings()
    questions = _questions(args)
    kb = _open_kb(settings, _wants_progress(args) and not args.json)
    chat_model = _chat_model(settings)
    for i, question in enumerate(questions):
        answer = answer_question(kb, question, chat_model=chat_model)
        if args.json:
            print(json.dumps(answer.model_dump(), ensure_ascii=False), flush=True)
        else:
            if len(questions) > 1:
                print(f"{'' if i == 0 else chr(10)}问：{question}")
            print(format_answer(answer), flush=True)
    return 0


def run_eval_qa(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Score the Q&A on one or more sets (JSONL: id, question, answer_keywords, kind, split)."""
    from assistant.knowledge.qa_eval import load_rows, miss_lines, report_json, run_eval, summary_lines

    settings = settings or get_settings()
    sets = [(Path(f).stem, load_rows(Path(f), args.split)) for f in args.file]
    kb = _open_kb(settings, _wants_progress(args) and not args.json)
    chat_model = _chat_model(settings) if args.model else None
    if args.model and chat_model is None:
        raise InvalidInputError("没有配置模型：--model 需要先在设置中配置对话模型。")
    for name, rows in sets:
        label = name if args.split == "all" else f"{name}:{args.split}"
        report = run_eval(kb, rows, chat_model=chat_model, name=label)
        if args.json:
            print(json.dumps(report_json(report), ensure_ascii=False), flush=True)
            continue
        print("\n".join(summary_lines(report)), flush=True)
        if args.verbose:
            print("\n".join(miss_lines(report)) or "（没有未命中的题目）")
    return 0


def register(subparsers: Any) -> None:
    """Add ``ingest`` and ``ask`` to an argparse subparsers object."""
    ingest = subparsers.add_parser("ingest", help="导入政策文件（.txt .md .docx .pdf .html）到知识库")
    ingest.add_argument("paths", nargs="+", help="要导入的文件")
    ingest.add_argument("--kind", choices=KINDS, default="notice", help="文档类型（默认 notice）")
    ingest.add_argument("--progress", action="store_true", help="显示进度条（终端中默认显示）")
    ingest.set_defaults(handler=run_ingest)

    ask = subparsers.add_parser("ask", help="按文件回答政策问题，并给出引用")
    ask.add_argument("question", nargs="?", help="问题，例如 “申报截止时间是哪天？”")
    ask.add_argument("--file", help="问题文件：每行一个问题")
    ask.add_argument("--json", action="store_true", help="每个问题输出一行 JSON")
    ask.add_argument("--progress", action="store_true", help="首次建立索引时显示进度条")
    ask.set_defaults(handler=run_ask)

    evaluate = subparsers.add_parser("eval-qa", help="用评测集（JSONL）评估政策问答：命中率、拒答、耗时")
    evaluate.add_argument("file", nargs="+", help="评测文件（可多个），JSONL：id、question、answer_keywords、kind")
    evaluate.add_argument(
        "--split",
        default="all",
        choices=["all", "dev", "heldout"],
        help="只评测其中一部分（heldout：调参时从未看过的三分之一）",
    )
    evaluate.add_argument("--model", action="store_true", help="使用已配置的对话模型（默认离线）")
    evaluate.add_argument("--verbose", action="store_true", help="列出未命中和未拒答的题目")
    evaluate.add_argument("--json", action="store_true", help="输出一行 JSON 汇总")
    evaluate.add_argument("--progress", action="store_true", help="首次建立索引时显示进度条")
    evaluate.set_defaults(handler=run_eval_qa)

    ship = subparsers.add_parser("export-embeddings", help="（开发者）把数据目录中的内置文档向量导出为随包发布的文件")
    ship.add_argument("data_dir", help="刚运行过 case-assistant prepare 的空数据目录")
    ship.set_defaults(handler=run_export_embeddings)


def run_export_embeddings(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Ship the bundled corpus's vectors (see ``embed.seed_cache``); run after ``prepare`` on an empty dir."""
    from assistant.knowledge.embed import EmbeddingCache, build_base_embedder, export_cache, shipped_vectors_path

    settings = settings or get_settings()
    cache_file = Path(args.data_dir) / "embedding_cache.sqlite3"
    if not cache_file.is_file():
        raise InvalidInputError(f"{args.data_dir} 中没有嵌入缓存：请先在该目录运行 case-assistant prepare。")
    target = shipped_vectors_path(build_base_embedder(settings).name)
    print(f"已导出 {export_cache(EmbeddingCache(cache_file), target)} 个向量到 {target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="case-assistant", description="知识库导入与政策问答")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except UserFacingError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
