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
from functools import cache
from typing import TYPE_CHECKING

from assistant.knowledge.evidence import Evidence
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.question import Question
from assistant.knowledge.routes import Candidate, Context

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

DOCUMENT_KINDS = ("notice", "policy", "plan_digest")
_NAME_PART = re.compile(r"[\u3400-\u9fffA-Za-z]{2,}|(?<!\d)\d++号")  # "53号补充通知": "53号" and "补充通知"
_LABELS = {"doc_number": "文号", "date": "所署日期", "issuer": "发文单位"}


@cache
def _asks() -> dict[str, re.Pattern[str]]:
    """In this order: "落款单位" asks for the issuer, "落款是哪天" for the date."""
    words = lexicon().particulars
    issued, when = any_of(*words.issued).pattern, any_of(*words.when).pattern
    who = any_of(*words.issuer_who).pattern
    return {
        "issuer": re.compile(rf"{any_of(*words.issuer).pattern}|(?:{who}).{{0,3}}(?:{issued})"),
        "doc_number": any_of(*words.doc_number),
        "date": re.compile(
            rf"落款.{{0,6}}(?:{when})|(?:{issued})(?:的|于)?(?:{when})|(?:{when}).{{0,4}}(?:{issued})"
            rf"|{any_of(*words.date).pattern}"
        ),
    }


def asked_particular(question: Question) -> str | None:
    """Which particular the question asks for (``doc_number``, ``date``, ``issuer``), if any."""
    text = question.original  # as asked: normalising may add words ("落款" becomes "落款日期")
    if any_of(*lexicon().particulars.not_particulars).search(text):
        return None
    for name, pattern in _asks().items():
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
    plain = any_of(*lexicon().particulars.not_a_name)
    names = _NAME_PART.findall(plain.sub(" ", question.text))
    if not names and question.context:  # 「成文日期是哪天」 after 「三年行动计划文号是多少」: the document named there
        names = _NAME_PART.findall(plain.sub(" ", " ".join(question.context)))
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


class Particulars:
    """Route: a document's own 文号, date or issuer, quoted from that document (whatever model is configured)."""

    name = "particulars"

    def answer(self, context: Context) -> Candidate | None:
        evidence, lead = particular_evidence(context.question, context.kb)
        return Candidate(self.name, evidence, lead, confidence=1.0, structural=True) if evidence else None
