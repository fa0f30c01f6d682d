"""Understanding a staff question before retrieval: loanwords, typos, colloquialisms, question type.

Why: staff type the way they talk — "ddl到底是几号", "视屏做多长", "个体户有姿格申报吗".
A word that occurs in no document used to refuse the whole question. Here such words
are first mapped to the documents' own vocabulary:

* loanwords and chat abbreviations (deadline/ddl → 截止时间, pdf → PDF, png → 图片 JPG …);
* colloquial verbs (啥 → 什么, 能报吗 → 能申报吗);
* typos: a span of 2–4 Chinese characters that occurs nowhere in the corpus is replaced by
  a corpus word at edit distance 1, where the changed character must be a common
  pinyin-input or shape confusion (视屏→视频, 案列→案例, 姿格→资格, 推光→推广) — or, for words of
  three or more characters, any single character (多媒休→多媒体). The confusion table is
  hand-made because ``pypinyin`` is not a dependency.

The question type (date, number, list, yes/no, procedure, how-to-write, eligibility)
steers which sentences count as an answer and what the answer leads with.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.knowledge.index import _jieba

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

# Characters people confuse when typing pinyin (same or near syllable) or by shape.
_CONFUSABLE_GROUPS = (
    "屏频品 列例利力立 姿资咨 光广 休体 至止志制质 线限现 板版 再在 提题 保报 工公功攻 和合 若诺 张章 "
    "坐座做作 是事 以已 须需 像项向 布步部 称程成城 型形行 标表 既即及级集 计记技纪 交缴 图途 式试 "
    "单担 份分 营赢 执直 证正政 联连 效校 益义 权全 截节 申深身 附付 盖概 材才财 容融 流留 通同 场厂 "
    "案按 获货 叙序 应映 录路 要耀 览揽 词辞"
).split()
_CONFUSABLE: dict[str, set[str]] = {}
for _group in _CONFUSABLE_GROUPS:
    for _ch in _group:
        _CONFUSABLE.setdefault(_ch, set()).update(c for c in _group if c != _ch)

# English and chat words → the wording the documents use.
LOANWORDS = (
    (r"(?:deadline|ddl|dl)", "截止时间"),
    (r"pdf", "PDF"),
    (r"(?:word|docx?)", "Word"),
    (r"mp4", "MP4"),
    (r"(?:png|jpe?g)", "图片JPG"),
    (r"(?:ppt|pptx)", "PPT"),
    (r"mov", "视频MOV"),
    (r"(?:ok|okay)", "可以"),
    (r"tips?", "建议"),
)
# Python's \b sees Chinese characters as word characters, so "deadline是" has no boundary.
_LATIN_EDGE = (r"(?<![A-Za-z])", r"(?![A-Za-z])")
COLLOQUIAL = (
    (r"啥时候|什么时候|几号|哪一天", "哪天"),
    (r"啥|什么东西", "什么"),
    (r"咋办|咋弄|怎么弄", "怎么办"),
    (r"咋", "怎么"),
    (r"(?<![申上汇填举预通公情])报(?=[吗么嘛呢不啊]|一个|给|上|$)", "申报"),
    (r"(?<![申上汇填举预通公情])报(?=[吗么嘛呢？?，,])", "申报"),
    (r"能不能|可不可以|可以不|行不行|行吗|可以么|可以吗|还行吗|ok吗", "可以吗"),
    (r"一起申报|一起做|合作单位", "联合申报"),
    (r"再交一遍|重交|再交", "重新提交"),
    (r"落款", "落款日期"),
    (r"最晚|最迟", "截止"),
    (r"看重", "评审要求"),
)
# "8月底交还行吗": a time of year next to a submission verb is a question about the deadline.
_DEADLINE_CUE = re.compile(
    r"(\d{1,2}月(?:底|末|初|中旬|上旬|下旬|\d{1,2}[日号])?|年底|下个月).{0,4}(?:交|报|提交|申报)"
)
_CLAUSE = re.compile(r"[？?！!；;。]|，(?=另外|还有|以及|再)|\s+|，")

_HAN = re.compile(r"[\u4e00-\u9fff]")

QUESTION_TYPES = ("date", "number", "list", "yes_no", "procedure", "how_to_write", "eligibility", "fact")
_TYPE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("date", re.compile(r"哪天|何时|日期|截止时间|几月|什么时间|落款|成文|印发|公布|发布|启动|颁奖")),
    ("eligibility", re.compile(r"资格|能申报|可以申报|能不能申报|符合|条件|归到哪个领域|选哪个领域|不在.{0,6}里")),
    ("how_to_write", re.compile(r"怎么写|如何写|写什么|写些|写哪些|要写|描述|总结|怎么量化|参考的例子|参考的案例")),
    ("procedure", re.compile(r"怎么办|怎么选|流程|交给|按哪个|在哪找|怎么弄|要干|是交|意见栏|要放|交什么")),
    ("list", re.compile(r"哪些|哪几|哪三|有哪|包括|都有什么|分别|几种图|具体是")),
    ("number", re.compile(r"多少|几个|几份|几类|几种|几号文|多长|多久|多大|上限|第几")),
    (
        "yes_no",
        re.compile(r"吗|么|是否|要不要|需不需要|会不会|有没有|算不算|是不是|能不能|可以不|够不够|来得及|[不没][？?]?$"),
    ),
)


@dataclass
class Question:
    """A question as asked and as normalised for retrieval, with its type.

    ``parts`` are the clauses that ask something (multi-part questions are answered part
    by part); ``context`` are clauses that only describe the asker ("我们是物流公司").
    """

    original: str
    text: str
    qtype: str
    types: list[str] = field(default_factory=list)
    fixes: list[tuple[str, str]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)


@dataclass
class Lexicon:
    """Corpus vocabulary for typo correction: jieba tokens (≥2 Han chars) and 3–4-gram counts."""

    words: dict[str, int]
    grams: Counter[str]
    masked: dict[str, str]
    signature: tuple[int, int]


_LEXICONS: dict[int, Lexicon] = {}


def lexicon(kb: KnowledgeBase) -> Lexicon:
    """Build (once per index state) the vocabulary the corrections must land on."""
    df, total = kb.store.document_frequency()
    signature = (total, len(df))
    cached = _LEXICONS.get(id(kb.store))
    if cached is not None and cached.signature == signature:
        return cached
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
    built = Lexicon(words=words, grams=grams, masked=masked, signature=signature)
    _LEXICONS[id(kb.store)] = built
    return built


_QUESTION_WORDS = frozenset({"上限", "下限"})  # what askers say and documents do not ("上限" is not a typo of 上线)


def _confusable_fix(window: str, lex: Lexicon) -> str | None:
    """The corpus spelling of an unknown span that differs in one pinyin/shape-confusable character."""
    if window in _QUESTION_WORDS:
        return None
    best, best_count = None, 0
    for i, ch in enumerate(window):
        for alt in _CONFUSABLE.get(ch, ()):
            cand = window[:i] + alt + window[i + 1 :]
            count = lex.words.get(cand, 0) if len(cand) == 2 else lex.grams.get(cand, 0)
            if count > best_count:
                best, best_count = cand, count
    return best


def _unknown_word_fix(token: str, lex: Lexicon) -> str | None:
    """A ≥3-character token that is neither a dictionary word nor in the corpus: nearest corpus word."""
    if len(token) < 3 or not all(_HAN.match(c) for c in token) or lex.grams.get(token):
        return None
    if _jieba().dt.FREQ.get(token):
        return None
    for i in range(len(token)):
        cand = lex.masked.get(token[:i] + "?" + token[i + 1 :])
        if cand and cand != token:
            return cand
    return None


QUESTION_CHARS = 2_000
"""How much of a question is read: the service refuses longer ones (``limit_question_chars``, 1,000 by
default); the functions below stop here as well, so a long text costs no more than a long question."""


def correct_typos(text: str, lex: Lexicon) -> tuple[str, list[tuple[str, str]]]:
    """Replace spans that occur nowhere in the corpus by their nearest corpus word (longest first).

    Only the first ``QUESTION_CHARS`` characters are corrected; the rest is returned as it is.
    """
    if len(text) > QUESTION_CHARS:
        head, fixes = correct_typos(text[:QUESTION_CHARS], lex)
        return head + text[QUESTION_CHARS:], fixes
    fixes: list[tuple[str, str]] = []
    for token in dict.fromkeys(_jieba().lcut(text)):
        cand = _unknown_word_fix(token, lex)
        if cand:
            text = text.replace(token, cand)
            fixes.append((token, cand))
    chars = list(text)
    i = 0
    while i < len(chars):
        for size in (4, 3, 2):
            window = "".join(chars[i : i + size])
            if len(window) < size or not all(_HAN.match(c) for c in window) or lex.grams.get(window):
                continue
            cand = _confusable_fix(window, lex)
            if cand:
                chars[i : i + size] = list(cand)
                fixes.append((window, cand))
                i += size - 1
                break
        i += 1
    return "".join(chars), fixes


def map_words(text: str) -> str:
    """Loanwords and colloquial phrasing → the documents' wording."""
    for pattern, repl in LOANWORDS:
        text = re.sub(_LATIN_EDGE[0] + pattern + _LATIN_EDGE[1], repl, text, flags=re.IGNORECASE)
    for pattern, repl in COLLOQUIAL:
        text = re.sub(pattern, repl, text)
    if _DEADLINE_CUE.search(text) and "截止" not in text:
        text += " 申报截止时间"
    return text


def split_clauses(text: str) -> tuple[list[str], list[str]]:
    """Clauses with a question cue (the parts) and those without (context about the asker)."""
    clauses = [c.strip() for c in _CLAUSE.split(text) if len(c.strip()) >= 2]
    parts = [c for c in clauses if any(cue.search(c) for _, cue in _TYPE_CUES) or "什么" in c or "怎么" in c]
    if not parts:
        return [text], []
    return parts, [c for c in clauses if c not in parts]


def question_types(text: str) -> list[str]:
    """Every type whose cue occurs, most specific first (the first is the lead type)."""
    found = [name for name, cue in _TYPE_CUES if cue.search(text)]
    return found or ["fact"]


def analyse(question: str, kb: KnowledgeBase) -> Question:
    """Normalise the wording and detect the type of one question (its first ``QUESTION_CHARS`` characters)."""
    question = question[:QUESTION_CHARS]
    mapped = map_words(question.strip())
    text, fixes = correct_typos(mapped, lexicon(kb))
    types = question_types(text)
    parts, context = split_clauses(text)
    return Question(
        original=question, text=text, qtype=types[0], types=types, fixes=fixes, parts=parts, context=context
    )
