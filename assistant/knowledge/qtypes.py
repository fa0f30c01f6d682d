"""What kind of answer a question wants, read by the learned layer (``knowledge/understanding/models/``).

Types are not exclusive: "纸质件一式三份寄过去就行吧" wants a yes/no, states a premise and is about a
number. So the shipped model is one-vs-rest: one logistic column per type over the same features the
understanding layer reads (the e5 sentence vector and hashed character n-grams), each column's decision
threshold folded into its intercept, so a type holds when its probability is at least one half. It is
trained by ``case-assistant train-understanding --only question-types`` on the development rows of the
committed Q&A sets (their ``types`` labels), never on their held-out rows.

A question no type fits is a ``fact`` question. The lead type is the first of ``ORDER`` that holds: a
premise is checked before it is answered, a yes/no is answered before its date or number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np

from assistant.understanding.encoder import shared_encoder
from assistant.understanding.features import bounded, sentence_features
from assistant.understanding.linear import LinearModel
from assistant.understanding.shipped import models_dir

TYPE_MODEL = "question-types.npz"
FACT = "fact"
ORDER = ("premise", "yes_no", "date", "number", "list", "how_to", "eligibility", "case", "applicant")
OUT_OF_SCOPE = "out_of_scope"


@dataclass
class TypeReading:
    """The types that hold (lead first; ``fact`` when none) and every type's probability."""

    types: list[str]
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def lead(self) -> str:
        return self.types[0]

    def score(self, kind: str) -> float:
        return self.scores.get(kind, 0.0)


@cache
def type_model() -> LinearModel:
    return LinearModel.load(models_dir() / TYPE_MODEL)


def reading_of(scores: dict[str, float]) -> TypeReading:
    held = [kind for kind in ORDER if scores.get(kind, 0.0) >= 0.5]
    return TypeReading(types=held or [FACT], scores=scores)


def read_types(texts: list[str]) -> tuple[list[TypeReading], np.ndarray | None]:
    """One reading per text (one encoder batch), and the texts' e5 query vectors.

    The vectors are returned only when every text is read whole (short enough not to be bounded), so a
    caller may reuse them as the retrieval query vector of the same text.
    """
    model = type_model()
    block = sentence_features(shared_encoder(), texts)
    logits = model.logits(block)
    probabilities = 1.0 / (1.0 + np.exp(-logits))
    readings = [reading_of({c: float(p) for c, p in zip(model.classes, row, strict=True)}) for row in probabilities]
    whole = all(bounded(t) == " ".join(t.split()) == t for t in texts)
    return readings, (block.dense if whole else None)  # no context columns: the rows are the e5 vectors
