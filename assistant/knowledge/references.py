"""Documents the knowledge base only names: a reference line that gives a title, its issuer and a date, and nothing
of what the document says.

Why: the action plan's digest lists related documents (「《全国智慧农业行动计划（2024—2028年）》：农业农村部，2024年10
月。」). Asked what such a document sets out (「全国智慧农业行动计划到2028年具体要达到哪些指标」), the Q&A quoted that
line, as if it answered: its words match the question well. The documents hold the name, not the content, so the
honest answer is 「文件中没有找到相关规定」 and why. Asked who issued it or when, the line does answer, and it is not
declined. A reference line that says more (「……，是公共数据授权运营的重要依据」「……，提出到2028年建成100个以上」)
holds content and is not a bare reference.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.core.chinese import split_sentences
from assistant.core.lru import BoundedCache
from assistant.core.settings import get_settings
from assistant.knowledge.lexicon import lexicon
from assistant.knowledge.question import QUESTION_CHARS

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

_REFERENCE = re.compile(r"^《([^》]{4,60})》(?:（[^）]{0,40}）)?[：:](.+)$")
_YEARS = re.compile(r"（[^）]*）")
_DATE_ONLY = re.compile(r"^\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:印发|公布|发布|施行)?$")
NAMING_CHARS = 6  # as retrieval names a held document: a run this long of the title, in no other title

_BARE: BoundedCache[dict[str, str]] = BoundedCache(lambda: get_settings().knowledge_cache_entries)


def bare_references(kb: KnowledgeBase) -> dict[str, str]:
    """Title (without its years) → the full title, for every reference line that gives only an issuer and dates,
    whose document is not itself held (cached by the index's content)."""
    return _BARE.get(kb.store.content_key(), lambda: _bare_references(kb))


def _bare_references(kb: KnowledgeBase) -> dict[str, str]:
    held = " ".join(str(info.get("title", "")) for info in kb.store.documents().values())
    sentences = [
        sentence.strip()
        for doc_id in kb.store.documents()
        for _chunk, _locator, text in kb.store.section_chunks(doc_id)
        for sentence in split_sentences(text, "。；;！？\n")
    ]
    found: dict[str, str] = {}
    other: list[str] = []  # sentences that are not bare references: a title mentioned there has content
    for sentence in sentences:
        match = _REFERENCE.match(sentence)
        if not match or not _only_issuer_and_dates(match.group(2)):
            other.append(sentence)
            continue
        core = _YEARS.sub("", match.group(1))
        if core not in held:
            found[core] = match.group(1)
    return {core: title for core, title in found.items() if not any(core in s for s in other)}


_MENTIONED: BoundedCache[dict[str, str]] = BoundedCache(lambda: get_settings().knowledge_cache_entries)
_TITLE = re.compile(r"《([^》]{4,60})》")
LISTED_TITLES = 2  # a sentence naming this many titles lists them (「常引用《……》《……》《……》」)


def mentioned_titles(kb: KnowledgeBase) -> dict[str, str]:
    """Title (without its years) → the full title, for every document not held that the knowledge base only names
    in lists of titles (「常引用《……法》《……条例》，施行日期等细节请查阅原文」): not even an issuer or a date is
    given, so nothing about it is answered (cached by the index's content)."""
    return _MENTIONED.get(kb.store.content_key(), lambda: _mentioned_titles(kb))


def _mentioned_titles(kb: KnowledgeBase) -> dict[str, str]:
    held = " ".join(str(info.get("title", "")) for info in kb.store.documents().values())
    listed: dict[str, str] = {}
    alone: list[str] = []  # sentences naming a single title: there it may be said what the document holds
    for doc_id in kb.store.documents():
        for _chunk, _locator, text in kb.store.section_chunks(doc_id):
            for sentence in split_sentences(text, "。；;！？\n"):
                titles = _TITLE.findall(sentence)
                if len(titles) >= LISTED_TITLES:
                    listed.update({_YEARS.sub("", t): t for t in titles})
                elif titles:
                    alone.append(sentence)
    return {core: t for core, t in listed.items() if core not in held and not any(core in s for s in alone)}


MIN_ISSUER = 4  # 「国家数据局」 names an issuer; 「数据局」 alone could be any
_CITED: BoundedCache[list[tuple[str, str]]] = BoundedCache(lambda: get_settings().knowledge_cache_entries)
_ISSUER_TITLE = re.compile(
    r"([\u4e00-\u9fff]{2,12}?(?:局|部|委|院|办|厅|署))(?:等部门|等\d{1,3}部门)?《([^》]{4,60})》"
)


def cited_documents(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(issuer, full title) of every document a held text cites with its issuer (「根据国家数据局《关于征集……的补充
    通知》要求」) that is not itself held: the knowledge base has its name and issuer, not what it says (cached)."""
    return _CITED.get(kb.store.content_key(), lambda: _cited_documents(kb))


def _cited_documents(kb: KnowledgeBase) -> list[tuple[str, str]]:
    held = " ".join(str(info.get("title", "")) for info in kb.store.documents().values())
    cited: dict[str, str] = {}
    for doc_id in kb.store.documents():
        for _chunk, _locator, text in kb.store.section_chunks(doc_id):
            for issuer, title in _ISSUER_TITLE.findall(text):
                if _YEARS.sub("", title) not in held:
                    cited.setdefault(title, issuer)
    return [(issuer, title) for title, issuer in cited.items()]


def named_cited_document(text: str, kb: KnowledgeBase) -> str | None:
    """The full title of the cited, unheld document the question names by its issuer and the kind of document its
    title ends in (「国家数据局的那个补充通知」), when no held document of that kind has that issuer; or None.

    Why: 「补充通知」 alone is the held notice, but 「国家数据局补充通知要求各省什么时候报」 asks what the national
    notice the held one cites sets out, and the held one's sentences answered it as their own."""
    held = [(str(i.get("issuer", "")), str(i.get("title", ""))) for i in kb.store.documents().values()]
    for issuer, title in cited_documents(kb):
        kind = next((k for k in lexicon().document_kinds if title.endswith(k)), None)
        # the run before 《 may start with other words (「根据国家数据局」): the issuer is the tail the question names
        named = next((issuer[i:] for i in range(len(issuer) - MIN_ISSUER + 1) if issuer[i:] in text), None)
        if kind is None or named is None or not _issuer_names_kind(text, named, kind):
            continue
        if not any(named in held_issuer and held_title.endswith(kind) for held_issuer, held_title in held):
            return title
    return None


ISSUER_GAP = 6  # 「国家数据局的那个补充通知」: at most this many characters between the issuer and the kind


def _issuer_names_kind(text: str, issuer: str, kind: str) -> bool:
    """Does the issuer come before the kind of document in one clause (「国家数据局补充通知」), rather than apart
    (「这个补充通知的文号是啥？跟国家数据局办大赛那个53号文是一回事吗」: the 补充通知 is the held one)?"""
    kind = re.escape(kind)  # said alone or closing a title in 《》 (「国家数据局那个《关于……的补充通知》」)
    gap = re.compile(rf"{re.escape(issuer)}[^，。？！?!；;,\s]{{0,{ISSUER_GAP}}}?(?:{kind}|《[^》]{{0,60}}?{kind}》)")
    return bool(gap.search(text[:QUESTION_CHARS]))


def _only_issuer_and_dates(rest: str) -> bool:
    """「农业农村部，2024年10月。」: one clause besides dates, and a short one (an issuer's name)."""
    clauses = [c.strip() for c in re.split(r"[，,]", rest.rstrip("。. ")) if c.strip()]
    words = [c for c in clauses if not _DATE_ONLY.match(c)]
    return len(words) <= 1 and all(len(c) <= 20 for c in words)


def named_bare_reference(text: str, kb: KnowledgeBase, references: dict[str, str] | None = None) -> str | None:
    """The full title of the one bare reference (or of ``references``) the question names by a run of its title
    that no other title holds (「智慧农业行动计划」), or None."""
    references = bare_references(kb) if references is None else references
    if not references:
        return None
    titles = [*references, *(str(i.get("title", "")) for i in kb.store.documents().values())]
    runs = {text[i : i + NAMING_CHARS] for i in range(min(len(text), 2000) - NAMING_CHARS + 1)}
    named = set()
    for core, title in references.items():
        hits = [r for r in runs if r in core and sum(r in t for t in titles) == 1]
        if hits:
            named.add(title)
    return named.pop() if len(named) == 1 else None


_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕(\d{1,4}+)号")
_ASKED_NUMBER = re.compile(r"(?:〕|(?<![\d月日第.]))(\d{1,4}+)号(?=文|通知|文件|那|这|的通知)")
_CITED_NUMBERS: BoundedCache[dict[str, str]] = BoundedCache(lambda: get_settings().knowledge_cache_entries)


def cited_numbers(kb: KnowledgeBase) -> dict[str, str]:
    """Serial number → the full 文号 of every document a held text cites by its 文号 (「（渝大数据发〔2024〕39号）」)
    whose serial no held document has (cached). The held notice's own 53号 is not one; a national 53号 is, but shares
    the serial with a held one and so is left out: 「53号文」 is then the held notice."""
    return _CITED_NUMBERS.get(kb.store.content_key(), lambda: _cited_numbers(kb))


def _cited_numbers(kb: KnowledgeBase) -> dict[str, str]:
    numbers = " ".join(str(info.get("doc_number", "")) for info in kb.store.documents().values())
    held = {found.group(1) for found in _DOC_NUMBER.finditer(numbers)}
    cited: dict[str, str] = {}
    for doc_id in kb.store.documents():
        for _chunk, _locator, text in kb.store.section_chunks(doc_id):
            for found in _DOC_NUMBER.finditer(text):
                if found.group(1) not in held:
                    cited.setdefault(found.group(1), found.group(0))
    return cited


def named_cited_number(text: str, kb: KnowledgeBase) -> str:
    """The full 文号 of a cited, unheld document the question names by its serial (「39号文原来定的截止日期」), or
    ''."""
    cited = cited_numbers(kb)
    return next((cited[n] for n in _ASKED_NUMBER.findall(text) if n in cited), "")
