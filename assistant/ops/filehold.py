"""Uploaded files held still across the database snapshot, by hard links.

A file deleted just after the database snapshot is still referenced by it, and one added just before is
referenced too. So every file is linked before the snapshot (a link keeps a deleted file's bytes) and
again after it (files added meanwhile; a file replaced by a rename is taken anew). Links copy nothing;
they live in a folder inside the data directory, on the same file system, and are removed afterwards.
Where hard links are impossible the files are copied after the snapshot instead, as they are then.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from assistant.core.settings import Settings
from assistant.ops.datadir import survey

PREFIX = ".case-assistant-hold-"


class FileHold:
    def __init__(self, settings: Settings, exclude: tuple[Path, ...]) -> None:
        self.settings = settings
        self.root: Path | None = None
        if settings.data_dir.is_dir():
            self.root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=settings.data_dir))
        self.exclude = (*exclude, *([self.root] if self.root else []))
        self.linked = self.root is not None

    def take(self) -> None:
        """Link every file of the data directory not yet held (or held as an older file of that name)."""
        if not self.linked or self.root is None:
            return
        for relative in survey(self.settings, self.exclude).files:
            source, held = self.settings.data_dir / relative, self.root / relative
            try:
                if held.exists():
                    if os.path.samefile(source, held):
                        continue
                    held.unlink()
                held.parent.mkdir(parents=True, exist_ok=True)
                os.link(source, held)
            except FileNotFoundError:
                continue  # deleted meanwhile: the snapshot taken after this does not refer to it
            except OSError:
                self.linked = False  # no hard links on this file system: copy after the snapshot instead
                return

    def files(self) -> list[tuple[str, Path]]:
        """(data-dir path, where to read it) of every file to back up."""
        if self.linked and self.root is not None:
            return [(p.relative_to(self.root).as_posix(), p) for p in sorted(self.root.rglob("*")) if p.is_file()]
        return [(relative, self.settings.data_dir / relative)
                for relative in survey(self.settings, self.exclude).files]

    def close(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
