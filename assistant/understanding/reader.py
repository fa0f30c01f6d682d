"""Offline reading of one turn: the classifier decides what the message means, rules read its arguments.

The classifier (``LinearModel`` over ``features``) gives a probability for each flat label (an act,
or ``revise:<op>``). Context removes what cannot be meant (no revision before anything is drafted, no
"go to" without a part named). A run-on message is read clause by clause only where that changes the
outcome: an answer that ends with "就这些，写吧" is the intent plus its content; an intent message
keeps the clauses that are answers; a restatement keeps only facts the part does not hold yet.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.core.textlen import split_sentences
from assistant.forms.spec import FormSpec
from assistant.understanding import rules
from assistant.understanding.acts import RevisionOp, TurnAct, TurnContext
from assistant.understanding.encoder import SentenceEncoder
from assistant.understanding.features import bigram_containment, context_vector, sentence_features
from assistant.understanding.linear import LinearModel

TERMINAL = ("draft_now", "finish", "skip", "next", "dont_know", "goto", "back")
TAIL_CONFIDENCE = 0.7  # a trailing clause must be this clearly an intent to split a run-on answer
MOVES = tuple(k for k in TERMINAL if k != "dont_know")  # the acts that move the interview somewhere
SURE_ANSWER = 0.95  # a message read as an answer this surely is not searched for a trailing intent
KNOWN_SHARE = 0.6  # a restated clause whose bigrams are this much in the part's answers adds nothing
_CLAUSE_RE = re.compile(r"[^，,。；;！!？?\n]+[，,。；;！!？?\n]*")


def clauses(text: str) -> list[str]:
    """Clauses at punctuation; voice input without punctuation splits at spaces between words."""
    pieces = [c for c in _CLAUSE_RE.findall(text) if c.strip()]
    if len(pieces) <= 1 and re.search(r"\S\s+\S", text.strip()):
        pieces = [p + " " for p in text.split()]
    return pieces


class TurnReader:
    """``read(text, context)`` → ``TurnAct``; ``read_labels`` for evaluation in batches."""

    def __init__(self, form: FormSpec, model: LinearModel, encoder: SentenceEncoder) -> None:
        self.form = form
        self.model = model
        self.encoder = encoder
        self._labels = model.classes

    # ---- probabilities ----
    def probabilities(self, texts: Sequence[str], contexts: Sequence[TurnContext]) -> np.ndarray:
        probs = self.raw_probabilities(texts, contexts)
        for i, (text, context) in enumerate(zip(texts, contexts, strict=True)):
            probs[i] = self._masked(probs[i], text, context)
        return probs

    def raw_probabilities(self, texts: Sequence[str], contexts: Sequence[TurnContext]) -> np.ndarray:
        """The classifier's own probabilities, before the context rules any reading out."""
        rows = [self._context_row(t, c) for t, c in zip(texts, contexts, strict=True)]
        block = sentence_features(self.encoder, list(texts), np.stack(rows) if rows else None)
        return self.model.probabilities(block)

    def _context_row(self, text: str, context: TurnContext) -> np.ndarray:
        return context_vector(
            text,
            has_drafted=bool(context.drafted),
            current_drafted=context.current_part in context.drafted,
            interview_done=context.current_part is None,
            names_part=rules.named_part(self.form, text) is not None,
            part_answers=context.part_answers,
            other_answers=context.other_answers,
            last_question=context.last_question,
        )

    def _masked(self, probs: np.ndarray, text: str, context: TurnContext) -> np.ndarray:
        """What the context rules out: a revision before anything is drafted, "go to" without a part named,
        "back" when a part is named (then it is "go to" that part)."""
        probs = probs.copy()
        named = rules.named_part(self.form, text) is not None
        for index, label in enumerate(self._labels):
            if label.startswith("revise:") and not context.drafted:
                probs[index] = 0.0
            if (label == "goto" and not named) or (label == "back" and named):
                probs[index] = 0.0
        total = probs.sum()
        return probs / total if total > 0 else probs

    def label_of(self, probs: np.ndarray) -> tuple[str, float]:
        index = int(np.argmax(probs))
        return self._labels[index], float(probs[index])

    # ---- acts ----
    def read(self, text: str, context: TurnContext) -> TurnAct:
        text = text.strip()
        raw = self.raw_probabilities([text], [context])[0]
        probs = self._masked(raw, text, context)
        label, confidence = self.label_of(probs)
        if label in MOVES:
            part, group_named = rules.part_by_ordinal(self.form, text)
            if part and (group_named or rules.named_part(self.form, text) is None):
                return self._to_ordinal(part, probs, text, context)
            if group_named and not part:  # 「宣传推广材料第五部分」: no such part; not its first part by an alias
                return self.act_for(label, 0.0, text, context)
        if label in TERMINAL:  # a move borrowing its odds from readings the context ruled out is no surer for it:
            confidence = min(confidence, float(raw[self._labels.index(label)]))  # 「第七部分」: goto 0.98, next 0.01
        return self.act_for(label, confidence, text, context)

    def _to_ordinal(self, part: str, probs: np.ndarray, text: str, context: TurnContext) -> TurnAct:
        """A move naming a part by its ordinal (「第三部分」, read as 「写吧」 at 0.32 while "go to" was masked for
        want of a part's name): it goes to that part, as sure as the reader is that the message is a move at all."""
        moving = float(sum(p for p, label in zip(probs, self._labels, strict=True) if label in MOVES))
        return TurnAct(kind="goto", content=self._answer_clauses(text, context), target=part, confidence=moving)

    def act_for(self, label: str, confidence: float, text: str, context: TurnContext) -> TurnAct:
        if label.startswith("revise:"):
            op = _revision(label.split(":", 1)[1], text)
            return TurnAct(kind="revise", target=rules.named_part(self.form, text), revision=op, confidence=confidence)
        if label == "answer":
            return self._answer_or_run_on(text, context, confidence)
        if label == "restatement":
            return TurnAct(kind="restatement", content=self._new_facts(text, context), confidence=confidence)
        if label in TERMINAL:
            target = rules.named_part(self.form, text) if label == "goto" else None
            return TurnAct(
                kind=label, content=self._answer_clauses(text, context), target=target, confidence=confidence
            )
        return TurnAct(kind=label, confidence=confidence)

    def _answer_or_run_on(self, text: str, context: TurnContext, confidence: float) -> TurnAct:
        """An answer whose last (or first) short clause is an intent: the intent, with the rest as content.

        A first clause that points back ("上面说过了，就是……") makes the message a restatement: only the facts
        the part does not hold yet are kept.
        """
        pieces = clauses(text)
        if len(pieces) >= 2 and len(pieces[0].strip()) <= 12:
            label, p = self.label_of(self.probabilities([pieces[0]], [context])[0])
            if label == "restatement" and p >= TAIL_CONFIDENCE:
                return TurnAct(kind="restatement", content=self._new_facts(text, context), confidence=p)
        if len(pieces) >= 2 and confidence < SURE_ANSWER:
            edges = [(pieces[-1], pieces[:-1]), ("".join(pieces[-2:]), pieces[:-2]), (pieces[0], pieces[1:])]
            edges = [(edge, rest) for edge, rest in edges if rest and len(edge.strip()) <= 24]
            if edges:
                probs = self.probabilities([edge for edge, _ in edges], [context] * len(edges))  # one batch
                for (edge, rest), row in zip(edges, probs, strict=True):
                    label, p = self.label_of(row)
                    if label in TERMINAL and p >= TAIL_CONFIDENCE:
                        target = rules.named_part(self.form, edge) if label == "goto" else None
                        content = rules.rule_book().trim_content("".join(rest))
                        return TurnAct(kind=label, content=content, target=target, confidence=p)
        return TurnAct(kind="answer", content=text, confidence=confidence)

    def _clause_labels(self, pieces: list[str], context: TurnContext) -> list[str]:
        probs = self.probabilities(pieces, [context] * len(pieces))
        return [self.label_of(row)[0] for row in probs]

    def _answer_clauses(self, text: str, context: TurnContext) -> str:
        """The clauses of an intent message that are answers (「去年新增冷库6座，就这些写吧」)."""
        pieces = clauses(text)
        if len(pieces) < 2:
            return ""
        kept = [p for p, label in zip(pieces, self._clause_labels(pieces, context), strict=True) if label == "answer"]
        return rules.rule_book().trim_content("".join(kept)) if sum(len(p.strip()) for p in kept) >= 4 else ""

    def _new_facts(self, text: str, context: TurnContext) -> str:
        """What a restatement adds beyond the part's answers: clauses that are neither pointers nor known.

        A fact the applicant stated in another part ("上面说过了，就是分类分级、加密这些") is taken in
        their own earlier sentence when one holds it, so the part gets a sentence, not a fragment.
        """
        pieces = clauses(text)
        labels = self._clause_labels(pieces, context) if len(pieces) >= 2 else ["restatement"]
        kept: list[str] = []
        for piece, label in zip(pieces, labels, strict=True):
            facts = rules.without_reference_edges(piece)
            if label != "answer" and len(pieces) >= 2:  # 「上面说过了」「前面讲了」: a pointer, not a fact
                continue
            if len(facts) < 4 or bigram_containment(facts, context.part_answers) >= KNOWN_SHARE:
                continue
            earlier = _sentence_holding(facts, context.other_answers)
            if earlier and earlier not in kept:
                kept.append(earlier)
            elif not earlier:
                kept.append(facts.rstrip("。") + "。")
        return "".join(kept)


def _sentence_holding(facts: str, answers: Sequence[str]) -> str:
    """The applicant's earlier sentence (in any part) that holds most of ``facts``, if one holds enough."""
    best, share = "", 0.0
    for answer in answers:
        for sentence in split_sentences(answer):
            found = bigram_containment(facts, [sentence])
            if found > share:
                best, share = sentence.strip(), found
    return best if share >= KNOWN_SHARE else ""


def _revision(kind: str, text: str) -> RevisionOp:
    """The operation with the arguments the message names (place, quoted text, old → new, new content)."""
    places = rules.ordinals(text)
    op = RevisionOp(kind=kind)
    if kind == "replace":
        pair = rules.replacement(text)
        if pair:
            op.old, op.new = pair
    elif kind == "supplement":
        op.content, op.where, number = rules.supplement(text)
        if op.where == "point":
            op.point = number
        elif op.where == "paragraph":
            op.paragraph = number
        return op
    elif kind == "delete":
        quoted = rules.quoted(text)
        if quoted and not places:
            op.quote = quoted[0]
    elif kind == "reorder":
        op.detail = text
    op.sentence, op.paragraph, op.point = places.get("sentence"), places.get("paragraph"), places.get("point")
    return op
