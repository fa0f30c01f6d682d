"""The product's own words — prompt sentences, headings, block labels, placeholders — found in a draft.

What counts as the product's own words is not a list kept here: it is the prompt as rendered for
the part, with the applicant's data cut out (``assistant.drafting.prompt_guard`` renders it and hands
the fragments over). A model that copies 「（申报单位尚未回答本部分的问题，请依据其他部分的回答撰写）」
or the 〔（一）……〕 label of the other-answers block into the public material publishes the machinery;
this finds such a line, a sentence made of prompt text, a long prompt phrase inside a sentence, and a
near-verbatim copy of a prompt sentence. Whatever the applicant said themselves is never prompt text
(an applicant may well write 「数据安全」), and this part's own sub-point headings and 【待补充】
markers are the draft's structure, not an echo.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.core.chinese import HAN_RUN, han_count, han_grams, is_copied, split_sentences

INSIDE_MIN = 10  # a prompt phrase of this many characters is echoed wherever it appears in a sentence
LINE_MIN = 4  # a line or sentence this long that is a piece of the prompt is an echo
_NON_WORD = re.compile(r"[\W_]")
_PLACEHOLDER = re.compile(r"【待补充[^】]*】")
_MARK = re.compile(r"^\s*(?:\d{1,2}[.．、]|（\d{1,2}）)\s*")


def _key(text: str) -> str:
    return _NON_WORD.sub("", text)


def _colon(text: str) -> str:
    return text.replace(":", "：")


class MachineText:
    """The fragments of a rendered prompt outside its data; ``echo(sentence)`` tells whether one is copied.

    ``own``: the applicant's texts (answers, earlier versions, instruction): never prompt text.
    ``allowed``: this part's own labels (its sub-point headings), which the draft is meant to carry.
    ``labels``: the prompt's lead-ins to a piece of data (「案例名称：」「申报单位：」): a draft line that
    opens with one copies the prompt's header line, whatever value follows.
    """

    def __init__(
        self,
        fragments: Iterable[str],
        own: Iterable[str] = (),
        allowed: Iterable[str] = (),
        labels: Iterable[str] = (),
    ) -> None:
        pieces = [p.strip() for f in fragments for p in re.split(r"[\n\r]+", f) if p.strip()]
        keys = [_key(p) for p in pieces]
        self._blob = "\n".join(k for k in keys if k)
        self._inside = sorted({k for k in keys if len(k) >= INSIDE_MIN}, key=len, reverse=True)
        self._grams = han_grams("\n".join(pieces))
        own_text = "\n".join(own)
        self._own = "\n".join(_key(line) for line in own_text.splitlines())
        self._own_grams = han_grams(own_text)
        self._allowed = sorted({_key(a) for a in allowed if _key(a)}, key=len, reverse=True)
        self._labels = sorted({_colon(x.strip()) for x in labels if len(_key(x)) >= 2}, key=len, reverse=True)

    @property
    def active(self) -> bool:
        return bool(self._blob)

    def _body(self, sentence: str) -> str:
        """The sentence's key without this part's own label and 【待补充】 markers."""
        key = _key(_PLACEHOLDER.sub("", _MARK.sub("", sentence)))
        for label in self._allowed:
            if key.startswith(label):
                key = key[len(label) :]
                break
        return key

    def _label(self, sentence: str) -> str | None:
        head = _colon(_MARK.sub("", sentence).lstrip())
        return next((label for label in self._labels if head.startswith(label)), None)

    def echo(self, sentence: str) -> str | None:
        """The prompt text ``sentence`` copies (None when it is the applicant's content)."""
        if (label := self._label(sentence)) is not None:
            return label
        key = self._body(sentence)
        if not key or not self._blob or key in self._own:
            return None
        if len(key) >= LINE_MIN and key in self._blob:
            return sentence.strip()
        for phrase in self._inside:
            if phrase in key and phrase not in self._own:
                return phrase
        copied = is_copied(han_grams(sentence), han_count(sentence), self._grams, self._own_grams)
        return sentence.strip() if copied else None

    def clean(self, sentence: str) -> tuple[str | None, str | None]:
        """(the sentence to keep or None, the prompt text it copied or None).

        A sentence that is prompt text goes whole; a prompt phrase inside a longer sentence is cut
        out (with the brackets around it) when what is left still reads as a sentence.
        """
        echoed = self.echo(sentence)
        if echoed is None:
            return sentence, None
        if echoed == sentence.strip():
            return None, echoed
        if echoed in self._labels:  # 「案例名称：……」: a value copied with its label goes; a sentence loses the label
            rest = _colon(_MARK.sub("", sentence).lstrip())[len(echoed) :].strip()
            return (rest, echoed) if "，" in rest and len(HAN_RUN.sub("", rest)) < len(rest) else (None, echoed)
        pattern = r"[\W_]*".join(map(re.escape, echoed))
        rest = re.sub(rf"[（(〔【]?{pattern}[）)〕】]?[，,；;：:]?", "", sentence, count=1).strip("，,；;：: ")
        if len(HAN_RUN.sub("", rest)) == len(rest) or sum(len(r) for r in HAN_RUN.findall(rest)) < 6:
            return None, echoed
        return rest, echoed

    def echoes(self, text: str) -> list[str]:
        """Every sentence of ``text`` that copies the prompt, in order."""
        return [s.strip() for line in text.split("\n") for s in split_sentences(line) if self.echo(s)]
