"""``case-assistant restore FILE [--force] [--verify]``: a backup into an empty data directory (and an empty
database, when PostgreSQL is configured), checked member by member against its manifest.

An archive is read as untrusted input: only members the manifest lists are taken, each as a regular
file under a plain relative path, and each must match its sha256 before anything is put in place.
Without ``--force`` a non-empty data directory, database or Chroma server is refused; with it, the old
data directory is moved aside (``<目录>.before-restore-<时间>``), never deleted.
"""

from __future__ import annotations

import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from pydantic import ValidationError
from sqlalchemy import inspect

from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings
from assistant.ops import postgres, vectors
from assistant.ops.backup import sqlite_sums
from assistant.ops.checks_data import first_line
from assistant.ops.datadir import SIDE_FILES, is_empty
from assistant.ops.fingerprint import CHUNK, compare, database_sums, file_sum
from assistant.ops.manifest import FORMAT, MANIFEST_NAME, Manifest
from assistant.store.engine import database_url, make_engine, sqlite_file
from assistant.store.migrations import MIGRATIONS

MAX_MANIFEST_BYTES = 64 * 1024 * 1024


class RestoreRefused(UserFacingError):
    code = "restore_refused"


@dataclass
class Target:
    settings: Settings
    url: str = field(init=False)
    sqlite: Path | None = field(init=False)

    def __post_init__(self) -> None:
        self.url = database_url(self.settings.database_url.strip() or self.settings.data_dir / "app.sqlite3")
        self.sqlite = sqlite_file(self.url)


def read_manifest(archive: tarfile.TarFile) -> Manifest:
    try:
        member = archive.getmember(MANIFEST_NAME)
        handle = archive.extractfile(member) if member.isfile() and member.size < MAX_MANIFEST_BYTES else None
        if handle is None:
            raise KeyError(MANIFEST_NAME)
        manifest = Manifest.model_validate_json(handle.read())
    except (KeyError, ValidationError, ValueError) as exc:
        raise RestoreRefused("这不是本软件的备份文件（没有可读的 manifest.json），未做任何改动。") from exc
    if manifest.format != FORMAT:
        raise RestoreRefused(f"备份格式 {manifest.format} 不受支持（本程序读取 {FORMAT}），请用对应版本的软件恢复。")
    _check_paths(manifest)
    known = [name for name, _ in MIGRATIONS]
    if manifest.database.revision is not None and manifest.database.revision not in known:
        raise RestoreRefused(f"备份来自更新版本的软件（数据库版本 {manifest.database.revision}），"
                             "请先升级本软件再恢复。")
    return manifest


def _check_paths(manifest: Manifest) -> None:
    """Every path the manifest names is a plain relative path, and every file it places is a listed member:
    a manifest may not steer a restored file outside the data directory."""
    placed = [manifest.database.member, *(p.member for p in manifest.sqlite_files.values()),
              *(f"data/{relative}" for relative in manifest.files),
              *(p.member for p in (manifest.vectors.collections.values() if manifest.vectors else []))]
    names = [*manifest.members, *manifest.files, *manifest.sqlite_files, *placed]
    if not all(_safe_name(name) for name in names) or not set(placed) <= set(manifest.members):
        raise RestoreRefused("备份清单中有不安全或对不上的路径，备份可能已被改动，未做任何恢复。")


def check_target(target: Target, manifest: Manifest, force: bool) -> None:
    """Refuse a non-empty destination (unless ``force``) and a database kind other than the backup's."""
    dialect = "sqlite" if target.sqlite is not None else "postgresql"
    if dialect != manifest.database.dialect:
        hint = ("把 CASE_ASSISTANT_DATABASE_URL 设为一个空的 PostgreSQL 数据库"
                if manifest.database.dialect == "postgresql"
                else "清空 CASE_ASSISTANT_DATABASE_URL（使用数据目录中的 SQLite）")
        raise RestoreRefused(f"备份中的数据库是 {manifest.database.dialect}，当前配置的是 {dialect}："
                             f"请{hint}后再恢复。")
    if force:
        return
    busy = []
    if not is_empty(target.settings.data_dir):
        busy.append(f"数据目录 {target.settings.data_dir.resolve()} 不是空的")
    if target.sqlite is not None and target.sqlite.exists():
        busy.append(f"数据库文件 {target.sqlite} 已存在")
    if target.sqlite is None and _pg_tables(target.url):
        busy.append("目标 PostgreSQL 数据库中已有数据表")
    http = manifest.vectors is not None and target.settings.chroma_mode == "http"
    if http and vectors.existing_records(target.settings):
        busy.append("目标 Chroma 服务中已有数据")
    if busy:
        raise RestoreRefused("；".join(busy) + "。请恢复到空目录（和空数据库），"
                             "或确认要覆盖时加 --force（原数据目录会移到旁边保留）。")


