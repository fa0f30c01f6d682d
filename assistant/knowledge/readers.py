"""Read the text out of an uploaded file (.txt .md .docx .pdf .html), Markdown headings kept.

Every failure is a :class:`DocumentReadError` (or ``LimitExceededError``) whose Chinese
message names the file, so a batch can report it and carry on. Untrusted uploads go
through ``parse_worker.extract_text_bounded``, which runs these readers in a child process.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from assistant.core.errors import InvalidInputError, LimitExceededError
from assistant.core.text_input import has_control_characters, visible_name
from assistant.knowledge.corpus import strip_conversion_marks
from assistant.knowledge.front_matter import read_front_matter

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm")


class DocumentReadError(InvalidInputError):
    code = "unreadable_document"


@dataclass
class ExtractedText:
    text: str
    title: str = ""
    header: dict | None = None


def _decode(name: str, data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentReadError(f"文件 {name} 无法读取：文本编码既不是 UTF-8 也不是 GBK/GB18030，请另存为 UTF-8 后重试。")


def _read_docx(name: str, data: bytes) -> ExtractedText:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise DocumentReadError(f"文件 {name} 已加密或是旧版 .doc 格式，无法读取：请去除密码并另存为 .docx 后重试。")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentReadError(f"文件 {name} 无法读取：不是有效的 .docx 文件（{exc}）。") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
                if cells:
                    lines.append(" | ".join(cells))
            continue
        style = (block.style.name if block.style is not None else "") or ""
        level = re.search(r"(?:Heading|标题)\s*(\d)", style)
        lines.append(("#" * int(level.group(1)) + " " if level else "") + block.text)
    return ExtractedText("\n".join(lines), title=document.core_properties.title or "")


def _read_pdf(name: str, data: bytes) -> ExtractedText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                unlocked = bool(reader.decrypt(""))
            except Exception:  # missing crypto backend or unsupported algorithm
                unlocked = False
            if not unlocked:
                raise DocumentReadError(f"文件 {name} 已加密，无法读取：请去除打开密码后重试。")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else "") or ""
    except DocumentReadError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DocumentReadError(f"文件 {name} 无法读取：PDF 已损坏或格式不受支持（{exc}）。") from exc
    return ExtractedText("\n".join(pages), title=str(title))


def _read_html(name: str, data: bytes) -> ExtractedText:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(name, data), "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript"]):
        tag.decompose()
    for level in range(1, 7):
        for heading in soup.find_all(f"h{level}"):
            heading.replace_with(f"\n{'#' * level} {heading.get_text(' ', strip=True)}\n")
    title = soup.title.get_text(strip=True) if soup.title else ""
    if soup.title:
        soup.title.decompose()
    return ExtractedText(soup.get_text("\n"), title=title)


def check_file_name(name: str) -> str:
    """Refuse a file name with control or direction characters (a NUL gave a 500; a newline or U+202E
    makes the name print as something else in lists and citations)."""
    if has_control_characters(name):
        raise DocumentReadError(
            f"文件名含有控制字符（如换行、制表符、空字符或文字方向控制符）：{visible_name(name)}，请改名后再上传。"
        )
    return name


def extract_text(name: str, data: bytes, max_bytes: int) -> ExtractedText:
    """Extract plain text (Markdown headings kept) from one file's bytes."""
    check_file_name(name)
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentReadError(f"文件 {name} 的类型不受支持：仅支持 {'、'.join(SUPPORTED_SUFFIXES)}。")
    if len(data) > max_bytes:
        raise LimitExceededError(f"文件 {name} 超过大小上限 {max_bytes // (1024 * 1024)} MB，请拆分后再导入。")
    if not data.strip():
        raise DocumentReadError(f"文件 {name} 是空文件，没有可导入的内容。")
    if suffix == ".docx":
        extracted = _read_docx(name, data)
    elif suffix == ".pdf":
        extracted = _read_pdf(name, data)
    elif suffix in (".html", ".htm"):
        extracted = _read_html(name, data)
    else:
        header, body = read_front_matter(name, _decode(name, data))
        extracted = ExtractedText(body, header=header)
    extracted.text = normalise_text(extracted.text)
    if not re.search(r"[0-9A-Za-z\u3400-\u9fff]", extracted.text):
        raise DocumentReadError(f"文件 {name} 没有可提取的文字（可能是空白文档或扫描件），请提供文字版。")
    return extracted


def normalise_text(text: str) -> str:
    text = strip_conversion_marks(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
