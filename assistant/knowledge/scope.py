"""When the Q&A answers 「文件中没有找到相关规定」: weak evidence, another place or call, a document not held.

Why so few reasons: every extra way of declining used to be one more way to refuse an in-scope
question (five kinds of decline, six of them wrongly on one set). Now there are four, and each says why:

* **another place** — the question names a place that is not the call's home place (from the form
  spec) and that no held document is about (its title or issuer), and asks about a call
  (「四川省……截止时间」); the place someone is registered in is about the asker, not the call;
* **another call** — it names the home place (or no place) and a batch that is not the call's
  (「本市第三批」);
* **a document not held** — it names a document (《……》, or a name ending like a document's:
  「……条例」) that no held document's title holds and no passage mentions, or one the documents only list by
  title, issuer and date (:mod:`assistant.knowledge.references`) when it asks for more than those;
* **weak evidence** — the leading answer rests on evidence scoring below ``MIN_SCORE`` (set on the
  development rows of every committed set by ``bench/qa_calibrate.py``, whose output the README
  quotes), where a sentence lacking the kind of fact asked for (a date for a date question, a phone
  number for 电话: the lexicon's ``needs``) scores half. Routes that found the structure the question
  names (a document's particulars, a template part, a field, a case card) are not held to it; a kind
  of fact none of their lines holds still declines.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from assistant.knowledge.doc_facts import asked_particulars, title_core, unquoted
from assistant.knowledge.evidence import (
    BATCH,
    KIND_PENALTY,
    Evidence,
    asked_unit,
    leading,
    places_of,
    registration_place,
)
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.needs import missing_needed_fact, needed_facts
from assistant.knowledge.qtypes import OUT_OF_SCOPE
from assistant.knowledge.question import QUESTION_CHARS, Question
from assistant.knowledge.references import (
    mentioned_titles,
    named_bare_reference,
    named_cited_document,
    named_cited_number,
)
from assistant.knowledge.routes import Candidate
from assistant.knowledge.tokens import _jieba

if TYPE_CHECKING:
    from assistant.forms.spec import FormSpec
    from assistant.knowledge.search import KnowledgeBase

# Calibrated on the development rows of every committed set by bench/qa_calibrate.py (grid search).
MIN_SCORE = 0.04  # a question read wholly in scope is declined by missing facts and the reasons above, hardly its score
STRUCTURAL_UNTIL = 1.01  # a route's structure stands below this out-of-scope reading: calibrated (1.01 = always)
LEAD_CHECK_FLOOR = 0.1  # the leading line is read as not answering below this (assistant/knowledge/lead_check.py)
LEAD_CHECK_VOUCH = 0.5  # not calibrated: see vouched_by_lead_check
OOS_MARGIN = 0.6  # the evidence must be this much stronger for a question the learned layer reads as out of scope
# Evidence from a document a user imported: the learned reading knows the bundled documents only, so the score alone
# decides. No set holds an imported document, so nothing calibrates this: it is the MIN_SCORE shipped while the grid
# stopped at 0.30 (until 2026-12-07, tenth session).
IMPORTED_MIN_SCORE = 0.32
PLACE_BEFORE_BATCH = 8  # 「<本市>第三批」「<本市>这边的第一批」: the home place names the batch it comes just before
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\d{4}年\d{1,2}月")
_AMOUNT = re.compile(r"\d|[一二两三四五六七八九十百]+[个份类条项种部家]")


@cache
def default_call() -> FormSpec:
    """The call the Q&A serves when none is given: the bundled form (the first, when there are several)."""
    from assistant.forms.spec import available_forms, load_form

    return load_form(available_forms()[0])


def _about(kb: KnowledgeBase) -> str:
    return " ".join(f"{i.get('title', '')} {i.get('issuer', '')}" for i in kb.store.documents().values())


def other_place(question: Question, call: FormSpec, kb: KnowledgeBase) -> str | None:
    """A place the question's call is in, when that is not the home place and no held document is about it."""
    if not any_of(*lexicon().call_words).search(question.text):
        return None
    about = _about(kb)
    for place in places_of(question.text):
        if place != call.place and not registration_place(place, question.text) and place not in about:
            return place
    return None


def other_call(question: Question, call: FormSpec) -> str | None:
    """A batch of the home place's calls that is not this call's (「本市第三批」)."""
    if not call.batch:
        return None
    if not call.place:
        return None
    for found in BATCH.finditer(question.text):
        batch = found.group(0).replace("首批", "第一批")
        before = question.text[max(0, found.start() - PLACE_BEFORE_BATCH) : found.start()]
        if batch != call.batch and call.place in before:  # 「国家首批案例里有<本市>的吗」 asks about the national batch
            return batch
    return None


