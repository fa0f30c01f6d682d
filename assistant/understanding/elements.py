"""Which required elements (numbers, data sources, data flow, security, results) a text contains.

The interview asks only for what is missing, the review checks drafts, and the bureau's pre-scoring
quotes evidence: all with this one reader. Each element the form names has a learned binary
classifier (shipped weights, threshold chosen by cross-validation on the development sentences);
numbers add the figures rule, which reads digits better than any classifier. A text is read
sentence by sentence (long sentences clause by clause) and holds an element when any piece does.
An element a form defines without a trained model falls back to the keywords the form's YAML gives.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from functools import lru_cache

import numpy as np

from assistant.core.textlen import split_sentences
from assistant.forms.spec import FormSpec
from assistant.understanding.encoder import SentenceEncoder
from assistant.understanding.features import sentence_features
from assistant.understanding.figures_rule import has_figures
from assistant.understanding.linear import LinearModel

PIECE_CHARS = 100  # a sentence longer than this is read clause by clause; a clause longer than this in windows
MAX_PIECES = 240  # pieces read per text: a 5,000字 part is ~150; the encoder costs ~10–25 ms a piece
_MARKER_RE = re.compile(r"【待补充[^】]*】")
_CLAUSE_RE = re.compile(r"[^，,；;：:]+[，,；;：:]?")
_WORD_RE = re.compile(r"[^\W\d_]")  # a letter of any script: a piece without one says nothing but figures


def pieces(text: str) -> list[str]:
    """Sentences, long ones cut at clause marks (and unbroken runs in windows) into pieces of ≤ PIECE_CHARS.

    Bounded twice, because the encoder's cost follows the text's length: no piece is longer than
    PIECE_CHARS (an 8,000-digit message is 80 windows, not one 3,000-token input), and no text gives
    more than MAX_PIECES (an element first named after the 240th sentence of one text is not seen).
    """
    out: list[str] = []
    for sentence in split_sentences(_MARKER_RE.sub("", text)):
        sentence = sentence.strip()
        if len(sentence) < 2:
            continue
        current = ""
        for clause in _CLAUSE_RE.findall(sentence) if len(sentence) > PIECE_CHARS else [sentence]:
            if current and len(current) + len(clause) > PIECE_CHARS:
                out.append(current)
                current = ""
            current += clause
            while len(current) > PIECE_CHARS:
                out.append(current[:PIECE_CHARS])
                current = current[PIECE_CHARS:]
            if len(out) >= MAX_PIECES:
                return out[:MAX_PIECES]
        if current.strip():
            out.append(current)
        if len(out) >= MAX_PIECES:
            return out[:MAX_PIECES]
    return out


@lru_cache(maxsize=64)
def _any_of(keywords: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(k) for k in keywords) or "(?!)")


def _within(split: list[list[str]], budget: int) -> list[list[str]]:
    """The first ``budget`` pieces of the call, text by text."""
    read = []
    for ps in split:
        read.append(ps[: max(0, budget)])
        budget -= len(read[-1])
    return read


class ElementReader:
    """``present(texts)`` → the element ids each text holds; ``missing(ids, text)`` for the interview."""

    def __init__(self, form: FormSpec, models: dict[str, LinearModel], encoder: SentenceEncoder) -> None:
        self.form = form
        self.models = {eid: m for eid, m in models.items() if eid in form.elements}
        self.encoder = encoder

    def present(
        self, texts: Sequence[str], budget: int | None = None, wanted: Sequence[Collection[str]] | None = None
    ) -> list[set[str]]:
        """The elements each text holds; each text sends at most MAX_PIECES pieces to the encoder.

        ``budget`` caps the pieces of the whole call, for a caller that passes one document sentence by sentence
        (pre-scoring, the flow diagram), where the cap per text bounds nothing: 2,500 distinct sentences were
        2,500 encoder calls. Pieces past the budget are read by the form's keywords for each element.
        ``wanted`` (one collection per text) limits which elements are looked for in each text: a caller that
        asks one question of a long text does not pay for the figure search it does not need."""
        split = [pieces(t) for t in texts]
        read = split if budget is None else _within(split, budget)
        scores = {eid: hits.tolist() for eid, hits in self._scores([p for ps in read for p in ps]).items()}
        found: list[set[str]] = []
        offset = 0
        asked = wanted if wanted is not None else [self.form.elements] * len(texts)
        for text, ps, done, ids in zip(texts, split, read, asked, strict=True):
            rows = slice(offset, offset + len(done))
            offset += len(done)
            unread = "".join(ps[len(done) :])
            found.append(
                {
                    eid
                    for eid in self.form.elements
                    if eid in ids and self._holds(eid, text, scores.get(eid), rows, done, unread)
                }
            )
        return found

    def _scores(self, flat: list[str]) -> dict[str, np.ndarray]:
        """Each model's decision per piece; pieces without a letter (digits, marks) are not encoded: no."""
        if not flat or not self.models:
            return {}
        worded = [i for i, piece in enumerate(flat) if _WORD_RE.search(piece)]
        decisions = {eid: np.zeros(len(flat), dtype=bool) for eid in self.models}
        if worded:
            block = sentence_features(self.encoder, [flat[i] for i in worded], bound=False)
            for eid, model in self.models.items():
                decisions[eid][worded] = model.probabilities(block) >= model.threshold
        return decisions

    def _holds(
        self, element_id: str, text: str, hits: list[bool] | None, rows: slice, read: list[str], unread: str
    ) -> bool:
        """``read``: the text's pieces behind ``hits[rows]``; ``unread``: its pieces past the call's budget.
        (Python lists, not numpy: a document read sentence by sentence asks this thousands of times.)"""
        if element_id == "numbers":
            # digits are the rule's: "SHA256" is no figure whatever a classifier thinks; the classifier adds the
            # figures written in words ("一半""两三周") in pieces that hold no digit at all
            if has_figures(text):
                return True
            if hits is not None:
                return any(hit and not re.search(r"\d", piece) for hit, piece in zip(hits[rows], read, strict=True))
            return False
        spec = self.form.elements[element_id]
        if hits is not None:
            return any(hits[rows]) or bool(unread) and _any_of(tuple(spec.keywords)).search(unread) is not None
        if spec.detector == "number":
            return has_figures(text)
        return any(keyword in text for keyword in spec.keywords)

    def elements_in(self, text: str) -> set[str]:
        return self.present([text])[0]

    def detect(self, element_id: str, text: str) -> bool:
        return element_id in self.elements_in(text)

    def missing(self, element_ids: Sequence[str], text: str) -> list[str]:
        """Element ids from ``element_ids`` that ``text`` does not hold, in order."""
        if not element_ids:
            return []
        held = self.present([text], wanted=[set(element_ids)])[0]
        return [eid for eid in element_ids if eid not in held]
