"""``case-assistant backup``, ``restore`` and ``doctor``: operating the product on a bureau's machine.

All three take the same settings as the server (``CASE_ASSISTANT_DATA_DIR``, ``CASE_ASSISTANT_DATABASE_URL``,
the Chroma settings), so a cron job runs them with the server's environment. Exit codes: 0 done; 1 the
doctor found a required piece missing or ``--verify`` found a difference; 2 a user-facing error.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.core.errors import UserFacingError
from assistant.core.settings import get_settings


def register(subparsers: Any) -> None:
    backup = subparsers.add_parser("backup", help="备份数据库、上传的文件和向量索引（服务运行时也可以）")
    backup.add_argument("--out", required=True, help="备份文件，如 /srv/backup/case-assistant-$(date +%%F).tar.gz")
    backup.set_defaults(handler=_os_errors(run_backup))

    restore = subparsers.add_parser("restore", help="把备份恢复到空的数据目录（和空数据库）")
    restore.add_argument("file", help="case-assistant backup 生成的备份文件")
    restore.add_argument("--force", action="store_true", help="目标不是空的也恢复（原数据目录移到旁边保留）")
    restore.add_argument("--verify", action="store_true", help="恢复后逐项核对数量和校验值")
    restore.set_defaults(handler=_os_errors(run_restore))

    doctor = subparsers.add_parser("doctor", help="检查运行环境（数据库、索引、模型、PDF 与媒体工具）并给出解决办法")
    doctor.add_argument("--json", action="store_true", help="输出 JSON")
    doctor.add_argument("--strict", action="store_true", help="可选功能不可用时也返回非零退出码")
    doctor.set_defaults(handler=run_doctor)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _os_errors(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A file that cannot be read or written ends as a Chinese error (exit 2), not a stack trace."""

    @functools.wraps(run)
    def guarded(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except OSError as exc:
            where = f"：{exc.filename}" if exc.filename else ""
            raise UserFacingError(f"无法读写文件{where}（{exc.strerror or exc}）。请检查路径、权限和磁盘空间后重试。",
                                  code="os_error") from exc

    return guarded


def run_backup(args: argparse.Namespace) -> int:
    from assistant.ops.backup import create_backup
    from assistant.ops.manifest import describe

    out = Path(args.out)
    manifest = create_backup(get_settings(), out, progress=_say)
    print(f"已备份到 {out.resolve()}（{out.stat().st_size / 1024 / 1024:.1f} MB）：")
    print("\n".join(f"  {line}" for line in describe(manifest)))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from assistant.ops.manifest import describe
    from assistant.ops.restore import restore_backup

    settings = get_settings()
    restored = restore_backup(settings, Path(args.file), force=args.force, verify=args.verify)
    manifest = restored.manifest
    print(f"已恢复到 {settings.data_dir.resolve()}（备份时间 {manifest.created_at}）：")
    print("\n".join(f"  {line}" for line in describe(manifest)))
    if restored.aside is not None:
        print(f"原数据目录中的内容已移到 {restored.aside}")
    if restored.problems is None:
        return 0
    if restored.problems:
        print("核对不一致：\n" + "\n".join(f"  {p}" for p in restored.problems))
        return 1
    print(f"核对通过：数据表 {len(manifest.database.tables)} 张、文件 {len(manifest.files)} 个、"
          f"向量集合 {len(manifest.vectors.collections) if manifest.vectors else 0} 个的数量和校验值与备份一致。")
    return 0


def run_doctor(args: argparse.Namespace) -> int:
    from assistant.ops.doctor import exit_code, render
    from assistant.ops.doctor import run_doctor as doctor

    report = doctor(get_settings())
    print(json.dumps(report.model_dump(), ensure_ascii=False, indent=1) if args.json else render(report))
    return exit_code(report, strict=args.strict)