def national_batch(question: Question, kb: KnowledgeBase) -> str | None:
    """A national batch the question asks about (「国家第二批典型案例什么时候公布」) that no held text speaks of: the
    held documents speak of the national first batch only, and the home call's own batch is not the nation's."""
    national = any_of(*lexicon().national_words)
    for found in BATCH.finditer(question.text[:QUESTION_CHARS]):
        before = question.text[max(0, found.start() - PLACE_BEFORE_BATCH) : found.start()]
        if not national.search(before):
            continue
        batch = found.group(0)
        if not any(_national_before(text, batch, national) for _, text in _texts(kb)):
            return batch
    return None


def _national_before(text: str, batch: str, national: re.Pattern[str]) -> bool:
    """Does the text name this batch with a national word just before it (「国家数据局首批」「全国首批」)?"""
    same = ("首批", "第一批") if batch in ("首批", "第一批") else (batch,)
    for name in same:
        for at in (m.start() for m in re.finditer(re.escape(name), text)):
            if national.search(text[max(0, at - PLACE_BEFORE_BATCH) : at]):
                return True
    return False


_DOCUMENT = re.compile(r"《([^》]{2,40})》")


def missing_document(question: Question, kb: KnowledgeBase) -> str | None:
    """A document the question names that nothing held mentions (《……》 or 「……条例」)."""
    suffixes = any_of(*lexicon().document_suffixes).pattern
    tail = rf"[\u4e00-\u9fff]{{2,12}}?(?:{suffixes})(?=[是的吗呢，,。？?\s]|$)"
    typed = [n for n in re.findall(tail, question.text) if not any(w in n for w in lexicon().not_in_titles)]
    named = _DOCUMENT.findall(question.text) + typed  # a "name" holding 有没有/什么 is the question itself
    if not named:
        return None
    df, _ = kb.store.document_frequency()
    about = _about(kb)
    for name in named:
        if name in about or any(name in t for t in df) or len(name) < 4 or _ends_in_a_plain_word(name):
            continue
        core = title_core(name)  # 《数据要素×三年行动计划（2023—2025年）》: misremembered years, no quote marks
        if len(core) < 4 or not any(core in unquoted(text) for _, text in _texts(kb)):
            return name
    return None


def _ends_in_a_plain_word(name: str) -> bool:
    """「有没有现成的说法」 ends in 说法, a word of its own (the lexicon's ``not_document_words``), not the suffix of
    a document's name (数据安全法, 税法, 条例)."""
    return _jieba().lcut(name)[-1] in lexicon().not_document_words


def _texts(kb: KnowledgeBase) -> list[tuple[str, str]]:
    return [(cid, text) for doc_id in kb.store.documents() for cid, _loc, text in kb.store.section_chunks(doc_id)]


def outside(question: Question, call: FormSpec, kb: KnowledgeBase) -> str | None:
    """Why the question is about something the knowledge base does not hold (a sentence for the asker), or None."""
    if place := other_place(question, call, kb):
        return f"问题问的是{place}的征集，知识库中只有{call.place or '本地'}的征集文件"
    if batch := other_call(question, call):
        return f"问题问的是{call.place}{batch}的征集，知识库中是{call.batch}的征集文件"
    if batch := national_batch(question, kb):
        return f"问题问的是国家{batch}典型案例，知识库中没有关于它的资料"
    if document := missing_document(question, kb):
        return f"知识库中没有《{document}》"
    asks_its_particulars = bool(asked_particulars(question)) or question.has("date")  # 「……是哪天出的」: held
    if (named := named_bare_reference(question.text, kb)) and not asks_its_particulars:
        return f"知识库中只有《{named}》的名称和发文信息，没有收录它的内容"
    if named := named_bare_reference(question.text, kb, mentioned_titles(kb)):
        return f"知识库中只提到《{named}》的名称，没有收录它的内容"
    if (cited := named_cited_document(question.text, kb)) and not any_of(*lexicon().asks_title).search(question.text):
        return f"知识库中只提到《{cited}》的名称，没有收录它的内容"
    return None


_ASKED_COUNT = re.compile(r"哪\s*((?<!\d)\d{1,2}+(?!\d)|[一二两三四五六七八九十]{1,3}+)\s*([项个类种条])")
_LIST_BEFORE = re.compile(r"、[^，,。；;、]{1,24}(?:等|共|这)?$")  # 「铁路、港口、船舶三类」
_HAN_COUNTS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"两": 2}


def _items_after(text: str) -> int:
    """How many items follow, up to the sentence's end (「：需求牵引、注重实效；试点先行……」 or 「概括为A、B、C」)."""
    return len(re.findall(r"[、；;]", text.split("。")[0])) + 1


