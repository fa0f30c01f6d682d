"""``eval-turns``, ``eval-elements`` and ``train-understanding``: measure and rebuild the understanding layer.

``eval-turns FILE`` reads labelled turns (``{"text", "context", "act", "op", "args", "content", "split"}``)
and prints per-label precision/recall, the confusion matrix and argument accuracy; ``eval-elements FILE``
reads labelled sentences (``{"text", "elements"}``) and prints precision/recall per element. Both take
``--split heldout`` to measure only the part of a set nobody tuned on. ``train-understanding`` rebuilds
the shipped weights from the committed development rows.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assistant.core.errors import InvalidInputError


def load_rows(path: Path, split: str = "all") -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInputError(f"无法读取标注文件：{path}") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInputError(f"{path.name} 第{number}行不是合法的 JSON。") from exc
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise InvalidInputError(f"{path.name} 第{number}行缺少 text 字段。")
        if split == "all" or row.get("split", "dev") == split:
            rows.append(row)
    return rows


def _cmd_eval_elements(args: argparse.Namespace) -> int:
    from assistant.forms.spec import load_form
    from assistant.understanding.evaluation import evaluate_elements
    from assistant.understanding.shipped import element_reader

    rows = load_rows(Path(args.file), args.split)
    reader = element_reader(load_form(args.form))
    table = evaluate_elements(rows, reader)
    print(f"{'element':<14}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}")
    for eid, row in table.items():
        print(f"{eid:<14}{row.precision:>10.3f}{row.recall:>8.3f}{row.f1:>7.3f}{row.support:>9}")
    print(f"({len(rows)} sentences, split={args.split}, min F1 {min(r.f1 for r in table.values()):.3f})")
    if args.errors:
        found = reader.present([r["text"] for r in rows])
        for sample, got in zip(rows, found, strict=True):
            gold = set(sample.get("elements", []))
            if gold != got:
                extra, lacking = ",".join(sorted(got - gold)), ",".join(sorted(gold - got))
                print(f"{sample.get('id', '')}\t+{extra}\t-{lacking}\t{sample['text']}")
    return 0


def _cmd_eval_turns(args: argparse.Namespace) -> int:
    from assistant.forms.spec import load_form
    from assistant.understanding.evaluation import evaluate_turns
    from assistant.understanding.shipped import turn_reader

    rows = load_rows(Path(args.file), args.split)
    started = time.perf_counter()
    report = evaluate_turns(rows, turn_reader(load_form(args.form)))
    elapsed = time.perf_counter() - started
    print(f"{'label':<20}{'precision':>10}{'recall':>8}{'support':>9}")
    for name, score in report.labels.items():
        print(f"{name:<20}{score.precision:>10.3f}{score.recall:>8.3f}{score.support:>9}")
    names = list(report.labels)
    print("\nconfusion (rows: labelled, columns: read as; first letters)")
    print(" " * 20 + "".join(f"{n.split(':')[-1][:5]:>6}" for n in names))
    for gold in names:
        counts = report.confusion.get(gold, {})
        print(f"{gold:<20}" + "".join(f"{counts.get(p, 0) or '.':>6}" for p in names))
    print("\narguments (right/total where the act is right)")
    for check, (right, total) in report.arguments.items():
        print(f"  {check:<22}{right}/{total}")
    worst = min(s.recall for s in report.labels.values() if s.support)
    print(
        f"\n({report.rows} turns, split={args.split}, accuracy {report.accuracy:.3f}, lowest recall {worst:.3f}, "
        f"{1000 * elapsed / max(report.rows, 1):.1f} ms per turn)"
    )
    if args.errors:
        for row_id, gold, got, text in report.errors:
            print(f"{row_id}\t{gold}\t{got}\t{text[:100]}")
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from assistant.forms.spec import load_form
    from assistant.understanding.build import (
        data_fingerprint,
        default_data_dir,
        load_report,
        train_elements,
        train_turns,
        write_models,
    )
    from assistant.understanding.encoder import SentenceEncoder
    from assistant.understanding.shipped import models_dir

    form = load_form(args.form)
    encoder = SentenceEncoder(cache_size=200_000)
    data_dir = Path(args.data) if args.data else default_data_dir()
    out = Path(args.out) if args.out else models_dir()
    previous = load_report(out)
    turn_model, turn_report = (None, previous.get("turns", {}))
    if args.only in ("all", "turns"):
        turn_model, turn_report = train_turns(form, encoder, data_dir, search=not args.no_search)
        print(f"turns: {turn_report}")
    element_models, element_report = (None, previous.get("elements", {}))
    if args.only in ("all", "elements"):
        element_models, element_report = train_elements(form, encoder, data_dir)
        print(f"elements: {element_report}")
    question_model, question_report = (None, previous.get("question_types", {}))
    if args.only in ("all", "question-types"):
        from assistant.knowledge.question import map_words
        from assistant.understanding.build import qa_data_dir, train_question_types

        question_model, question_report = train_question_types(encoder, qa_data_dir(), map_words)
        print(f"question types: {question_report}")
    passage_report = previous.get("answer_passages", {})
    if args.only in ("all", "answer-passages"):
        from assistant.knowledge import answer_passages
        from assistant.knowledge.question import map_words
        from assistant.understanding.build import answer_rows, qa_data_dir

        passage_model, passage_report = answer_passages.train(encoder, answer_rows(qa_data_dir()), map_words)
        out.mkdir(parents=True, exist_ok=True)
        passage_model.save(out / answer_passages.MODEL_FILE)
        print(f"answer passages: {passage_report}")
    lead_report = previous.get("lead_check", {})
    if args.only in ("all", "lead-check"):
        from assistant.knowledge import lead_check
        from assistant.understanding.build import qa_data_dir

        lead_model, lead_report = lead_check.train(encoder, qa_data_dir().parent / "qa_leads" / lead_check.PAIRS_FILE)
        out.mkdir(parents=True, exist_ok=True)
        lead_model.save(out / lead_check.MODEL_FILE)
        print(f"lead check: {lead_report}")
    report = {"data": data_fingerprint(data_dir), "turns": turn_report, "elements": element_report}
    report["question_types"] = question_report
    report["answer_passages"] = passage_report
    report["lead_check"] = lead_report
    write_models(out, turn_model, element_models, report, question_model)
    print(f"已写入 {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("eval-elements", help="在标注的申报人语句上评估要素识别的准确率和召回率")
    parser.add_argument("file", help="JSONL 标注文件，每行含 text 和 elements")
    parser.add_argument("--form", default="cq-2024-batch2", help="申报书模板编号")
    parser.add_argument("--split", default="all", choices=["all", "dev", "heldout"], help="只评估某一部分")
    parser.add_argument("--errors", action="store_true", help="列出识别与标注不一致的句子")
    parser.set_defaults(handler=_cmd_eval_elements)

    parser = sub.add_parser("eval-turns", help="在标注的对话消息上评估意图与修改操作识别")
    parser.add_argument("file", help="JSONL 标注文件，每行含 text、context、act、op、args")
    parser.add_argument("--form", default="cq-2024-batch2", help="申报书模板编号")
    parser.add_argument("--split", default="heldout", choices=["all", "dev", "heldout"], help="只评估某一部分")
    parser.add_argument("--errors", action="store_true", help="列出识别错误的消息")
    parser.set_defaults(handler=_cmd_eval_turns)

    parser = sub.add_parser("train-understanding", help="用已提交的标注数据（dev 部分）重新训练理解模型")
    parser.add_argument("--form", default="cq-2024-batch2", help="申报书模板编号")
    parser.add_argument("--data", default="", help="标注数据目录（默认 tests/data/interview）")
    parser.add_argument("--out", default="", help="输出目录（默认 knowledge/understanding/models）")
    parser.add_argument("--no-search", action="store_true", help="不做超参数搜索，用默认值（快速重训）")
    parser.add_argument(
        "--only",
        default="all",
        choices=["all", "turns", "elements", "question-types", "answer-passages", "lead-check"],
        help="只重训其中一类模型（question-types：政策问答的问题类型；answer-passages：政策问答中问题对应的内置文档段落；"
        "lead-check：政策问答引用的首句是否回答了问题）",
    )
    parser.set_defaults(handler=_cmd_train)
