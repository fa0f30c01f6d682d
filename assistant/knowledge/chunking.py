"""Cut a document into section-aware chunks: the heading path travels with every chunk, lists stay whole.

Why sections: staff and applicants need a citation they can find in the paper copy
("二、申报工作安排 > （三）申报时间及案例遴选"), and a chunk that knows its heading
path also retrieves better. Headings are recognised in the forms Chinese official
documents use (一、 （一） 1、 （1） 第X章), Markdown ``#`` lines, and "附件" lines,
which start a new top-level part (an attached template numbers its parts anew).

Why lists stay whole: a run of short numbered lines (「1.数据要素流向图」「2.商业模式、运行模式示意图」…)
looks like a run of headings, and used to become five chunks of ten characters each — a question
for "哪几类图" then retrieved one item, or a heading with nothing to quote. A run of two or more
consecutive numbered lines with nothing between them is an enumeration: its lines are the body of
the section above, and a block holding one is kept in one chunk up to ``LIST_CHUNK_SIZE``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.knowledge.corpus import DocumentMeta, field_names
from assistant.knowledge.index import Chunk
from assistant.knowledge.injection import mark_instructions

CHUNK_SIZE = 400
LIST_CHUNK_SIZE = 800
CHUNK_OVERLAP = 60
MIN_SECTION_CHARS = 60
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "!", "?", ";", "，", ",", " ", ""]


@dataclass
class Section:
    path: list[str]
    rank: int | None = None
    lines: list[str] = field(default_factory=list)
    heading: str = ""
    has_list: bool = False

    @property
    def text(self) -> str:
        lines = [_MD_HEADING.sub(r"\2", ln) if _MD_HEADING.match(ln.strip()) else ln for ln in self.lines]
        return "\n".join(lines).strip()

    @property
    def heading_only(self) -> bool:
        body = [ln.strip() for ln in self.lines if ln.strip()]
        return self.rank is not None and len(body) <= 1 and (not body or body[0].lstrip("# ") == self.heading)


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
_ITEM_NUMBER = re.compile(r"^\s*(?:[（(](\d{1,2})[）)]|(\d{1,2})[、.．](?!\d))")


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


def _item_number(line: str) -> tuple[str, int] | None:
    """("paren" | "dot", n) for a numbered list line (「1.」「2、」「（3）」), else None."""
    match = _ITEM_NUMBER.match(line)
    if not match:
        return None
    return ("paren", int(match.group(1))) if match.group(1) else ("dot", int(match.group(2)))


def list_item_lines(lines: list[str]) -> set[int]:
    """Indexes of lines that are items of an enumeration: ≥2 consecutive numbered lines of one style,
    numbered one after another, with no other line between them (blank lines aside)."""
    found: set[int] = set()
    run: list[int] = []
    previous: tuple[str, int] | None = None
    for index, line in enumerate([*lines, "\x00end"]):
        if not line.strip():
            continue
        number = _item_number(line) if line != "\x00end" else None
        follows = number and previous and number[0] == previous[0] and number[1] == previous[1] + 1
        if number and follows:
            run.append(index)
        else:
            if len(run) >= 2:
                found.update(run)
            run = [index] if number else []
        previous = number
    return found


def split_sections(text: str) -> list[Section]:
    """Cut text at headings; each section remembers its heading path. Enumerations are body text."""
    stack: list[tuple[int, str]] = []
    sections = [Section(path=[])]
    lines = text.split("\n")
    items = list_item_lines(lines)
    # A lone Markdown H1 is the document's title, not a part of every chunk's path.
    single_h1 = sum(1 for ln in lines if re.match(r"^#\s", ln.strip())) == 1
    for index, line in enumerate(lines):
        found = None if index in items else heading_of(line)
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
        sections[-1].has_list = sections[-1].has_list or index in items
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


@dataclass
class Block:
    locator: str
    text: str
    has_list: bool


def _block(run: list[Section]) -> Block:
    with_body = [s.path for s in run if not s.heading_only] or [s.path for s in run]
    return Block(_locator(with_body), "\n".join(s.text for s in run), any(s.has_list for s in run))


def _pack(sections: list[Section]) -> list[Block]:
    """Merge runs of tiny sections (heading-only lines, short items) into blocks.

    A run never crosses a heading once it has body text, so a chunk stays inside one
    part and its citation points at that part; a heading line with nothing under it
    is carried into the next part (or stands alone before a sibling heading).
    """
    blocks: list[Block] = []
    run: list[Section] = []
    for section in sections:
        heading = section.rank is not None
        sibling = run and section.rank is not None and run[-1].heading_only and section.rank <= (run[-1].rank or 0)
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
    named = [f for f in field_names() if f in locator]
    return named or list(doc_fields)


def chunk_document(
    doc_id: str, text: str, meta: DocumentMeta, source: str, content_hash: str, origin: str
) -> list[Chunk]:
    """Split a document into chunks that carry its metadata and their section path."""
    text, _ = mark_instructions(text)  # instruction-like passages are data, never quoted (see injection)
    splitter = _splitter()
    chunks: list[Chunk] = []
    for block in _pack(split_sections(text)):
        whole = block.has_list and len(block.text) <= LIST_CHUNK_SIZE
        for piece in [block.text.strip()] if whole else splitter.split_text(block.text):
            chunks.append(
                Chunk(
                    chunk_id=f"{doc_id}:{len(chunks):04d}",
                    doc_id=doc_id,
                    index=len(chunks),
                    text=piece,
                    locator=block.locator,
                    title=meta.title,
                    source=source,
                    kind=meta.kind,
                    fields=fields_for(block.locator, meta.fields),
                    issuer=meta.issuer,
                    doc_number=meta.doc_number,
                    date=meta.date,
                    source_url=meta.source_url,
                    content_hash=content_hash,
                    origin=origin,
                )
            )
    return chunks
