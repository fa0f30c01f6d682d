"""What lives in the data directory, sorted by how a backup must take it.

* the application database (``app.sqlite3`` or the file of ``sqlite:///…``) — SQLite's online backup API;
* ``chroma/`` — the embedded vector index, exported through Chroma's API rather than copied (its files
  change under a running server);
* other SQLite files (the embedding cache, and any a later feature adds) — the online backup API too;
* ``gradio/`` and ``tmp/`` — the UI's private upload cache and the PDF conversion's work folders: skipped;
* everything else — uploaded media and documents and whatever later features store (``media/``,
  ``uploads/``, …): copied file by file with a checksum. Nothing here is a fixed list of folders, so a
  new feature's files are backed up without touching this module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core.settings import Settings

INDEX_DIR = "chroma"
TRANSIENT_DIRS = frozenset({"gradio", "tmp", "__pycache__"})  # the UI's upload cache, the PDF's work folders
OUR_WORK = ".case-assistant-"  # a backup's or restore's own folders (left behind if it was killed)
SQLITE_MAGIC = b"SQLite format 3\x00"
SIDE_FILES = ("-wal", "-shm", "-journal")
TEMP_SUFFIXES = (".tmp", ".part", ".partial", ".swp")


def is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _temporary(name: str) -> bool:
    return name.endswith(TEMP_SUFFIXES) or name.startswith((".~", "~$", ".tmp"))


@dataclass
class DataDirContents:
    """Paths relative to the data directory, by kind."""

    sqlite_files: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def survey(settings: Settings, exclude: tuple[Path, ...] = ()) -> DataDirContents:
    """Walk the data directory (no symlinks followed) and sort what is there."""
    root = settings.data_dir
    contents = DataDirContents()
    if not root.is_dir():
        return contents
    database = settings.sqlite_path.resolve() if settings.sqlite_path else None
    excluded = {p.resolve() for p in exclude}
    for current, dirs, names in os.walk(root):
        here = Path(current)
        dirs[:] = sorted(d for d in dirs if not (here == root and (d in (INDEX_DIR, *TRANSIENT_DIRS)
                                                                    or d.startswith(OUR_WORK)))
                         and (here / d).resolve() not in excluded)
        for name in sorted(names):
            path = here / name
            relative = path.relative_to(root).as_posix()
            resolved = path.resolve()
            if path.is_symlink() or not path.is_file() or resolved in excluded:
                contents.skipped.append(relative)
            elif database is not None and (resolved == database or name in {database.name + s for s in SIDE_FILES}):
                continue  # the application database: taken by the backup API
            elif name.endswith(SIDE_FILES) and is_sqlite(path.with_name(name.rsplit("-", 1)[0])):
                continue  # another SQLite file's journal: its backup copy includes it
            elif _temporary(name):
                contents.skipped.append(relative)
            elif is_sqlite(path):
                contents.sqlite_files.append(relative)
            else:
                contents.files.append(relative)
    return contents


def is_empty(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))
