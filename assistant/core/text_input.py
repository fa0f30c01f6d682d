"""Normalise text that people type or paste, before it is stored or printed.

NFC so the same character is always the same code points (a decomposed “é” or a
full-width variant pasted from a PDF would otherwise compare unequal); control and
bidirectional-override characters removed, because U+202E in a case name reverses
how it prints in Word and on screen, and a trailing CR/LF breaks the cover line.
Lone UTF-16 surrogates cannot be stored at all and are refused.

Unicode noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF and the last two of every plane)
are removed with the controls: U+FFFE/U+FFFF are not allowed in XML 1.0, so one of them
in a name or an answer made every .docx and PDF of the application fail. ``xml_safe``
is the same rule for text that reached storage before this one, applied by the exporter.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.core.errors import InvalidInputError

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
                                          for plane in range(17))
_CONTROL_LINE = re.compile(f"[\u0000-\u001f\u007f-\u009f{_BIDI}\ufeff{_NONCHARACTERS}]")
_CONTROL_BLOCK = re.compile(f"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f{_BIDI}\ufeff{_NONCHARACTERS}]")
# What XML 1.0 (and so .docx) cannot hold: C0 controls but tab/LF/CR, surrogates, and the noncharacters.
_NOT_XML = re.compile(f"[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff{_NONCHARACTERS}]")


class InvalidTextError(InvalidInputError):
    status_code = 422
    code = "invalid_text"


def _checked(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidTextError("内容中含有无效字符（不成对的 Unicode 代理字符），请删除后重试。") from exc
    return unicodedata.normalize("NFC", value)


def clean_line(value: str) -> str:
    """One-line text (a name, a title): no control characters at all, trimmed."""
    return _CONTROL_LINE.sub("", _checked(value)).strip()


def clean_block(value: str) -> str:
    """Multi-line text (an answer, 申报理由): line breaks and tabs kept, CRLF made LF, trimmed."""
    return _CONTROL_BLOCK.sub("", _checked(value).replace("\r\n", "\n").replace("\r", "\n")).strip()


def xml_safe(value: str) -> str:
    """``value`` without the characters an XML document cannot contain (for the exporters)."""
    return _NOT_XML.sub("", value or "")


def has_control_characters(value: str) -> bool:
    """Whether a one-line value (a file name) holds anything ``clean_line`` would remove."""
    return bool(_CONTROL_LINE.search(value or ""))


def visible_name(value: str) -> str:
    """A file name fit to print in a message: each control character shown as “?”."""
    return _CONTROL_LINE.sub("?", value or "")
