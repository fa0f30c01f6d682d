"""Yes/no questions: 「可以/不可以/需要/不需要/是/不是」 first, then the sentence that decides it, quoted.

Why: "事业单位能报吗", "要盖章吗", "能不能两家单位一起报" used to get quotes and no answer. The
kind of answer follows the question: 能/可以/行不行 asks for permission (可以/不可以), 要/需要/必须 for a
requirement (需要/不需要), 是不是/算不算 for identity (是/不是); when several occur, the last one asked
decides ("我们要申报，能不能…" asks for permission). The polarity is read off the best evidence only:

* a value, a date or a format the question states is compared with the documents' (``values``);
* a condition the question's subject does not meet (the lexicon's ``opposites``: 个人 ↔ 法人, 境外 ↔ 境内)
  or a sentence saying the two are different things (``different``: 两回事) → the negative;
* a sentence permitting (可, 可结合) or requiring (须, 加盖) it, or one naming the subject among those
  the rule covers (事业单位 in 企事业单位) → the positive.

When none of these holds, no yes/no is claimed: the route stays silent and the quotes answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.knowledge.asked_kind import WORDS, asked_kind, spared_format
from assistant.knowledge.evidence import Evidence, aliases, function_words, places_of, question_weights
from assistant.knowledge.general import pick_evidence
from assistant.knowledge.lexicon import any_of, lexicon
from assistant.knowledge.question import Question
from assistant.knowledge.routes import Candidate, Context
from assistant.knowledge.values import comparison, names_nothing_else

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

CLOSE = 0.8
LISTED_PLACES = 3  # a sentence naming this many places is a list of them
OPPOSITE_WINDOW = 10  # a condition the asker does not meet may sit in a lower-ranked sentence: it is specific


def _opposed(question: Question, sentence: str) -> bool:
    return any(mine in question.original and theirs in sentence for mine, theirs in lexicon().yes_no.opposites)


def _main_terms(question: Question, weights: dict[str, float]) -> list[str]:
    """The terms a deciding sentence must hold one of: the two weightiest words of the question (and the documents'
    words for them)."""
    top = [t for t, _w in sorted(weights.items(), key=lambda tw: -tw[1])[:2]]
    alias = aliases(question)
    return top + [a for t in top for a in alias.get(t, ())]


def _says_different(sentence: str, main_terms: list[str]) -> bool:
    """「大赛获奖与入选典型案例是两回事」 decides a question about those things (one of its main terms is in the
    sentence), not every question whose evidence happens to hold the sentence."""
    return bool(any_of(*lexicon().yes_no.different).search(sentence)) and any(t in sentence for t in main_terms)


def _negated(sentence: str, term: str) -> bool:
    """ "不得…", "无需…" right before the term the question asks about."""
    at = sentence.find(term)
    return at > 0 and bool(any_of(*lexicon().yes_no.negations).search(sentence[max(0, at - 3) : at]))


def polarity(
    question: Question, evidence: list[Evidence], weights: dict[str, float] | None = None, unheld: tuple[str, ...] = ()
) -> tuple[bool, Evidence, bool] | None:
    """(yes?, the deciding sentence, decided by a condition rather than by wording) read off the best
    evidence, or None when it does not decide."""
    words = lexicon().yes_no
    best = [e for e in evidence[:4] if e.score >= CLOSE * evidence[0].score]
    main = [t for t, w in sorted((weights or {}).items(), key=lambda tw: -tw[1])[:3]]
    for item in evidence[:OPPOSITE_WINDOW]:
        names_unheld = not unheld or any(t in item.sentence for t in unheld)  # 「长安汽车的案例入选了没」: no card
        if _opposed(question, item.sentence) or (names_unheld and _says_different(item.sentence, main)):
            return False, item, True
    if (listed := _places_listed_without(question, evidence[:OPPOSITE_WINDOW], main)) is not None:
        return False, listed, True
    kind = asked_kind(question)
    subject = [a for alts in aliases(question).values() for a in alts]  # 事业单位 → 企事业单位
    about = _main_terms(question, weights or {})
    for item in best:
        sentence, lowered = item.sentence, item.sentence.lower()  # terms are lower case (「ppt」), sentences as written
        if about and not any(t in lowered for t in about):
            continue  # 「评审要不要去现场答辩」 is not decided by a sentence with 须 about something else
        if unheld and not any(t in lowered for t in unheld):
            continue  # 「纸质件要不要胶装」: 胶装 is in no document, so 「加盖公章」 does not decide it
        if kind == "requirement" and any_of(*words.requires).search(sentence):
            return (not any(_negated(sentence, w) for w in words.requires if w in sentence)), item, False
        permits = any_of(*words.permits).search(sentence) or any(s in sentence for s in subject)
        if kind in ("permission", "possibility") and permits:  # 「可继续拓展」: 可以, and 会
            return True, item, False
        if kind == "existence" and _exists(question, sentence, weights or {}):
            return True, item, False
    return None


def _places_listed_without(question: Question, evidence: list[Evidence], main: list[str]) -> Evidence | None:
    """「首批案例里有<本市>的吗」 and the deciding sentence lists the places (「分布在北京、上海……等N个省」) without it:
    the list answers 没有 (the home place weighs nothing in retrieval, so no word of the question checks it)."""
    asked = places_of(question.text)
    if not asked:
        return None
    for item in evidence:  # a list of places about what the question is about (one of its main terms)
        listed = places_of(item.sentence)
        if len(listed) >= LISTED_PLACES and any(t in item.sentence for t in main):
            return None if set(asked) & set(listed) else item
    return None


def unheld_terms(question: Question, weights: dict[str, float], kb: KnowledgeBase) -> tuple[str, ...]:
    """The question's words that no document uses and no lexicon entry translates (胶装, 骑缝章): what is asked about
    when the rest is how it asks. Words of how it asks (function words, 限制, 页数) are not among them."""
    df, _ = kb.store.document_frequency()
    alias = aliases(question)
    how = function_words(question.text)
    limits, counts = any_of(*lexicon().yes_no.limits), lexicon().numbers.asked_count_of
    return tuple(
        t
        for t in weights
        if not df.get(t) and t not in alias and t not in how and len(t) >= 2
        and not limits.search(t)  # 「限制」 asks whether there is a limit; 「页数」 asks a count of 页 (「不超过20页」)
        and not (t.endswith("数") and t[:-1] in counts)
    )


def _exists(question: Question, sentence: str, weights: dict[str, float]) -> bool:
    """ "有页数限制吗" and the sentence states a limit; "有没有提隐私计算" and it names what was asked."""
    words = lexicon().yes_no
    if any_of(*words.limits).search(question.text) and any_of(*words.limits).search(sentence):
        return True
    main = max(weights, key=lambda t: weights[t], default="")
    return bool(main) and main in sentence


def chosen_alternative(question: Question, evidence: list[Evidence]) -> str | None:
    """「图片要jpg还是png」 asks which of two formats, not whether one is needed: the ones the quoted lines name
    (「JPG」), 「都不是」 when they name neither; None for a question that is no such choice. Also when it asks
    leave for one of them: 「图片给png可以不，还是必须jpg」 had been answered 「不需要。」 (必须 asks a requirement)."""
    if not any_of(*lexicon().yes_no.alternatives).search(question.original):
        return None
    original = question.original.lower()
    asked = [f for f in lexicon().formats if f.lower() in original]
    if len(asked) < 2:
        return None
    text = " ".join(e.sentence for e in evidence)
    return "、".join(f for f in asked if f in text) or "都不是"


class YesOrNo:
    """Route: a yes/no question, answered 可以/不可以/需要/不需要/是/不是 first, with the deciding sentence."""

    name = "yes_no"

    def answer(self, context: Context) -> Candidate | None:
        question = context.question
        if not question.has("yes_no") or not context.evidence:
            return None
        picked = pick_evidence(question, context.evidence)
        compared = comparison(question, picked)
        yes_word, no_word = WORDS[asked_kind(question)]
        if compared is not None:
            agrees, why = compared
            if spared_format(question):  # 「不用再交Word了吧」 asks whether it is needed: 需要, not 不可以
                yes_word, no_word = WORDS["requirement"][::-1]
            choice = chosen_alternative(question, picked)
            lead = f"{choice or (yes_word if agrees else no_word)}。{why}。"
            checked = names_nothing_else(context, picked)  # a checked value decides
            return Candidate(self.name, picked, lead, confidence=0.85, structural=checked)
        weights = question_weights(question, context.kb)
        decided = polarity(question, context.evidence, weights, unheld_terms(question, weights, context.kb))
        if decided is None:
            return None
        yes, sentence, by_condition = decided
        quotes = [sentence] + [e for e in picked if e.sentence != sentence.sentence]
        lead = f"{yes_word if yes else no_word}。"
        return Candidate(self.name, quotes, lead, confidence=0.75, structural=by_condition)
