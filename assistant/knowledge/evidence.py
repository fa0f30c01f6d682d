"""Evidence for an answer: which sentences of the retrieved passages answer the question.

Why scored evidence rather than a vocabulary gate: a word the documents never use
(a loanword, a typo the normaliser missed, a colloquialism such as 民非 or tips) used
to refuse the whole question. Here every sentence of the top passages gets a score —
how much of the question's weighted vocabulary it (and its passage and section path)
covers, plus the passage's retrieval rank and a bonus when it holds the kind of answer
the question type wants (a date for a date question, a number for a number question,
a format for a format question) — and unknown words only lower that score. The
evidence that names a place, year or batch the question does not (四川省…, 2025年…, 第三批…) is set
aside, and a sentence lacking the kind of fact asked for (a phone number, a web address, an amount of
money: the lexicon's ``needs``) does not answer. Whether the best evidence is strong enough to answer
at all is :mod:`assistant.knowledge.scope`'s decision.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from assistant.core.types import Passage
from assistant.knowledge.asking import function_words
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.question import QUESTION_CHARS, Question
from assistant.knowledge.sentences import quotable_sentences
from assistant.knowledge.tokens import _jieba, tokenize

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

UNKNOWN_WEIGHT = 2.5  # a word no document uses is specific to what is asked (set on the development rows: 1.5 → 2.5)
CONTEXT_FACTOR = 0.7
SINGLE_CHARACTER_FACTOR = 1.0
MAX_TERMS = 80  # most weighted terms a question is scored by (a real question has far fewer)
SUBJECT_COVERAGE = 0.4
FUNCTION_FACTOR = 0.3  # how a question asks (会, 直接, 作为, 怎么样, 明天) weighs this much of what it asks about
SPECIFIC_WEIGHT = 1.6  # idf of a term in at most about a fifth of the passages (申报 1.45, 效益 1.79 on the corpus)
_ASPECT = "了过着"  # particles jieba leaves on a verb (「发了」)
KIND_PENALTY = 0.5  # evidence of another kind than asked (a dateless sentence for 「哪天」) weighs half
FIELD_BONUS = 0.1  # a question naming one field: the passages written about that field alone come first
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日")
# A number question wants an amount, not the year it is dated; "多少个" prefers "300个".
_YEAR_OR_DATE = re.compile(r"\d{4}\s*年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日|\d{4}\s*[—-]\s*\d{4}")
_FORMAT = re.compile(r"\b[A-Z]{2,5}\b|格式")
_YEAR = re.compile(r"20\d\d年")
BATCH = re.compile(r"第[一二三四五六七八九十\d]+批|首批")


def _chars(chars: list[str]) -> str:
    return "[" + re.escape("".join(chars)) + "]"


@cache
def _number() -> re.Pattern[str]:
    """An amount in an evidence sentence (「300个」「18.5%」「三个」), unit characters from the lexicon."""
    n = lexicon().numbers
    return re.compile(
        rf"(?<![\d.])\d++(?:\.\d++)?\s*{_chars(n.after_digits)}"
        rf"|(?<![一二两三四五六七八九十百])[一二两三四五六七八九十百]++{_chars(n.after_han_digits)}"
    )


@cache
def _asked_unit() -> re.Pattern[str]:
    n = lexicon().numbers
    # 「几百字」 reads 「几100字」 once numerals are digits: still an amount of 字 asked
    return re.compile(rf"(?:多少|几)\s*(?:\d+\s*)?({_chars(n.asked_units)})|({_chars(n.asked_count_of)})数")


@cache
def _count() -> re.Pattern[str]:
    """「17个」 and an ordinal 「第1号」: a term as written (its digits alone are none; 第1号 is not 第15号)."""
    return re.compile(rf"(?<![\d.])\d{{1,4}}(?:{any_of(*lexicon().counted).pattern})|第\d{{1,4}}+号")


_HAN_ONLY = re.compile(r"[\u4e00-\u9fff]{3,}+$")


@dataclass
class Evidence:
    passage: Passage
    sentence: str
    score: float
    rank: int


def _parts_only(tokens: list[str]) -> list[str]:
    """jieba search mode yields compounds and their parts ("纸质材料", "纸质", "材料"); keep the parts."""
    return [t for t in tokens if not any(u != t and u in t for u in tokens)]


@cache
def _generic() -> frozenset[str]:
    return frozenset(lexicon().generic_words)


def _terms(text: str) -> list[str]:
    """Content words (not generic, not bare digits); a count with its unit stays a term ("17个部门": 「17个」)."""
    generic = _generic()
    text = text[:QUESTION_CHARS]
    tokens = [t for t in dict.fromkeys(tokenize(text)) if t not in generic and not t.isdigit()]
    return _parts_only(tokens) + list(dict.fromkeys(_count().findall(text)))


def content_terms(text: str) -> list[str]:
    """The words of ``text`` that say what it is about (not how it asks): what evidence is scored by."""
    return _terms(text)


def aliases(question: Question) -> dict[str, tuple[str, ...]]:
    """A colloquial term and the documents' wording for it (the lexicon's expansions): a sentence with either
    covers the term (「民企」 is covered by 「民营企业」)."""
    found: dict[str, tuple[str, ...]] = {}
    for spoken, written in lexicon().expansions.items():
        if spoken in question.text:
            for term in _terms(spoken) or [spoken]:
                found[term] = (*found.get(term, ()), *written.split())
    return found


def _checked_amounts(question: Question) -> set[str]:
    """The amounts a premise or yes/no question states (「推20个」「三份就行吧」), as its terms: they are compared
    with the documents' amount once the sentence about the same thing is found, so they must not choose it
    (the 20个 of 「首批20个典型案例」 is not the number that may be recommended)."""
    if not (question.has("premise") or question.has("yes_no")):
        return set()
    units = "".join(u for u in lexicon().amounts.compared_units if len(u) == 1)
    return set(re.findall(rf"(?<!\d)\d++[{units}]", question.text))  # anchored: linear in a run of digits


def _known_pieces(terms: list[str], df: dict[str, int]) -> list[str]:
    """Each term, or, for one of three or more characters that neither the documents nor the dictionary know (jieba's
    guess at a new word: 「光交个」 of 「电子版光交个pdf」), the dictionary words it is made of; single characters of it
    drop out. Why: as an unknown word it weighed as much as 「PDF」 and no sentence could hold it. Two-character
    unknowns stay (「胶装」: what a question the documents do not answer is about)."""
    freq = _jieba().dt.FREQ
    out: list[str] = []
    for term in terms:
        if df.get(term) or freq.get(term) or not _HAN_ONLY.match(term):
            out.append(term)
            continue
        out += [piece for piece in _jieba().lcut(term, HMM=False) if len(piece) >= 2]
    return list(dict.fromkeys(out))


def question_weights(question: Question, kb: KnowledgeBase, text: str | None = None) -> dict[str, float]:
    """Content words with idf weights; unknown words get a modest weight, words of context clauses less."""
    df, total = kb.store.document_frequency()
    asked = set(_terms(" ".join(question.parts))) if text is None else set(_terms(text))
    function = function_words(text if text is not None else question.text)
    weights = {}
    checked = _checked_amounts(question)
    for term in _known_pieces(_terms(text if text is not None else question.text), df):
        if not df.get(term) and len(term) >= 2 and term[-1] in _ASPECT:
            term = term[:-1]  # 「发了」「交过」: a verb with its aspect particle, not a word of its own
        if question.home and term in question.home:  # the call's home place: every document is about it
            continue
        if question.batch and len(term) >= 2 and term in question.batch:  # 「第二批」, the call's own batch: the same
            continue
        if term in checked:  # 「听说能推20个」: the amount is what is checked, not what to look for
            continue
        if df.get(term):
            weight = math.log(1 + (total + 1) / (1 + df[term]))
        elif len(term) >= 2:
            weight = UNKNOWN_WEIGHT
        elif term not in function and (inside := kb.store.character_frequency(term)):  # 「拿过啥奖」: 二等奖
            weight = SINGLE_CHARACTER_FACTOR * math.log(1 + (total + 1) / (1 + inside))
        else:
            continue
        weight = FUNCTION_FACTOR * weight if term in function else weight
        weights[term] = weight if term in asked else CONTEXT_FACTOR * weight
    for clause in question.context:
        for term in _terms(clause):
            if term not in weights and df.get(term):
                weights[term] = CONTEXT_FACTOR * math.log(1 + (total + 1) / (1 + df[term]))
    if len(weights) > MAX_TERMS:  # a question of a few dozen words has fewer; each term is checked per sentence
        weights = dict(sorted(weights.items(), key=lambda item: item[1], reverse=True)[:MAX_TERMS])
    return weights


def _coverage(
    weights: dict[str, float], sentence: str, context: str, in_passage: set[str], alias: dict[str, tuple[str, ...]]
) -> float:
    """``in_passage``: the terms the whole passage holds (looked up once per passage, not per sentence)."""
    total = sum(weights.values()) or 1.0
    got = 0.0
    sentence, context = sentence.lower(), context.lower()  # terms are lower case (tokenize): 「pdf」 is 「PDF」
    for term, weight in weights.items():
        if term in sentence or any(a in sentence for a in alias.get(term, ())):
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
    limit: bool = False  # asks whether there is a bound (限制, 上限): the yes/no words for limits

    @classmethod
    def of(cls, question: Question) -> _Asked:
        unit = _asked_unit().search(question.text)
        asks_format = any_of(*lexicon().format_cues, *lexicon().formats).search(question.text)
        limit = bool(any_of(*lexicon().yes_no.limits).search(question.text))
        counted = unit.group(1) or unit.group(2) if unit else _quantity_unit(question.text)
        return cls(counted, bool(asks_format), limit)


def _quantity_unit(text: str) -> str | None:
    """「数据量有多大」 asks an amount of 条 (the lexicon's ``numbers.quantities``)."""
    return next((unit for word, unit in lexicon().numbers.quantities.items() if word in text), None)


def asked_unit(question: Question) -> str | None:
    """The counter a question asks an amount of (「多少张」 → 张, 「页数」 → 页), or None."""
    return _Asked.of(question).unit


def _type_bonus(question: Question, sentence: str, asked: _Asked | None = None) -> float:
    asked = asked or _Asked.of(question)
    bonus = 0.0
    if "date" in question.types and _DATE.search(sentence):
        bonus += 0.15
    if "number" in question.types or asked.unit:  # 「有页数限制吗」 asks for a count of 页 whatever its type
        amounts = [m.group(0) for m in _number().finditer(_YEAR_OR_DATE.sub("", sentence))]
        if amounts and "number" in question.types:
            bonus += 0.1
        if asked.unit and any(a.endswith(asked.unit) for a in amounts):
            bonus += 0.1
    if asked.formats and _FORMAT.search(sentence):
        bonus += 0.1
    if "eligibility" in question.types and any_of(*lexicon().eligibility).search(sentence):
        bonus += 0.1
    if asked.limit and any_of(*lexicon().amounts.limits).search(sentence):
        bonus += 0.1  # 「有页数限制吗」: a sentence stating a bound (不超过20页) is the kind of fact asked for
    return bonus


def places_of(text: str) -> list[str]:
    return [p for p in lexicon().places if p in text]


def registration_place(place: str, text: str) -> bool:
    """Is the place where the asker is registered (「四川注册的企业」「注册地在四川」), not the call asked about?"""
    return bool(re.search(f"{place}.{{0,3}}注册|注册.{{0,3}}{place}", text))


def _batch_aliases(text: str) -> str:
    """``text`` with 「第一批」 added when it says 首批: the documents' word for the batch a user calls 第一批."""
    return text + (" 第一批" if "首批" in text else "")


def _mentions(text: str, passage: Passage) -> str:
    return _batch_aliases(f"{passage.title} {passage.locator} {passage.text}")


def conflicts(question: Question, passage: Passage, batches: bool = True) -> bool:
    """The question names a place, year or batch this passage never mentions."""
    where = _mentions(question.text, passage)
    named = _YEAR.findall(question.text) + (_other_batches(question) if batches else [])
    return any(name not in where for name in named)


def _other_batches(question: Question) -> list[str]:
    return [b for b in BATCH.findall(question.text) if b != question.batch]


def shares_specific_term(
    question: Question, kb: KnowledgeBase, sentence: str, besides: str = "", own: bool = False, min_chars: int = 1
) -> bool:
    """Does the sentence hold a term of the question (or the documents' word for it) that is not in most passages
    (效益, 合规, 公开; not 案例 or 申报, which every requirement and most questions hold)? ``besides``: terms in this
    text do not count (a case card's title: its name is in every line about it). ``own``: only the question's own
    words count, not those of the clauses around it (a part of a question). ``min_chars``: shorter terms do not
    count."""
    alias = aliases(question)
    weights = question_weights(question, kb)
    held = [t for t in weights if (t in sentence or any(a in sentence for a in alias.get(t, ())))]
    held = [t for t in held if t in question.text] if own else held
    held = [t for t in held if len(t) >= min_chars]
    return any(weights[t] >= SPECIFIC_WEIGHT and not (besides and t in besides) for t in held)


def leading(evidence: list[Evidence], close: float = 0.75, count: int = 3) -> list[Evidence]:
    """The sentences an answer rests on: the best and those (of the first ``count``) scoring close to it."""
    return [e for e in evidence[:count] if e.score >= close * evidence[0].score] if evidence else []


def specifiers(question: Question, passage: Passage, batches: bool = True) -> list[str]:
    """Places, years and batches the question is about (a registration place is about the asker)."""
    named = [
        p
        for p in places_of(question.text)
        if p != question.home and not registration_place(p, question.text) and p not in passage.title
    ]
    other = _other_batches(question) if batches else []  # the call's own batch: every passage
    return list(dict.fromkeys(named + _YEAR.findall(question.text) + other))


def subject_ok(
    named: list[str], weights: dict[str, float], sentence: str, context: str = "", rest: dict[str, float] | None = None
) -> bool:
    """A named place/year must be what the sentence is about: present (in it or in its section heading,
    as "（三）总体目标（到2026年底）" is for "打造300个以上…场景"), not one of a list, with the rest.

    ``rest``: ``other_terms(named, weights)``, the same for every sentence of a passage.
    """
    if not named:
        return True
    sentence, context = _batch_aliases(sentence), _batch_aliases(context)
    if any(n not in sentence and n not in context for n in named):
        return False
    if any(n in lexicon().places for n in named) and len(places_of(sentence)) >= 3:  # one place of a list
        return False
    rest = rest if rest is not None else other_terms(named, weights)
    total = sum(rest.values())
    return not total or sum(w for t, w in rest.items() if t in sentence or t in context) / total >= SUBJECT_COVERAGE


_TARGET_YEAR = re.compile(r"到\s*(20\d\d)\s*年|(20\d\d)\s*年底")


def target_years(text: str) -> set[str]:
    """The target years a text names (「到2026年底」「2028年底」)."""
    return {a or b for a, b in _TARGET_YEAR.findall(text[:QUESTION_CHARS])}


def _other_target_year(asked: set[str], sentence: str) -> bool:
    """The question asks about a target year (「到2026年底要建成多少个」) and the sentence sets another (「到2028年建成
    100个以上」): a different goal, though the plan's title holds 2026年."""
    set_in = target_years(sentence) if asked else set()
    return bool(set_in and not asked & set_in)


def other_terms(named: list[str], weights: dict[str, float]) -> dict[str, float]:
    """The weighted terms that are not part of a named place/year (what else the sentence must be about)."""
    return {t: w for t, w in weights.items() if all(t not in n and n not in t for n in named)}


def _own_first(question: Question, rest: dict[str, float]) -> dict[str, float]:
    """The terms a sentence must be about, besides a named place or batch: the question's own when it has any.
    A part's context clauses rank its sentences but do not decide what it asks about: 「首批案例哪天发布的」 in 「……
    一共几个 覆盖了几个领域」 is answered by the dated sentence, which does not say 覆盖 or 领域."""
    own = {t: w for t, w in rest.items() if t in question.text[:QUESTION_CHARS]}
    return own or rest


def score_sentences(
    question: Question, passages: list[Passage], kb: KnowledgeBase, text: str | None = None
) -> list[Evidence]:
    """Every sentence of the passages that do not conflict with the question, best first.

    A batch named in a premise or a yes/no to check (「云冈石窟那个项目已经入选首批典型案例了吧」) is what is being
    checked, not where to look: when no sentence mentions it, the sentences about the rest of the question answer it."""
    found = _scored(question, passages, kb, text, batches=True)
    checks = question.has("premise") or question.has("yes_no") or question.has("case")  # 「X是首批第几号」 too
    if not found and checks and _other_batches(question):
        found = _scored(question, passages, kb, text, batches=False)
    return found


def _scored(
    question: Question, passages: list[Passage], kb: KnowledgeBase, text: str | None, batches: bool
) -> list[Evidence]:
    weights = question_weights(question, kb, text)
    if not weights:
        return []
    asked = _Asked.of(question)
    alias = aliases(question)
    targets = target_years(question.text)
    found: list[Evidence] = []
    for rank, passage in enumerate(passages):
        if conflicts(question, passage, batches):
            continue
        context = f"{passage.title} {passage.locator}"
        prior = 0.1 * (len(passages) - rank) / len(passages)
        named = specifiers(question, passage, batches)
        lowered = passage.text.lower()
        in_passage = {t for t in weights if t in lowered or any(a in lowered for a in alias.get(t, ()))}
        rest = _own_first(question, other_terms(named, weights))
        field_bonus = FIELD_BONUS if question.call_field and passage.fields == [question.call_field] else 0.0
        for sentence in quotable_sentences(passage):
            if not subject_ok(named, weights, sentence, context, rest) or _other_target_year(targets, sentence):
                continue
            coverage = _coverage(weights, sentence, context, in_passage, alias)
            score = coverage + _type_bonus(question, sentence, asked) + prior + field_bonus
            found.append(Evidence(passage=passage, sentence=sentence, score=score, rank=rank))
    return sorted(found, key=lambda e: e.score, reverse=True)
