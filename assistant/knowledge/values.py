"""Dates and numbers: the direct answer a colleague would give first, and premises checked against the documents.

Why a lead: staff want "2024年8月20日" or "不对，文件写的是不超过5000字" before the quotes. The lead is only
ever *read off* the quoted evidence (a date, an amount, a format, a comparison of the value the question
states with the value the documents state), never invented, so the citation check that guards model
answers is not needed for it. A lead value must come from a sentence that is about what was asked (the
best sentence, or one scoring close to it): "数据安全法是哪天施行的" is not answered with the date of
another law in the next sentence.

Premises: "案例简介不超过3000字对吧", "纸质件一式三份就行吧", "9月30号交来得及吧" state a value; when the
documents state another value with the same unit (or a deadline before the date), the lead says so and why.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.knowledge.asked_kind import asks_permission_outright, spared_format, there_is
from assistant.knowledge.evidence import KIND_PENALTY, Evidence, asked_unit, content_terms, function_words
from assistant.knowledge.general import pick_evidence
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.per_entity import asked_per_entity, states_per_entity
from assistant.knowledge.question import Question
from assistant.knowledge.routes import Candidate, Context
from assistant.knowledge.tokens import PHRASES

CLOSE = 0.8
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_CHINESE = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_POINTERS = ("那", "这")  # a pointer before an amount: the amount names what is asked about
_DOC_NUMBER_LEAD = re.compile(r"^.*[为是的：:，,]")


def _words(name: str) -> re.Pattern[str]:
    """One of the lexicon's ``amounts`` lists as a pattern (cached by ``any_of``)."""
    return any_of(*getattr(lexicon().amounts, name))


@cache
def _value() -> re.Pattern[str]:
    """An amount the question and the documents can both state, with its unit (「6000字」「一式两份」)."""
    units = any_of(*lexicon().amounts.compared_units).pattern
    return re.compile(rf"((?<![\d.])\d++(?:\.\d++)?|(?<=一式)[一二两三四五六七八九十])\s*({units})")


@cache
def _q_date() -> re.Pattern[str]:
    """「8月底」「8月20号」: a month with a part of it or a day."""
    return re.compile(rf"(\d{{1,2}})月({any_of(*lexicon().month_parts).pattern}|(\d{{1,2}})[日号])")


@cache
def _amount() -> re.Pattern[str]:
    """An amount with its unit and bound (「不超过5000字」「5分钟左右」「一式两份」), units from the lexicon."""
    words = lexicon()
    bounds, units = any_of(*words.bounds).pattern, any_of(*words.units).pattern
    about, counters = _words("approximations").pattern, _words("counters").pattern
    return re.compile(
        rf"(?:{bounds})?(?<![\d.])\d++(?:\.\d++)?\s*(?:%|万|亿)?(?:{units})(?:{about})?"
        rf"|一式[两二三四]份|(?<![一二两三四五六七八九十])[一二两三四五六七八九十]++(?:{counters})"
    )


def _number(text: str) -> float:
    return float(_CHINESE[text]) if text in _CHINESE else float(text)


def _first(
    pattern: re.Pattern[str], evidence: list[Evidence], noun: str = "", asked: tuple[str, ...] = (), unit: str = ""
) -> str | None:
    """The first match in the evidence; with ``noun``, the first match counting that noun when one does; else,
    with ``asked`` (the question's words), the first of those whose clause names most of them: 「事故死亡人数降了
    多少」 is answered by the 11% of 「……处置安全事件550余起，事故死亡人数下降11%」, not by its first figure."""
    found = [m for item in evidence for m in pattern.finditer(item.sentence) if m.group(0).strip()]
    counting = [m for m in found if noun and _counts(noun, m)]
    if unit and not counting:  # 「数据有多少条」: an amount of 条, not the 20个 of the same card
        found = [m for m in found if unit in m.group(0)] or found
    if not counting and asked and found:
        named = [_named_in_clause(m, asked) for m in found]
        if max(named) > 0:
            found = [m for m, n in zip(found, named, strict=True) if n == max(named)]
    best = (counting or found)[:1]
    return best[0].group(0).strip() if best else None


