"""``case-assistant users …``: manage accounts from the shell.

add, list, disable, enable, reset-password, role, delete (``--transfer-to``), log.
Every change is written to the account log with the actor “命令行（系统用户 <name>）”,
so changes made on the server's shell are as traceable as those made through the API.

The password is never a command-line argument (it would land in shell history and
``ps``): it is asked twice with ``getpass`` at a terminal, or read from the first
line of stdin so deploy scripts can pipe it in.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from assistant.auth.accounts import PASSWORD_RULES, ROLE_LABELS, ROLES, Accounts
from assistant.auth.lifecycle import role_text
from assistant.core.errors import InvalidInputError
from assistant.core.settings import get_settings
from assistant.store.sql import Store

ROLE_HELP = "角色：applicant（申报单位）、staff（工作人员）、admin（管理员）"


def register(subparsers: argparse._SubParsersAction) -> None:
    users = subparsers.add_parser("users", help="管理用户账号（添加、列出、停用、启用、重置密码、改角色、删除、日志）")
    commands = users.add_subparsers(dest="users_command", required=True, metavar="操作")
    add = commands.add_parser("add", help=f"添加用户（密码从提示输入，或从标准输入第一行读取；{PASSWORD_RULES}）")
    add.add_argument("name", help="用户名")
    add.add_argument("--role", default="applicant", choices=list(ROLES), help=ROLE_HELP + "，默认 applicant")
    add.set_defaults(handler=_cmd_add)
    commands.add_parser("list", help="列出所有用户").set_defaults(handler=_cmd_list)
    for name, handler, text in (
        ("disable", _cmd_disable, "停用用户（立即退出登录，不能再登录；其申报书仍可由工作人员查看）"),
        ("enable", _cmd_enable, "重新启用已停用的用户"),
        ("reset-password", _cmd_reset, f"重置用户密码（其登录会话全部结束；{PASSWORD_RULES}）"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("name", help="用户名")
        command.set_defaults(handler=handler)
    role = commands.add_parser("role", help="修改用户角色（其登录会话全部结束）")
    role.add_argument("name", help="用户名")
    role.add_argument("role", choices=list(ROLES), help=ROLE_HELP)
    role.set_defaults(handler=_cmd_role)
    delete = commands.add_parser("delete", help="删除用户；有申报书时须用 --transfer-to 指定接收的账号")
    delete.add_argument("name", help="用户名")
    delete.add_argument("--transfer-to", help="接收其申报书的用户名")
    delete.set_defaults(handler=_cmd_delete)
    log = commands.add_parser("log", help="查看账号变更日志（添加、停用、启用、密码、角色、删除）")
    log.add_argument("--limit", type=int, default=200, help="只显示最近的条数（默认 200）")
    log.set_defaults(handler=_cmd_log)


def _accounts() -> Accounts:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Accounts(Store.from_settings(settings), settings)


def actor() -> str:
    """Who acts from the shell, for the log: the operating-system user running the command."""
    try:
        return f"命令行（系统用户 {getpass.getuser()}）"
    except (KeyError, OSError):
        return "命令行"


def read_password() -> str:
    """Prompt twice at a terminal; otherwise take the first line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass("请输入密码（至少8个字符，不能与用户名相同）：")
        if getpass.getpass("请再次输入密码：") != first:
            raise InvalidInputError("两次输入的密码不一致，请重试。")
        return first
    line = sys.stdin.readline()
    if not line:
        raise InvalidInputError("没有读到密码：请在终端中运行，或通过标准输入提供一行密码。")
    return line.rstrip("\r\n")


def _name(args: argparse.Namespace) -> str:
    return args.name.strip().lower()


def _cmd_add(args: argparse.Namespace) -> int:
    principal = _accounts().add_user(args.name, read_password(), args.role, actor())
    print(f"已添加用户 {principal.username}（{ROLE_LABELS[principal.role]}）。")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    users = _accounts().list_users()
    if not users:
        print("还没有任何用户。添加：case-assistant users add 用户名 --role admin")
        return 0
    for user in users:
        state = "已停用" if user.disabled else "正常"
        print(f"{user.username}\t{user.role}（{ROLE_LABELS[user.role]}）\t{state}\t创建于 {user.created_at}")
    return 0


def _cmd_disable(args: argparse.Namespace) -> int:
    _accounts().set_disabled(args.name, True, actor())
    print(f"已停用用户 {_name(args)}，其登录会话已全部失效。")
    return 0


def _cmd_enable(args: argparse.Namespace) -> int:
    _accounts().set_disabled(args.name, False, actor())
    print(f"已启用用户 {_name(args)}。")
    return 0


def _cmd_reset(args: argparse.Namespace) -> int:
    accounts = _accounts()
    accounts.reset_password(args.name, read_password(), actor())
    print(f"已重置用户 {_name(args)} 的密码，其登录会话已全部失效。")
    return 0


def _cmd_role(args: argparse.Namespace) -> int:
    before, after = _accounts().set_role(args.name, args.role, actor())
    print(f"已修改用户 {after.username} 的角色：{role_text(before)}→ {role_text(after.role)}，其登录会话已全部失效。")
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    moved = _accounts().delete_user(args.name, args.transfer_to, actor())
    handed = f"{moved}份申报书已转给 {args.transfer_to.strip().lower()}" if moved else "没有申报书需要转交"
    print(f"已删除用户 {_name(args)}（{handed}）。")
    return 0


def _cmd_log(args: argparse.Namespace) -> int:
    print("时间\t操作人\t操作\t用户\t说明")
    for event in _accounts().account_log(max(1, args.limit)):
        print(f"{event.at}\t{event.actor}\t{event.action}\t{event.username}\t{event.detail}")
    return 0
