"""Staff policy Q&A: grounded answers with numbered citations, or an honest refusal.

Flow: the question is normalised and its types read by the learned layer
(:mod:`assistant.knowledge.question`) → the call's scope is checked (another place, another call, a
document not held: :mod:`assistant.knowledge.scope`) → retrieval (:mod:`assistant.knowledge.retrieval`)
→ the answer routes, in the order of the registry (:mod:`assistant.knowledge.routes`), each returning a
typed candidate with its evidence → the first confident candidate leads, unless its evidence is too weak
→ the answer: the lead line, then the quoted sentences with ``[n]``; the citations are the quoted
passages followed by the best raw retrieval passages. A question of several parts ("文号是多少，成文日期是
哪天") is answered part by part, every part in the answer.

With a model configured, the offline answer is built first (it is the fallback); the cited passages and
the question's types go to the model, and every sentence it writes must cite a passage that supports it
(:mod:`assistant.knowledge.model_answer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assistant.core.errors import InvalidInputError, ModelUnavailableError
from assistant.core.types import Passage
from assistant.knowledge.case_compare import FIGURES, CaseComparison, compared_cards
from assistant.knowledge.doc_facts import particular_evidence
from assistant.knowledge.evidence import Evidence, aliases, content_terms, function_words
from assistant.knowledge.lexicon import lexicon
from assistant.knowledge.model_answer import ask_model, check_citations, is_supported
from assistant.knowledge.qtypes import OUT_OF_SCOPE
from assistant.knowledge.question import Question, analyse
from assistant.knowledge.retrieval import query_vector, retrieve
from assistant.knowledge.routes import Candidate, Context, run_routes
from assistant.knowledge.scope import (
    answer_score,
    default_call,
    fails_lead_check,
    outside,
    too_weak,
    unlisted_count,
    unquoted_cited_number,
    vouched_by_lead_check,
)

if TYPE_CHECKING:
    from assistant.forms.spec import FormSpec
    from assistant.knowledge.search import KnowledgeBase
    from assistant.llm.chat import ChatModel

__all__ = ["NOT_FOUND", "Citation", "QAAnswer", "answer_question", "check_citations", "is_supported", "model_answer"]

NOT_FOUND = "文件中没有找到相关规定。"
RAW_CITED = 3
MAX_CITATIONS = 6
MODEL_PASSAGES = 6
WHOLE_IN_SCOPE = 0.5
UNHELD_MIN_SCORE = 0.32  # the MIN_SCORE of every question until the tenth session: see answer_question


class Citation(BaseModel):
    source: str
    title: str
    locator: str
    text: str


class QAAnswer(BaseModel):
    question: str
    answer: str
    grounded: bool
    citations: list[Citation] = Field(default_factory=list)
    route: str = ""  # which answer route led ("particulars", "template", …; "model" when the model's answer stood)
    question_types: list[str] = Field(default_factory=list)


def _citation(passage: Passage) -> Citation:
    return Citation(source=passage.source, title=passage.title, locator=passage.locator, text=passage.text)


def declined(question: str, why: str = "") -> QAAnswer:
    reason = f"{why}。" if why else "已检索内置政策文件和已导入的文档，没有找到能回答这个问题的内容；"
    return QAAnswer(
        question=question,
        answer=f"{NOT_FOUND}{reason}如需查询其他文件，请先在知识库中导入该文件。",
        grounded=False,
    )


def _cited_order(leader: Candidate, raw: list[Passage]) -> list[Passage]:
    """The passages to cite, in order: what the leader quotes, with the best raw retrieval passages among the
    first three unless the route found the structure the question names (then its own passages lead)."""
    quoted = list({e.passage.chunk_id: e.passage for e in leader.evidence}.values())
    best_raw = raw[:RAW_CITED]
    if leader.structural:
        ordered = quoted + best_raw
    else:
        ordered = quoted[:1] + best_raw[:2] + quoted[1:] + best_raw[2:]
    quoted_ids = {p.chunk_id for p in quoted}
    cited: list[Passage] = []
    for passage in {p.chunk_id: p for p in ordered}.values():  # every quoted passage; raw ones while there is room
        if passage.chunk_id in quoted_ids or len(cited) < MAX_CITATIONS:
            cited.append(passage)
    return cited


def _self_references(leader: Candidate) -> list[str]:
    """A quoted sentence where the issuer speaks of itself (「报送至我局」) is told whom that means: the issuer
    named at the head of its document's title (a 公文 title is 发文机关 + 关于 + 事由 + 文种). So 「交给哪个
    单位」 is answered with the name a colleague would give, not only 「我局」."""
    notes: list[str] = []
    for item in leader.evidence:
        said = next((w for w in lexicon().particulars.self_reference if w in item.sentence), None)
        issuer = item.passage.title.split("关于", 1)[0].strip() if "关于" in item.passage.title else ""
        note = f"（文中“{said}”指{issuer}。）"
        if said and 2 <= len(issuer) <= 40 and note not in notes:
            notes.append(note)
    return notes


def compose(question: str, leader: Candidate, raw: list[Passage], types: list[str]) -> QAAnswer:
    """The lead line, then every quoted sentence with its [n]; citations: the quoted passages and the best raw
    retrieval passages (what plain search found), see :func:`_cited_order`."""
    cited = _cited_order(leader, raw)
    number = {p.chunk_id: i + 1 for i, p in enumerate(cited)}
    lines: list[str] = []
    seen: set[str] = set()
    for item in leader.evidence:
        if item.sentence in seen:
            continue
        seen.add(item.sentence)
        lines.append(f"「{item.sentence.rstrip()}」[{number[item.passage.chunk_id]}]")
    head = f"{leader.lead}\n" if leader.lead else ""
    lines += _self_references(leader)
    return QAAnswer(
        question=question,
        answer=f"{head}根据文件原文：\n" + "\n".join(lines),
        grounded=True,
        citations=[_citation(p) for p in cited],
        route=leader.route,
        question_types=types,
    )


def _imported(context: Context, leader: Candidate) -> bool:
    """Is the leader's best line from a document a user imported (not one bundled with the assistant)?"""
    if not leader.evidence:
        return False
    info = context.kb.store.documents().get(leader.evidence[0].passage.doc_id, {})
    return info.get("origin", "user") != "bundled"


