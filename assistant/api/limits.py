"""Request body size limits derived from settings (one place for the API and its middleware)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from assistant.core.settings import Settings


def json_body_limit(settings: Settings) -> int:
    """Bytes a JSON request may take: the message limit at 6 bytes a character (\\uXXXX), plus room."""
    return settings.limit_message_chars * 6 + 64 * 1024


def upload_body_limit(settings: Settings) -> int:
    return settings.limit_upload_mb * 1024 * 1024 + 64 * 1024


def media_body_limit(settings: Settings) -> int:
    """A media upload: the larger of the picture and the video limits (the route checks its own slot's)."""
    return max(settings.limit_upload_mb, settings.limit_video_mb) * 1024 * 1024 + 64 * 1024


def body_limit_for(path: str, settings: Settings) -> int:
    """The declared-length cap of an /api path (checked by ``DeclaredSizeLimit`` before reading)."""
    path = path.rstrip("/")
    if path == "/api/knowledge" or path.startswith("/api/import"):
        return upload_body_limit(settings)
    if path.startswith("/api/applications/") and "/media/" in path:
        return media_body_limit(settings)
    return json_body_limit(settings)


# SQLite integers are signed 64-bit: a larger id is not "not found" but unstorable, so refuse it as 422.
MAX_ID = 2**63 - 1
AppId = Annotated[int, Path(ge=1, le=MAX_ID, description="申报书编号")]
