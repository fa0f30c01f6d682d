"""Must show: a backup taken while applicants answer, staff score and files arrive (bounded, loopback)
restores into a fresh directory (and database), ``--verify`` passes, and the restored server shows the same
applications, versions, scores and media — on SQLite and on a real PostgreSQL.

What "the same" means while the source keeps changing: everything acknowledged before the backup started
is in the restore; every row the restore holds of the append-only tables (turns, versions, scores, the
audit log, snapshots) is identical to the source's row of that id; a score and its audit entry, written in
one transaction, are both there or both absent; what nobody touched during the load (a submitted and
scored application, its snapshot and comments, the uploaded media) reads the same through the restored
server's API as through the source's.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.api.test_kill_restart import API_ONLY, running_server
from tests.ops.conftest import REPO, clean_env, seed
from tests.ops.load import Load

pytestmark = pytest.mark.slow  # a served process, a shell run or an evaluation floor: make test, not make test-fast

APPEND_ONLY = ("messages", "part_versions", "scores", "audit_log", "submissions", "submission_files", "comments")


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)


def rows(url: str, table: str) -> dict[Any, dict]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text(f"SELECT * FROM {table}")).mappings().all()
    finally:
        engine.dispose()
    key = "id" if found and "id" in found[0] else None
    return {(r[key] if key else tuple(r.values())): dict(r) for r in found}


def staff_view(client: httpx.Client, tokens: dict[str, str], app_id: int) -> dict[str, Any]:
    """What the people see of one application: the owner's view, and staff's scores, snapshot and comments."""
    owner = {"Authorization": f"Bearer {tokens['alice']}"}
    staff = {"Authorization": f"Bearer {tokens['sam']}"}
    base = f"/api/applications/{app_id}"
    paths = [(base, owner), (f"{base}/parts/intro.results/versions", owner), (f"{base}/scores", staff),
             (f"{base}/submission", staff), (f"{base}/snapshot", staff), (f"{base}/comments", owner),
             (f"{base}/media", owner)]
    seen = {}
    for path, headers in paths:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
        seen[path] = response.json()
    summaries = client.get("/api/applications", headers=staff).json()
    seen["summary"] = next(s for s in summaries if s["id"] == app_id)
    for item in seen[f"{base}/media"]:
        picture = client.get(f"{base}/media/{item['id']}/file", headers=owner)
        seen[f"picture {item['id']}"] = hashlib.sha256(picture.content).hexdigest()
    return seen


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(source URL, restore-target URL): empty means 数据目录/app.sqlite3; on PostgreSQL two fresh databases."""
    if request.param == "sqlite":
        return "", ""
    server = request.getfixturevalue("postgres")
    return server.new_database(), server.new_database()