def _lead_for(context: Context) -> tuple[Candidate | None, list[Passage]]:
    """The leading candidate of one question (or one part), or None when nothing answers it."""
    candidates = run_routes(context)
    if candidates and candidates[0].unstated:  # declined whatever its strength, with the card's own line saying why
        return candidates[0], context.retrieved.passages
    if not candidates:
        return None, context.retrieved.passages
    leader = candidates[0]
    imported = _imported(context, leader)
    if too_weak(context.question, leader, imported):
        return None, context.retrieved.passages
    if fails_lead_check(context.question, leader, imported) and not _explained(context, leader):
        return None, context.retrieved.passages
    return leader, context.retrieved.passages


def _explained(context: Context, leader: Candidate) -> bool:
    """A leader declined later with its reason (a count not listed, a document held only by its number) is kept
    for that reason to be said, whatever the lead check reads."""
    question, evidence = context.question, leader.evidence
    return bool(unlisted_count(question, evidence) or unquoted_cited_number(question, evidence, context.kb))


def _merge(parts: list[tuple[str, Candidate | None]], whole_in_scope: bool = False) -> Candidate | None:
    """Several parts' leaders as one: a numbered lead per part (「文件中没有找到」 for a part that has none).

    When the first part finds nothing, the later parts answered only by how well their words match are about
    the same unheld thing (「可信数据空间试点怎么申报，截止到什么时候」: the call's own deadline is not the
    pilot's), so nothing is answered; a later part found by the structure it names (the call's conditions on
    applicants, a template part) stands on its own. Development rows of all sets: out of scope declined 124 →
    127 of 130, nothing else changed. Unless the whole question reads in scope (``whole_in_scope``): the first
    part's own reading, from a model trained on whole questions, then no longer declines the rest (「模板去哪儿
    下载？要照着哪个附件写？」; development rows: 3 wrong declines fewer, no decline lost)."""
    answered = [(p, c) for p, c in parts if c is not None and not c.unstated]
    if not answered:  # every part found nothing, or was a request asking nothing (then ``parts`` is empty)
        return None
    first = parts[0][1]
    first_missing = (first is None or first.unstated) and not whole_in_scope
    if first_missing and not any(c.structural for _, c in answered):
        return None
    leads = []
    evidence: list[Evidence] = []
    for number, (part, candidate) in enumerate(parts, start=1):
        if candidate is None or candidate.unstated:  # 「经济效益多少」 and the card says 「……未载明经济效益数字」
            said = f"（资料中写明：「{candidate.unstated.rstrip('。')}」）" if candidate else ""
            leads.append(f"（{number}）{part}：{NOT_FOUND}{said}")
            continue
        lead = candidate.lead.removeprefix("答：") if candidate.lead else "见下文引用。"
        leads.append(f"（{number}）{part}：{lead}")
        evidence += candidate.evidence[:1]
    for _part, candidate in answered:
        evidence += candidate.evidence[1:]
    route = "+".join(dict.fromkeys(c.route for _, c in answered))
    return Candidate(route, evidence, "\n".join(leads), confidence=min(c.confidence for _, c in answered))


