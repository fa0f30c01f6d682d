"""Backup and restore in one process: what is taken and what is left, refusals, and archives that lie.

The test under a running server's load, and the PostgreSQL and Chroma-server variants, are in
``test_backup_under_load.py`` and ``test_backup_servers.py``.
"""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from assistant.core.errors import UserFacingError
from assistant.core.settings import Settings
from assistant.knowledge.search import KnowledgeBase
from assistant.ops import backup as backup_module
from assistant.ops.backup import create_backup
from assistant.ops.datadir import survey
from assistant.ops.manifest import MANIFEST_NAME, Manifest
from assistant.ops.restore import RestoreRefused, restore_backup
from tests.ops.conftest import REPO, clean_env, seed


def fresh(tmp_path: Path, name: str = "restored") -> Settings:
    return Settings(data_dir=tmp_path / name, embedder="hash", _env_file=None)


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Manifest]:
    """(source data dir, archive, manifest) of one seeded data directory."""
    root = tmp_path_factory.mktemp("backup")
    seeded = seed(root / "data")
    (root / "data" / "reports").mkdir()
    (root / "data" / "reports" / "新功能的文件.docx").write_bytes(b"PK\x03\x04 from a feature added later")
    archive = root / "backup.tar.gz"
    return root / "data", archive, create_backup(seeded.settings, archive)


def test_every_table_every_uploaded_file_and_the_index_are_in_the_backup(backed_up) -> None:
    source, _, manifest = backed_up
    with sqlite3.connect(source / "app.sqlite3") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(manifest.database.tables) == tables - {"sqlite_sequence"}
    for bureau_table in ("submissions", "submission_files", "scores", "comments", "audit_log", "call_entries"):
        assert manifest.database.tables[bureau_table].rows > 0, bureau_table
    assert manifest.database.tables["scores"].rows == 1 and manifest.database.tables["applications"].rows == 3
    with sqlite3.connect(source / "app.sqlite3") as conn:
        rows = conn.execute("SELECT application_id, stored_name FROM media_files").fetchall()
    stored = {f"media/{app}/{name}" for app, name in rows}
    assert len(stored) == 2  # the pictures uploaded through the media feature
    assert set(manifest.files) == stored | {"exports/推荐材料.zip", "exports/汇总表.xlsx", "uploads/行动计划全文.pdf",
                                            "reports/新功能的文件.docx"}
    assert set(manifest.sqlite_files) == {"embedding_cache.sqlite3"}
    assert manifest.vectors is not None and manifest.vectors.collections["kb_hash-384"].count > 100
    assert {d["origin"] for d in manifest.vectors.documents} == {"bundled"}


def test_the_archive_is_readable_by_its_owner_only(backed_up) -> None:
    _, archive, _ = backed_up
    assert archive.stat().st_mode & 0o777 == 0o600


def test_the_ui_cache_and_half_written_files_are_left_out(backed_up) -> None:
    source, _, manifest = backed_up
    contents = survey(Settings(data_dir=source, _env_file=None))
    assert "gradio/upload-cache.bin" not in manifest.files and "media/1/half-written.jpg.part" in contents.skipped
    assert not any(name.startswith(("chroma/", "data/chroma/")) for name in manifest.members)


def test_restore_into_an_empty_directory_reproduces_it_and_verify_passes(backed_up, tmp_path: Path) -> None:
    source, archive, manifest = backed_up
    settings = fresh(tmp_path)
    restored = restore_backup(settings, archive, verify=True)
    assert restored.problems == [] and restored.aside is None
    for relative in manifest.files:
        assert (settings.data_dir / relative).read_bytes() == (source / relative).read_bytes()
    with sqlite3.connect(settings.data_dir / "app.sqlite3") as mine, sqlite3.connect(source / "app.sqlite3") as theirs:
        for table in ("scores", "audit_log", "submissions", "part_versions", "comments"):
            query = f"SELECT * FROM {table} ORDER BY 1"
            assert mine.execute(query).fetchall() == theirs.execute(query).fetchall(), table
    assert settings.data_dir.stat().st_mode & 0o777 == 0o700
    assert (settings.data_dir / "media" / "1").stat().st_mode & 0o777 == 0o700
    assert {(p.stat().st_mode & 0o777) for p in (settings.data_dir / "media").rglob("*") if p.is_file()} == {0o600}
    kb = KnowledgeBase.open(settings)
    assert len(kb.store) == manifest.vectors.collections["kb_hash-384"].count
    assert kb.search("申报截止时间", k=1)[0].title


def test_a_non_empty_directory_is_refused_and_force_keeps_the_old_data_aside(backed_up, tmp_path: Path) -> None:
    _, archive, _ = backed_up
    settings = fresh(tmp_path)
    settings.data_dir.mkdir()
    (settings.data_dir / "app.sqlite3").write_bytes(b"someone's live database")
    with pytest.raises(RestoreRefused, match="不是空的.*--force"):
        restore_backup(settings, archive)
    assert (settings.data_dir / "app.sqlite3").read_bytes() == b"someone's live database"
    restored = restore_backup(settings, archive, force=True, verify=True)
    assert restored.problems == []
    assert restored.aside is not None and (restored.aside / "app.sqlite3").read_bytes() == b"someone's live database"


