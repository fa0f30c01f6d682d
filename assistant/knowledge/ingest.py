"""Turn files (.txt .md .docx .pdf .html) into chunks and store them: duplicates, new versions, all or nothing.

Reading the files themselves is ``readers.py``; cutting them into section-aware chunks is ``chunking.py``;
this module decides what storing a document means and stores it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Literal

from pydantic import BaseModel

from assistant.core.errors import LimitExceededError
from assistant.knowledge.chunking import chunk_document
from assistant.knowledge.corpus import DocumentMeta
from assistant.knowledge.index import Chunk, ChunkStore
from assistant.knowledge.lexicon import lexicon, words_pattern
from assistant.knowledge.readers import DocumentReadError, ExtractedText


class IngestResult(BaseModel):
    """What happened to one file of a batch."""

    filename: str
    status: Literal["added", "updated", "duplicate", "error"]
    doc_id: str = ""
    title: str = ""
    chunks: int = 0
    message: str = ""


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
        if 4 <= len(line) <= 60 and words_pattern(lexicon().title_words).search(line):
            return line
    return PurePath(filename).stem


CHUNKING_VERSION = "6"  # bump when chunking changes, so the bundled corpus is re-indexed


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
