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

from assistant.knowledge.evidence import Evidence, function_words
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.question import QUESTION_CHARS, Question
from assistant.knowledge.routes import Candidate, Context
from assistant.knowledge.tokens import _jieba
from assistant.knowledge.values import claimed_day_is

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
            rf"落款.{{0,6}}(?:{when}|\d{{1,2}}月)|(?:{issued})(?:的|于)?(?:{when})|(?:{when}).{{0,4}}(?:{issued})"
            rf"|\d{{1,2}}月\d{{1,2}}[日号]\s?(?:{issued})"  # 「补充通知是7月3号发的吧」: a day claimed for it
            rf"|{any_of(*words.date).pattern}"
        ),
    }


def asked_particulars(question: Question) -> list[str]:
    """Which particulars the question asks for (``doc_number``, ``date``, ``issuer``), in the order asked
    ("文号和发文日期分别是什么" asks for two)."""
    text = question.original  # as asked: normalising may add words ("落款" becomes "落款日期")
    if any_of(*lexicon().particulars.not_particulars).search(text):
        return []
    found: list[tuple[str, int, int]] = []
    for name, pattern in _asks().items():
        match = pattern.search(text)
        if match and not any(match.start() >= s and match.end() <= e for _, s, e in found):
            found.append((name, match.start(), match.end()))
    return [name for name, _, _ in sorted(found, key=lambda f: f[1])]


def asked_particular(question: Question) -> str | None:
    """The first particular the question asks for, if any."""
    asked = asked_particulars(question)
    return asked[0] if asked else None


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
    names = _naming_words(" ".join(question.parts) or question.text)  # not the context: 「写材料要引用」 names nothing
    if not names and question.context:  # 「成文日期是哪天」 after 「三年行动计划文号是多少」: the document named there
        names = _naming_words(" ".join(question.context))
    documents = [(d, i) for d, i in kb.store.documents().items() if i.get("kind") in DOCUMENT_KINDS]
    if not names:
        documents = [(d, i) for d, i in documents if i.get("kind") == "notice"]
    fitting = _fitting(documents, names)
    if not fitting and (phrase := _document_phrase(question.text)):  # 「群里转的那个补充通知是截图，落款看不清」
        by_phrase = _fitting(documents, _naming_words(phrase))
        fitting = [(d, i) for d, i in by_phrase if not _names_other_number(question, i)]
    return fitting[0] if len(fitting) == 1 else None


def _fitting(documents: list[tuple[str, dict]], names: list[str]) -> list[tuple[str, dict]]:
    """The documents whose title or 文号 holds every naming word."""
    return [(d, i) for d, i in documents if all(n in f"{i.get('title', '')} {i.get('doc_number', '')}" for n in names)]


_NUMBER = re.compile(r"(?:[\u4e00-\u9fff]{2})?〔\d{4}〕\d{1,4}+号")  # with the issuer's last two characters


def _names_other_number(question: Question, info: dict) -> bool:
    """Does the question name a 文号 that is not this document's (「国数政策2024 53号就是本市这份补充通知吧」: the same
    serial as 渝大数据发〔2024〕53号, another issuer)?"""
    own = str(info.get("doc_number", ""))
    return any(number.group(0) not in own for number in _NUMBER.finditer(question.text[:QUESTION_CHARS]))


_POINTED = re.compile(r"(?:[这那哪]个|[这那]份|[，。？！?!；;、\s])")
PHRASE_BEFORE_KIND = 10  # characters before a kind of document (通知) that may still be its name


def _document_phrase(text: str) -> str:
    """The phrase naming a document where the question says its kind after a pointer (「群里转的那个补充通知是截图」 →
    「补充通知」): its other words (群里, 截图, 看不清) tell about the asker, not the document. A name without a pointer
    keeps all its words (「大赛的通知」 is not the held notice)."""
    kinds = any_of(*lexicon().document_kinds)
    for match in kinds.finditer(text[:QUESTION_CHARS]):
        before = text[max(0, match.start() - PHRASE_BEFORE_KIND) : match.start()]
        pointers = list(_POINTED.finditer(before))
        if pointers:
            return before[pointers[-1].end() :] + match.group(0)
        if match.start() <= PHRASE_BEFORE_KIND:  # the name opens the question
            return before + match.group(0)
    return ""


def _naming_words(text: str) -> list[str]:
    """The runs of the text that may name a document: not the lexicon's pointers (那个, 这次) and not words that
    say how it asks (「就市里那个补充通知」: 就 is an adverb, and 「就市里」 is in no title)."""
    plain = any_of(*lexicon().particulars.not_a_name).sub(" ", text[:QUESTION_CHARS])
    how = function_words(plain)
    words = "".join(" " if w in how else w for w in _jieba().lcut(plain))
    return _NAME_PART.findall(words)


def _quote(text: str, value: str) -> str:
    """The line holding ``value``; a bare date or number line gets the line above it (the issuer)."""
    lines = [line.strip() for line in text.splitlines()]
    for index, line in enumerate(lines):
        if value in line:
            above = next((lines[i] for i in range(index - 1, -1, -1) if lines[i]), "")
            return f"{above} {line}" if len(line) <= len(value) + 4 and above else line
    return ""