_CLAUSE_END = re.compile(r"[，,；;。：:！？!?]")
CLAUSE_WINDOW = 60  # how far back a clause is read: a sentence of many figures is read in linear time


def _named_in_clause(match: re.Match[str], asked: tuple[str, ...]) -> int:
    """How many characters of the question's words the match's clause holds before it."""
    clause = _CLAUSE_END.split(match.string[max(0, match.start() - CLAUSE_WINDOW) : match.start()])[-1]
    return sum(len(word) for word in asked if word in clause)


def asked_words(question: Question) -> tuple[str, ...]:
    """The words of the question that say what it is about, two characters or more: those of its asking clauses, and
    the documents' wording for them (「国家能源集团那个案例，数据量有多大」 asks 数据量, the card writes 数据规模; the
    case's name is in every line of its card)."""
    asking = " ".join(question.parts) if question.context else question.text
    how = function_words(question.text)
    words = [*content_terms(asking), *content_terms(question.expansion)]
    return tuple(t for t in dict.fromkeys(words) if len(t) >= 2 and t not in how)


_COUNTED = re.compile(
    r"(?:几|多少|(?<!\d)\d++|(?<![一二两三四五六七八九十])[一二两三四五六七八九十]++)\s*+[个项类条家份部批种]([\u4e00-\u9fff]{2})"
)  # possessive and anchored: a run of digits is tried once, not from each of its positions
NOUN_WINDOW = 8  # 「几个领域」 counts 领域 in 「覆盖全部N个行业领域」 too
# The noun, then at most five characters of one clause, then the amount: 「案例数量不超过15个」「数据约59.8亿条」
_QUOTED = re.compile(r"「[^」]{0,30}」")  # a name in quotes between an amount and its noun
_NOUN_TO_AMOUNT = r"[^，,。；;、（）()「」《》\d]{0,5}$"


def counted_noun(text: str) -> str:
    """What the question counts (「几个领域」「十个领域」 → 领域), or ""."""
    found = _COUNTED.search(text)
    return found.group(1) if found else ""


def _counts(noun: str, match: re.Match[str]) -> bool:
    """Does the amount count ``noun``: followed by it (「N个行业领域」), ending in it when the noun is a unit
    (「国家数据局等17部门」), or right after it in the same clause (「推荐案例数量不超过15个」「数据约59.8亿条」)?"""
    sentence = match.string
    if match.group(0).endswith(noun):
        return True
    following = sentence[match.end() : match.end() + 4 * NOUN_WINDOW]
    after = _QUOTED.sub("", following)[:NOUN_WINDOW]  # 「首批20个「数据要素×」典型案例」 counts 案例
    before = sentence[max(0, match.start() - NOUN_WINDOW - len(noun)) : match.start()]
    return noun in after or bool(re.search(re.escape(noun) + _NOUN_TO_AMOUNT, before))


def _matches(pattern: re.Pattern[str], sentence: str, noun: str) -> list[re.Match[str]]:
    """The pattern's matches in the sentence; when the question counts a noun and some match counts it,
    only those: 「覆盖了几个领域」 is not answered by the 20个 案例 of the same sentence."""
    matches = list(pattern.finditer(sentence))
    if noun:
        counting = [m for m in matches if _counts(noun, m)]
        if counting:
            return counting
    return matches


def _stated(match: re.Match[str], sentence: str) -> str:
    """The value as the sentence states it, with its bound (「不超过5000字」「5分钟左右」「一式两份」)."""
    bound = rf"(?:{_words('stated_bounds').pattern})?{re.escape(match.group(0))}(?:{_words('approximations').pattern})?"
    found = re.search(bound, sentence)
    return found.group(0) if found else match.group(0)


def _agrees(value: float, limit: float, quote: str, claims_limit: bool) -> bool:
    """An amount within the documents' bound agrees; a claimed bound must be the documents' bound."""
    if claims_limit or not _words("limits").search(quote):
        return value == limit
    return value <= limit if _words("upper_limits").search(quote) else value >= limit