def _rewrite(archive: Path, target: Path, change) -> None:
    """Copy ``archive`` to ``target`` with ``change(name, data) -> list[(name, data)]`` applied to each member."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            for name, payload in change(member.name, data):
                info = tarfile.TarInfo(name)
                info.size = len(payload)
                dst.addfile(info, io.BytesIO(payload))


@pytest.mark.parametrize("attack", ["path_traversal", "flipped_byte", "not_listed", "newer_schema", "not_a_backup",
                                    "manifest_steers_outside", "oversized_member"])
def test_an_archive_that_lies_is_refused_before_anything_is_written(backed_up, tmp_path: Path, attack: str) -> None:
    _, archive, _ = backed_up
    evil = tmp_path / "evil.tar.gz"

    def change(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if attack == "path_traversal" and name == "data/uploads/行动计划全文.pdf":
            return [("data/../../../escaped.txt", data)]
        if attack == "flipped_byte" and name == "data/exports/推荐材料.zip":
            return [(name, data[:100] + bytes([data[100] ^ 1]) + data[101:])]
        if attack == "not_listed" and name == MANIFEST_NAME:
            return [(name, data), ("data/.ssh/authorized_keys", b"ssh-ed25519 AAAA attacker")]
        if attack == "newer_schema" and name == MANIFEST_NAME:
            manifest = json.loads(data)
            manifest["database"]["revision"] = "0099_from_the_future"
            return [(name, json.dumps(manifest).encode())]
        if attack == "not_a_backup" and name == MANIFEST_NAME:
            return [("README.txt", data)]
        if attack == "manifest_steers_outside" and name == MANIFEST_NAME:
            manifest = json.loads(data)  # a listed member placed "beside" the data directory
            manifest["files"]["../vectors/kb_hash-384.jsonl.gz"] = manifest["files"].pop("uploads/行动计划全文.pdf")
            return [(name, json.dumps(manifest).encode())]
        if attack == "oversized_member" and name == "data/exports/推荐材料.zip":
            return [(name, data + b"\0" * 4096)]
        return [(name, data)]

    _rewrite(archive, evil, change)
    settings = fresh(tmp_path)
    with pytest.raises(RestoreRefused) as refused:
        restore_backup(settings, evil)
    assert {"path_traversal": "不安全", "flipped_byte": "校验值不符", "not_listed": "清单之外",
            "newer_schema": "更新版本", "not_a_backup": "不是本软件的备份", "manifest_steers_outside": "不安全",
            "oversized_member": "清单之外或不安全"}[attack] in refused.value.message
    assert not settings.data_dir.exists() and not (tmp_path.parent / "escaped.txt").exists()
    assert not (tmp_path / "vectors").exists()
    assert not list(tmp_path.glob(".case-assistant-restore-*"))


def test_a_sqlite_backup_is_not_restored_over_postgresql(backed_up, tmp_path: Path) -> None:
    _, archive, _ = backed_up
    settings = Settings(data_dir=tmp_path / "d", database_url="postgresql+psycopg://u@127.0.0.1:1/x", _env_file=None)
    with pytest.raises(RestoreRefused, match="备份中的数据库是 sqlite.*清空 CASE_ASSISTANT_DATABASE_URL"):
        restore_backup(settings, archive)


def test_backup_of_a_data_directory_without_a_database_says_what_to_check(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match="没有找到数据库文件.*CASE_ASSISTANT_DATA_DIR"):
        create_backup(fresh(tmp_path, "empty"), tmp_path / "b.tar.gz")
    assert not (tmp_path / "b.tar.gz").exists() and not list(tmp_path.glob(".case-assistant-backup-*"))


def test_from_the_shell_refusals_are_chinese_with_exit_code_2_and_no_traceback(backed_up, tmp_path: Path) -> None:
    _, archive, _ = backed_up
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("keep me")
    env = clean_env(CASE_ASSISTANT_DATA_DIR=str(occupied), CASE_ASSISTANT_EMBEDDER="hash")
    for args in (["restore", str(archive)], ["restore", str(tmp_path / "missing.tar.gz")],
                 ["backup", "--out", "/proc/no-such-dir/b.tar.gz"]):
        done = subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 2 and done.stderr.startswith("错误：") and "Traceback" not in done.stderr, done.stderr
    assert (occupied / "notes.txt").read_text() == "keep me"


def test_a_file_deleted_or_replaced_at_the_snapshot_is_backed_up_as_the_snapshot_knew_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database snapshot refers to a picture that is deleted the moment after (the media feature replacing
    it), and another file is replaced by a newer one: both are backed up as they were at the snapshot."""
    seeded = seed(tmp_path / "data", index=False)
    with sqlite3.connect(tmp_path / "data" / "app.sqlite3") as conn:
        app_id, name = conn.execute("SELECT application_id, stored_name FROM media_files ORDER BY id").fetchone()
    picture, video = tmp_path / "data" / "media" / str(app_id) / name, tmp_path / "data" / "exports/推荐材料.zip"
    kept = picture.read_bytes()
    snapshot = backup_module._database

    def racing(*args):
        part = snapshot(*args)
        picture.unlink()
        replacement = video.with_name(".video.part")
        replacement.write_bytes(b"a newer video")
        replacement.replace(video)
        return part

    monkeypatch.setattr(backup_module, "_database", racing)
    manifest = create_backup(seeded.settings, tmp_path / "b.tar.gz")
    restored = restore_backup(fresh(tmp_path), tmp_path / "b.tar.gz", verify=True)
    assert restored.problems == [] and not manifest.notes
    target = tmp_path / "restored"
    assert (target / "media" / str(app_id) / name).read_bytes() == kept
    assert (target / "exports/推荐材料.zip").read_bytes() == seeded.media["exports/推荐材料.zip"]  # as it was then
    assert not list((tmp_path / "data").glob(".case-assistant-*"))  # the hold is gone
