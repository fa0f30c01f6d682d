"""Evidence for an answer: which sentences of the retrieved passages answer the question.

Why scored evidence rather than a vocabulary gate: a word the documents never use
(a loanword, a typo the normaliser missed, a colloquialism such as 民非 or tips) used
to refuse the whole question. Here every sentence of the top passages gets a score —
how much of the question's weighted vocabulary it (and its passage and section path)
covers, plus the passage's retrieval rank and a bonus when it holds the kind of answer
the question type wants (a date for a date question, a number for a number question,
a format for a format question) — and unknown words only lower that score. The
question is declined when the best evidence is weak (threshold calibrated on
``tests/data/qa/policy_qa_dev.jsonl``), when it names a place, year or batch the
evidence never mentions (四川省…, 2025年…, 第三批…), or when it asks for a kind of fact the
evidence does not contain (a phone number, a web address, an amount of money).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.core.types import Passage
from assistant.knowledge.index import tokenize
from assistant.knowledge.ingest import heading_of
from assistant.knowledge.injection import INJECTION_MARK
from assistant.knowledge.question import QUESTION_CHARS, Question

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

MIN_SCORE = 0.42  # calibrated on policy_qa_dev by grid search (MIN_SCORE, UNKNOWN_WEIGHT, CONTEXT_FACTOR)
UNKNOWN_WEIGHT = 1.5
CONTEXT_FACTOR = 0.7
SHORT = 12
MAX_TERMS = 80  # most weighted terms a question is scored by (a real question has far fewer)
SUBJECT_COVERAGE = 0.4
PLACES = (
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 "
    "海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 台湾 深圳 广州 成都 杭州 武汉 西安 南京 "
    "苏州 厦门 青岛 大连 宁波 沈阳 长沙 郑州 济南 合肥 福州 昆明 贵阳 南宁 兰州 "
).split()
HOME_PLACE = "重庆"
GENERIC = frozenset(
    "规定 要求 具体 相关 内容 情况 介绍 说明 文件 提到 写 多 最多 最少 一下 时候 怎么办 办理 里 几份 几个 几天 多长 "
    "多久 哪些 什么样 能否 满足 交 要交 填 提交 得到 条件 需要 不要 要不要 需不需要 会不会 有没有 是不是 算不算 "
    "可以 可以吗 还是 还 就 到底 大概 一般 比较 好 这块 这部 部分 这部分 那个 这个 那些 这些 那家 一共 总共 具体 "
    "哪天 哪家 哪个 什么 怎么 怎样 如何 吗 么 啊 呢 吧 了 过 我们 我们是 你们 他们 公司 单位 能 能不能 不能 "
    "多少 几 第几 啥 说 说的 提 提了 里面 方面 之前 这次 这边 另外 分别 一个 还有 行 做 搞 放 弄".split()
)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])")
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日")
_NUMBER = re.compile(
    r"(?<![\d.])\d++(?:\.\d++)?\s*[%‰万亿余多个份类条家项种字分钟年部倍]|(?<![一二两三四五六七八九十百])[一二两三四五六七八九十百]++[个份类条项种部]"
)
# A number question wants an amount, not the year it is dated; "多少个" prefers "300个".
_YEAR_OR_DATE = re.compile(r"\d{4}\s*年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日|\d{4}\s*[—-]\s*\d{4}")
_ASKED_UNIT = re.compile(r"(?:多少|几)\s*([个份类条家项种字部倍])")
_FORMAT = re.compile(r"\b[A-Z]{2,5}\b|格式")
_ASKS_FORMAT = re.compile(r"格式|PDF|Word|JPG|MP4|PPT|MOV|图片")
_YEAR = re.compile(r"20\d\d年")
_BATCH = re.compile(r"第[一二三四五六七八九十\d]+批|首批")
# Questions asking for a kind of fact that only counts when the evidence holds it.
_NEEDS = (
    (re.compile(r"网址|网站|链接|网页|入口"), re.compile(r"https?://|www\.|\.(?:cn|com|org|gov)\b")),
    (re.compile(r"电话|手机|热线|座机"), re.compile(r"\d{3,4}-?\d{7,8}|1\d{10}")),
    (
        re.compile(r"多少钱|奖金|奖励|金额|费用|报名费|补贴|[审报名料务]费|收费|交钱|要钱"),
        re.compile(r"(?<![\d.])\d++(?:\.\d++)?\s*[万亿]?元|免费|不收"),
    ),
    (re.compile(r"邮箱|电子邮件|e-?mail", re.I), re.compile(r"@")),
    (re.compile(r"(税收|税费|税务)?(优惠|减免)"), re.compile(r"优惠|减免")),
    (
        re.compile(r"多久|多长时间能|几天能|多少天|要几天|几个工作日"),
        re.compile(
            r"((?<!\d)\d++|(?<![一二三四五六七八九十几两半])[一二三四五六七八九十几两半]++)\s*个?(工作日|天|周|星期|个月|月|年|小时|分钟)"
        ),
    ),
    (
        re.compile(r"叫什么名字|名字|是谁|哪些人|什么人"),
        re.compile(r"[\u4e00-\u9fff]{2,3}(?:同志|局长|主任|教授|专家)"),
    ),
)


@dataclass
class Evidence:
    passage: Passage
    sentence: str
    score: float
    rank: int


def _parts_only(tokens: list[str]) -> list[str]:
    """jieba search mode yields compounds and their parts ("纸质材料", "纸质", "材料"); keep the parts."""
    return [t for t in tokens if not any(u != t and u in t for u in tokens)]


def _terms(text: str) -> list[str]:
    tokens = [t for t in dict.fromkeys(tokenize(text[:QUESTION_CHARS])) if t not in GENERIC and not t.isdigit()]
    return _parts_only(tokens)


def question_weights(question: Question, kb: KnowledgeBase, text: str | None = None) -> dict[str, float]:
    """Content words with idf weights; unknown words get a modest weight, words of context clauses less."""
    df, total = kb.store.document_frequency()
    asked = set(_terms(" ".join(question.parts))) if text is None else set(_terms(text))
    weights = {}
    for term in _terms(text if text is not None else question.text):
        if df.get(term):
            weight = math.log(1 + (total + 1) / (1 + df[term]))
        elif len(term) >= 2:
            weight = UNKNOWN_WEIGHT
        else:
            continue
        weights[term] = weight if term in asked else CONTEXT_FACTOR * weight
    for clause in question.context if text is not None else []:
        for term in _terms(clause):
            if term not in weights and df.get(term):
                weights[term] = CONTEXT_FACTOR * math.log(1 + (total + 1) / (1 + df[term]))
    if len(weights) > MAX_TERMS:  # a question of a few dozen words has fewer; each term is checked per sentence
        weights = dict(sorted(weights.items(), key=lambda item: item[1], reverse=True)[:MAX_TERMS])
    return weights


def _coverage(weights: dict[str, float], sentence: str, context: str, in_passage: set[str]) -> float:
    """``in_passage``: the terms the whole passage holds (looked up once per passage, not per sentence)."""
    total = sum(weights.values()) or 1.0
    got = 0.0
    for term, weight in weights.items():
        if term in sentence:
            got += weight
        elif term in context:
            got += 0.6 * weight
        elif term in in_passage:
            got += 0.3 * weight
    return got / total


@dataclass(frozen=True)
class _Asked:
    """What the question asks for, read once (it is checked against every sentence)."""

    unit: str | None
    formats: bool

    @classmethod
    def of(cls, question: Question) -> _Asked:
        unit = _ASKED_UNIT.search(question.text)
        return cls(unit.group(1) if unit else None, bool(_ASKS_FORMAT.search(question.text)))


def _type_bonus(question: Question, sentence: str, asked: _Asked | None = None) -> float:
    asked = asked or _Asked.of(question)
    bonus = 0.0
    if "date" in question.types and _DATE.search(sentence):
        bonus += 0.15
    if "number" in question.types:
        amounts = [m.group(0) for m in _NUMBER.finditer(_YEAR_OR_DATE.sub("", sentence))]
        if amounts:
            bonus += 0.1
            if asked.unit and any(a.endswith(asked.unit) for a in amounts):
                bonus += 0.1
    if asked.formats and _FORMAT.search(sentence):
        bonus += 0.1
    if "eligibility" in question.types and re.search(r"资格|法人|注册|申报主体|不良记录|条件", sentence):
        bonus += 0.1
    return bonus


def places_of(text: str) -> list[str]:
    return [p for p in PLACES if p in text]


def _mentions(text: str, passage: Passage) -> str:
    return f"{passage.title} {passage.locator} {passage.text}" + (" 第一批" if "首批" in passage.text else "")


def conflicts(question: Question, passage: Passage) -> bool:
    """The question names a place, year or batch this passage never mentions."""
    where = _mentions(question.text, passage)
    named = _YEAR.findall(question.text) + _BATCH.findall(question.text)
    return any(name not in where for name in named)


def missing_needed_fact(question: Question, evidence: list[Evidence]) -> bool:
    """The question asks for a phone number, address, amount or name that no evidence sentence holds."""
    for cue, needed in _NEEDS:
        if cue.search(question.text) and not any(needed.search(e.sentence) for e in evidence):
            return True
    return False


def _sentences(passage: Passage) -> list[str]:
    """Sentences to quote; a fragment (a table cell such as 「联系方式」) is joined to what follows it.

    Text set aside at ingestion as instruction-like (``INJECTION_MARK``) is never quoted.
    """
    out: list[str] = []
    pending = ""
    for sentence in (s.strip() for s in _SENTENCE_END.split(passage.text)):
        if not sentence or INJECTION_MARK in sentence:
            continue
        if len(sentence) <= 24 and heading_of(sentence) is not None and not pending:
            continue
        sentence = f"{pending} {sentence}".strip() if pending else sentence
        if len(sentence) < SHORT:
            pending = sentence
            continue
        pending = ""
        out.append(sentence)
    if pending and len(pending) >= 4:
        out.append(pending)
    return out


def has_quotable(passage: Passage) -> bool:
    """False for a passage that is only a heading (「（一）图片 1.数据要素流向图」): nothing in it to quote."""
    return bool(_sentences(passage))


def specifiers(question: Question, passage: Passage) -> list[str]:
    """Places, years and batches the question is about (a registration place is about the asker)."""
    named = [
        p
        for p in places_of(question.text)
        if p != HOME_PLACE and not re.search(p + r".{0,3}注册", question.text) and p not in passage.title
    ]
    return list(dict.fromkeys(named + _YEAR.findall(question.text) + _BATCH.findall(question.text)))


def subject_ok(
    named: list[str], weights: dict[str, float], sentence: str, context: str = "", rest: dict[str, float] | None = None
) -> bool:
    """A named place/year must be what the sentence is about: present (in it or in its section heading,
    as "（三）总体目标（到2026年底）" is for "打造300个以上…场景"), not one of a list, with the rest.

    ``rest``: ``other_terms(named, weights)``, the same for every sentence of a passage.
    """
    if not named:
        return True
    if any(n not in sentence and n not in context for n in named) or len(places_of(sentence)) >= 3:
        return False
    rest = rest if rest is not None else other_terms(named, weights)
    total = sum(rest.values())
    return not total or sum(w for t, w in rest.items() if t in sentence or t in context) / total >= SUBJECT_COVERAGE


def other_terms(named: list[str], weights: dict[str, float]) -> dict[str, float]:
    """The weighted terms that are not part of a named place/year (what else the sentence must be about)."""
    return {t: w for t, w in weights.items() if all(t not in n and n not in t for n in named)}


def score_sentences(
    question: Question, passages: list[Passage], kb: KnowledgeBase, text: str | None = None
) -> list[Evidence]:
    """Every sentence of the passages that do not conflict with the question, best first."""
    weights = question_weights(question, kb, text)
    if not weights:
        return []
    asked = _Asked.of(question)
    found: list[Evidence] = []
    for rank, passage in enumerate(passages):
        if conflicts(question, passage):
            continue
        context = f"{passage.title} {passage.locator}"
        prior = 0.1 * (len(passages) - rank) / len(passages)
        named = specifiers(question, passage)
        in_passage = {term for term in weights if term in passage.text}
        rest = other_terms(named, weights)
        for sentence in _sentences(passage):
            if not subject_ok(named, weights, sentence, passage.locator, rest):
                continue
            coverage = _coverage(weights, sentence, context, in_passage)
            score = coverage + _type_bonus(question, sentence, asked) + prior
            found.append(Evidence(passage=passage, sentence=sentence, score=score, rank=rank))
    return sorted(found, key=lambda e: e.score, reverse=True)


def is_relevant(question: Question, evidence: list[Evidence]) -> bool:
    """Strong enough evidence and no kind of fact asked for that it lacks."""
    if not evidence or evidence[0].score < MIN_SCORE:
        return False
    return not missing_needed_fact(question, evidence[:5])