def _particular(kb: KnowledgeBase, doc_id: str, info: dict, name: str) -> tuple[Evidence, str] | None:
    """The line of the document holding its particular ``name``, and the value as written there."""
    value = str(info.get(name) or "").strip()
    if not value:
        return None
    chunks = kb.store.section_chunks(doc_id)
    for form in _value_forms(name, value):
        for chunk_id, _locator, text in chunks:
            if form in text and (quote := _quote(text, form)):
                (passage,) = kb.store.passages([(chunk_id, 1.0)])
                return Evidence(passage=passage, sentence=quote, score=1.0, rank=0), form
    return None


_FULL_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")


def _published_apart(question: Question, kb: KnowledgeBase, doc_id: str, info: dict) -> bool:
    """Does the question ask when the document was made public (「对外公布」) while its own text says that was another
    day than it is dated (「该文件于2024年1月4日向社会公开发布」, dated 2023年12月31日)? Then its sentences answer."""
    published = any_of(*lexicon().particulars.published)
    if not published.search(question.original):
        return False
    dated = set(_value_forms("date", str(info.get("date") or "")))
    return any(
        published.search(sentence) and "《" not in sentence and set(_FULL_DATE.findall(sentence)) - dated
        for _chunk, _locator, text in kb.store.section_chunks(doc_id)
        for sentence in re.split(r"[。；;\n]", text)
    )


def particular_evidence(question: Question, kb: KnowledgeBase) -> tuple[list[Evidence], str]:
    """The quoted lines and a lead ("答：渝大数据发〔2024〕53号（《……》的文号）。"); empty when not answerable here.
    Several particulars asked at once are each answered, in the order asked."""
    names = asked_particulars(question)
    named = _named_document(question, kb) if names else None
    if named is None:
        return [], ""
    doc_id, info = named
    if "date" in names and _published_apart(question, kb, doc_id, info):
        return [], ""
    found = [(name, hit) for name in names if (hit := _particular(kb, doc_id, info, name)) is not None]
    if len(found) < len(names):
        return [], ""
    title = str(info.get("title", ""))
    named_title = title if title.startswith("《") else f"《{title}》"
    if len(found) == 1:
        name, (evidence, form) = found[0]
        verdict = _claimed_day_verdict(question, form) if name == "date" else ""
        return [evidence], f"{verdict or '答：'}{form}（{named_title}的{_LABELS[name]}）。"
    values = "；".join(f"{_LABELS[name]}：{form}" for name, (_, form) in found)
    return [evidence for _, (evidence, _) in found], f"答：{named_title}的{values}。"


_CITED = re.compile(r"《([^》]{4,60})》")
_QUOTE_MARKS = re.compile(r"[“”\"‘’'「」『』\s]")
_BRACKETS = re.compile(r"[（(][^（()）]{0,20}[）)]")


def unquoted(text: str) -> str:
    """The text without quote marks and spaces: 「数据要素×三年行动计划」, as people type the held title's
    「“数据要素×”三年行动计划」."""
    return _QUOTE_MARKS.sub("", text)


def title_core(title: str) -> str:
    """A title without quote marks and bracketed spans (「（2023—2025年）」): what a misremembered title keeps."""
    return _BRACKETS.sub("", unquoted(title))


def citation_check(question: Question, kb: KnowledgeBase) -> tuple[list[Evidence], str]:
    """「申报理由里写的是依据《数据要素×三年行动计划（2023—2025年）》（国数政策〔2024〕53号），这样写对吗」: the title
    and 文号 as written, against the held document's (its line quoted); 对 when both are its own, else how it is
    written. Empty unless the question asks whether a document it names is cited right (the lexicon's ``citing``)."""
    cited = _CITED.search(question.text)
    if not cited or not any_of(*lexicon().particulars.citing).search(question.text):
        return [], ""
    core = title_core(cited.group(1))
    held = [
        (doc_id, info, own)
        for doc_id, info in kb.store.documents().items()
        if info.get("kind") in DOCUMENT_KINDS
        and (own := _own_title(str(info.get("title", ""))))
        and len(core) >= 4
        and core in title_core(own)
    ]
    if len(held) != 1 or (found := _particular(kb, held[0][0], held[0][1], "doc_number")) is None:
        return [], ""
    _doc_id, _info, own = held[0]
    evidence, number = found
    same_title = unquoted(cited.group(1)) == unquoted(own)
    same_number = all(n.group(0) in number for n in _NUMBER.finditer(question.text[:QUESTION_CHARS]))
    verdict = "对。" if same_title and same_number else "不对。应写作"
    return [evidence], f"{verdict}《{own}》（{number}）。"


def _own_title(title: str) -> str:
    """The document's own title: the 《……》 a digest's title names (「《……》要点摘要」), else the title."""
    named = _CITED.search(title)
    return named.group(1) if named else title.strip("《》")


def _claimed_day_verdict(question: Question, date: str) -> str:
    """「对。」 or 「不对。」 when the question claims the document's day (「补充通知是7月3号发的吧」), else ""."""
    same = claimed_day_is(question.original, date)
    return "" if same is None else ("对。" if same else "不对。")


class Particulars:
    """Route: a document's own 文号, date or issuer, quoted from that document (whatever model is configured)."""

    name = "particulars"

    def answer(self, context: Context) -> Candidate | None:
        evidence, lead = particular_evidence(context.question, context.kb)
        if not evidence:
            evidence, lead = citation_check(context.question, context.kb)
        return Candidate(self.name, evidence, lead, confidence=1.0, structural=True) if evidence else None
