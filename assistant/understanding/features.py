"""Turn a message (and its context) into the numbers the linear classifiers read.

Three kinds of evidence, side by side in one vector:

* **meaning** — the e5 sentence vector of the (bounded) text: it carries what a phrase means, so
  「上面说过了」 and 「前面讲了」 land near each other although they share no word;
* **surface** — hashed character 1–3-grams with digits folded to 0: cheap, and strong where the signal
  is lexical (「第0句」, 「改成」, a trailing 「吗」);
* **context** — a few facts a phrase alone cannot show: is anything drafted, does the message repeat the
  part's earlier answers, does it name a part, is it long.

Long messages are bounded before encoding (head and tail), because intent sits at the edges of a
message and the encoder's cost grows with length; every message costs about the same.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from assistant.understanding.encoder import DIM, SentenceEncoder

HASH_DIM = 1 << 14
HEAD, TAIL, BOUND = 44, 24, 72
_DIGITS = re.compile(r"\d+(\.\d+)?")
_QUOTES = re.compile(r"[「『“\"‘'《][^」』”\"’'》]{1,80}[」』”\"’'》]")
CONTEXT_NAMES = (
    "has_drafted",
    "current_drafted",
    "interview_done",
    "len_le_4",
    "len_le_10",
    "len_le_20",
    "len_le_40",
    "len_le_80",
    "len_gt_80",
    "has_digit",
    "has_quote",
    "names_part",
    "repeats_part",
    "repeats_other",
    "echoes_question",
    "ends_question",
)


def bounded(text: str) -> str:
    """The text the encoder sees: whole when short, else its head and tail."""
    text = " ".join(text.split())
    return text if len(text) <= BOUND else f"{text[:HEAD]}…{text[-TAIL:]}"


def surface_form(text: str) -> str:
    """NFKC, lower case, digits folded: 「第2句」 and 「第３句」 are the same surface."""
    return _DIGITS.sub("0", unicodedata.normalize("NFKC", text).lower())


def hashed_ngrams(text: str) -> dict[int, float]:
    """Character 1–3-grams of ``^text$`` hashed into HASH_DIM buckets, L2-normalised counts.

    Each distinct gram is hashed once (a cached bucket); the counts are the same as hashing every
    occurrence, so the shipped weights stay valid.
    """
    chars = "^" + "".join(surface_form(text).split()) + "$"
    grams = Counter(chars[i : i + n] for n in (1, 2, 3) for i in range(len(chars) - n + 1))
    counts: dict[int, float] = {}
    for gram, count in grams.items():
        bucket = _bucket(gram)
        counts[bucket] = counts.get(bucket, 0.0) + float(count)
    norm = float(np.sqrt(sum(v * v for v in counts.values()))) or 1.0
    return {k: v / norm for k, v in counts.items()}


@lru_cache(maxsize=1 << 17)
def _bucket(gram: str) -> int:
    return zlib.crc32(gram.encode("utf-8")) % HASH_DIM


def bigram_containment(text: str, others: Sequence[str]) -> float:
    """The largest share of ``text``'s character bigrams found in any one of ``others`` (0–1)."""
    grams = _bigrams(text)
    if not grams or not others:
        return 0.0
    return max(len(grams & _bigrams(o)) / len(grams) for o in others)


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.isalnum()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def context_vector(
    text: str,
    *,
    has_drafted: bool,
    current_drafted: bool,
    interview_done: bool,
    names_part: bool,
    part_answers: Sequence[str],
    other_answers: Sequence[str],
    last_question: str = "",
) -> np.ndarray:
    length = len(text.strip())
    values = [
        has_drafted,
        current_drafted,
        interview_done,
        length <= 4,
        4 < length <= 10,
        10 < length <= 20,
        20 < length <= 40,
        40 < length <= 80,
        length > 80,
        bool(re.search(r"\d", text)),
        bool(_QUOTES.search(text)),
        names_part,
        bigram_containment(text, part_answers),
        bigram_containment(text, other_answers),
        bigram_containment(text, [last_question]) if last_question else 0.0,  # answers pick up the question's words
        text.rstrip().endswith(("?", "？", "吗", "呢")),
    ]
    return np.asarray(values, dtype=np.float32)


class FeatureBlock:
    """Dense meaning + context, sparse surface: the two halves of one linear model's input."""

    def __init__(self, dense: np.ndarray, sparse: list[dict[int, float]]) -> None:
        self.dense = dense  # (n, DIM + len(context)) float32
        self.sparse = sparse  # per row: bucket -> value

    def __len__(self) -> int:
        return len(self.sparse)


def sentence_features(
    encoder: SentenceEncoder, texts: Sequence[str], contexts: np.ndarray | None = None, *, bound: bool = True
) -> FeatureBlock:
    """Features of many texts at once (one encoder batch); ``contexts`` rows are appended when given.

    Turns are bounded (intent sits at the edges); element pieces are read whole (a fact can sit anywhere).
    """
    shown = [bounded(t) if bound else " ".join(t.split()) for t in texts]
    meaning = encoder.encode(shown) if shown else np.zeros((0, DIM), dtype=np.float32)
    dense = meaning if contexts is None else np.hstack([meaning, contexts.astype(np.float32)])
    return FeatureBlock(dense, [hashed_ngrams(t) for t in shown])
