"""Staff policy Q&A: grounded answers with numbered citations, or an honest refusal.

Flow: hybrid retrieval → evidence selection (sentences of the retrieved passages
that actually cover the question) → either an extractive answer quoting those
sentences (no model configured) or a model answer whose every ``[n]`` is checked
against passage n. When no passage covers the question — or the question names a
place or body the passages never mention ("四川省…截止时间") — the answer is
「文件中没有找到相关规定」 with ``grounded=False``, never a guess.

Why sentence-level evidence rather than passage scores: rank fusion scores are
relative (a best match always exists), so relevance is judged by how much of the
question's weighted vocabulary one sentence (plus its section heading) covers.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.core.errors import InvalidInputError, ModelUnavailableError
from assistant.core.types import Passage
from assistant.knowledge.index import tokenize
from assistant.knowledge.ingest import heading_of
from assistant.llm.prompts import render_messages

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase
    from assistant.llm.chat import ChatModel

NOT_FOUND = "文件中没有找到相关规定。"
MIN_COVERAGE = 0.5
SEARCH_K = 8
MAX_QUOTES = 3
PLACES = (
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 "
    "海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 台湾 深圳 广州 成都 杭州 武汉 西安 南京 "
    "苏州 厦门 青岛 大连 宁波 沈阳 长沙 郑州 济南 合肥 福州 昆明 贵阳 南宁 兰州 "
).split()
_GENERIC = frozenset(
    "规定 要求 具体 相关 内容 情况 介绍 说明 文件 提到 写 多 最多 最少 一下 时候 怎么办 办理 里 "
    "几份 几个 几天 多长 多久 "
    "哪些 什么样 能否 满足 交 要交 填 提交 得到 条件 需要".split()
)
_QUESTION_FRAME = re.compile(r"[几一二三四五六七八九十两\d]+个|什么|怎么|是否|吗|呢|？|\?")
_STRUCTURE_CUE = re.compile(r"(哪[几些]|几个|包括|包含|组成|分为|分成).{0,6}(部分|方面|板块|章节)|由哪|结构")
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")
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


class Evidence(BaseModel):
    passage: Passage
    sentence: str
    score: float


# --- evidence -------------------------------------------------------------------------------
def _weights(question: str, kb: KnowledgeBase) -> dict[str, float]:
    df, total = kb.store.document_frequency()
    tokens = list(dict.fromkeys(tokenize(_QUESTION_FRAME.sub(" ", question))))
    # jieba's search mode also yields compounds of the parts ("纸质材料" after "纸质", "材料"); keep the parts.
    terms = [t for t in tokens if t not in _GENERIC and not any(u != t and u in t for u in tokens)]
    # A term absent from every chunk is usually question phrasing; it must not dominate.
    return {t: math.log(1 + (total + 1) / (1 + df[t])) if df.get(t) else 2.0 for t in terms}


def _answer_type_bonus(question: str, sentence: str) -> float:
    bonus = 0.0
    if re.search(r"时间|日期|哪天|何时|什么时候|截止|期限", question) and re.search(
        r"\d{4}年\d{1,2}月\d{1,2}日", sentence
    ):
        bonus += 0.15
    if re.search(r"字数|多少字|几个字|篇幅", question) and re.search(r"\d+字", sentence):
        bonus += 0.2
    if re.search(r"多少|几|数量|上限|不超过|最多", question) and re.search(r"\d|[一二两三四五六七八九十]", sentence):
        bonus += 0.05
    if re.search(r"格式|类型", question) and re.search(r"[A-Z]{2,}", sentence):
        bonus += 0.1
    return bonus


def _coverage(weights: dict[str, float], sentence: str, context: str) -> float:
    total = sum(weights.values()) or 1.0
    got = 0.0
    for term, weight in weights.items():
        if term in sentence:
            got += weight
        elif term in context:
            got += 0.5 * weight
    return got / total


def question_places(question: str) -> list[str]:
    return [p for p in PLACES if p in question]


def select_evidence(question: str, passages: list[Passage], kb: KnowledgeBase) -> list[Evidence]:
    """Sentences that cover the question, best first; empty when nothing relevant was found."""
    weights = _weights(question, kb)
    df, _ = kb.store.document_frequency()
    if not weights or any(len(t) >= 2 and not df.get(t) for t in weights):
        return []  # a content word that occurs in no document: the files do not cover this topic
    places = question_places(question)
    found: list[Evidence] = []
    for rank, passage in enumerate(passages):
        context = f"{passage.title} {passage.locator}"
        for sentence in (s.strip() for s in _SENTENCE_END.split(passage.text)):
            if len(sentence) < 4 or any(p not in sentence and p not in passage.title for p in places):
                continue
            if len(sentence) <= 24 and heading_of(sentence) is not None:
                continue
            coverage = _coverage(weights, sentence, context)
            score = coverage + _answer_type_bonus(question, sentence) + 0.02 * (len(passages) - rank) / len(passages)
            found.append(Evidence(passage=passage, sentence=sentence, score=score if coverage >= MIN_COVERAGE else 0))
    found = sorted((e for e in found if e.score > 0), key=lambda e: e.score, reverse=True)
    if not found:
        return []
    best = found[0].score
    picked, seen = [], set()
    for evidence in found:
        if evidence.score >= 0.8 * best and evidence.sentence not in seen:
            picked.append(evidence)
            seen.add(evidence.sentence)
        if len(picked) == MAX_QUOTES:
            break
    return picked


# --- outlines ("案例简介包括哪几部分？") -------------------------------------------------------------
def _outline_answer(question: str, passages: list[Passage], kb: KnowledgeBase) -> tuple[str, Passage] | None:
    """List the sub-parts of the heading the question names, read from the document's structure."""
    if not _STRUCTURE_CUE.search(question):
        return None
    weights = {t: w for t, w in _weights(question, kb).items() if t not in ("部分", "方面", "组成", "包括", "结构")}
    best: tuple[float, list[str], Passage] | None = None
    for passage in passages:
        parts = [p for p in passage.locator.split(" > ") if p]
        for depth in range(len(parts)):
            score = _coverage(weights, parts[depth], "") if weights else 0
            if score >= MIN_COVERAGE and (best is None or score > best[0]):
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