def unlisted_count(question: Question, evidence: list[Evidence]) -> str:
    """The leading sentence that counts what the question asks to have listed, and lists nothing (「……，配套7项安全
    措施。」 for 「具体是哪7项」), or ''. Quoting it as the answer would pass off the count as the list."""
    asked = _ASKED_COUNT.search(question.text)
    if not asked:
        return ""
    number, unit = asked.group(1), asked.group(2)
    wanted = int(number) if number.isdigit() else _HAN_COUNTS.get(number, 2)
    for item in leading(evidence):
        written = re.search(f"(?<!\\d)(?:{number}|{wanted}){unit}", item.sentence)  # 「哪七项」 counts the 7项 too
        if not written:
            continue
        at = written.start()
        listed_after = _items_after(item.sentence[written.end() :]) >= min(wanted, 3)
        if listed_after or _LIST_BEFORE.search(item.sentence[:at]):
            return ""
        return item.sentence
    return ""


def unquoted_cited_number(question: Question, evidence: list[Evidence], kb: KnowledgeBase) -> str:
    """The 文号 of a document the held ones only cite, when the question names it (「39号文原来定的截止日期」) and no
    leading sentence mentions it, or ''. The held notice's own deadline would answer as if it were the cited one's;
    「按39号文交过了还要再交吗」 is answered by the sentence that names 39号."""
    number = named_cited_number(question.text, kb)
    serial = number[number.find("〕") + 1 :] if number else ""
    if not serial or any(serial in item.sentence for item in leading(evidence)):
        return ""
    return number


def answer_score(question: Question, evidence: list[Evidence]) -> float:
    """The best evidence score, a sentence lacking the kind of fact asked for counting half."""
    needs = needed_facts(question)
    asks_amount = question.qtype == "number" or asked_unit(question) is not None  # 「多少张」 whatever the reading
    best = 0.0
    for item in leading(evidence, close=0.0, count=5):
        score = item.score
        lacks = any(not holds.search(item.sentence) for holds in needs)
        if question.qtype == "date" and not _DATE.search(item.sentence):
            lacks = True
        if asks_amount and not _AMOUNT.search(item.sentence):
            lacks = True
        best = max(best, score * KIND_PENALTY if lacks else score)
    return best


def too_weak(question: Question, leader: Candidate, imported: bool = False) -> bool:
    """The leading candidate does not answer: weak evidence, or a kind of fact none of its lines holds.

    ``imported``: its best line is from a document a user imported. The learned out-of-scope reading knows the
    bundled documents' scope only (「答辩的PPT有页数限制吗」 reads 0.45 out of scope, though the imported defence
    notice answers it), so such evidence needs ``IMPORTED_MIN_SCORE`` whatever the reading."""
    if leader.route == "particulars":
        return False
    if missing_needed_fact(question, leader.evidence, leader.lead, every=leader.structural):
        return True
    score = answer_score(question, leader.evidence)
    if leader.structural and question.reading.score(OUT_OF_SCOPE) < STRUCTURAL_UNTIL:
        return False
    needed = threshold(question, IMPORTED_MIN_SCORE, margin=0.0) if imported else threshold(question)
    return score < needed


def vouched_by_lead_check(question: Question, leader: Candidate) -> bool:
    """A question naming nothing in the documents' words, whose best line scores low, is answered when the lead check
    reads that line as answering it at ``LEAD_CHECK_VOUCH`` (a paraphrase: 「东西都准备齐了，到底往哪个单位送？」 reads
    0.55 with the model that did not see its set). Development rows of 25 sets read leave one set out: of the rows
    declined for this, 3 in scope read 0.52–0.77 and the one out of scope 0.14; in the calibration (every part)
    wrongly declined 11 → 10 of 1,887, declines unchanged (objective 343 → 346). Not for a yes/no question: the
    check reads the line on where to hand the materials in as answering almost any vague question, and
    「能帮我捋一下吗？能再说一遍吗？」 (requests to the assistant, naming nothing held) was answered with it."""
    if not LEAD_CHECK_FLOOR or question.has("yes_no"):  # 「能再说一遍吗」 asks the assistant, not the documents
        return False
    from assistant.knowledge.lead_check import answers

    probability = answers(question, leader, answer_score(question, leader.evidence))
    return probability is not None and probability >= LEAD_CHECK_VOUCH


def fails_lead_check(question: Question, leader: Candidate, imported: bool = False) -> bool:
    """The learned check (:mod:`assistant.knowledge.lead_check`) reads the leading line as not answering. Not for a
    document's particulars, nor for evidence from an imported document (the check learned the bundled ones)."""
    if not LEAD_CHECK_FLOOR or imported or leader.route == "particulars":
        return False
    from assistant.knowledge.lead_check import answers

    probability = answers(question, leader, answer_score(question, leader.evidence))
    return probability is not None and probability < LEAD_CHECK_FLOOR


def threshold(question: Question, min_score: float | None = None, margin: float | None = None) -> float:
    """The evidence score an answer needs: higher for a question the learned layer reads as out of scope."""
    min_score = MIN_SCORE if min_score is None else min_score
    margin = OOS_MARGIN if margin is None else margin
    return min_score + margin * question.reading.score(OUT_OF_SCOPE)
