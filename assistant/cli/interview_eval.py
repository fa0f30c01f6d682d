"""``case-assistant eval-elements FILE.jsonl``: precision and recall of the element detectors.

Each line of the file is ``{"text": …, "elements": [element ids present]}`` (other keys
ignored). The detectors are the ones the interview and the review use, so the figures
say how often a follow-up is asked for something the applicant already gave (precision
of "missing") or skipped although it is missing (recall).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.core.errors import InvalidInputError


def evaluate(rows: list[dict], form_id: str = "cq-2024-batch2") -> dict[str, dict[str, float]]:
    from assistant.forms.spec import load_form
    from assistant.interview.elements import detect

    form = load_form(form_id)
    table: dict[str, dict[str, float]] = {}
    for eid, spec in form.elements.items():
        tp = fp = fn = 0
        for row in rows:
            gold = eid in row.get("elements", [])
            got = detect(eid, spec, row["text"])
            tp += gold and got
            fp += got and not gold
            fn += gold and not got
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        table[eid] = {"precision": precision, "recall": recall, "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}
    return table


def load_rows(path: Path) -> list[dict]:
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
        rows.append(row)
    return rows


def _cmd_eval_elements(args: argparse.Namespace) -> int:
    rows = load_rows(Path(args.file))
    table = evaluate(rows, args.form)
    print(f"{'element':<14}{'precision':>10}{'recall':>8}{'support':>9}{'fp':>5}{'fn':>5}")
    for eid, row in table.items():
        print(
            f"{eid:<14}{row['precision']:>10.3f}{row['recall']:>8.3f}{int(row['support']):>9}"
            f"{int(row['fp']):>5}{int(row['fn']):>5}"
        )
    print(f"({len(rows)} sentences)")
    if args.errors:
        from assistant.forms.spec import load_form
        from assistant.interview.elements import detect

        form = load_form(args.form)
        for row in rows:
            gold = set(row.get("elements", []))
            got = {eid for eid, spec in form.elements.items() if detect(eid, spec, row["text"])}
            if gold != got:
                extra, lacking = sorted(got - gold), sorted(gold - got)
                print(f"{row.get('id', '')}\t+{','.join(extra)}\t-{','.join(lacking)}\t{row['text']}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("eval-elements", help="在标注的申报人语句上评估要素识别的准确率和召回率")
    parser.add_argument("file", help="JSONL 标注文件，每行含 text 和 elements")
    parser.add_argument("--form", default="cq-2024-batch2", help="申报书模板编号")
    parser.add_argument("--errors", action="store_true", help="列出识别与标注不一致的句子")
    parser.set_defaults(handler=_cmd_eval_elements)
