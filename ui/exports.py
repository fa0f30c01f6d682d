"""Where exported .docx files wait for the browser to fetch them, and how long.

Gradio serves a returned file by copying it into its own cache (which
``Blocks(delete_cache=...)`` empties hourly); the original we wrote is ours to
remove. An application is commercially sensitive, so each export goes into its own
private directory (mode 0700) and exports older than ``max_age`` are deleted on
the next export instead of piling up in /tmp.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "case-export-"


class ExportFiles:
    def __init__(self, max_age: float = 600.0, root: Path | None = None) -> None:
        self.max_age = max_age
        self.root = root or Path(tempfile.gettempdir())

    def write(self, filename: str, data: bytes) -> Path:
        """Store one export under a fresh private directory and return its path."""
        self.purge()
        directory = Path(tempfile.mkdtemp(prefix=PREFIX, dir=self.root))
        path = directory / Path(filename).name
        path.write_bytes(data)
        return path

    def purge(self) -> None:
        cutoff = time.time() - self.max_age
        for directory in self.root.glob(PREFIX + "*"):
            try:
                if directory.is_dir() and directory.stat().st_mtime < cutoff:
                    shutil.rmtree(directory, ignore_errors=True)
            except OSError:
                continue
