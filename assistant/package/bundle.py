"""The package zip named after the case: every file the notice asks for, in the template's order.

申报书（可编辑）.docx, 申报书（待盖章）.pdf, 宣传推广材料.docx, 多媒体材料/ (图1 is the
数据要素流向图, then the template's other picture kinds in order, then the video) and 材料清单.txt.
Names inside the zip are built from the template's words and the case name, never from a path the
applicant gave; the zip is written in memory.
"""

from __future__ import annotations

import io
import re
import zipfile

from pydantic import BaseModel

from assistant.forms.spec import FormSpec
from assistant.package.checklist import PackageContents, checklist_text

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class MediaEntry(BaseModel):
    number: int | None  # the template's picture number (1 = 数据要素流向图); None for the video
    filename: str
    data: bytes


def safe_name(text: str, fallback: str) -> str:
    cleaned = _UNSAFE.sub("-", text).strip(" .")
    return cleaned[:80] or fallback


def package_zip(
    form: FormSpec,
    case_name: str,
    docx: bytes,
    promo_docx: bytes,
    pdf: bytes | None,
    media: list[MediaEntry],
    contents: PackageContents,
) -> tuple[str, bytes]:
    """(zip file name, zip bytes)."""
    stem = safe_name(case_name, "申报材料")
    buffer = io.BytesIO()
    files: list[str] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes) -> None:
            archive.writestr(f"{stem}/{name}", data)
            files.append(name)

        add("申报书（可编辑）.docx", docx)
        if pdf is not None:
            add("申报书（待盖章）.pdf", pdf)
        add("宣传推广材料.docx", promo_docx)
        pictures = sorted((m for m in media if m.number is not None), key=lambda m: m.number or 0)
        for entry in pictures:
            kinds = form.media.images
            kind = kinds[entry.number - 1] if entry.number and entry.number <= len(kinds) else "图片"
            add(f"多媒体材料/图{entry.number}-{safe_name(kind, '图片')}.jpg", entry.data)
        for entry in (m for m in media if m.number is None):
            add(f"多媒体材料/视频-{safe_name(entry.filename.rsplit('.', 1)[0], '案例视频')}.mp4", entry.data)
        contents = contents.model_copy(update={"files": [*files, "材料清单.txt"]})
        archive.writestr(f"{stem}/材料清单.txt", checklist_text(form, contents).encode("utf-8-sig"))
    return f"{stem}.zip", buffer.getvalue()
