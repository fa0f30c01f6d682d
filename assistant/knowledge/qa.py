"""Staff policy Q&A: grounded answers with numbered citations, or an honest refusal.

Flow: the question is normalised and typed (:mod:`assistant.knowledge.question`:
loanwords, typos, colloquialisms) → hybrid retrieval → every sentence of the top
passages is scored (:mod:`assistant.knowledge.evidence`) → either an extractive
answer (no model: a direct lead read off the evidence, then the quoted sentences
with ``[n]``) or a model answer over the top passages whose every ``[n]`` is checked
against passage n. A question is declined with 「文件中没有找到相关规定」 and
``grounded=False`` when the evidence is weak, when it names a place, year or batch
the passages never mention ("四川省…截止时间"), or when it asks for a kind of fact the
documents do not hold (a phone number, a web address, an amount of money).

A question for a document's own particulars (文号, date, issuer) is answered from that
document (:mod:`assistant.knowledge.doc_facts`). Two more kinds of question are answered
from document structure before plain sentence scoring:
a question naming a part of the application template (:mod:`assistant.knowledge.template`:
the part's guidance, the template's 注 clauses naming it, its items, its position) and a
case lookup (:mod:`assistant.knowledge.cases`: every case card that fits, named up front).

Why evidence scores rather than a vocabulary gate: one word no document uses (any
loanword, typo or phrasing) used to refuse the whole question; now it only lowers
the score. With a model configured the offline evidence is a fallback, not a gate.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.core.errors import InvalidInputError, ModelUnavailableError
from assistant.core.types import Passage
from assistant.knowledge.cases import case_evidence, is_lookup
from assistant.knowledge.doc_facts import particular_evidence
from assistant.knowledge.evidence import (
    MIN_SCORE,
    Evidence,
    conflicts,
    has_quotable,
    is_relevant,
    question_weights,
    score_sentences,
)
from assistant.knowledge.lead import lead_line
from assistant.knowledge.question import Question, analyse
from assistant.knowledge.template import Part, match_parts, part_name, template_evidence
from assistant.llm.prompts import render_messages

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase
    from assistant.llm.chat import ChatModel

NOT_FOUND = "文件中没有找到相关规定。"
SEARCH_K = 8
MAX_QUOTES = 4
MAX_LIST_QUOTES = 8
MODEL_PASSAGES = 6
COVERAGE = 0.5
MIN_PASSAGES = 3
_STRUCTURE_CUE = re.compile(r"(哪[几些]|几个|包括|包含|组成|分为|分成).{0,6}(部分|方面|板块|章节)|由哪|结构")
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")
_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[一二三四五六七八九十]+[是、])")
_EACH = re.compile(r"分别|各自|各是|各多少|各有|各要|各限|各几")  # "简介和宣传材料分别限多少字"
_CITE = re.compile(r"[\[［](\d{1,2})[\]］]")


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


# --- outlines ("案例简介包括哪几部分？") -------------------------------------------------------------
def _heading_coverage(weights: dict[str, float], heading: str) -> float:
    total = sum(weights.values()) or 1.0
    return sum(w for t, w in weights.items() if t in heading) / total


def _outline_answer(question: Question, passages: list[Passage], kb: KnowledgeBase) -> tuple[str, Passage] | None:
    """List the sub-parts of the heading the question names, read from the document's structure."""
    if not _STRUCTURE_CUE.search(question.text):
        return None
    drop = ("部分", "方面", "组成", "包括", "结构", "几块", "分成", "一共")
    weights = {t: w for t, w in question_weights(question, kb).items() if t not in drop}
    best: tuple[float, list[str], Passage] | None = None
    for passage in passages:
        parts = [p for p in passage.locator.split(" > ") if p]
        for depth in range(len(parts)):
            score = _heading_coverage(weights, parts[depth]) if weights else 0
            if score >= COVERAGE and (best is None or score > best[0]):
                best = (score, parts[: depth + 1], passage)
    if best is None:
        return None
    _, prefix, passage = best
    children: list[str] = []
    for _cid, locator, _text in kb.store.section_chunks(passage.doc_id):
        parts = [p for p in locator.split(" > ") if p]
        if parts[: len(prefix)] == prefix and len(parts) > len(prefix):
            for child in re.split(r" 至 ", parts[len(prefix)]):
                if child not in children:
                    children.append(child)
    if len(children) < 2:
        return None
    return f"「{prefix[-1]}」包括以下{len(children)}个部分：{'；'.join(children)}。", passage


# --- answers --------------------------------------------------------------------------------
def _citation(passage: Passage) -> Citation:
    return Citation(source=passage.source, title=passage.title, locator=passage.locator, text=passage.text)


def declined(question: str) -> QAAnswer:
    return QAAnswer(
        question=question,
        answer=f"{NOT_FOUND}已检索内置政策文件和已导入的文档，没有找到能回答这个问题的内容；如需查询其他文件，请先导入该文件。",
        grounded=False,
    )