def _unit_of(match: re.Match[str]) -> str:
    """The unit an amount counts in: 「16个部门」 counts 部门 as 「17部门」 does (a compared unit after 个)."""
    unit = match.group(2)
    if unit == "个":
        after = re.match(any_of(*lexicon().amounts.compared_units).pattern, match.string[match.end() :])
        return after.group(0) if after else unit
    return unit


def compare_value(question: Question, evidence: list[Evidence]) -> tuple[bool, str] | None:
    """ "写了6000字会不会超" / "不超过3000字对吧" against "不超过5000字": (agrees, what the documents say)."""
    asked = _value().search(question.text)
    if not asked or question.text[max(0, asked.start() - 1) : asked.start()] in _POINTERS:
        return None  # 「首批那20个里头有没有<本市>的」: 那20个 points at the cases, it claims nothing
    value, unit = _number(asked.group(1)), _unit_of(asked)
    around = question.text[max(0, asked.start() - 4) : asked.end() + 3]
    claims_limit = bool(_words("claims_limit").search(around))
    noun = counted_noun(question.text)
    strict = bool(noun) and any(noun in e.sentence for e in evidence)  # a noun the documents write: only its count
    for item in evidence:
        for match in _matches(_value(), item.sentence, noun):
            if strict and not _counts(noun, match):
                continue  # 「报20个案例」 is not compared with the 12个 of 「12个省（区、市）」
            if _unit_of(match) != unit:
                continue
            quote = _stated(match, item.sentence)
            if _agrees(value, _number(match.group(1)), quote, claims_limit):
                if (entity := asked_per_entity(question)) and not states_per_entity(item.sentence, entity):
                    return False, f"文件没有按每个{entity}规定数量，写的是「{quote}」"  # 「每个区县推15个」: a total
                return True, f"文件写的是「{quote}」"
            over = "不超过" in quote and value > _number(match.group(1))
            return False, f"{asked.group(0)}{'超出了文件的要求' if over else '与文件不符'}：文件写的是「{quote}」"
    return None


def compare_date(question: Question, evidence: list[Evidence]) -> tuple[bool, str] | None:
    """ "8月底交还行吗" against the deadline in the evidence: (in time, why)."""
    asked = _q_date().search(question.original) or _q_date().search(question.text)
    if not asked or "截止" not in question.text:  # 「补充通知是7月3号发的吧」 asks when it was issued, not if in time
        return None
    month = int(asked.group(1))
    day = int(asked.group(3)) if asked.group(3) else lexicon().month_parts.get(asked.group(2), 31)
    for item in evidence:
        if "截止" not in item.sentence:
            continue
        found = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", item.sentence)
        if found:
            late = (month, day) > (int(found.group(2)), int(found.group(3)))
            verdict = "已超过截止时间" if late else "在截止时间之前"
            return not late, f"{asked.group(0)}{verdict}：截止时间为{found.group(0)}"
    return None


def _done_to_the_file(text: str, asked: list[str]) -> bool:
    """「PDF版要盖章吗」 asks about the seal on the PDF, not whether PDF is allowed: something done to a file, said
    after its format (「盖章的PDF就行了吧」, the seal before it, still asks whether that PDF is enough)."""
    first = min((text.find(f) for f in asked if f in text), default=-1)
    return first >= 0 and bool(any_of(*lexicon().yes_no.done_to_a_file).search(text, first))


def compare_format(question: Question, evidence: list[Evidence]) -> tuple[bool, str] | None:
    """ "视频用mov可以吗" against the formats the documents name: (allowed, which formats). A question about a limit
    (「答辩的PPT有页数限制吗」) names the format as its subject: it does not ask whether that format is allowed."""
    if any_of(*lexicon().yes_no.limits).search(question.text):
        return None
    formats = lexicon().formats
    asked = [f for f in formats if f.lower() in question.original.lower() or f in question.text]
    if _done_to_the_file(question.text, asked):
        return None
    text = " ".join(e.sentence for e in evidence)
    named = [f for f in formats if f in text]
    if not asked or not named:
        return None
    missing = [f for f in asked if f not in named]
    spared = spared_format(question)  # 「不用再交Word了吧」: agreeing is its not being asked for
    if missing:
        return spared in missing, f"文件没有提到{'、'.join(missing)}格式，要求的是{'、'.join(named)}格式"
    required = f"文件要求的格式包括{'、'.join(named)}"
    if spared:
        return False, f"{required}，{spared}也要交"
    only = _words("only").search(question.original) or _words("only").search(question.text)  # ok → 可以
    if only and set(named) - set(asked):
        return False, required
    return True, required


