"""Put an existing application into the template's parts: headings first, meaning where they fall short.

Walks the file in reading order. Headings open sections: one that names a single part pins its
paragraphs there; a merged heading (several parts) or a group heading (案例简介 with no
sub-headings) lets ``meaning`` split its paragraphs among those parts in template order; a heading
that names nothing is placed by what its paragraphs say, between the part before it and the next
pinned part. The cover and the 申报信息表 are read into the info fields; the 多媒体材料目录 and the
承诺书 are the template's own text and are not imported. Every paragraph keeps its words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.core.textlen import count_words
from assistant.forms.spec import FormSpec
from assistant.importing.headings import is_heading, match_heading
from assistant.importing.info_table import InfoReader
from assistant.importing.meaning import PartMeaning, segment
from assistant.importing.models import Block, ImportResult, PartSummary, Placement, SourceDocument
from assistant.importing.vocabulary import vocabulary

_DATE_LINE = re.compile(r"^(\d{4})?\s*年\s*(\d{1,2})?\s*月\s*(\d{1,2})?\s*日$")
_BODY = re.compile(r"[。；！？]")
_MARKER = re.compile(r"【待补充[：:]?[^】]{0,40}】")


@dataclass
class Section:
    heading: str
    candidates: list[str] | None  # None: a heading that names nothing (placed by meaning)
    method: str = "heading"
    group: str | None = None
    paragraphs: list[str] = field(default_factory=list)


class _Walk:
    """The state of one pass over the file."""

    def __init__(self, form: FormSpec) -> None:
        self.form = form
        self.info = InfoReader(form)
        self.zone = "cover"  # cover | info | media | pledge | parts
        self.group: str | None = None
        self.sections: list[Section] = []
        self.headings: list[tuple[str, list[str]]] = []
        self.old_notice = False
        self.last_field: str | None = None

    def heading(self, text: str) -> bool:
        match = match_heading(self.form, text, self.group)
        if match.section in ("info", "media", "pledge", "cover"):
            self.zone, self.last_field = match.section, None
            self.headings.append((text, []))
            return True
        if self.zone in ("media", "pledge") and match.parts and match.method == "alias":
            return False  # a picture kind in the media list (“3.……示意图”) is not the part an alias in it names
        if match.parts or match.group:
            self.zone, self.group = "parts", match.group
            candidates = match.parts or [p.id for g in self.form.groups if g.id == match.group for p in g.parts]
            method = match.method if len(candidates) == 1 else "meaning"
            self.sections.append(Section(text, candidates, method, match.group))
            self.headings.append((text, list(match.parts)))
            return True
        if self.zone == "parts":
            self.sections.append(Section(text, None, "meaning", self.group))
            return True
        return False

    def body(self, block: Block) -> None:
        text = block.text
        if _MARKER.fullmatch(text):
            return  # the template's 【待补充：…】 placeholder is not the applicant's text
        if self.zone in ("cover", "info") and self._info(text):
            return
        if self.zone in ("media", "pledge"):
            return
        if self.zone in ("cover", "info") and not (len(text) >= 40 and _BODY.search(text)):
            return  # a title line or a stray label of the cover / table
        if not self.sections or self.zone != "parts":
            self.zone = "parts"
            self.sections.append(Section("", None, "meaning", self.group))
        self.sections[-1].paragraphs.append(text)

    def _info(self, text: str) -> bool:
        cells = [c.strip() for c in text.split("|")] if "|" in text else None
        if cells and self.info.read_row(cells):
            self.last_field = self.info.field_of(cells[0])
            return True
        if self.info.read_line(text):
            self.last_field = self.info.field_of(re.split("[：:]", text, maxsplit=1)[0])
            return True
        if _DATE_LINE.match(text):
            self.info.take("date", [text])
            return True
        if self.last_field and (self.zone == "info" or len(text) <= 30) and not cells:
            return self.info.extend(self.last_field, text)
        return False


def _resolve(
    form: FormSpec, sections: list[Section], meaning: PartMeaning | None
) -> list[tuple[str, str, str, str]]:
    """(paragraph, part id, method) in reading order; an unnamed heading is kept when it is a sub-heading."""
    order = form.part_ids()
    out: list[tuple[str, str, str, str]] = []
    previous: str | None = None
    rows = _scored(form, sections, meaning) if any(_needs_meaning(s) for s in sections) else None
    for index, section in enumerate(sections):
        if section.candidates and len(section.candidates) == 1:
            part = section.candidates[0]
            out += [(p, part, section.method, section.heading) for p in section.paragraphs]
            previous = part
            continue
        if not section.paragraphs:
            continue
        assert rows is not None
        if section.candidates:
            candidates = section.candidates
        else:
            candidates = _between(form, previous, _next_pinned(sections, index), section.group)
        texts = _meaning_texts(section)
        if not texts:
            continue
        scores = rows[index]
        if section.candidates or not section.heading:
            picks = segment(scores, [order.index(c) for c in candidates], cover=bool(section.candidates))
            out += [(t, order[j], "meaning", section.heading) for t, j in zip(texts, picks, strict=True)]
            previous = order[picks[-1]]
            continue
        columns = [order.index(c) for c in candidates]
        best = max(columns, key=lambda j: float(scores[:, j].mean()))
        part = order[best]
        kept = texts if part == previous else texts[1:]  # a sub-heading inside the part stays as its text
        out += [(t, part, "meaning", section.heading) for t in kept]
        previous = part
    return out


def _needs_meaning(section: Section) -> bool:
    """A section whose paragraphs headings alone cannot place (the e5 model is loaded only then)."""
    return bool(section.paragraphs) and (not section.candidates or len(section.candidates) > 1)


def _meaning_texts(section: Section) -> list[str]:
    """What meaning reads of a section: its paragraphs, after its heading when the heading names no part."""
    texts = section.paragraphs if section.candidates else [section.heading, *section.paragraphs]
    return [t for t in texts if t]


def _scored(form: FormSpec, sections: list[Section], meaning: PartMeaning | None) -> dict[int, np.ndarray]:
    """Section index → the similarity rows of its texts (an unnamed heading, then its paragraphs), less the centre.

    Every text of the file is embedded in one pass (each distinct text once, at most ``MAX_READ`` of them:
    see ``PartMeaning.scores``). The centre is each part's mean similarity over this file's paragraphs:
    subtracted, so a part that resembles everything (a broad part, a summary part built from others) does not
    win paragraphs for that reason alone."""
    meaning = meaning or PartMeaning(form)
    spans: dict[int, tuple[int, int]] = {}
    texts: list[str] = []
    paragraph_rows: list[int] = []
    for index, section in enumerate(sections):
        start = len(texts)
        own = _meaning_texts(section) if section.paragraphs else []
        texts += own
        heading = 1 if own and not section.candidates and section.heading else 0
        paragraph_rows += range(start + heading, len(texts))
        spans[index] = (start, len(texts))
    scores = meaning.scores(texts)
    centre = scores[paragraph_rows].mean(axis=0) if paragraph_rows else 0.0
    return {
        index: scores[start:end] - centre
        for index, (start, end) in spans.items()
        if _needs_meaning(sections[index])
    }


def _next_pinned(sections: list[Section], index: int) -> str | None:
    for section in sections[index + 1 :]:
        if section.candidates:
            return section.candidates[0]
    return None


def _between(form: FormSpec, previous: str | None, following: str | None, group: str | None) -> list[str]:
    """Parts a section with an unnamed heading may belong to: from the last placed part to the next pinned one."""
    order = [p.id for g in form.groups if group in (None, g.id) for p in g.parts]
    start = order.index(previous) if previous in order else 0
    end = order.index(following) if following in order else len(order)
    return order[start:end] if end > start else order[start : start + 1]


def import_document(form: FormSpec, source: SourceDocument, meaning: PartMeaning | None = None) -> ImportResult:
    """The whole mapping of one file; ``meaning`` is built on first need (it loads the e5 model)."""
    walk = _Walk(form)
    markers = vocabulary().old_notice.markers
    for kind, index in source.order:
        if kind == "table":
            table = source.tables[index]
            if not any([walk.info.read_row(row) for row in table.rows]) and walk.zone == "parts" and walk.sections:
                walk.sections[-1].paragraphs += ["：".join(c for c in row if c) for row in table.rows if any(row)]
            continue
        block = source.blocks[index]
        walk.old_notice = walk.old_notice or any(m in block.text for m in markers)
        if is_heading(block) and walk.heading(block.text):
            continue
        walk.body(block)
    placed = _resolve(form, walk.sections, meaning)
    result = ImportResult(
        form_id=form.id,
        source=source.name,
        kind=source.kind,
        old_notice=walk.old_notice,
        info=walk.info.finish(),
        info_read=walk.info.found,
        headings=walk.headings,
        paragraphs=[
            Placement(index=i, text=text, part_id=part, method=method, heading=heading)
            for i, (text, part, method, heading) in enumerate(placed)
        ],
    )
    return summarise(form, result)


def summarise(form: FormSpec, result: ImportResult) -> ImportResult:
    """Part sizes against their budgets, the missing parts and the notes; again after the applicant moves text."""
    texts = result.texts()
    result.parts = []
    for part in form.all_parts():
        words = count_words("\n".join(texts.get(part.id, [])))
        result.parts.append(
            PartSummary(
                part_id=part.id,
                title=part.title,
                paragraphs=len(texts.get(part.id, [])),
                words=words,
                budget=part.default_budget,
                over=words > part.default_budget,
            )
        )
    result.missing = [p.id for p in form.all_parts() if not texts.get(p.id)]
    result.notes = _notes(form, result)
    return result


def _notes(form: FormSpec, result: ImportResult) -> list[str]:
    notes = []
    if result.old_notice:
        notes.append(
            "这份文件按第一批通知（渝大数据发〔2024〕39号）的模板编写：补充通知要求重新提交，"
            "已按新模板的各部分重新归类，请核对后补充新模板要求的内容。"
        )
    for summary in result.parts:
        if summary.over:
            notes.append(
                f"“{summary.title}”{summary.words}字，超过建议的{summary.budget}字：导入后可用“压缩”精简（保留全部数字）。"
            )
    for group in form.groups:
        total = sum(s.words for s in result.parts if form.group_of(s.part_id).id == group.id)
        if total > group.limit:
            notes.append(f"“{group.title}”共{total}字，超过{group.limit}字的上限，提交前必须压缩。")
    if result.missing:
        titles = "、".join(form.part(pid).title for pid in result.missing)
        notes.append(f"文件中没有找到：{titles}。导入后助手会从这些部分开始提问。")
    if not result.info_read:
        notes.append("没有找到申报信息表，请在“申报信息表”中填写。")
    return notes
