"""The YAML front matter of an uploaded .md/.txt file, read as untrusted input.

Why not ``yaml.safe_load``: it expands aliases, so 394 bytes of ``&a``/``*a`` became a
25 MB ``date`` that every document listing returned, and any YAML error surfaced as a
500 that also stopped the rest of an upload batch. Here the header is at most 4 KB,
aliases are refused before anything is expanded, nesting is bounded, only the known
fields are kept (each a bounded text), and every problem is a ``FrontMatterError``
whose Chinese message names the file, so a batch reports it and goes on.

The bundled corpus is trusted and keeps using ``corpus.split_front_matter``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import yaml

from assistant.core.errors import InvalidInputError
from assistant.knowledge.corpus import KINDS, field_names

MAX_HEADER_BYTES = 4096
MAX_DEPTH = 3  # the mapping, a list (``fields``), its items
TEXT_LIMITS = {"title": 200, "issuer": 100, "doc_number": 60, "date": 20, "source_url": 500, "kind": 20, "note": 500}


class FrontMatterError(InvalidInputError):
    """Same code as ``readers.DocumentReadError``: the file is reported in its row, the batch goes on."""

    code = "unreadable_document"


class _Refused(Exception):
    """A construct we do not parse (aliases, deep nesting); the message completes “YAML 头……”."""


class _BoundedLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses aliases and nesting deeper than ``MAX_DEPTH``, before building anything."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _Refused("使用了别名引用（*名称），出于安全原因不予解析")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"嵌套超过{MAX_DEPTH}层")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_front_matter(name: str, raw: str) -> tuple[dict | None, str]:
    """(the known header fields, or None when there is no header; the body). Raises ``FrontMatterError``."""
    text = raw.lstrip("\ufeff")
    if not text.startswith("---\n"):
        return None, raw
    end = text.find("\n---", 4)
    if end == -1:
        return None, raw
    header = text[4:end]
    if len(header.encode("utf-8")) > MAX_HEADER_BYTES:
        raise FrontMatterError(
            f"文件 {name} 开头的 YAML 头（两行 --- 之间）超过 {MAX_HEADER_BYTES // 1024} KB，请精简后再导入。"
        )
    data = _parse(name, header)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, raw  # a horizontal rule and some text, not a header
    return known_fields(name, data), text[end + 4 :].lstrip("\n")


def _parse(name: str, header: str) -> Any:
    try:
        return yaml.load(header, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as exc:
        raise FrontMatterError(f"文件 {name} 的 YAML 头{exc}：请改为普通的“键: 值”后再导入。") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第{mark.line + 1}行）" if mark is not None else ""
        raise FrontMatterError(
            f"文件 {name} 的 YAML 头格式有误{where}：请修正文件开头两行 --- 之间的内容，或删除它后再导入。"
        ) from None


def known_fields(name: str, data: dict) -> dict:
    """Only the fields ``DocumentMeta`` knows, each checked and bounded; anything else is dropped."""
    kept: dict[str, Any] = {}
    for key, limit in TEXT_LIMITS.items():
        if data.get(key) is None:
            continue
        value = _text(name, key, data[key])
        if len(value) > limit:
            raise FrontMatterError(f"文件 {name} 的 YAML 头中 {key} 太长（上限{limit}字），请缩短后再导入。")
        kept[key] = value
    if kept.get("kind") and kept["kind"] not in KINDS:
        raise FrontMatterError(f"文件 {name} 的 YAML 头中 kind 须为以下之一：{'、'.join(KINDS)}。")
    if data.get("fields") is not None:
        kept["fields"] = _fields(name, data["fields"])
    return kept


def _text(name: str, key: str, value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip()
    raise FrontMatterError(f"文件 {name} 的 YAML 头中 {key} 应为一段文字，请修改后再导入。")


def _fields(name: str, value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else value
    fields = field_names()
    if not isinstance(items, list) or len(items) > len(fields) or not all(isinstance(i, str) for i in items):
        raise FrontMatterError(f"文件 {name} 的 YAML 头中 fields 应为领域名称的列表（最多{len(fields)}项）。")
    unknown = [i for i in items if i not in fields]
    if unknown:
        raise FrontMatterError(
            f"文件 {name} 的 YAML 头中 fields 有未知领域：{'、'.join(u[:20] for u in unknown[:3])}；"
            f"可选：{'、'.join(fields)}。"
        )
    return items
