"""Turn files (.txt .md .docx .pdf .html) into section-aware chunks and store them.

Why sections: staff and applicants need a citation they can find in the paper copy
("二、申报工作安排 > （三）申报时间及案例遴选"), and a chunk that knows its heading
path also retrieves better. Headings are recognised in the forms Chinese official
documents use (一、 （一） 1、 （1） 第X章), Markdown ``#`` lines, and "附件" lines,
which start a new top-level part (an attached template numbers its parts anew).

Reading the files themselves is ``readers.py``; this module splits and stores.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Literal

from pydantic import BaseModel

from assistant.core.errors import LimitExceededError
from assistant.knowledge.corpus import FIELDS, DocumentMeta
from assistant.knowledge.index import Chunk, ChunkStore
from assistant.knowledge.injection import mark_instructions
from assistant.knowledge.readers import DocumentReadError, ExtractedText

CHUNK_SIZE = 400
CHUNK_OVERLAP = 60
MIN_SECTION_CHARS = 60
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "!", "?", ";", "，", ",", " ", ""]
_TITLE_WORDS = re.compile(r"通知|意见|方案|计划|办法|规定|决定|公告|报告|指引|指南|案例|申报书")


class IngestResult(BaseModel):
    """What happened to one file of a batch."""

    filename: str
    status: Literal["added", "updated", "duplicate", "error"]
    doc_id: str = ""
    title: str = ""
    chunks: int = 0
    message: str = ""


@dataclass
class Section:
    path: list[str]
    rank: int | None = None
    lines: list[str] = field(default_factory=list)
    heading: str = ""

    @property
    def text(self) -> str:
        lines = [_MD_HEADING.sub(r"\2", ln) if _MD_HEADING.match(ln.strip()) else ln for ln in self.lines]
        return "\n".join(lines).strip()

    @property
    def heading_only(self) -> bool:
        body = [ln.strip() for ln in self.lines if ln.strip()]
        return self.rank is not None and len(body) <= 1 and (not body or body[0].lstrip("# ") == self.heading)


# --- reading -------------------------------------------------------------------------------
def guess_title(extracted: ExtractedText, filename: str) -> str:
    """Front matter, Markdown H1, file properties, a title-like line, else the file name."""
    if extracted.header and extracted.header.get("title"):
        return str(extracted.header["title"])
    h1 = re.search(r"^#\s+(.+)$", extracted.text, re.M)
    if h1:
        return h1.group(1).strip()
    if extracted.title.strip():
        return extracted.title.strip()
    for line in extracted.text.split("\n")[:15]:
        line = line.strip()
        if 4 <= len(line) <= 60 and _TITLE_WORDS.search(line):
            return line
    return PurePath(filename).stem


# --- sections and chunks --------------------------------------------------------------------
_HEADINGS: list[tuple[re.Pattern[str], int, bool]] = [
    # pattern, rank, may the line carry body text after the heading?
    (re.compile(r"^附件[0-9一二三四五六七八九十]*[：:]"), 0, False),
    (re.compile(r"^第[一二三四五六七八九十百]+章"), 1, True),
    (re.compile(r"^[一二三四五六七八九十]+、"), 1, True),
    (re.compile(r"^第[一二三四五六七八九十百]+节"), 2, True),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), 2, True),
    (re.compile(r"^\d{1,2}[、.．](?!\d)"), 3, False),
    (re.compile(r"^[（(]\d{1,2}[）)]"), 4, False),
]
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")


def heading_of(line: str) -> tuple[int, str] | None:
    """(rank, heading text) if ``line`` opens a section, else None."""
    stripped = line.strip()
    md = _MD_HEADING.match(stripped)
    if md:
        return len(md.group(1)), md.group(2).strip()
    for pattern, rank, carries_body in _HEADINGS:
        if not pattern.match(stripped):
            continue
        if len(stripped) <= 40 and not stripped.endswith(("。", "；", "，")):
            return rank, stripped
        head = re.split(r"[。：:]", stripped, maxsplit=1)[0]
        if carries_body and len(head) <= 30:
            return rank, head
    return None


def split_sections(text: str) -> list[Section]:
    """Cut text at headings; each section remembers its heading path."""
    stack: list[tuple[int, str]] = []
    sections = [Section(path=[])]
    lines = text.split("\n")
    # A lone Markdown H1 is the document's title, not a part of every chunk's path.
    single_h1 = sum(1 for ln in lines if re.match(r"^#\s", ln.strip())) == 1
    for line in lines:
        found = heading_of(line)
        if found and single_h1 and re.match(r"^#\s", line.strip()):
            sections[-1].lines.append(line)
            continue
        if found:
            rank, title = found
            while stack and stack[-1][0] >= rank:
                stack.pop()
            stack.append((rank, title))
            sections.append(Section(path=[t for _, t in stack], rank=rank, heading=title))
        sections[-1].lines.append(line)
    return [s for s in sections if s.text]


def _locator(paths: list[list[str]]) -> str:
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    first, last = paths[0], paths[-1]
    if len(common) < max(len(first), len(last)) and len(paths) > 1:
        head = first[len(common)] if len(first) > len(common) else "正文"
        tail = last[len(common)] if len(last) > len(common) else "正文"
        if head != tail:
            common.append(f"{head} 至 {tail}")
        else:
            common.append(head)
    return " > ".join(common)


def _block(run: list[Section]) -> tuple[str, str]:
    with_body = [s.path for s in run if not s.heading_only] or [s.path for s in run]
    return _locator(with_body), "\n".join(s.text for s in run)


def _pack(sections: list[Section]) -> list[tuple[str, str]]:
    """Merge runs of tiny sections (heading-only lines, short items) into (locator, text) blocks.

    A run never crosses a heading once it has body text, so a chunk stays inside one
    part and its citation points at that part; a heading line with nothing under it
    is carried into the next part (or stands alone before a sibling heading).
    """
    blocks: list[tuple[str, str]] = []
    run: list[Section] = []
    for section in sections:
        heading = section.rank is not None
        sibling = run and heading and run[-1].heading_only and section.rank <= (run[-1].rank or 0)
        if sibling or (run and heading and any(not s.heading_only for s in run)):
            blocks.append(_block(run))
            run = []
        run.append(section)
        if len("\n".join(s.text for s in run)) >= MIN_SECTION_CHARS:
            blocks.append(_block(run))
            run = []
    if run:
        blocks.append(_block(run))
    return blocks


def _splitter():
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        chunk_size=CHUNK_SIZE,
        chunk_overlap=CHUNK_OVERLAP,
        keep_separator="end",
        length_function=len,
        strip_whitespace=True,
    )


def fields_for(locator: str, doc_fields: list[str]) -> list[str]:
    """A section named after fields concerns those fields; otherwise the document's fields apply."""
    named = [f for f in FIELDS if f in locator]
    return named or list(doc_fields)


