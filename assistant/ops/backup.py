"""``case-assistant backup --out FILE``: one consistent archive while the server keeps running.

Order matters: the uploaded files are held by hard links (``filehold``) before the database snapshot and
again the moment it is taken, while commits are paused (``quiesce``); so every file the snapshot refers to is
in the backup even if it is deleted or replaced just after (files added meanwhile may be extra, never
missing). SQLite's online backup API then copies that snapshot; PostgreSQL's pg_dump reads it (an exported
snapshot). Then the vector index. Everything is
staged next to the output, counted and hashed there, and the archive is renamed into place only when
complete.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from sqlalchemy import Connection, create_engine

from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings
from assistant.ops import postgres, vectors
from assistant.ops.datadir import survey
from assistant.ops.filehold import FileHold
from assistant.ops.fingerprint import copy_with_sum, database_sums, file_sum
from assistant.ops.manifest import MANIFEST_NAME, DatabasePart, FileSum, Manifest, SqliteFilePart
from assistant.ops.quiesce import sqlite_snapshot
from assistant.store.engine import database_url, sqlite_file
from assistant.store.migrations import HEAD, current_revision

SQLITE_MEMBER = "database/app.sqlite3"
PG_MEMBER = "database/postgresql.dump"
COPY_ATTEMPTS = 3
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def sqlite_copy(source: Path, target: Path, while_still: Callable[[], None] | None = None) -> None:
    """Copy a live SQLite database with the online backup API, as one self-contained file; with
    ``while_still``, from a snapshot taken while commits were paused for it (see ``quiesce``)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if while_still is None:
        src = sqlite3.connect(source, timeout=60)
    else:
        src = sqlite_snapshot(source, while_still)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # pages=-1: one step inside one read transaction, so one consistent instant
        dst.execute("PRAGMA journal_mode = DELETE")  # no -wal beside the copy: the file alone is the database
    finally:
        dst.close()
        src.close()


def sqlite_sums(path: Path) -> tuple[dict, str | None]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return database_sums(conn), current_revision(conn)
    finally:
        engine.dispose()


def _database(settings: Settings, staging: Path, while_still: Callable[[], None], notes: list[str]) -> DatabasePart:
    url = database_url(settings.database_url.strip() or settings.data_dir / "app.sqlite3")
    path = sqlite_file(url)
    if path is not None:
        if not path.is_file():
            raise UserFacingError(f"没有找到数据库文件 {path}：请确认 CASE_ASSISTANT_DATA_DIR 指向服务器的数据目录。",
                                  code="no_database")
        sqlite_copy(path, staging / SQLITE_MEMBER, while_still)
        tables, revision = sqlite_sums(staging / SQLITE_MEMBER)
        return DatabasePart(dialect="sqlite", member=SQLITE_MEMBER, revision=revision, tables=tables)
    found: dict = {}

    def inside(conn: Connection) -> None:
        found["tables"], found["revision"] = database_sums(conn), current_revision(conn)

    (staging / PG_MEMBER).parent.mkdir(parents=True, exist_ok=True)
    if not postgres.dump(url, staging / PG_MEMBER, inside, while_still):
        notes.append("数据库账号无法暂停写入（没有 LOCK 权限或数据表一直被占用）：备份瞬间被删除的上传文件可能缺失。")
    return DatabasePart(dialect="postgresql", member=PG_MEMBER, revision=found["revision"], tables=found["tables"])


def _copy_stable(source: Path, target: Path) -> FileSum | None:
    """Copy a file that may be being replaced; None when it disappeared. Retried while it changes underfoot."""
    for _ in range(COPY_ATTEMPTS):
        try:
            before = source.stat()
            copied = copy_with_sum(source, target)
            after = source.stat()
        except FileNotFoundError:
            return None
        if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns) and copied.size == after.st_size:
            return copied
    return copied


def create_backup(settings: Settings, out: Path, progress: Progress = _quiet) -> Manifest:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".case-assistant-backup-", dir=out.parent))
    hold = FileHold(settings, exclude=(out, staging))
    try:
        hold.take()
        progress("正在备份数据库……")
        notes: list[str] = []
        database = _database(settings, staging, hold.take, notes)
        manifest = Manifest(created_at=datetime.now(UTC).isoformat(timespec="seconds"), product_version=_version(),
                            code_revision=HEAD, database=database, notes=notes)
        contents = survey(settings, exclude=(out, staging, *hold.exclude))
        progress(f"正在复制文件和其他 SQLite 文件（{len(contents.sqlite_files)} 个）……")
        for relative in contents.sqlite_files:
            member = f"data/{relative}"
            sqlite_copy(settings.data_dir / relative, staging / member)
            manifest.sqlite_files[relative] = SqliteFilePart(member=member, tables=sqlite_sums(staging / member)[0])
        for relative, source in hold.files():
            copied = _copy_stable(source, staging / "data" / relative)
            if copied is None:
                manifest.notes.append(f"文件在备份过程中被删除，未备份：{relative}")
            else:
                manifest.files[relative] = copied
        progress("正在导出向量索引……")
        manifest.vectors = vectors.export_all(settings, staging / "vectors")
        if manifest.vectors is not None and manifest.vectors.unsettled:
            manifest.notes.append("备份期间有文件正在导入知识库：向量索引中这些文件可能不完整，恢复后请重新导入："
                                  + "、".join(manifest.vectors.unsettled))
        for path in sorted(p for p in staging.rglob("*") if p.is_file()):
            manifest.members[path.relative_to(staging).as_posix()] = file_sum(path)
        (staging / MANIFEST_NAME).write_text(manifest.model_dump_json(indent=1), encoding="utf-8")
        _write_archive(staging, out, list(manifest.members))
        return manifest
    finally:
        hold.close()
        shutil.rmtree(staging, ignore_errors=True)


def _write_archive(staging: Path, out: Path, members: list[str]) -> None:
    """manifest.json first (restore reads it before anything else), then the members; renamed when complete."""
    partial = out.with_name(out.name + ".partial")
    partial.touch(mode=0o600)  # every application and every password hash is in it: owner only
    partial.chmod(0o600)
    with tarfile.open(partial, "w:gz", compresslevel=1) as archive:
        for name in [MANIFEST_NAME, *members]:
            info = archive.gettarinfo(staging / name, arcname=name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with (staging / name).open("rb") as handle:
                archive.addfile(info, handle)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    partial.replace(out)


def _version() -> str:
    try:
        return metadata.version("case-assistant")
    except metadata.PackageNotFoundError:
        return "source"
