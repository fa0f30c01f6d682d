"""``case-assistant users add|list|disable``: manage accounts from the shell.

The password is never a command-line argument (it would land in shell history and
``ps``): it is asked twice with ``getpass`` at a terminal, or read from the first
line of stdin so deploy scripts can pipe it in.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from assistant.auth.accounts import ROLE_LABELS, Accounts
from assistant.core.errors import InvalidInputError
from assistant.core.settings import get_settings
from assistant.store.sql import Store


def register(subparsers: argparse._SubParsersAction) -> None:
    users = subparsers.add_parser("users", help="管理用户账号（添加、列出、停用）")
    commands = users.add_subparsers(dest="users_command", required=True, metavar="操作")
    add = commands.add_parser("add", help="添加用户（密码从提示输入，或从标准输入第一行读取）")
    add.add_argument("name", help="用户名")
    add.add_argument(
        "--role",
        default="applicant",
        choices=["applicant", "staff", "admin"],
        help="角色：applicant（申报单位，默认）、staff（工作人员）、admin（管理员）",
    )
    add.set_defaults(handler=_cmd_add)
    listing = commands.add_parser("list", help="列出所有用户")
    listing.set_defaults(handler=_cmd_list)
    disable = commands.add_parser("disable", help="停用用户（立即退出登录，不能再登录）")
    disable.add_argument("name", help="用户名")
    disable.set_defaults(handler=_cmd_disable)


def _accounts() -> Accounts:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Accounts(Store.from_settings(settings), settings)


def read_password() -> str:
    """Prompt twice at a terminal; otherwise take the first line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass("请输入密码（至少8个字符）：")
        if getpass.getpass("请再次输入密码：") != first:
            raise InvalidInputError("两次输入的密码不一致，请重试。")
        return first
    line = sys.stdin.readline()
    if not line:
        raise InvalidInputError("没有读到密码：请在终端中运行，或通过标准输入提供一行密码。")
    return line.rstrip("\r\n")


def _cmd_add(args: argparse.Namespace) -> int:
    accounts = _accounts()
    principal = accounts.add_user(args.name, read_password(), args.role)
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
    _accounts().disable_user(args.name)
    print(f"已停用用户 {args.name.strip().lower()}，其登录会话已全部失效。")
    return 0
