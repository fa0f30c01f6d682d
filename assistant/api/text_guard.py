"""Refuse request text that cannot be stored: lone UTF-16 surrogates (``"\\ud800"``) in JSON.

JSON may escape a half of a surrogate pair on its own; Python decodes it into a
``str`` that SQLite, the drafter and the .docx writer cannot encode, which used to
surface as a 500. Checked once here, for every JSON body, before any route runs.
"""

from __future__ import annotations

import json

from fastapi import Request

from assistant.core.errors import InvalidInputError

INVALID_TEXT = "请求中含有无效字符（不成对的 Unicode 代理字符），请删除后重试。"


class InvalidTextError(InvalidInputError):
    status_code = 422
    code = "invalid_text"


def has_invalid_text(value: object) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(has_invalid_text(k) or has_invalid_text(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_invalid_text(v) for v in value)
    return False


async def reject_invalid_text(request: Request) -> None:
    """An app-wide dependency: 422 with a Chinese message for undecodable text in a JSON body."""
    if "json" not in request.headers.get("content-type", "").lower():
        return
    body = await request.body()
    if b"\\u" not in body and b"\\U" not in body:  # lone surrogates can only arrive escaped
        return
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return  # FastAPI reports invalid JSON itself
    if has_invalid_text(data):
        raise InvalidTextError(INVALID_TEXT)