def extractive_answer(question: str, evidence: list[Evidence], lead: str = "") -> QAAnswer:
    """A direct lead (when one can be read off), then the supporting sentences verbatim with [n]."""
    order: list[str] = []
    lines = []
    for item in evidence:
        if item.passage.chunk_id not in order:
            order.append(item.passage.chunk_id)
        lines.append(f"「{item.sentence.rstrip()}」[{order.index(item.passage.chunk_id) + 1}]")
    by_id = {e.passage.chunk_id: e.passage for e in evidence}
    citations = [_citation(by_id[cid]) for cid in order]
    head = f"{lead}\n" if lead else ""
    return QAAnswer(
        question=question, answer=f"{head}根据文件原文：\n" + "\n".join(lines), grounded=True, citations=citations
    )


def _list_items(best: Evidence, evidence: list[Evidence]) -> list[Evidence]:
    """For a list question: every enumerated sentence of the best passage, in reading order."""
    same = [e for e in evidence if e.passage.chunk_id == best.passage.chunk_id]
    items = [e for e in same if _ITEM.match(e.sentence) or e.sentence.endswith(("；", ";"))]
    if len(items) < 2:
        return []
    order = {s: i for i, s in enumerate(_SENTENCE_END.split(best.passage.text))}
    return sorted(items, key=lambda e: order.get(e.sentence, 0))[:MAX_LIST_QUOTES]


def pick_evidence(question: Question, evidence: list[Evidence]) -> list[Evidence]:
    """The sentences to quote: the best, those close to it, and all items when a list is asked for."""
    best = evidence[0]
    picked: list[Evidence] = [best]
    if "list" in question.types:
        picked += [e for e in _list_items(best, evidence) if e.sentence != best.sentence]
    for item in evidence[1:]:
        if len(picked) >= MAX_QUOTES + (MAX_LIST_QUOTES if len(picked) > 2 else 0):
            break
        if item.score >= 0.75 * best.score and all(item.sentence != p.sentence for p in picked):
            picked.append(item)
    # Merge evidence from several passages: the best sentence of each of the next strong passages.
    passages = {e.passage.chunk_id for e in picked}
    for item in evidence[1:]:
        if len(passages) >= MIN_PASSAGES:
            break
        if item.passage.chunk_id not in passages and item.score >= 0.5 * best.score:
            picked.append(item)
            passages.add(item.passage.chunk_id)
    return picked


