"""Document metadata and the bundled corpus in ``knowledge/corpus/``.

Layout of the bundled corpus (one file per document, UTF-8):

* ``<name>.md`` / ``<name>.txt`` starting with YAML front matter between two
  ``---`` lines, **or**
* ``<name>.txt`` / ``<name>.md`` with a sidecar ``<name>.meta.yaml`` — used for
  official texts copied verbatim (the seed notice), so the file stays byte-identical
  to the original.

Metadata keys (validated by :class:`DocumentMeta`): ``title``, ``issuer``,
``doc_number`` (文号), ``date`` (YYYY-MM-DD), ``source_url``, ``kind``
(``notice`` | ``plan_digest`` | ``case`` | ``template_example``), ``fields`` (any of
the fields of the bundled calls, :func:`field_names`) and an optional free-text ``note``.

Why metadata at all: every chunk carries its document's title, 文号 and source so a
citation can name them, and ``kind``/``fields`` drive the filters drafting uses to
pull guidance and exemplars for the applicant's field.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.core.errors import InvalidInputError
from assistant.core.resources import bundled_dir
from assistant.core.types import Passage


@cache
def field_names() -> tuple[str, ...]:
    """The fields of every bundled call (the action plan's twelve), in their order: a document's ``fields``
    and a search filter must name one. They come from the form files, not from code."""
    from assistant.forms.spec import available_forms, load_form

    return tuple(dict.fromkeys(f for form_id in available_forms() for f in load_form(form_id).fields))

KINDS: tuple[str, ...] = ("notice", "plan_digest", "case", "template_example")
Kind = Literal["notice", "plan_digest", "case", "template_example"]
CORPUS_SUFFIXES = (".md", ".txt")


class DocumentMeta(BaseModel):
    """What we know about a document besides its text."""

    title: str
    kind: Kind = "notice"
    issuer: str = ""
    doc_number: str = ""
    date: str = ""
    source_url: str = ""
    fields: list[str] = Field(default_factory=list)
    note: str = ""

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: list[str]) -> list[str]:
        unknown = [f for f in value if f not in field_names()]
        if unknown:
            raise ValueError(f"未知领域：{'、'.join(unknown)}；可选：{'、'.join(field_names())}")
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _date_text(cls, value: object) -> str:
        return "" if value is None else str(value)


class CorpusDocument(BaseModel):
    """One bundled document: stable id, metadata, text and a hash of both."""

    doc_id: str
    source: str
    meta: DocumentMeta
    text: str


def split_front_matter(raw: str) -> tuple[dict | None, str]:
    """Return (front-matter mapping or None, body). Only a leading ``---`` block counts."""
    text = raw.lstrip("\ufeff")
    if not text.startswith("---\n"):
        return None, raw
    end = text.find("\n---", 4)
    if end == -1:
        return None, raw
    header = yaml.safe_load(text[4:end]) or {}
    body = text[end + 4 :]
    if not isinstance(header, dict):
        return None, raw
    return header, body.lstrip("\n")


def _meta_for(path: Path, header: dict | None) -> DocumentMeta:
    sidecar = path.with_name(path.stem + ".meta.yaml")
    if sidecar.is_file():
        header = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    if header is None:
        raise InvalidInputError(f"内置文档 {path.name} 缺少元数据（YAML 头或 {sidecar.name}）。")
    try:
        return DocumentMeta.model_validate(header)
    except ValidationError as exc:
        raise InvalidInputError(f"内置文档 {path.name} 的元数据有误：{exc}") from exc


_CONVERSION_MARK = re.compile(r"\[bookmark: [^\]\n]{0,80}\]")


def strip_conversion_marks(text: str) -> str:
    """Remove marks a Word-to-text conversion leaves ("[bookmark: _GoBack]"): not the document's words,
    and in front of "3.数据安全技术……" they hide that the line is item 3 of a list."""
    return _CONVERSION_MARK.sub("", text)


def load_corpus_document(path: Path, root: Path) -> CorpusDocument:
    """Read one corpus file and its metadata (front matter or sidecar)."""
    raw = path.read_text(encoding="utf-8")
    header, body = split_front_matter(raw)
    meta = _meta_for(path, header)
    relative = path.relative_to(root).as_posix()
    text = strip_conversion_marks(body)
    return CorpusDocument(doc_id=f"corpus-{path.stem}", source=f"corpus/{relative}", meta=meta, text=text)


def load_bundled_corpus(root: Path | None = None) -> list[CorpusDocument]:
    """Every document under ``knowledge/corpus`` (sorted, so ids and order are stable)."""
    root = root or bundled_dir("knowledge") / "corpus"
    paths = sorted(p for p in root.rglob("*") if p.suffix in CORPUS_SUFFIXES and p.is_file())
    return [load_corpus_document(p, root) for p in paths]


def field_sections(field: str, kind: str = "plan_digest", root: Path | None = None) -> list[Passage]:
    """The sections of the bundled ``kind`` documents whose heading names ``field``, as citable passages.

    The reviewer's alignment check needs the action plan's directions for one field; reading
    them from the bundled files means a scripted ``draft``/``review`` does not have to build
    the search index first.
    """
    passages = []
    for doc in load_bundled_corpus(root):
        if doc.meta.kind != kind:
            continue
        for index, section in enumerate(re.split(r"(?m)^#{2,4} ", doc.text)):
            heading, _, body = section.partition("\n")
            if field and field in heading:
                passages.append(
                    Passage(
                        chunk_id=f"{doc.doc_id}#s{index}",
                        doc_id=doc.doc_id,
                        title=doc.meta.title,
                        source=doc.source,
                        locator=heading.strip(),
                        kind=kind,
                        text=body.strip(),
                    )
                )
    return passages
