"""The bytes of stored media, under ``数据目录/media/<申报书编号>/``; names are generated, never the uploader's."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path


class MediaFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, app_id: int) -> Path:
        return self.root / str(int(app_id))

    def path(self, app_id: int, stored_name: str) -> Path:
        if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
            raise ValueError("invalid stored name")
        return self._dir(app_id) / stored_name

    def write(self, app_id: int, suffix: str, data: bytes) -> str:
        """Store ``data`` atomically (write, fsync, rename); the generated name."""
        directory = self._dir(app_id)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{secrets.token_hex(12)}{suffix}"
        temporary = directory / f".{name}.part"
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(directory / name)
        return name

    def read(self, app_id: int, stored_name: str) -> bytes:
        return self.path(app_id, stored_name).read_bytes()

    def remove(self, app_id: int, stored_name: str) -> None:
        self.path(app_id, stored_name).unlink(missing_ok=True)

    def remove_all(self, app_id: int) -> None:
        """Every file of an application (it was purged: see ``Store.purge_deleted``)."""
        shutil.rmtree(self._dir(app_id), ignore_errors=True)
