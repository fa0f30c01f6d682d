"""Keep private contact data out of publishable text (宣传推广材料 is published as is).

Phone numbers, e-mail addresses and ID numbers are removed; the names of the
负责人/联系人 given in the 申报信息表 are replaced by their role.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

_PATTERNS = {
    "手机号码": re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)"),
    "电话号码": re.compile(r"(?<!\d)[(（]?0\d{2,3}[)）]?[-\s]?\d{3,4}[-\s]?\d{4}(?!\d)"),
    # Starts only where a run of address characters starts, and takes the run whole: a long run without
    # an "@" is read once, not once per character (it was quadratic).
    "电子邮箱": re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "身份证号": re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),
}


class PersonTerm(BaseModel):
    name: str
    role: str
    phone: str = ""


def _phone_pattern(phone: str) -> re.Pattern[str] | None:
    """The person's own number however it is written (spaces, dashes, brackets between digits)."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return None
    return re.compile(r"(?<!\d)" + r"[-\s()（）]*".join(digits) + r"(?!\d)")


def private_data_message(kind: str) -> str:
    """What the applicant is told when ``kind`` (e.g. 手机号码) was taken out of a publishable part."""
    return f"宣传推广材料将对外公开，已去除其中的{kind}。"


class Redaction(BaseModel):
    text: str
    removed: list[str]


def find_private_data(text: str, people: list[PersonTerm] | None = None) -> list[str]:
    """Kinds of private data present in ``text`` (e.g. ["手机号码", "联系人姓名"])."""
    found = [kind for kind, pattern in _PATTERNS.items() if pattern.search(text)]
    own = [p for p in (_phone_pattern(x.phone) for x in people or []) if p]
    if any(p.search(text) for p in own) and "电话号码" not in found and "手机号码" not in found:
        found.append("电话号码")
    if any(p.name and len(p.name) >= 2 and p.name in text for p in people or []):
        found.append("负责人或联系人姓名")
    return found


def redact(text: str, people: list[PersonTerm] | None = None) -> Redaction:
    """Remove contact data from ``text``; report what kinds were removed."""
    removed: list[str] = []
    for person in people or []:
        pattern = _phone_pattern(person.phone)
        if pattern:
            text, count = pattern.subn("", text)
            if count:
                removed.append("电话号码")
    for kind, pattern in _PATTERNS.items():
        text, count = pattern.subn("", text)
        if count:
            removed.append(kind)
    for person in people or []:
        if person.name and len(person.name) >= 2 and person.name in text:
            # "联系人李演示" becomes "项目联系人", not "联系人项目联系人".
            text = re.sub(rf"(?:项目)?(?:负责人|联系人)?[:：]?\s*{re.escape(person.name)}", person.role, text)
            removed.append("负责人或联系人姓名")
    return Redaction(text=_tidy(text), removed=sorted(set(removed)))


_LABEL_LEFT = re.compile(
    r"(?:值班|服务|咨询|办公|热线)?(?:联系电话|电话|手机号码?|手机|邮箱|电子邮箱|联系方式)[:：]?\s*(?=[，,。；;、）)]|$)"
)


def _tidy(text: str) -> str:
    """Remove what a deletion leaves behind: empty brackets, a bare "电话：", doubled commas."""
    text = _LABEL_LEFT.sub("", text)
    text = re.sub(r"[（(]\s*[）)]", "", text)
    text = re.sub(r"[，,、]\s*(?=[，,、。；;])", "", text)
    text = re.sub(r"(?<=[。；;])\s*[，,、]", "", text)
    text = re.sub(r"^[，,、]\s*", "", text)
    return re.sub(r"(?:^|(?<=[。；！？\n]))\s*[。；]", "", text)  # a sentence that held only contact data
