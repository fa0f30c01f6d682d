"""A document's own particulars ("这个补充通知的文号是多少", "落款是哪天"): read off the document.

Why a separate path: sentence scoring ranks sentences that share the question's words,
and the particulars of a notice are a 文号 line at its head and an issuer and a date
at its foot, sharing no word with "文号是多少" or "落款是哪天". Another document's
sentence that happens to say "文号为……" then wins, and the answer names the wrong
document. Here the question names the document (words of its title), asks for one
particular (文号, date, issuer), and the answer is that document's metadata — given
only when the value is also found verbatim in the document's text, which is what is
quoted and cited.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.knowledge.evidence import Evidence
from assistant.knowledge.question import Question

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

DOCUMENT_KINDS = ("notice", "policy", "plan_digest")
_ISSUED = r"(?:发|印发|发布|出台|下发|公布|成文|签发)"
_WHEN = r"(?:哪天|哪一天|哪日|什么时候|啥时候|何时|几号|几月几号|哪年|日期|时间)"
_ASKS = {  # in this order: "落款单位" asks for the issuer, "落款是哪天" for the date
    "issuer": re.compile(
        rf"发文(?:单位|机关|部门)|落款(?:单位|机关|是谁)|(?:谁|哪(?:个|家)?(?:部门|单位|机关)).{{0,3}}{_ISSUED}"
    ),
    "doc_number": re.compile(r"文号|发文字号|发文号|文件号|字号是"),
    "date": re.compile(
        rf"落款.{{0,6}}{_WHEN}|{_ISSUED}(?:的|于)?{_WHEN}|{_WHEN}.{{0,4}}{_ISSUED}|落款日期|发文日期|成文日期"
    ),
}
_NOT_THE_DOCUMENT = re.compile(r"截止|截至|期限|之前|以前|deadline|开始征集|启动")
# What a question says besides the document's name: the particular asked for, pointers, interrogatives, particles.
_NOT_A_NAME = re.compile(
    "发文字号|发文单位|发文机关|落款单位|落款日期|发文日期|成文日期|文号|字号|落款|这个|那个|这份|那份|这次|本次|"
    "哪个部门|哪个单位|哪个机关|哪个|哪家|部门|单位|机关|什么时候|啥时候|何时|哪一天|哪天|几月几号|几号|哪年|日期|时间|"
    "多少|是什么|什么|是啥|印发|发布|出台|下发|公布|成文|签发|发文|征集|申报|文件|请问|一下|谁|呀|啊|呢|吗|吧|的|是|发|了|哪|啥"
)
_NAME_PART = re.compile(r"[\u3400-\u9fffA-Za-z]{2,}|(?<!\d)\d++号")  # "53号补充通知": "53号" and "补充通知"
_LABELS = {"doc_number": "文号", "date": "所署日期", "issuer": "发文单位"}


def asked_particular(question: Question) -> str | None:
    """Which particular the question asks for (``doc_number``, ``date``, ``issuer``), if any."""
    text = question.original  # as asked: normalising may add words ("落款" becomes "落款日期")
    if _NOT_THE_DOCUMENT.search(text):
        return None
    for name, pattern in _ASKS.items():
        if pattern.search(text):
            return name
    return None


def _value_forms(name: str, value: str) -> list[str]:
    """How the value is written in a document's text (a date as 2024年8月5日 or 2024年08月05日)."""
    if name != "date":
        return [value]
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not match:
        return [value]
    year, month, day = match.groups()
    return [f"{year}年{int(month)}月{int(day)}日", f"{year}年{month}月{day}日"]


def _named_document(question: Question, kb: KnowledgeBase) -> tuple[str, dict] | None:
    """The one document whose title holds every naming word of the question; a question naming none
    ("文号是多少", "这次征集是谁发的") means the notice when exactly one notice is loaded.

    None when a naming word is in no title ("大赛通知的文号": the 大赛 notice is not loaded as a
    document) or two titles fit equally: then ordinary retrieval answers, or declines.
    """
    names = _NAME_PART.findall(_NOT_A_NAME.sub(" ", question.text))
    documents = [(d, i) for d, i in kb.store.documents().items() if i.get("kind") in DOCUMENT_KINDS]
    if not names:
        documents = [(d, i) for d, i in documents if i.get("kind") == "notice"]
    fitting = [
        (d, i) for d, i in documents if all(n in f"{i.get('title', '')} {i.get('doc_number', '')}" for n in names)
    ]
    return fitting[0] if len(fitting) == 1 else None


def _quote(text: str, value: str) -> str:
    """The line holding ``value``; a bare date or number line gets the line above it (the issuer)."""
    lines = [line.strip() for line in text.splitlines()]
    for index, line in enumerate(lines):
        if value in line:
            above = next((lines[i] for i in range(index - 1, -1, -1) if lines[i]), "")
            return f"{above} {line}" if len(line) <= len(value) + 4 and above else line
    return ""


def particular_evidence(question: Question, kb: KnowledgeBase) -> tuple[list[Evidence], str]:
    """The quoted line and a lead ("答：渝大数据发〔2024〕53号（《……》）。"); empty when not answerable here."""
    name = asked_particular(question)
    if name is None:
        return [], ""
    named = _named_document(question, kb)
    if named is None:
        return [], ""
    doc_id, info = named
    value = str(info.get(name) or "").strip()
    if not value:
        return [], ""
    chunks = kb.store.section_chunks(doc_id)
    for form in _value_forms(name, value):
        for chunk_id, _locator, text in chunks:
            if form in text and (quote := _quote(text, form)):
                (passage,) = kb.store.passages([(chunk_id, 1.0)])
                evidence = Evidence(passage=passage, sentence=quote, score=1.0, rank=0)
                title = str(info.get("title", ""))
                named_title = title if title.startswith("《") else f"《{title}》"
                return [evidence], f"答：{form}（{named_title}的{_LABELS[name]}）。"
    return [], ""
