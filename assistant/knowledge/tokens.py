"""Words for the lexical index and the Q&A: jieba tokens without stop words, dates and 文号 kept whole.

Split from :mod:`assistant.knowledge.index` (the index stores and searches; this only cuts text into words),
so the Q&A modules that need words do not import the store.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

_KEEP = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    """Function words BM25 and the overlap checks ignore (the lexicon's ``stopwords``)."""
    from assistant.knowledge.lexicon import lexicon

    return frozenset(lexicon().stopwords)


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


PHRASES = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?"  # dates: jieba splits them into digits and 年/月/日
    r"|[\u4e00-\u9fff]{1,10}[〔\[［(（]\d{4}[〕\]］)）]\d{1,4}号"  # 文号 such as 渝大数据发〔2024〕53号
)


TOKENIZE_CHARS = 20_000


def tokenize(text: str) -> list[str]:
    """jieba search-mode tokens without punctuation or function words (BM25 and overlap checks).

    Dates and document numbers are also kept whole, so an exact 文号 or date outranks
    passages that merely share its digits. Only the first ``TOKENIZE_CHARS`` characters are
    read: nothing retrieval tokenizes is longer (a question ≤ 1,000, a chunk ≈ 400, a draft
    ≤ 5,000), and jieba costs about 1.5 µs a character, so a crafted text cannot hold the
    interpreter for long.
    """
    text = text[:TOKENIZE_CHARS]
    tokens = _jieba().lcut_for_search(text) + [m.group(0) for m in PHRASES.finditer(text)]
    out = []
    stopwords = _stopwords()
    for token in tokens:
        token = token.strip().lower()
        if token and _KEEP.search(token) and token not in stopwords:
            out.append(token)
    return out