def asks_about_anything(question: Question, kb: KnowledgeBase) -> bool:
    """Does the clause name anything the documents use a word for (beyond how it asks)? 「会下雨吗」 does not:
    会 is how it asks, 下雨 is in no document; 「私企可以吗」 does, through the documents' word 民营企业. A file
    format (the lexicon's ``formats``) is something the documents rule on even when they never name it:
    「要交PPT吗」 is answered with the formats they ask for."""
    original = question.original.lower()
    if any(name.lower() in original for name in lexicon().formats):
        return True
    df, _ = kb.store.document_frequency()
    how = function_words(question.text)
    alias = aliases(question)
    named = [t for t in content_terms(question.text) if t not in how and not (question.home and t in question.home)]
    return any(df.get(term) or any(df.get(a) for a in alias.get(term, ())) for term in named)


def names_nothing_held(asked: Question, kb: KnowledgeBase) -> bool:
    """Nothing it asks about is in any document's words (「明天天气咋样 会下雨吗」), and it names no held document by
    its number or title (「53号文是哪个单位发的」 does, in words no document uses)."""
    return not asks_about_anything(asked, kb) and not particular_evidence(asked, kb)[0]


def offline_answer(kb: KnowledgeBase, asked: Question, call: FormSpec, vector: Any) -> tuple[Candidate | None, list]:
    """The leader for the whole question, or the merged leaders of its parts."""
    if len(asked.parts) < 2:
        return _lead_for(Context(kb, asked, call, retrieve(kb, asked, list(call.fields), vector=vector)))
    if compared_cards(asked, kb):  # 「哪个更多？各是多少」: one figure of the cases it names, when each card has it
        whole = _lead_for(Context(kb, asked, call, retrieve(kb, asked, list(call.fields), vector=vector)))
        if whole[0] is not None and whole[0].route == CaseComparison.name and whole[0].confidence >= FIGURES:
            return whole
    parts: list[tuple[str, Candidate | None]] = []
    raw: list[Passage] = []
    for index, text in enumerate(asked.parts):
        part = asked.part(index)
        leader, passages = _lead_for(Context(kb, part, call, retrieve(kb, part, list(call.fields), vector=vector)))
        if leader is None and not asks_about_anything(part, kb):  # 「能帮我捋一下吗」: a request, not a question
            continue
        parts.append((text, leader))
        raw += [p for p in passages[:1] if p not in raw]
    return _merge(parts, asked.reading.score(OUT_OF_SCOPE) < WHOLE_IN_SCOPE), raw