def chunk_document(
    doc_id: str, text: str, meta: DocumentMeta, source: str, content_hash: str, origin: str
) -> list[Chunk]:
    """Split a document into chunks that carry its metadata and their section path."""
    text, _ = mark_instructions(text)  # instruction-like passages are data, never quoted (see injection)
    splitter = _splitter()
    chunks: list[Chunk] = []
    for locator, block in _pack(split_sections(text)):
        for piece in splitter.split_text(block):
            chunks.append(
                Chunk(
                    chunk_id=f"{doc_id}:{len(chunks):04d}",
                    doc_id=doc_id,
                    index=len(chunks),
                    text=piece,
                    locator=locator,
                    title=meta.title,
                    source=source,
                    kind=meta.kind,
                    fields=fields_for(locator, meta.fields),
                    issuer=meta.issuer,
                    doc_number=meta.doc_number,
                    date=meta.date,
                    source_url=meta.source_url,
                    content_hash=content_hash,
                    origin=origin,
                )
            )
    return chunks


CHUNKING_VERSION = "5"  # bump when chunking changes, so the bundled corpus is re-indexed


def content_hash_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_hash(text: str, meta: DocumentMeta, origin: str) -> str:
    """Identity of a document's content; bundled documents also hash metadata and chunking version."""
    if origin == "bundled":
        return content_hash_of(f"{CHUNKING_VERSION}\x00{meta.model_dump_json()}\x00{text}")
    return content_hash_of(text)


