"""``case-assistant create | submit | board | summary | reopen``: the call's process from the shell.

The commands run with the server's own access to the data directory, like ``review ID``:
``create`` stores an application for an account (``--owner``), ``submit`` submits it as its
owner (or ``--as`` another account, which the service refuses unless it is the owner);
``board``, ``summary`` and ``reopen`` act as the command-line staff member.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.auth.accounts import normalise_username
from assistant.auth.principal import LOCAL_USER_ID, Principal, local_principal
from assistant.core.errors import InvalidInputError
from assistant.core.settings import get_settings

CLI_STAFF = Principal(id=-1, username="命令行", role="staff")


def _service() -> Any:
    from assistant.service.factory import build_service  # deferred: the knowledge base loads slowly

    settings = get_settings()
    return build_service(settings, prepare_knowledge=False)


def _account(service: Any, username: str) -> Principal:
    """The principal of an account; ``本机用户`` is the single user of local mode (no accounts)."""
    if username == local_principal().username:
        return local_principal()
    user = service.store.get_user(normalise_username(username))
    if user is None or user.disabled:
        raise InvalidInputError(f"没有可用的账号“{username}”：先用 case-assistant users add 创建。")
    return Principal(id=user.id, username=user.username, role=user.role)


def _owner_of(service: Any, app_id: int) -> Principal:
    row = service.store.get_application(app_id)
    if row is None:
        raise InvalidInputError(f"找不到编号为{app_id}的申报书。")
    if row.owner_id == LOCAL_USER_ID:
        return local_principal()
    user = next((u for u in service.store.list_users() if u.id == row.owner_id), None)
    if user is None:
        raise InvalidInputError(f"申报书{app_id}的申报单位账号已不存在。")
    return Principal(id=user.id, username=user.username, role=user.role)


def run_create(args: argparse.Namespace) -> int:
    from assistant.export.scripted import load_answers_file

    answers = load_answers_file(Path(args.answers))
    service = _service()
    app_id = service.call.create_from_answers(_account(service, args.owner), answers, offline=args.offline)
    print(app_id)
    return 0


def run_submit(args: argparse.Namespace) -> int:
    service = _service()
    actor = _account(service, args.as_user) if args.as_user else _owner_of(service, args.id)
    if args.allow_errors:
        service.call.allow_errors(CLI_STAFF, args.id, args.reason or "命令行允许带错误提交")
    status = service.call.submit(actor, args.id)
    print(f"申报书{args.id}已提交（第{status.submission}次），状态：{status.status_label}。")
    return 0


def run_board(args: argparse.Namespace) -> int:
    board = _service().board.board(CLI_STAFF)
    rows = [
        {"rank": r.rank, "id": r.application_id, "case_name": r.case_name, "gates_passed": r.gates_passed,
         "total": r.total, "status": r.status, "above_line": r.above_line}
        for r in board.rows
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print(f"推荐上限{board.limit}个；排序、资格、总分（满分{board.max_total:g}）、状态：")
    for r in board.rows:
        gates = "通过" if r.gates_passed else "未通过"
        print(f"{r.rank}\t{r.application_id}\t{r.case_name}\t资格{gates}\t{r.total:g}\t{r.status_label}")
        if r.rank == board.line_after:
            print(f"—— 推荐线（前{board.limit}个）——")
    return 0


def run_summary(args: argparse.Namespace) -> int:
    kind = "docx" if args.out.lower().endswith(".docx") else "xlsx"
    _, data = _service().board.summary_file(CLI_STAFF, kind, contacts=args.contacts)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_bytes(data)
    print(f"已生成 {args.out}。")
    return 0


def run_reopen(args: argparse.Namespace) -> int:
    info = _service().call.reopen(CLI_STAFF, args.until, args.reason)
    print(info.description)
    return 0


def register(subparsers: Any) -> None:
    create = subparsers.add_parser("create", help="根据回答文件创建并起草一份申报书，存入本机数据库（输出编号）")
    create.add_argument("--answers", required=True, help="回答文件（JSON），与 draft 相同")
    create.add_argument("--owner", required=True, help="申报单位的账号（本机模式写“本机用户”）")
    create.add_argument("--offline", action="store_true", help="即使配置了模型也使用离线起草")
    create.set_defaults(handler=run_create)
    submit = subparsers.add_parser("submit", help="提交申报书（冻结提交时的内容供工作人员审核）")
    submit.add_argument("id", type=int, help="申报书编号")
    submit.add_argument("--as", dest="as_user", help="以哪个账号提交（默认：申报书的申报单位）")
    submit.add_argument("--allow-errors", action="store_true", help="以工作人员身份允许审阅有错误时提交")
    submit.add_argument("--reason", help="允许带错误提交的理由")
    submit.set_defaults(handler=run_submit)
    board = subparsers.add_parser("board", help="评审排序：排名、编号、案例名称、资格、总分、状态")
    board.add_argument("--json", action="store_true", help="以 JSON 输出")
    board.set_defaults(handler=run_board)
    summary = subparsers.add_parser("summary", help="导出推荐汇总表（.xlsx 或 .docx）")
    summary.add_argument("--out", required=True, help="输出文件：汇总表.xlsx 或 汇总表.docx")
    summary.add_argument("--contacts", action="store_true", help="包含联系人和联系方式")
    summary.set_defaults(handler=run_summary)
    reopen = subparsers.add_parser("reopen", help="工作人员重新开放征集到某天（不写 --until 则恢复原截止时间）")
    reopen.add_argument("--until", help="开放到哪天（YYYY-MM-DD）")
    reopen.add_argument("--reason", required=True, help="理由（记入操作记录）")
    reopen.set_defaults(handler=run_reopen)