def extractive_answer(question: str, evidence: list[Evidence]) -> QAAnswer:
    """Quote the supporting sentences verbatim, each with the number of its passage."""
    order: list[str] = []
    lines = []
    for item in evidence:
        if item.passage.chunk_id not in order:
            order.append(item.passage.chunk_id)
        lines.append(f"「{item.sentence.rstrip()}」[{order.index(item.passage.chunk_id) + 1}]")
    by_id = {e.passage.chunk_id: e.passage for e in evidence}
    citations = [_citation(by_id[cid]) for cid in order]
    return QAAnswer(question=question, answer="根据文件原文：\n" + "\n".join(lines), grounded=True, citations=citations)


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


def answer_question(kb: KnowledgeBase, question: str, chat_model: ChatModel | None = None) -> QAAnswer:
    """Answer a staff question from the knowledge base, citing the passages used."""
    question = question.strip()
    if not question:
        raise InvalidInputError("问题为空：请输入要查询的政策问题。")
    passages = kb.search(question, k=SEARCH_K)
    outline = _outline_answer(question, passages, kb)
    if outline is not None:
        text, passage = outline
        return QAAnswer(question=question, answer=f"{text}[1]", grounded=True, citations=[_citation(passage)])
    evidence = select_evidence(question, passages, kb)
    if not evidence:
        return declined(question)
    if chat_model is not None:
        supporting = list(dict.fromkeys(e.passage.chunk_id for e in evidence))
        ranked = [p for p in passages if p.chunk_id in supporting] + [
            p for p in passages if p.chunk_id not in supporting
        ]
        try:
            answer = model_answer(question, ranked[:6], chat_model)
        except ModelUnavailableError as exc:
            fallback = extractive_answer(question, evidence)
            fallback.answer = f"（模型暂不可用：{exc.message}以下为文件原文摘录。）\n{fallback.answer}"
            return fallback
        if answer is not None:
            return answer
    return extractive_answer(question, evidence)
