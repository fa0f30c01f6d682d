"""Check a picture with Pillow and a video with ffprobe (Debian's ffmpeg), and say what falls short.

The notice asks for 「高清视频素材（MP4格式）及具有代表性的高清图片（JPG格式）」 and the template for a
video of about five minutes. What 高清 means is a setting (``media_min_long_side``, 1280 px on the
long side by default), and so is the acceptable duration (3–7 minutes). PNG pictures are accepted
and converted to JPG, because the notice asks for JPG. Nothing here trusts a file name.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from assistant.core.errors import InvalidInputError
from assistant.core.settings import Settings
from assistant.media.models import MediaFacts, MediaFinding

MAX_PIXELS = 100_000_000  # a picture larger than this is a decompression bomb, not a photo
FFPROBE_TIMEOUT_S = 30
PLAYABLE_CODECS = ("h264",)
NO_FFPROBE = "服务器未安装 ffmpeg，无法检查视频的编码、分辨率和时长，请自行确认。"


class MediaRefusedError(InvalidInputError):
    code = "media_refused"


def _resolution_finding(what: str, width: int, height: int, settings: Settings) -> list[MediaFinding]:
    if max(width, height) >= settings.media_min_long_side:
        return []
    return [
        MediaFinding(
            severity="警告",
            message=f"{what}分辨率为 {width}×{height}，长边低于高清要求的 {settings.media_min_long_side} 像素："
            "请换用原图或更清晰的版本。",
        )
    ]


def check_image(name: str, data: bytes, settings: Settings) -> tuple[MediaFacts, bytes]:
    """(what the picture is, its JPG bytes): a PNG comes back converted, a JPG unchanged."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise MediaRefusedError(f"图片“{name}”的像素数过大（{width}×{height}），请缩小后再上传。")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            fmt = image.format or ""
            image.load()
            if fmt == "PNG":
                converted = io.BytesIO()
                image.convert("RGB").save(converted, "JPEG", quality=92)
                data = converted.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise MediaRefusedError(f"图片“{name}”无法打开，可能已损坏：请重新导出为 JPG 后再上传。") from exc
    findings = _resolution_finding("图片", width, height, settings)
    if fmt == "PNG":
        findings.append(MediaFinding(severity="建议", message=f"“{name}”是 PNG 图片，已按通知要求转换为 JPG。"))
    facts = MediaFacts(kind="image", mime="image/jpeg", format=fmt, width=width, height=height, findings=findings)
    return facts, data


def ffprobe_path() -> str | None:
    return shutil.which("ffprobe")


def probe_video(path: Path) -> dict:
    """ffprobe's JSON for a file; empty when ffprobe is missing."""
    ffprobe = ffprobe_path()
    if ffprobe is None:
        return {}
    command = [ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=FFPROBE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    if done.returncode != 0:
        return {"error": done.stderr.decode("utf-8", "replace")[:200]}
    return json.loads(done.stdout or b"{}")


def check_video(name: str, path: Path, settings: Settings) -> MediaFacts:
    """Codec, resolution and duration of an MP4, with findings; refused when it is not a video at all."""
    if ffprobe_path() is None:
        return MediaFacts(
            kind="video",
            mime="video/mp4",
            format="mp4",
            findings=[MediaFinding(severity="建议", message=NO_FFPROBE)],
        )
    info = probe_video(path)
    video = next((s for s in info.get("streams", []) if s.get("codec_type") == "video"), None)
    if "error" in info or video is None:
        raise MediaRefusedError(f"“{name}”无法作为视频读取（文件可能已损坏或没有画面）：请重新导出为 MP4 后再上传。")
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    duration = float(info.get("format", {}).get("duration") or video.get("duration") or 0.0)
    codec = str(video.get("codec_name", ""))
    findings = _resolution_finding("视频", width, height, settings)
    if codec not in PLAYABLE_CODECS:
        findings.append(
            MediaFinding(
                severity="警告",
                message=f"视频编码为 {codec or '未知'}，部分电脑无法直接播放：建议导出为 H.264 编码的 MP4。",
            )
        )
    minutes = duration / 60
    if not settings.video_minutes_min <= minutes <= settings.video_minutes_max:
        findings.append(
            MediaFinding(
                severity="警告",
                message=f"视频时长约 {_duration_text(duration)}，模板要求5分钟左右"
                f"（{settings.video_minutes_min:g}–{settings.video_minutes_max:g}分钟）：请剪辑后重新上传。",
            )
        )
    return MediaFacts(
        kind="video", mime="video/mp4", format="mp4", width=width, height=height, duration_s=duration, codec=codec,
        findings=findings,
    )


def _duration_text(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}分{rest}秒" if minutes else f"{rest}秒"


def thumbnail(data: bytes, size: int = 240) -> bytes:
    """A small JPG of a picture, for the list in the UI."""
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((size, size))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()
