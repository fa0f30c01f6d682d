"""``case-assistant import FILE`` and ``case-assistant package ID|ANSWERS --out X.zip``.

``import`` reads an existing application (.docx, .pdf with a text layer, .txt), prints where each
part's text was found (and what is over its limit or missing), writes an answers file with
``--answers-out`` (the applicant's paragraphs by part, the 申报信息表 read from the file) that
``case-assistant draft`` and ``create`` accept, and with ``--owner`` stores it as an imported
application of that account. ``package`` builds the zip the notice asks for: from an application
stored on this machine, or from an answers file (drafted offline in a temporary directory, its flow
diagram drawn from the answers).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from assistant.auth.principal import Principal, local_principal
from assistant.core.errors import InvalidInputError
from assistant.core.settings import Settings, get_settings

CLI_STAFF = Principal(id=-1, username="命令行", role="staff")


def _print_mapping(result: Any, form: Any) -> None:
    print(f"导入：{result.source}（{ {'docx': 'Word 文件', 'pdf': 'PDF 文件', 'text': '文字'}[result.kind] }）")
    if result.info_read:
        print("申报信息表：读到 " + "、".join(result.info_read))
    for summary in result.parts:
        mark = f"，超过建议的{summary.budget}字" if summary.over else ""
        state = f"{summary.paragraphs}段，{summary.words}字{mark}" if summary.paragraphs else "未找到"
        print(f"  {form.part(summary.part_id).number}{summary.title}：{state}")
    for note in result.notes:
        print(f"提示：{note}")


def run_import(args: argparse.Namespace) -> int:
    from assistant.forms.spec import load_form
    from assistant.importing.mapper import import_document
    from assistant.importing.reader import read_source

    path = Path(args.file)
    if not path.is_file():
        raise InvalidInputError(f"找不到文件：{path}")
    settings = get_settings()
    data = path.read_bytes()
    if len(data) > settings.limit_upload_mb * 1024 * 1024:
        raise InvalidInputError(f"文件超过{settings.limit_upload_mb}MB 的上限，请删除其中的图片后再导入。")
    form = load_form(args.form)
    result = import_document(form, read_source(path.name, data))
    if args.json:
        print(json.dumps(result.model_dump(), ensure_ascii=False, indent=2))
    else:
        _print_mapping(result, form)
    if args.answers_out:
        answers = {"form": form.id, "_note": f"由 {path.name} 导入", "info": result.info, "answers": result.texts()}
        Path(args.answers_out).write_text(json.dumps(answers, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"已写出回答文件：{args.answers_out}", file=sys.stderr)
    if args.owner:
        from assistant.cli.bureau import _account, _service
        from assistant.service.import_desk import placements_as_plan

        service = _service()
        view = service.imports.create(_account(service, args.owner), placements_as_plan(result))
        print(f"已导入为申报书 {view.id}。")
    return 0


def _package_from_answers(path: Path) -> tuple[str, bytes]:
    from assistant.drafting.offline.drafter import OfflineDrafter
    from assistant.export.scripted import load_answers_file
    from assistant.service.answers_import import import_answers
    from assistant.service.service import Service
    from assistant.store.sql import Store

    answers = load_answers_file(path)
    with tempfile.TemporaryDirectory(prefix="case-assistant-package-") as tmp:
        settings = Settings(data_dir=Path(tmp), embedder="hash")
        store = Store.open(settings.data_dir / "app.sqlite3")
        try:
            service = Service(settings, store, OfflineDrafter())
            owner = local_principal()
            app_id = import_answers(service, owner, answers, offline=True)
            from assistant.diagram.render import dot_path

            if dot_path() is not None:
                service.media.render_flow(owner, app_id)
            return service.package.package(owner, app_id)
        finally:
            store.close()


def run_package(args: argparse.Namespace) -> int:
    target = args.target
    if target.isdigit():
        from assistant.cli.bureau import _service

        name, data = _service().package.package(CLI_STAFF, int(target))
    elif Path(target).suffix.lower() == ".json":
        name, data = _package_from_answers(Path(target))
    else:
        raise InvalidInputError(f"“{target}”既不是申报书编号，也不是回答文件（.json）。")
    out = Path(args.out or name)
    out.write_bytes(data)
    print(f"已生成申报材料包：{out}")
    return 0


def register(subparsers: Any) -> None:
    importing = subparsers.add_parser("import", help="导入已有的申报书（.docx、.pdf、.txt），按模板各部分归类")
    importing.add_argument("file", help="已有的申报书文件")
    importing.add_argument("--answers-out", help="写出回答文件（JSON），可用于 draft、create")
    importing.add_argument("--owner", help="保存为该账号的申报书（导入版本，不改写原文）")
    importing.add_argument("--form", default="cq-2024-batch2", help="表单编号（默认 cq-2024-batch2）")
    importing.add_argument("--json", action="store_true", help="以 JSON 输出归类结果")
    importing.set_defaults(handler=run_import)
    package = subparsers.add_parser("package", help="生成申报材料包（zip）：Word、PDF、宣传推广材料、多媒体、材料清单")
    package.add_argument("target", help="申报书编号，或回答文件（JSON）")
    package.add_argument("--out", help="保存为（默认：案例名称.zip）")
    package.set_defaults(handler=run_package)