def _pg_tables(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    except Exception as exc:  # unreachable server, bad password
        raise RestoreRefused(f"无法连接目标数据库：{first_line(exc)}。请检查 CASE_ASSISTANT_DATABASE_URL。") from exc
    finally:
        engine.dispose()


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def extract(archive: tarfile.TarFile, manifest: Manifest, staging: Path) -> None:
    """Every listed member as a regular file, checked against its sha256; anything else is refused."""
    seen = set()
    for member in archive.getmembers():
        if member.name == MANIFEST_NAME:
            continue
        expected = manifest.members.get(member.name)
        if (expected is None or not member.isfile() or not _safe_name(member.name) or member.name in seen
                or member.size != expected.size):
            raise RestoreRefused(f"备份文件中有清单之外或不安全的内容（{member.name[:120]}），"
                                 "可能已损坏或被改动，未做任何恢复。")
        seen.add(member.name)
        target = staging / member.name
        target.parent.mkdir(parents=True, exist_ok=True)
        source = archive.extractfile(member)
        if source is None:
            raise RestoreRefused(f"备份文件中的 {member.name} 无法读取，备份已损坏，未做任何恢复。")
        with target.open("wb") as out:
            while block := source.read(CHUNK):
                out.write(block)
        if file_sum(target) != expected:
            raise RestoreRefused(f"备份文件中的 {member.name} 与清单的校验值不符，备份已损坏，未做任何恢复。")
    missing = sorted(set(manifest.members) - seen)
    if missing:
        raise RestoreRefused(f"备份文件不完整，缺少 {len(missing)} 项（如 {missing[0]}），未做任何恢复。")


def _move_aside(target: Target) -> Path | None:
    data_dir = target.settings.data_dir.resolve()
    leftovers = [] if not data_dir.exists() else list(data_dir.iterdir())
    if target.sqlite is not None and target.sqlite.exists() and data_dir not in target.sqlite.resolve().parents:
        leftovers += [target.sqlite.with_name(target.sqlite.name + s) for s in ("", *SIDE_FILES)]
    leftovers = [p for p in leftovers if p.exists()]
    if not leftovers:
        return None
    aside = data_dir.with_name(f"{data_dir.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
    aside.mkdir(parents=True)
    for path in leftovers:
        shutil.move(str(path), str(aside / path.name))
    return aside


@dataclass
class Restored:
    manifest: Manifest
    aside: Path | None = None
    problems: list[str] | None = None
    """With ``verify``: what differs from the backup (empty when everything matches)."""


def restore_backup(settings: Settings, archive_path: Path, *, force: bool = False, verify: bool = False) -> Restored:
    """Put a backup in place; with ``verify`` compare what is now there with the backup, item by item."""
    target = Target(settings)
    try:
        archive = tarfile.open(archive_path, "r:*")
    except (OSError, tarfile.TarError) as exc:
        raise RestoreRefused(f"无法读取备份文件 {archive_path}：{exc}") from exc
    with archive:
        manifest = read_manifest(archive)
        check_target(target, manifest, force)
        staging = _staging(settings.data_dir.resolve().parent)
        try:
            extract(archive, manifest, staging)
            result = Restored(manifest, aside=_move_aside(target) if force else None)
            _place(target, manifest, staging, replace=force)
            if verify:
                result.problems = verify_restored(settings, manifest, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return result


def _staging(parent: Path) -> Path:
    """Beside the data directory (then files are renamed into place); the system's temporary folder when the
    service user may write the data directory but not its parent."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".case-assistant-restore-", dir=parent))
    except PermissionError:
        return Path(tempfile.mkdtemp(prefix="case-assistant-restore-"))


def _place(target: Target, manifest: Manifest, staging: Path, *, replace: bool) -> None:
    """Move the checked files into place (staging sits beside the data directory: a rename, not a copy);
    the exported vectors stay in staging, where ``--verify`` compares the restored index with them.

    Restored data is the service user's alone: folders 0700, files 0600 (the media feature keeps each
    application's folder 0700; a restore must not loosen that)."""
    data_dir = target.settings.data_dir
    if target.sqlite is not None:
        _put(staging / manifest.database.member, target.sqlite)
    else:
        _private_dirs(data_dir)
        postgres.restore(target.url, staging / manifest.database.member, clean=replace)
    for relative, part in manifest.sqlite_files.items():
        _put(staging / part.member, data_dir / relative)
    for relative in manifest.files:
        _put(staging / "data" / relative, data_dir / relative)
    if manifest.vectors is not None:
        client = vectors.open_client(target.settings, create=True)
        for name, collection in manifest.vectors.collections.items():
            vectors.import_collection(client, name, collection, staging / collection.member, replace=replace)


def _put(source: Path, target: Path) -> None:
    _private_dirs(target.parent)
    shutil.move(source, target)
    target.chmod(0o600)


def _private_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each 0700 (``mkdir(parents=True)`` would use the umask)."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    for path in reversed(missing):
        path.mkdir(mode=0o700)
        path.chmod(0o700)


def verify_restored(settings: Settings, manifest: Manifest, staging: Path) -> list[str]:
    """What differs between the restored data and the backup (empty: everything matches), in Chinese.

    Tables and files are compared with the manifest's counts and checksums, taken again the same way;
    vector collections record by record with the exported records in ``staging``.
    """
    target = Target(settings)
    problems: list[str] = []
    if target.sqlite is not None:
        tables = sqlite_sums(target.sqlite)[0]
    else:
        engine = make_engine(target.url)
        try:
            with engine.connect() as conn:
                tables = database_sums(conn)
        finally:
            engine.dispose()
    problems += [f"数据表 {name} 不一致" for name in compare(manifest.database.tables, tables)]
    for relative, part in manifest.sqlite_files.items():
        path = settings.data_dir / relative
        actual = sqlite_sums(path)[0] if path.is_file() else {}
        problems += [f"{relative} 的数据表 {name} 不一致" for name in compare(part.tables, actual)]
    for relative, expected in manifest.files.items():
        path = settings.data_dir / relative
        if (file_sum(path) if path.is_file() else None) != expected:
            problems.append(f"文件 {relative} 不一致")
    if manifest.vectors is not None:
        for name, collection in manifest.vectors.collections.items():
            problems += vectors.verify_collection(settings, name, collection, staging / collection.member)
    return problems