def _digits(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def _bigrams(text: str) -> set[str]:
    han = re.sub(r"[^\u3400-\u9fff0-9A-Za-z]", "", text)
    return {han[i : i + 2] for i in range(len(han) - 1)}


def is_supported(claim: str, passage: Passage) -> bool:
    """A claim is supported when its numbers all occur in the passage and its wording largely does."""
    claim = _CITE.sub("", claim)
    source = f"{passage.title} {passage.locator} {passage.text}"
    if not _digits(claim) <= _digits(source):
        return False
    grams = _bigrams(claim)
    return not grams or len(grams & _bigrams(source)) / len(grams) >= 0.3


def check_citations(reply: str, passages: list[Passage]) -> tuple[str, list[Passage], int]:
    """Keep only citations that exist and support their sentence; renumber them 1..m."""
    kept: list[Passage] = []
    dropped = 0
    out_sentences = []
    for sentence in _SENTENCE_END.split(reply):

        def keep(match: re.Match[str], sentence: str = sentence) -> str:
            nonlocal dropped
            n = int(match.group(1))
            if 1 <= n <= len(passages) and is_supported(sentence, passages[n - 1]):
                passage = passages[n - 1]
                if passage not in kept:
                    kept.append(passage)
                return f"[{kept.index(passage) + 1}]"
            dropped += 1
            return ""

        out_sentences.append(_CITE.sub(keep, sentence))
    return "".join(out_sentences).strip(), kept, dropped


def model_answer(question: str, passages: list[Passage], chat_model: ChatModel) -> QAAnswer | None:
    """Ask the model; None when it produced no verifiable citation (the caller falls back)."""
    messages = render_messages(
        "answer_question",
        question=question,
        passages=[
            {"n": i + 1, "title": p.title, "locator": p.locator or "文首", "text": p.text}
            for i, p in enumerate(passages)
        ],
    )
    reply = chat_model.complete(messages, max_tokens=800).strip()
    if NOT_FOUND.rstrip("。") in reply:
        return declined(question)
    text, kept, dropped = check_citations(reply, passages)
    if not kept:
        return None
    if dropped:
        text += f"\n（已删除 {dropped} 处无法在文件中核实的引用。）"
    return QAAnswer(question=question, answer=text, grounded=True, citations=[_citation(p) for p in kept])


def _multi_part(asked: Question, kb: KnowledgeBase, evidence: list[Evidence]) -> list[Evidence]:
    """ "视频要什么格式 图片又要什么格式": the best evidence for each part, merged (best part first)."""
    merged = list(evidence[:1])
    for part in asked.parts[1:]:
        found = [p for p in kb.search(part, k=SEARCH_K) if not conflicts(asked, p)]
        scored = score_sentences(asked, found, kb, text=part)
        if scored and scored[0].score >= MIN_SCORE and all(scored[0].sentence != e.sentence for e in merged):
            merged.append(scored[0])
    return merged + [e for e in evidence[1:] if all(e.sentence != m.sentence for m in merged)]


def _model_passages(evidence: list[Evidence], passages: list[Passage]) -> list[Passage]:
    supporting = list(dict.fromkeys(e.passage.chunk_id for e in evidence))
    ranked = [p for cid in supporting for p in passages if p.chunk_id == cid]
    return (ranked + [p for p in passages if p.chunk_id not in supporting])[:MODEL_PASSAGES]


def _ask_model(question: str, passages: list[Passage], fallback: QAAnswer | None, chat_model: ChatModel) -> QAAnswer:
    """The model answers from the top passages; the offline answer is what is left when it cannot."""
    try:
        answer = model_answer(question, passages, chat_model)
    except ModelUnavailableError as exc:
        if fallback is None:
            return declined(question)
        fallback.answer = f"（模型暂不可用：{exc.message}以下为文件原文摘录。）\n{fallback.answer}"
        return fallback
    return answer if answer is not None else fallback or declined(question)


def _each_part(asked: Question, parts: list[Part], kb: KnowledgeBase) -> tuple[list[Evidence], str]:
    """ "简介和宣传材料分别限多少字": each named part's lines, and one lead naming each part's answer."""
    evidence: list[Evidence] = []
    leads = []
    def position(part: Part) -> int:  # in the order the question names them
        return min((asked.text.find(a) for a in part.aliases if a in asked.text), default=len(asked.text))

    for part in sorted(parts[:3], key=position):
        found, _ = template_evidence(asked, part, kb)
        direct = lead_line(asked, found).removeprefix("答：").rstrip("。") if found else ""
        if direct:
            evidence += found[:3]
            leads.append(f"「{part_name(part.heading)}」{direct}")
    return (evidence, f"答：{'；'.join(leads)}。") if len(leads) >= 2 else ([], "")


def _quotable(kb: KnowledgeBase, asked: Question, passages: list[Passage]) -> list[Passage]:
    """The passages to quote from. When the best match is only a heading (「（一）图片」, good for an
    outline, nothing to quote), the heading-only chunks give their places to the next passages of a
    deeper search, so "图片有什么要求" reaches the sentence that says 高清图片（JPG格式）."""
    if not passages or has_quotable(passages[0]):
        return passages
    deeper = kb.search(asked.text, k=2 * SEARCH_K)
    return [p for p in deeper if has_quotable(p)][:SEARCH_K]


def answer_question(kb: KnowledgeBase, question: str, chat_model: ChatModel | None = None) -> QAAnswer:
    """Answer a staff question from the knowledge base, citing the passages used."""
    question = question.strip()
    if not question:
        raise InvalidInputError("问题为空：请输入要查询的政策问题。")
    asked = analyse(question, kb)
    particular, particular_lead = particular_evidence(asked, kb)
    if particular:  # a document's 文号, date or issuer: its own line, whatever model is configured
        return extractive_answer(question, particular, particular_lead)
    passages = kb.search(asked.text, k=SEARCH_K)
    parts = match_parts(asked, kb)
    if len(parts) >= 2 and _EACH.search(asked.text):
        each, each_lead = _each_part(asked, parts, kb)
        if each:
            return extractive_answer(question, each, each_lead)
    part = parts[0] if parts else None
    guidance, lead = template_evidence(asked, part, kb) if part is not None else ([], "")
    outline = None if guidance else _outline_answer(asked, passages, kb)
    if outline is not None:
        text, passage = outline
        return QAAnswer(question=question, answer=f"{text}[1]", grounded=True, citations=[_citation(passage)])
    usable = [p for p in _quotable(kb, asked, passages) if not conflicts(asked, p)]
    evidence = score_sentences(asked, usable, kb)
    relevant = is_relevant(asked, evidence)
    fallback = None
    if not guidance and is_lookup(asked):
        guidance, lead = case_evidence(asked, kb)
    if guidance:
        direct = lead_line(asked, guidance)
        if direct and (not direct.startswith("答：") or lead.startswith("模板对")):
            lead = direct
        fallback = extractive_answer(question, guidance, lead)
        usable = list({p.chunk_id: p for p in [e.passage for e in guidance] + usable}.values())
        evidence = guidance + evidence
        relevant = True
    elif relevant:
        if len(asked.parts) > 1:
            evidence = _multi_part(asked, kb, evidence)
        picked = pick_evidence(asked, evidence)
        fallback = extractive_answer(question, picked, lead_line(asked, picked))
    if chat_model is None or not usable or (not relevant and not evidence):
        return fallback or declined(question)
    return _ask_model(question, _model_passages(evidence[:MAX_QUOTES], usable), fallback, chat_model)
