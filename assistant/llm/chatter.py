"""Sentences that are chat, not content: a preamble, a closing offer, English drift.

A chat model opens with 「好的，以下是……：」 and ends with 「如需进一步修改……请随时告诉我。」;
neither ever belongs in an application form, and neither carries a figure. The
normaliser asks these tests of each sentence; they live apart because they are a
vocabulary (what models say), not the line and sentence machine.
"""

from __future__ import annotations

import re

_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_DIGIT_RE = re.compile(r"[0-9０-９]|[零〇一二两三四五六七八九十百千万亿]+(?:元|倍|吨|亩|公里|个百分点|成)")
_QUOTED_RE = re.compile(r"“[^”]*”|\"[^\"]*\"|《[^》]*》")

_ACK = r"(?:好的|好滴|好|嗯|当然可以|当然|没问题|可以的|可以|收到|明白了|明白|了解|OK|Ok|ok|Sure|sure)"
_ACK_ONLY_RE = re.compile(rf"^{_ACK}[\s，,。.！!～~]*$")
ACK_LEAD_RE = re.compile(rf"^{_ACK}[，,。.！!～~\s]+")
_PREAMBLE_START_RE = re.compile(
    r"^(?:以下|下面|如下|这是|这里是|现将|现为|为您|给您|我(?:将|来|已|为|会|按|根据)|根据您|按照您|遵照您|依据您|"
    r"根据(?:您的)?要求|按(?:照)?(?:您的)?要求|请看|请参考)"
)
_PREAMBLE_COLON_RE = re.compile(r"(?:正文|全文|内容|草稿|初稿|如下|以下|下面|为您|修改后|压缩后|核对后|回答|答复|改写)")
ANSWER_LABEL_RE = re.compile(r"^(?:答复|回答|答|正文)[:：]\s*")
_CLOSING_START_RE = re.compile(
    r"^[（(]?(?:如需|如果(?:您)?(?:需要|还需要|还有|有)|如有(?:需要|任何|其他|疑问)|如您|若(?:您)?(?:需|还需|有)|"
    r"希望(?:以上|这|本|对您)|以上(?:内容|就是|即为|是|为)|需要(?:我|的话)|请随时|欢迎|您可以|还需要|注[:：]|说明[:：])"
)
_CLOSING_WORD_RE = re.compile(r"您|我|告诉|随时|进一步|调整|参考|修改|帮助|满意|润色")
_LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")


def has_figure(text: str) -> bool:
    return bool(_DIGIT_RE.search(text))


def is_preamble(sentence: str) -> bool:
    """A chat preamble (「好的，以下是……：」「好的。」): never content, never carries a figure."""
    s = sentence.strip()
    if not s:
        return False
    if _ACK_ONLY_RE.match(s):
        return True
    if has_figure(_QUOTED_RE.sub("", s)):
        return False
    rest = ACK_LEAD_RE.sub("", s)
    if _PREAMBLE_START_RE.match(rest) and count_chars(rest) <= 80:
        return True
    return s.endswith(("：", ":")) and count_chars(s) <= 60 and bool(_PREAMBLE_COLON_RE.search(s))


def is_closing(sentence: str) -> bool:
    """A closing offer or meta note (「如需进一步修改……请随时告诉我。」), never content."""
    s = sentence.strip()
    return (
        bool(_CLOSING_START_RE.match(s))
        and bool(_CLOSING_WORD_RE.search(s))
        and not has_figure(_QUOTED_RE.sub("", s))
        and count_chars(s) <= 120
    )


def is_english_drift(sentence: str) -> bool:
    """A sentence in English with no figure (a model drifting out of Chinese)."""
    s = sentence.strip()
    return not _CJK_RE.search(s) and len(_LATIN_WORD_RE.findall(s)) >= 4 and not has_figure(s)


def count_chars(text: str) -> int:
    return len(text.strip())