def test_a_backup_under_load_restores_the_same_applications_versions_scores_and_media(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    source_url, target_url = databases
    source, target, archive = tmp_path / "source", tmp_path / "restored", tmp_path / "backup.tar.gz"
    seeded = seed(source, source_url)
    static, scored = seeded.submitted
    server_env = {"CASE_ASSISTANT_DATABASE_URL": source_url, "CASE_ASSISTANT_LIMIT_APPLICATIONS_PER_USER": "1000"}
    with running_server(API_ONLY, source, tmp_path / "source.log", **server_env) as (_, client):
        before = staff_view(client, seeded.tokens, static)
        load = Load(str(client.base_url), seeded.tokens, scored, seeded.draft).start()
        try:
            load.wait_for("turn", 3)
            started = time.monotonic()
            backup = cli(clean_env(CASE_ASSISTANT_DATA_DIR=str(source), CASE_ASSISTANT_EMBEDDER="hash",
                                   CASE_ASSISTANT_DATABASE_URL=source_url), "backup", "--out", str(archive))
            ended = time.monotonic()
        finally:
            load.finish()
    assert backup.returncode == 0, backup.stderr
    assert load.acked("turn", after=started, before=ended), "no turn was answered while the backup ran"
    print(f"\nload: {load.count('turn')} turns, {load.count('score')} scores, {load.count('media')} pictures; "
          f"backup {ended - started:.1f}s:\n{backup.stdout}")

    restore = cli(clean_env(CASE_ASSISTANT_DATA_DIR=str(target), CASE_ASSISTANT_EMBEDDER="hash",
                            CASE_ASSISTANT_DATABASE_URL=target_url), "restore", str(archive), "--verify")
    assert restore.returncode == 0 and "核对通过" in restore.stdout, restore.stdout + restore.stderr

    source_db = source_url or f"sqlite:///{source / 'app.sqlite3'}"
    target_db = target_url or f"sqlite:///{target / 'app.sqlite3'}"
    restored = {table: rows(target_db, table) for table in APPEND_ONLY}
    original = {table: rows(source_db, table) for table in APPEND_ONLY}
    for table in APPEND_ONLY:
        assert all(original[table].get(key) == row for key, row in restored[table].items()), table
    messages = " ".join(r["content"] for r in restored["messages"].values())
    assert all(marker in messages for marker in load.acked("turn", before=started))
    reasons = {r["reason"] for r in restored["scores"].values()}
    assert set(load.acked("score", before=started)) <= reasons
    score_audits = [r for r in restored["audit_log"].values() if r["action"] == "score"]
    assert len(score_audits) == len(restored["scores"])  # one transaction each: never one without the other

    media_rows = rows(target_db, "media_files")  # every picture the snapshot lists is on disk, whole
    for row in media_rows.values():
        assert (target / "media" / str(row["application_id"]) / row["stored_name"]).stat().st_size == row["size"]
    latest = {}  # per slot, the last upload acknowledged before the backup started: it, or a later one, is restored
    for key in load.acked("media", before=started):
        slot, _, media_id = key.rpartition(":")
        latest[slot] = int(media_id)
    restored_slots = {r["slot"]: r["id"] for r in media_rows.values() if r["application_id"] == seeded.draft}
    assert all(restored_slots.get(slot, 0) >= media_id for slot, media_id in latest.items())
    for name, data in seeded.media.items():
        assert (target / name).read_bytes() == data
    assert not (target / "gradio").exists() and not list(target.rglob("*.part"))

    restored_env = {"CASE_ASSISTANT_DATABASE_URL": target_url, "CASE_ASSISTANT_LIMIT_APPLICATIONS_PER_USER": "1000"}
    with running_server(API_ONLY, target, tmp_path / "restored.log", **restored_env) as (_, client):
        assert staff_view(client, seeded.tokens, static) == before
        versions = {(r["application_id"], r["part_id"], r["version"]): r["text"]
                    for r in original["part_versions"].values()}
        staff = {"Authorization": f"Bearer {seeded.tokens['sam']}"}
        shown = 0
        for app_id in {r["application_id"] for r in restored["messages"].values()} & set(load.new_applications):
            for part in client.get(f"/api/applications/{app_id}", headers=staff).json()["parts"]:
                if part["version"] is not None:
                    assert part["text"] == versions[(app_id, part["part_id"], part["version"])]
                    shown += 1
        assert shown > 0
        pictures = client.get(f"/api/applications/{seeded.draft}/media", headers=staff).json()
        assert {p["slot"]: p["id"] for p in pictures} == restored_slots
        for picture in pictures:
            got = client.get(f"/api/applications/{seeded.draft}/media/{picture['id']}/file", headers=staff)
            assert hashlib.sha256(got.content).hexdigest() == load.stored[picture["id"]]
        sheet = client.get(f"/api/applications/{scored}/scores", headers=staff).json()
        submission = next(r["id"] for r in restored["submissions"].values() if r["application_id"] == scored)
        mine = [r for r in restored["scores"].values()
                if r["submission_id"] == submission and r["criterion_id"] == "results"]
        shown_level = next(c for c in sheet["criteria"] if c["criterion_id"] == "results")["mine"]
        assert shown_level == (max(mine, key=lambda r: r["id"])["level"] if mine else None)