def read_path(path: Path, max_bytes: int) -> bytes:
    """Read a file for ingestion, turning OS errors into a Chinese message naming it."""
    try:
        if not path.is_file():
            raise DocumentReadError(f"找不到文件 {path}（或它不是普通文件）。")
        if path.stat().st_size > max_bytes:
            raise LimitExceededError(f"文件 {path.name} 超过大小上限 {max_bytes // (1024 * 1024)} MB，请拆分后再导入。")
        return path.read_bytes()
    except PermissionError as exc:
        raise DocumentReadError(f"文件 {path} 无法读取：没有读取权限。") from exc
    except OSError as exc:
        raise DocumentReadError(f"文件 {path} 无法读取：{exc.strerror or exc}。") from exc


@dataclass
class DocumentPlan:
    """A document read and cut into chunks, not yet embedded or stored: what an upload is judged by
    (its chunk count against ``ingest_max_chunks``) before the slow part starts."""

    doc_id: str
    meta: DocumentMeta
    filename: str
    chunks: list[Chunk]
    replaced: list[str]
    duplicate: IngestResult | None = None  # identical content is stored already: nothing to do


def plan_document(
    store: ChunkStore, *, doc_id: str, text: str, meta: DocumentMeta, source: str, origin: str, filename: str
) -> DocumentPlan:
    """Decide what storing a document means: a duplicate, a new one, or a new version replacing others.

    A user file re-uploaded under the same name with new content replaces the old
    version ("updated"); identical content under any name is a no-op ("duplicate").
    """
    content_hash = document_hash(text, meta, origin)
    documents = store.documents()
    existing = documents.get(doc_id)
    if existing and existing.get("content_hash") == content_hash:
        duplicate = IngestResult(
            filename=filename,
            status="duplicate",
            doc_id=doc_id,
            title=existing.get("title", ""),
            chunks=existing["chunks"],
            message="内容与已导入的文档相同，已跳过。",
        )
        return DocumentPlan(doc_id, meta, filename, [], [], duplicate)
    replaced = [
        d
        for d, info in documents.items()
        if d == doc_id or (origin == "user" and info.get("source") == source and info.get("origin") == "user")
    ]
    chunks = chunk_document(doc_id, text, meta, source, content_hash, origin)
    if not chunks:
        raise DocumentReadError(f"文件 {filename} 没有可提取的文字。")
    return DocumentPlan(doc_id, meta, filename, chunks, replaced)


def store_planned(
    store: ChunkStore, plan: DocumentPlan, on_progress: Callable[[int, int], None] | None = None
) -> IngestResult:
    """Embed and store a planned document (``on_progress(done, total)`` after each batch of chunks)."""
    if plan.duplicate is not None:
        return plan.duplicate
    for old in (d for d in plan.replaced if d == plan.doc_id):  # same chunk ids: must go before the add
        store.delete_document(old)
    store.add(plan.chunks, on_progress=on_progress)  # all or nothing (see ChunkStore.add)
    for old in (d for d in plan.replaced if d != plan.doc_id):  # an older version goes only once the new one is in
        store.delete_document(old)
    return IngestResult(
        filename=plan.filename,
        status="updated" if plan.replaced else "added",
        doc_id=plan.doc_id,
        title=plan.meta.title,
        chunks=len(plan.chunks),
        message="已更新为新版本。" if plan.replaced else "已导入。",
    )


def store_document(
    store: ChunkStore, *, doc_id: str, text: str, meta: DocumentMeta, source: str, origin: str, filename: str
) -> IngestResult:
    """Add one document unless identical content is already stored; replace older versions."""
    plan = plan_document(store, doc_id=doc_id, text=text, meta=meta, source=source, origin=origin, filename=filename)
    return store_planned(store, plan)
