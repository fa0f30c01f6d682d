"""Render a .docx to PDF with LibreOffice, when it is installed.

The bureau wants a stamped PDF as well as the editable Word file. We do not ship an
office suite: ``soffice`` is feature-detected, and its absence is a clear Chinese
error naming the package to install. Each conversion uses a private profile
directory, so concurrent conversions and a user's own LibreOffice never collide.

Where the conversion works: the server passes ``work_root(data_dir)``, a 0700 folder in
the data directory, not ``/tmp``. A process killed mid-conversion (``kill -9``, power
loss) cannot clean up after itself, and the application's .docx would stay readable in
``/tmp`` for good; each work folder is named after its process, and ``clean_stale_work``
at start-up removes the folders of processes that are gone (other instances sharing
the data directory keep theirs).

Fonts: the .docx names the faces of a government form (仿宋_GB2312, 方正小标宋简体, 黑体,
楷体_GB2312), which a Linux server lacks; left alone, fontconfig gives all of them one plain
sans face. The conversion runs with ``FONTCONFIG_FILE`` pointing at the shipped substitution
file (``assets/fontconfig/fonts.conf``): 仿宋/宋/小标宋 → a serif face, 黑体 → a sans face,
楷体 → a kai face (Debian's fonts-noto-cjk and fonts-arphic-gkai00mp, installed by ``make``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.core.errors import UserFacingError
from assistant.core.resources import bundled_dir

CONVERT_TIMEOUT_S = 120


class PdfUnavailableError(UserFacingError):
    status_code = 501
    code = "pdf_unavailable"


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def work_root(data_dir: Path) -> Path:
    return data_dir / "tmp" / "pdf"


def _owner_alive(folder: Path) -> bool:
    """Whether the process that made ``pdf-<pid>-…`` still runs (and is not this one, just started)."""
    try:
        pid = int(folder.name.split("-")[1])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_work(root: Path) -> int:
    """At start-up: remove the work folders of conversions whose process died; return how many."""
    removed = 0
    if not root.is_dir():
        return removed
    for folder in root.iterdir():
        if folder.is_dir() and not _owner_alive(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _private_root(root: Path | None) -> Path | None:
    if root is None:
        return None
    root.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        root.chmod(0o700)
    return root


def fontconfig_file() -> Path | None:
    """The shipped font substitution file, or None when the installation lacks it (system fonts then)."""
    try:
        path = bundled_dir("fontconfig") / "fonts.conf"
    except FileNotFoundError:
        return None
    return path if path.is_file() else None


def conversion_env(home: Path) -> dict[str, str]:
    """A minimal environment for soffice: a private HOME, and our font substitution."""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin"}
    conf = fontconfig_file()
    if conf is not None:
        env["FONTCONFIG_FILE"] = str(conf)
    return env


def docx_to_pdf(docx: bytes, name: str = "申报书", work: Path | None = None) -> bytes:
    """The PDF of ``docx``; raises ``PdfUnavailableError`` when LibreOffice is missing or fails.

    ``work``: the folder to convert in (``work_root``); None for the system's temporary folder (the CLI).
    """
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailableError(
            "本机没有安装 LibreOffice，无法生成 PDF：请安装 libreoffice-writer（Debian/Ubuntu："
            "apt-get install libreoffice-writer-nogui），或导出 Word 后用 WPS/Word 另存为 PDF。"
        )
    prefix = f"pdf-{os.getpid()}-" if work is not None else "case-assistant-pdf-"
    with tempfile.TemporaryDirectory(prefix=prefix, dir=_private_root(work)) as tmp:
        work = Path(tmp)
        source = work / "application.docx"
        source.write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            subprocess.run(
                command,
                capture_output=True,
                timeout=CONVERT_TIMEOUT_S,
                check=False,
                env=conversion_env(work),
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailableError(f"生成“{name}”的 PDF 超时（{CONVERT_TIMEOUT_S}秒），请稍后重试。") from exc
        pdf = work / "out" / "application.pdf"
        if not pdf.is_file():
            raise PdfUnavailableError(f"LibreOffice 未能把“{name}”转换为 PDF，请导出 Word 后另存为 PDF。")
        return pdf.read_bytes()
