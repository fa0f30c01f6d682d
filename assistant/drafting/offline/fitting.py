"""Shrink a part to its budget by keeping the most informative sentences, in order."""

from __future__ import annotations

from assistant.core.figures import extract_numbers
from assistant.core.textlen import count_words

_SENTENCE_HINTS = ["来源", "流通", "安全", "提升", "降低", "节约", "数据"]


def sentence_priority(sentence: str) -> int:
    """Sentences with figures and key terms are kept first when a part must shrink."""
    return 2 * bool(extract_numbers(sentence)) + sum(hint in sentence for hint in _SENTENCE_HINTS)


def fit_paragraphs(paragraphs: list[list[str]], budget: int) -> tuple[list[list[str]], int]:
    """Keep the highest-priority sentences (in original order) that fit ``budget``; return dropped count."""
    kept, dropped = fit_paragraphs_report(paragraphs, budget)
    return kept, len(dropped)


def fit_paragraphs_report(paragraphs: list[list[str]], budget: int) -> tuple[list[list[str]], list[str]]:
    """Like :func:`fit_paragraphs`, but return the dropped sentences themselves (so a report can name them)."""
    flat = [(p, s, sentence) for p, para in enumerate(paragraphs) for s, sentence in enumerate(para)]
    if sum(count_words(x[2]) for x in flat) <= budget:
        return paragraphs, []
    ranked = sorted(flat, key=lambda x: (-sentence_priority(x[2]), x[0], x[1]))
    keep, used = set(), 0
    for p, s, sentence in ranked:
        words = count_words(sentence)
        if used + words <= budget:
            keep.add((p, s))
            used += words
    kept = [[sen for s, sen in enumerate(para) if (p, s) in keep] for p, para in enumerate(paragraphs)]
    return kept, [sentence for p, s, sentence in flat if (p, s) not in keep]