def model_answer(
    question: str, passages: list[Passage], chat_model: ChatModel, kinds: list[str] | None = None, issuer: str = ""
) -> QAAnswer | None:
    """The model's checked answer over ``passages``; None when no sentence survived the check."""
    found = ask_model(question, kinds or ["fact"], passages, chat_model, issuer)
    if found is None:
        return declined(question)
    text, kept, dropped = found
    if not kept:
        return None
    if dropped:
        text += f"\n（已删除 {dropped} 句无法在文件中核实的内容。）"
    cited = [_citation(p) for p in kept]
    return QAAnswer(question=question, answer=text, grounded=True, citations=cited, route="model")


def _with_model(
    question: str, fallback: QAAnswer, passages: list[Passage], kinds: list[str], chat_model: ChatModel, issuer: str
) -> QAAnswer:
    try:
        answer = model_answer(question, passages, chat_model, kinds, issuer)
    except ModelUnavailableError as exc:
        fallback.answer = f"（模型暂不可用：{exc.message}以下为文件原文摘录。）\n{fallback.answer}"
        return fallback
    if answer is None:
        return fallback
    answer.question_types = kinds
    return answer


def answer_question(
    kb: KnowledgeBase, question: str, chat_model: ChatModel | None = None, call: FormSpec | None = None
) -> QAAnswer:
    """Answer a staff question from the knowledge base, citing the passages used."""
    question = question.encode("utf-8", "replace").decode("utf-8").strip()  # 「\udcff」 (an undecodable byte) is no
    if not question:  # character: every later step (the embedding model, storage) would fail on it
        raise InvalidInputError("问题为空：请输入要查询的政策问题。")
    call = call or default_call()
    asked = analyse(question, kb)
    asked.home, asked.batch = call.place, call.batch
    named = [f for f in call.fields if f in asked.text]
    asked.call_field = named[0] if len(named) == 1 else ""
    why = outside(asked, call, kb)
    if why:
        return declined(question, why)
    # A question naming nothing held is declined when it reads out of scope. One that reads in scope paraphrases
    # every term (「纸的那份需要戳单位的红章吗」): it is answered when its evidence scores UNHELD_MIN_SCORE. Development
    # rows of 24 sets, the reading out of fold: of the questions naming nothing held, the 17 out of scope read
    # 0.64–1.00 out of scope, the 7 in scope 0.00–0.03 (all 7 had been declined, 6 from the set written in paraphrase).
    unheld = names_nothing_held(asked, kb)
    if unheld and asked.reading.score(OUT_OF_SCOPE) >= WHOLE_IN_SCOPE:
        return declined(question)
    leader, raw = offline_answer(kb, asked, call, query_vector(kb, asked))
    if leader is None or (unheld and answer_score(asked, leader.evidence) < UNHELD_MIN_SCORE
                          and not vouched_by_lead_check(asked, leader)):
        return declined(question)  # the best line found scores 0.10 and the lead check does not read it as answering
    if leader.unstated:  # the documents say they do not give it
        return declined(question, f"资料中写明：「{leader.unstated.rstrip('。')}」")
    if counted := unlisted_count(asked, leader.evidence):  # 「具体是哪7项」 and the card only says 「配套7项安全措施」
        return declined(question, f"资料中只写了「{counted.rstrip('。')}」，没有列出具体是哪些")
    if number := unquoted_cited_number(asked, leader.evidence, kb):
        return declined(question, f"知识库中只提到{number}文件的文号，没有收录它的内容")
    answer = compose(question, leader, raw, asked.types)
    if chat_model is None:
        return answer
    by_source = {p.chunk_id: p for p in [e.passage for e in leader.evidence] + raw}
    passages = list(by_source.values())[:MODEL_PASSAGES]
    return _with_model(question, answer, passages, asked.types, chat_model, call.issuer)