def comparison(question: Question, evidence: list[Evidence]) -> tuple[bool, str] | None:
    for compare in (compare_date, compare_value, compare_format):
        found = compare(question, evidence)
        if found:
            return found
    return None


def _about_the_subject(evidence: list[Evidence]) -> list[Evidence]:
    """The sentences a value may be read from: the best and those scoring close to it."""
    return [e for e in evidence[:3] if e.score >= CLOSE * evidence[0].score] if evidence else []


def _states_a_belief(question: Question) -> bool:
    """A premise put as a belief to confirm (「纸质件要一式五份吧」) is answered 对/不对; one put as a request
    (「电子版光交pdf可以吗」, read as a premise too) is answered 可以/不可以, as it asks."""
    return question.has("premise") and not asks_permission_outright(question)


def lead_line(question: Question, evidence: list[Evidence]) -> str:
    """A one-line direct answer read off the evidence, or "" when none can be read."""
    if _checks(question):
        found = comparison(question, evidence)
        if found:
            agrees, why = found
            word = ("对" if agrees else "不对") if _states_a_belief(question) else ("可以" if agrees else "不可以")
            return f"{word}。{why}。"
    top = _about_the_subject(evidence)
    kinds = sorted((k for k in ("date", "number") if question.has(k)), key=question.reading.score, reverse=True)
    for kind in kinds:
        if kind == "date" and (date := _first(_DATE, top)):
            return _date_lead(question, date)
        if kind == "number" and (number := _counted_amount(question, top, evidence)):
            return f"答：{number}。"
    if "文号" in question.text:
        number = _first(PHRASES, top)
        if number:  # "……的通知文号为国数政策〔2024〕53号": the 文号 is what follows the last 为/是/的
            return f"答：{_DOC_NUMBER_LEAD.sub('', number)}。"
    return ""


def _what_is_counted(question: Question) -> tuple[str, tuple[str, ...], str]:
    """The counted noun, the asked words and the asked unit: what an amount is read next to."""
    return counted_noun(question.text), asked_words(question), asked_unit(question) or ""


UNIT_REACH = 5  # sentences an amount of the asked unit is looked for in, when the closest ones hold none


def _counted_amount(question: Question, top: list[Evidence], evidence: list[Evidence]) -> str | None:
    """The amount read off the closest sentences; when the question asks a unit (「数据量多大」: 条) and they hold no
    amount of it, the first of the next sentences that does (a card's 「首批20个」 line outscores its data line)."""
    noun, words, unit = _what_is_counted(question)
    number = _first(_amount(), top, noun, words, unit)
    if unit and (number is None or unit not in number):
        further = _first(_amount(), evidence[:UNIT_REACH], noun, words, unit)
        number = further if further and unit in further else number
    return number


_DAY = re.compile(r"(\d{1,2})月(\d{1,2})[日号]")


def claimed_day_is(text: str, date: str) -> bool | None:
    """Is the day the text claims (「1月4号」) the day of ``date`` (「2024年1月4日」)? None when either names none."""
    stated, found = _DAY.search(text), _DAY.search(date)
    if not (stated and found):
        return None
    return tuple(map(int, stated.groups())) == tuple(map(int, found.groups()))


def _date_lead(question: Question, date: str) -> str:
    """「答：<date>」, or, when the question claims a day (「首批案例是1月4号发布的吧」), whether that is the day the
    documents give: 「不对。文件写的是……」."""
    same = claimed_day_is(question.original, date)
    same = claimed_day_is(question.text, date) if same is None else same
    if not question.has("premise") or same is None:
        return f"答：{date}。"
    return f"{'对' if same else '不对'}。文件写的是{date}。"


