"""A full disk is an answer, not a crash: writes refused with a Chinese 507, reads still work, nothing
half-written, and everything works again once space is freed — on a real, tiny tmpfs the test mounts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from assistant.auth.principal import local_principal
from assistant.core.errors import DiskFullError
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.forms.application import ApplicationInfo
from assistant.service.service import Service
from assistant.store.sql import Store

ME = local_principal()


@pytest.fixture
def small_disk(tmp_path: Path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI and the dev machines run as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(path: Path) -> Path:
    filler = path / "filler.bin"
    with open(filler, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def test_full_disk_refuses_the_write_keeps_reads_and_recovers(small_disk: Path) -> None:
    service = Service(Settings(data_dir=small_disk, _env_file=None), Store.open(small_disk / "app.sqlite3"),
                      OfflineDrafter())
    app = service.create_application(ME, ApplicationInfo(field="交通运输", case_name="交通运输领域——单证互认"))
    before = service.get_application(ME, app.id)
    filler = _fill(small_disk)
    with pytest.raises(DiskFullError) as caught:
        for _ in range(200):  # the first message may fit in a page SQLite already has
            service.send_message(ME, app.id, "货主一票货平均要跑4个窗口。" * 40)
    assert caught.value.status_code == 507 and "磁盘空间不足" in caught.value.message
    after = service.get_application(ME, app.id)  # reads still work
    assert [m.content for m in after.messages][: len(before.messages)] == [m.content for m in before.messages]
    filler.unlink()
    result = service.send_message(ME, app.id, "货主一票货平均要跑4个窗口。")
    assert result.application.messages[-2].content == "货主一票货平均要跑4个窗口。"
