"""Render a .docx to PDF with LibreOffice, when it is installed.

The bureau wants a stamped PDF as well as the editable Word file. We do not ship an
office suite: ``soffice`` is feature-detected, and its absence is a clear Chinese
error naming the package to install. Each conversion uses a private profile
directory, so concurrent conversions and a user's own LibreOffice never collide.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.core.errors import UserFacingError

CONVERT_TIMEOUT_S = 120


class PdfUnavailableError(UserFacingError):
    status_code = 501
    code = "pdf_unavailable"


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, name: str = "申报书") -> bytes:
    """The PDF of ``docx``; raises ``PdfUnavailableError`` when LibreOffice is missing or fails."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailableError(
            "本机没有安装 LibreOffice，无法生成 PDF：请安装 libreoffice-writer（Debian/Ubuntu："
            "apt-get install libreoffice-writer-nogui），或导出 Word 后用 WPS/Word 另存为 PDF。"
        )
    with tempfile.TemporaryDirectory(prefix="case-assistant-pdf-") as tmp:
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
                env={"HOME": str(work), "PATH": "/usr/bin:/bin"},
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailableError(f"生成“{name}”的 PDF 超时（{CONVERT_TIMEOUT_S}秒），请稍后重试。") from exc
        pdf = work / "out" / "application.pdf"
        if not pdf.is_file():
            raise PdfUnavailableError(f"LibreOffice 未能把“{name}”转换为 PDF，请导出 Word 后另存为 PDF。")
        return pdf.read_bytes()
