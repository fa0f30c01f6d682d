"""How much each user may push through the web UI's upload route, and all users together.

Why: Gradio's ``/gradio_api/upload`` keeps every file in its cache for ``upload_cache_minutes``
(then deletes it) whether or not anything uses it. One applicant pushed 250 MB in a second; on a
small disk everybody then got 507 on saving and on login. Uploads are counted here per user over
that same window (what the cache may still hold), refused beyond ``upload_quota_mb`` per user or
``upload_total_mb`` for everyone, and refused when the disk would be left with less than a
reserve, each time with a Chinese message that names the limit.

Counted by the request's declared length (the route refuses bodies without one, and the HTTP
parser never reads past it), less ``ENVELOPE_BYTES`` for the multipart headers around the files.
In memory, per process: a restart forgets the counts, as the rate limits for logins do.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from assistant.core.settings import Settings

MB = 1024 * 1024
DISK_RESERVE_BYTES = 200 * MB  # what an upload must leave free (saving drafts and logins need some)
ENVELOPE_BYTES = 16 * 1024  # multipart part headers and boundaries of one request (up to ten files)


class UploadLedger:
    def __init__(self, settings: Settings, directory: Path, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = settings.upload_cache_minutes * 60
        self.per_user = settings.upload_quota_mb * MB
        self.total = settings.upload_total_mb * MB
        self.quota_mb, self.total_mb = settings.upload_quota_mb, settings.upload_total_mb
        self.minutes = settings.upload_cache_minutes
        self.directory = directory
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: deque[tuple[float, str, int]] = deque()  # (when, user, bytes), oldest first
        self._by_user: dict[str, int] = {}
        self._sum = 0

    def _expire(self, now: float) -> None:
        while self._entries and now - self._entries[0][0] > self.window:
            _, user, size = self._entries.popleft()
            self._by_user[user] -= size
            if self._by_user[user] <= 0:
                del self._by_user[user]
            self._sum -= size

    def admit(self, user: str, size: int) -> str | None:
        """Record an upload request of ``size`` bytes by ``user``; or return why it is refused (nothing recorded)."""
        size = max(0, size - ENVELOPE_BYTES)
        with self._lock:
            now = self._clock()
            self._expire(now)
            used = self._by_user.get(user, 0)
            if used + size > self.per_user:
                return (
                    f"上传已达上限：每位用户{self.minutes}分钟内最多上传{self.quota_mb}MB"
                    f"（您已上传约{used // MB}MB），请稍后再试，或只上传需要的文件。"
                )
            if self._sum + size > self.total:
                return f"服务器的上传空间暂时已满（所有用户{self.minutes}分钟内共{self.total_mb}MB），请稍后再试。"
            if _free_bytes(self.directory) - size < DISK_RESERVE_BYTES:
                return "服务器磁盘空间不足，暂时不能上传文件，请联系管理员。"
            self._entries.append((now, user, size))
            self._by_user[user] = used + size
            self._sum += size
            return None


def _free_bytes(directory: Path) -> int:
    try:
        return shutil.disk_usage(directory).free
    except OSError:
        return 0
