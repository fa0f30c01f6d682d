"""The first line of an offline answer: the direct answer a colleague would give.

Why a separate lead: staff want "8月20日" or "不行，超过了5000字" before the quotes. The
lead is only ever *read off* the quoted evidence (a date, a number, a format, a
comparison of the question's value with the documents' limit), never invented, so the
citation check that guards model answers is not needed for it.
"""

from __future__ import annotations

import re

from assistant.knowledge.evidence import Evidence
from assistant.knowledge.index import PHRASES
from assistant.knowledge.question import Question

_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_NUMBER = re.compile(
    r"(?:不超过|不少于|超过|约|共|达|最多)?(?<![\d.])\d++(?:\.\d++)?\s*(?:%|万|亿)?(?:个|份|类|条|家|项|种|字|分钟|部门|倍|元|%)(?:左右|以上|以内)?"
    r"|一式[两二三四]份|(?<![一二两三四五六七八九十])[一二两三四五六七八九十]++(?:个|份|类|条|项|种|部分)"
)
_UNIT_VALUE = re.compile(r"((?<![\d.])\d++(?:\.\d++)?)\s*(字|分钟|份|个)")
_Q_DATE = re.compile(r"(\d{1,2})月(底|末|初|中旬|上旬|下旬|(\d{1,2})[日号])")
_DOC_NUMBER_LEAD = re.compile(r"^.*[为是的：:，,]")
_FORMATS = ("PDF", "Word", "MP4", "JPG", "PNG", "MOV", "PPT", "AVI")
_DAY_OF = {"底": 31, "末": 31, "下旬": 25, "中旬": 15, "上旬": 5, "初": 1}


def _first(pattern: re.Pattern[str], evidence: list[Evidence]) -> str | None:
    for item in evidence:
        match = pattern.search(item.sentence)
        if match and match.group(0).strip():
            return match.group(0).strip()
    return None


def _compare_value(question: Question, evidence: list[Evidence]) -> str | None:
    """ "写了6000字会不会超" against "不超过5000字": the documents' limit decides."""
    asked = _UNIT_VALUE.search(question.text)
    if not asked:
        return None
    value, unit = float(asked.group(1)), asked.group(2)
    for item in evidence:
        for match in _UNIT_VALUE.finditer(item.sentence):
            if match.group(2) == unit and match.group(0) != asked.group(0):
                limit = float(match.group(1))
                verdict = "超出了文件的要求" if value > limit else "在文件要求的范围内"
                return f"{asked.group(0)}{verdict}：文件写的是「{match.group(0)}」"
    return None


def _compare_date(question: Question, evidence: list[Evidence]) -> str | None:
    """ "8月底交还行吗" against the deadline in the evidence."""
    asked = _Q_DATE.search(question.original) or _Q_DATE.search(question.text)
    if not asked:
        return None
    month = int(asked.group(1))
    day = int(asked.group(3)) if asked.group(3) else _DAY_OF.get(asked.group(2), 31)
    for item in evidence:
        if "截止" not in item.sentence:
            continue
        found = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", item.sentence)
        if found:
            late = (month, day) > (int(found.group(2)), int(found.group(3)))
            verdict = "已超过截止时间" if late else "在截止时间之前"
            return f"{asked.group(0)}{verdict}：截止时间为{found.group(0)}"
    return None


def _compare_format(question: Question, evidence: list[Evidence]) -> str | None:
    """ "视频用mov可以吗" against the formats the documents name."""
    asked = [f for f in _FORMATS if f.lower() in question.original.lower()]
    text = " ".join(e.sentence for e in evidence)
    named = [f for f in _FORMATS if f in text]
    if not asked or not named:
        return None
    missing = [f for f in asked if f not in named]
    if missing:
        return f"文件没有提到{'、'.join(missing)}格式，要求的是{'、'.join(named)}格式"
    return f"文件要求的格式包括{'、'.join(named)}"


def lead_line(question: Question, evidence: list[Evidence]) -> str:
    """A one-line direct answer read off the evidence, or "" when none can be read."""
    if "yes_no" in question.types or "eligibility" in question.types:
        for compare in (_compare_date, _compare_value, _compare_format):
            found = compare(question, evidence)
            if found:
                return f"{found}。"
    top = evidence[:2]
    if question.qtype == "date" or (question.qtype != "number" and "date" in question.types):
        date = _first(_DATE, top)
        if date:
            return f"答：{date}。"
    if "文号" in question.text:
        number = _first(PHRASES, top)
        if number:  # "……的通知文号为国数政策〔2024〕53号": the 文号 is what follows the last 为/是/的
            return f"答：{_DOC_NUMBER_LEAD.sub('', number)}。"
    if "number" in question.types:
        number = _first(_NUMBER, top)
        if number:
            return f"答：{number}。"
    return ""