class DatesAndNumbers:
    """Route: a date or number question (or a premise stating one), with the value read off the evidence first."""

    name = "values"

    def answer(self, context: Context) -> Candidate | None:
        question = context.question
        if not (question.has("date") or question.has("number") or question.has("premise")):
            return None
        if not context.evidence:
            return None
        picked = pick_evidence(question, dated_first(question, context.evidence))
        lead = lead_line(question, picked)
        if not lead or _yes_no_first(question, lead):
            return None
        lead = there_is(question, lead)
        if total := _a_total_for_an_entity(question, lead, picked):  # 「一家单位最多报几个」: a total given
            return Candidate(self.name, picked, lead, confidence=1.0, structural=True, unstated=total)
        checked = _checks(question) and comparison(question, picked) is not None and names_nothing_else(context, picked)
        return Candidate(self.name, picked, lead, confidence=min(1.0, 0.3 + picked[0].score), structural=checked)


def _a_total_for_an_entity(question: Question, lead: str, evidence: list[Evidence]) -> str:
    """The sentence the amount was read off, when the question asks it per entity (「一家单位最多能报几个案例」) and
    the sentence gives no amount per that entity (「总推荐案例数量不超过15个」); else ""."""
    entity = asked_per_entity(question)
    value = lead.removeprefix("答：").rstrip("。")
    if not entity or not lead.startswith("答："):
        return ""
    noun = counted_noun(question.text)  # the amount of what is asked (案例), else the sentence the value came from
    counting = [e.sentence for e in evidence if noun and any(_counts(noun, m) for m in _amount().finditer(e.sentence))]
    holding = next(iter(counting), "") or next((e.sentence for e in evidence if value in e.sentence), "")
    return holding if holding and not states_per_entity(holding, entity) else ""


def _yes_no_first(question: Question, lead: str) -> bool:
    """A question read more as yes/no than as how much (「答辩的PPT有页数限制吗」) is answered 有/没有 first by the
    yes/no route, its quotes holding the value; a plain value read off (「答：不超过20页」) leaves that unsaid."""
    more_yes_no = question.reading.score("yes_no") > question.reading.score("number")
    return lead.startswith("答：") and question.has("yes_no") and more_yes_no


def dated_first(question: Question, evidence: list[Evidence]) -> list[Evidence]:
    """For a date question, the evidence ranked as the decline threshold weighs it: a sentence without a date counts
    half (``evidence.KIND_PENALTY``). 「首批案例哪天发布的 一共几个」: the sentence counting the cases matches the
    whole question best, the one dated 2024年5月24日 answers this part."""
    if not question.has("date"):
        return evidence
    return sorted(evidence, key=lambda e: e.score * (1.0 if _DATE.search(e.sentence) else KIND_PENALTY), reverse=True)


def _checks(question: Question) -> bool:
    return question.has("yes_no") or question.has("eligibility") or question.has("premise")


def names_nothing_else(context: Context, picked: list[Evidence]) -> bool:
    """The question states a value to check (「9月初再交来得及不」「写了8000字行不行」) and every word of it the
    documents use is in the passage that holds the compared value: then the comparison decides, however weakly
    the rest of its words match (a question the learned layer read as partly out of scope was declined although
    the deadline answered it). 「可信数据空间试点9月底报还来得及吗」 names a pilot the deadline's passage does not
    speak of: the evidence threshold still applies, and it is declined. Only the asking clauses count: a clause of
    context around them checks nothing."""
    df, _ = context.kb.store.document_frequency()
    question = context.question
    asking = " ".join(question.parts) or question.text  # 「……20个对吧？我们区想争取两三个」: the clause checked
    how = function_words(asking)
    deciding = next((e.passage for e in picked if comparison(question, [e]) is not None), None)
    if deciding is None:
        return False
    held = f"{deciding.title} {deciding.locator} {deciding.text}"
    return all(term in held for term in content_terms(asking) if term not in how and df.get(term))
