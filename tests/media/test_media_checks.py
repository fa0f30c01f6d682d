"""Pictures and the video, checked for real: Pillow images of several sizes and a short MP4 made by ffmpeg here.

Each finding appears in the stored item, in the review and in the materials checklist; a renamed
.exe (or any file whose content is not a picture or an MP4) is refused whatever its name says;
stored files live under the data directory and replacing or deleting one removes the old bytes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError, LimitExceededError, NotFoundError, PermissionDeniedError
from assistant.core.settings import Settings
from assistant.drafting.offline.drafter import OfflineDrafter
from assistant.export.scripted import load_answers_file
from assistant.service.answers_import import import_answers
from assistant.service.service import Service
from assistant.store.sql import Store

ROOT = Path(__file__).resolve().parents[2]
ALICE = Principal(id=1, username="alice", role="applicant")
BOB = Principal(id=2, username="bob", role="applicant")
SAM = Principal(id=3, username="sam", role="staff")
needs_ffmpeg = pytest.mark.skipif(not shutil.which("ffmpeg"), reason="需要 ffmpeg（make test 会安装）")


def picture(width: int, height: int, fmt: str = "JPEG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 200)).save(buffer, fmt)
    return buffer.getvalue()


def video(tmp: Path, seconds: float, size: str = "1280x720", codec: str = "libx264") -> bytes:
    out = tmp / f"v-{seconds}-{size}-{codec}.mp4"
    command = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size={size}:rate=5:duration={seconds}",
               "-c:v", codec, "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    return out.read_bytes()


@pytest.fixture
def world(tmp_path: Path) -> tuple[Service, int]:
    settings = Settings(data_dir=tmp_path / "data", embedder="hash", video_minutes_min=0.05, video_minutes_max=0.2)
    store = Store.open(settings.data_dir / "app.sqlite3")
    service = Service(settings, store, OfflineDrafter())
    answers = load_answers_file(ROOT / "examples/cq-logistics-example.json")
    return service, import_answers(service, ALICE, answers, offline=True)


def findings(service: Service, app_id: int) -> list[str]:
    return [f.message for f in service.review_report(ALICE, app_id).findings if f.part_id == "media"]


def test_a_sharp_jpg_passes_and_a_small_one_is_flagged(world) -> None:
    service, app_id = world
    sharp = service.media.upload(ALICE, app_id, "image:2", "模式图.jpg", picture(1920, 1080))
    small = service.media.upload(ALICE, app_id, "image:4", "界面.jpg", picture(800, 600))
    assert sharp.facts.findings == [] and (sharp.facts.width, sharp.facts.height) == (1920, 1080)
    assert ["800×600" in f.message and "1280" in f.message for f in small.facts.findings] == [True]
    messages = findings(service, app_id)
    assert any("图4（系统界面呈现图）“界面.jpg”" in m and "800×600" in m for m in messages)
    assert not any("模式图" in m for m in messages)
    checklist = {c.id: c for c in service.review_report(ALICE, app_id).checklist}
    assert "已上传2张并检查，1张有问题" in checklist["images"].detail
    stored = service.get_application(ALICE, app_id).media.images
    assert "系统界面呈现图：界面.jpg" in stored and "商业模式、运行模式示意图：模式图.jpg" in stored


def test_a_png_is_accepted_and_converted_to_jpg(world) -> None:
    service, app_id = world
    item = service.media.upload(ALICE, app_id, "image:3", "安全.png", picture(1600, 900, "PNG"))
    assert item.filename == "安全.jpg" and item.facts.format == "PNG"
    assert any("已按通知要求转换为 JPG" in f.message for f in item.facts.findings)
    _, data = service.media.content(ALICE, app_id, item.id)
    assert data[:3] == b"\xff\xd8\xff"
    assert service.media.thumbnail(ALICE, app_id, item.id)[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("照片.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # a renamed .exe
        ("视频.mp4", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),
        ("图.jpg", b"%PDF-1.7\n" + b"0" * 100),
        ("图.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(world, name: str, data: bytes) -> None:
    service, app_id = world
    slot = "video" if name.endswith(".mp4") else "image:2"
    with pytest.raises(InvalidInputError) as info:
        service.media.upload(ALICE, app_id, slot, name, data)
    assert "请" in info.value.message
    assert service.media.items(ALICE, app_id) == []
    assert not any((service.settings.data_dir / "media").rglob("*.*"))


@needs_ffmpeg
def test_a_video_is_probed_for_codec_resolution_and_duration(world, tmp_path: Path) -> None:
    service, app_id = world  # the fixture's window is 3–12 seconds, so tests stay short
    good = service.media.upload(ALICE, app_id, "video", "案例视频.mp4", video(tmp_path, 6))
    assert good.facts.codec == "h264" and (good.facts.width, good.facts.height) == (1280, 720)
    assert 5.5 <= good.facts.duration_s <= 6.5 and good.facts.findings == []
    checklist = {c.id: c for c in service.review_report(ALICE, app_id).checklist}
    assert checklist["video"].status == "已具备" and "1280×720" in checklist["video"].detail
    short = service.media.upload(ALICE, app_id, "video", "短片.mp4", video(tmp_path, 1, "640x360", "mpeg4"))
    texts = [f.message for f in short.facts.findings]
    assert any("640×360" in t for t in texts)  # below 高清
    assert any("mpeg4" in t and "H.264" in t for t in texts)  # codec
    assert any("时长约 1秒" in t and "5分钟左右" in t for t in texts)  # duration
    messages = findings(service, app_id)
    assert sum("短片.mp4" in m for m in messages) == 3 and not any("案例视频" in m for m in messages)
    assert [i.filename for i in service.media.items(ALICE, app_id)] == ["短片.mp4"]  # replaced
    assert len(list((service.settings.data_dir / "media" / str(app_id)).iterdir())) == 1  # old bytes removed


def test_only_the_owner_changes_media_and_others_get_not_found(world) -> None:
    service, app_id = world
    item = service.media.upload(ALICE, app_id, "image:2", "a.jpg", picture(1400, 800))
    with pytest.raises(NotFoundError):
        service.media.upload(BOB, app_id, "image:2", "b.jpg", picture(1400, 800))
    with pytest.raises(NotFoundError):
        service.media.content(BOB, app_id, item.id)
    assert service.media.content(SAM, app_id, item.id)[1][:3] == b"\xff\xd8\xff"  # staff read
    with pytest.raises(PermissionDeniedError):
        service.media.delete(SAM, app_id, item.id)  # staff never change an applicant's files
    service.media.delete(ALICE, app_id, item.id)
    assert service.media.items(ALICE, app_id) == []
    assert "商业模式、运行模式示意图：a.jpg" not in service.get_application(ALICE, app_id).media.images


def test_sizes_and_slots_are_bounded(world) -> None:
    service, app_id = world
    service.settings.limit_upload_mb = 1
    with pytest.raises(LimitExceededError):
        service.media.upload(ALICE, app_id, "image:2", "big.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(InvalidInputError):
        service.media.upload(ALICE, app_id, "image:9", "x.jpg", picture(100, 100))
