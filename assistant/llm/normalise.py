"""The one output normaliser: every model reply passes it, streamed or not.

Real chat models wrap the answer in things that must never reach an application form:
a reasoning block (``<think>…</think>``, possibly split across stream chunks), a chat
preamble (「好的，以下是“（一）……”部分的正文：」, quoting the part's title), a Markdown heading repeating
the part title, ``**bold**``, bullets, tables, ``---`` rules, a closing offer
(「如需进一步修改……请随时告诉我。」), a paragraph in English, or the same sentence
over and over. This module removes them and nothing else.

What it keeps, and how:
- every sentence that is content: it never drops a sentence with a digit, except a
  verbatim repeat of a sentence it already kept;
- numbered points stay text, one paragraph each, in one style: a first-level point
  starts "1." (from "1、" "1)" "1）" "1．" "1. "), a second-level point "（1）"
  (from "(1)" "①"), as under the form's own "（一）" part titles;
- Markdown becomes plain paragraphs: headings lose their ``#``, bullets their mark,
  emphasis its asterisks; a table row becomes one sentence ("指标：数值。"), a
  separator row and an ordinal column go;
- paragraphs are separated by one ``\\n``.

Streaming: ``StreamNormaliser.feed`` returns only text that is final — a sentence is
passed on once it has ended and been checked, a line that may be a table or a rule
once it has ended, a possibly split ``<thi`` is held back. ``normalise(text)`` is the
same machine fed at once, so the streamed preview always equals the cleaned reply.
Applying it twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assistant.llm.chatter import (
    ACK_LEAD_RE,
    ANSWER_LABEL_RE,
    has_figure,
    is_closing,
    is_english_drift,
    is_preamble,
)
from assistant.llm.reasoning import ReasoningFilter

_SENTENCE_ENDS = "。！？"
_CLOSERS = "”’」』）》】"
_BREAK_RE = re.compile(f"[\n{_SENTENCE_ENDS}]")
_BREAK_OR_CLOSER_RE = re.compile(f"[\n{_SENTENCE_ENDS}{_CLOSERS}]")

_RULE_RE = re.compile(r"^\s*([-*_=~])(?:\s*\1){2,}\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_TABLE_SEP_RE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_QUOTE_PREFIX_RE = re.compile(r"^>\s?")
_HEADING_PREFIX_RE = re.compile(r"^#{1,6}(?:\s+|(?=\S))")
_BULLET_PREFIX_RE = re.compile(r"^(?:[-*+](?=\s)|[•·●▪◆■◇○])\s*")
_ORDINAL_RE = re.compile(r"^(\d{1,2})\s*[.．、)）](?!\d)\s*")
_BRACKET_ORDINAL_RE = re.compile(r"^[（(](\d{1,2})[)）]\s*")
_ORDINAL_HEADERS = ("序号", "编号", "No.", "No", "#", "")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

_INLINE_SUBS = (
    (re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # image
    (re.compile(r"\[([^\]\n]+)\]\((?:https?://|/|#)[^)\n]*\)"), r"\1"),  # link; "[1]" citations untouched
    (re.compile(r"\*\*|__|~~"), ""),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),  # *italic*
    (re.compile(r"`+([^`\n]*)`+"), r"\1"),
    (re.compile(r"</?(?:br|p|div|span|b|strong|em|i|u|sup|sub)\s*/?>", re.I), ""),
)

_KEY_DROP_RE = re.compile(r"[\s，,。．.！!？?；;：:、“”\"'‘’（）()\[\]【】《》—…·•-]")
_REPEATED_LABEL_RE = re.compile(r"^([^：:，。\s]{2,12}[：:])(?:\s*\1)+")  # 「总体情况：总体情况：」
_LABEL_RE = re.compile(r"^[^：:，。\s]{2,8}[：:]")
_ECHO_LEAD_RE = re.compile(r"^(?:\d{1,2}[.．、]|[·•])\s*")
_PROMPT_LABEL_RE = re.compile(r"【(?:依据|范例|资料)[A-Z0-9]{1,3}】")  # the prompt's own passage labels
_BARE_TITLE_RE = re.compile(r"^《[^《》]*(?:《[^《》]*》[^《》]*)*》[。；;，,]?$")  # only a document's title
_MIN_DEDUPE_KEY = 8
_TITLE_FILL = r"[\s“”\"《》*#（）()、.．]*"


def _inline(text: str) -> str:
    for pattern, repl in _INLINE_SUBS:
        text = pattern.sub(repl, text)
    return text


def _key(text: str) -> str:
    return _KEY_DROP_RE.sub("", text)


def _title_variants(titles: Iterable[str]) -> list[str]:
    out: list[str] = []
    for title in titles:
        k = _key(_inline(title))
        if len(k) >= 2 and k not in out:
            out.append(k)
    return sorted(out, key=len, reverse=True)


class StreamNormaliser:
    """Incremental normaliser; ``feed`` and ``finish`` return the cleaned text to show now.

    ``titles``: the part's title forms, numbered and bare (「（一）……」「……」); a line that only
    repeats one is dropped and a line starting with one loses it. ``echo``: sentences of
    the instructions the model was given (template guidance); a digit-free sentence
    that copies one verbatim is an echo, not content. ``admit``: the caller's own vetting of a
    cleaned sentence (the drafting guarantees): it returns the sentence to show (possibly
    changed) or None; a refused sentence is never shown, and a numbered point it removes
    leaves no gap in the numbering. ``whole_pieces``: every piece fed ends where a sentence or a
    line ends, closing quotes included (the output of another normaliser, as ``ChatModel`` streams);
    a sentence end at the end of a piece is then final — waiting for a closing quote that cannot
    come would hold each sentence back until the next one arrives.
    """

    def __init__(
        self,
        titles: Iterable[str] = (),
        echo: Iterable[str] = (),
        admit: Callable[[str], str | None] | None = None,
        whole_pieces: bool = False,
    ) -> None:
        self._admit = admit
        self._whole_pieces = whole_pieces
        self._reasoning = ReasoningFilter()
        self._titles = _title_variants(titles)
        self._echo = [k for k in (_key(_inline(_ECHO_LEAD_RE.sub("", e.strip()))) for e in echo) if len(k) >= 12]
        self._buf = ""
        self._tail: list[str] = []  # pieces of an unfinished sentence not yet joined onto ``_buf``
        self._scanned = 0  # ``_buf[:_scanned]`` holds no sentence end or line break
        self._line_start = True
        self._line_point: tuple[str, int] | None = None  # the line's list style and the number the model wrote
        self._counters: dict[str, tuple[int, int]] = {}  # per list style: (last written, last kept) number
        self._line_kept = False
        self._line_first = True
        self._table_pending: list[str] | None = None
        self._table_header: list[str] | None = None
        self._in_table = False
        self._seen: set[str] = set()
        self._parts: list[str] = []
        self._finished = False

    @property
    def text(self) -> str:
        """Everything passed on so far."""
        return "".join(self._parts)

    def feed(self, piece: str) -> str:
        return self._run(self._reasoning.feed(piece), final=False)

    def finish(self, truncated: bool = False) -> str:
        """Flush what is held back; ``truncated``: the reply was cut off, drop its unfinished sentence."""
        if self._finished:
            return ""
        self._finished = True
        return self._run(self._reasoning.feed("", final=True), final=True, truncated=truncated)

    # ----- the line and sentence machine ------------------------------------------------
    def _run(self, text: str, *, final: bool, truncated: bool = False) -> str:
        if not final and self._mid_sentence() and not _BREAK_OR_CLOSER_RE.search(text):
            self._tail.append(text)  # nothing in it can end the sentence: do not copy or re-read the buffer
            return ""
        self._buf += "".join(self._tail) + text
        self._tail.clear()
        before = len(self._parts)
        while self._buf:
            step = self._start_line(final) if self._line_start else self._sentence(final, truncated)
            if not step:
                break
        if final:
            self._end_table()
        return "".join(self._parts[before:])

    def _mid_sentence(self) -> bool:
        """Inside a sentence that has not ended, and not waiting for a closing quote after its end."""
        return not self._line_start and bool(self._buf) and self._buf[-1] not in _SENTENCE_ENDS

    def _start_line(self, final: bool) -> bool:
        """Classify the line at the start of the buffer; False when more text is needed."""
        newline = self._buf.find("\n")
        head = self._buf if newline < 0 else self._buf[:newline]
        complete = newline >= 0 or final
        stripped = head.strip()
        if not complete and (stripped[:1] in ("|", "`", "~") or not stripped.strip("-*_=#> ") or len(stripped) < 6):
            return False  # may be a table row, a fence, a rule or a list mark: wait for more
        if not stripped or _FENCE_RE.match(head) or _RULE_RE.match(head):
            if not stripped:
                self._end_table()
            self._consume_line(newline)
            return True
        if stripped.startswith("|"):
            self._table_line(stripped)
            self._consume_line(newline)
            return True
        self._end_table()
        self._begin_prose()
        return True

    def _consume_line(self, newline: int) -> None:
        self._buf = "" if newline < 0 else self._buf[newline + 1 :]
        self._scanned = 0
        self._line_start = True

    def _begin_prose(self) -> None:
        """Strip the line's Markdown marks; remember its ordinal; go on sentence by sentence."""
        rest, prefix = self._buf, None
        while True:
            rest = re.sub(r"^(?:\*\*|__)+", "", rest.lstrip(" \t\u3000"))
            if m := _QUOTE_PREFIX_RE.match(rest) or _HEADING_PREFIX_RE.match(rest) or _BULLET_PREFIX_RE.match(rest):
                rest = rest[m.end() :]
            elif not prefix and (m := _ORDINAL_RE.match(rest)):
                rest, prefix = rest[m.end() :], ("1.", int(m.group(1)))
            elif not prefix and (m := _BRACKET_ORDINAL_RE.match(rest)):
                rest, prefix = rest[m.end() :], ("（1）", int(m.group(1)))
            elif not prefix and rest[:1] and rest[0] in _CIRCLED:
                rest, prefix = rest[1:], ("（1）", _CIRCLED.index(rest[0]) + 1)
            else:
                break
        self._buf = rest
        self._scanned = 0
        self._line_start = False
        self._line_point = prefix
        self._line_kept, self._line_first = False, True

    def _sentence(self, final: bool, truncated: bool) -> bool:
        """Take one sentence (or the rest of the line) from the buffer; False when it has not ended.

        The search resumes where the last one stopped (``_scanned``), so a long sentence that
        arrives in many pieces is read once, not once per piece.
        """
        found = _BREAK_RE.search(self._buf, self._scanned)
        end = -1
        if found is not None and found.group() == "\n":
            end = found.start()
        elif found is not None:
            j = found.end()
            while j < len(self._buf) and self._buf[j] in _CLOSERS:
                j += 1
            if j == len(self._buf) and not final and not self._whole_pieces:
                self._scanned = found.start()
                return False  # a closing quote may still follow
            end = j - 1
        if end < 0:
            if not final:
                self._scanned = len(self._buf)
                return False
            sentence, self._buf, line_end = self._buf, "", True
            if truncated and sentence.strip():
                sentence = ""  # cut off mid-sentence: the unfinished fragment goes
        elif self._buf[end] == "\n":
            sentence, self._buf, line_end = self._buf[:end], self._buf[end + 1 :], True
        else:
            sentence, self._buf, line_end = self._buf[: end + 1], self._buf[end + 1 :], False
        self._scanned = 0
        self._keep(sentence)
        if line_end:
            self._line_start = True
        return True

    def _keep(self, raw: str) -> None:
        sentence = _REPEATED_LABEL_RE.sub(r"\1", _PROMPT_LABEL_RE.sub("", _inline(raw)).strip())
        first = self._line_first
        self._line_first = False
        if not sentence:
            return
        started = bool(self._parts)
        if not started:
            if is_preamble(sentence):
                return
            if self._line_point is None:
                sentence = ANSWER_LABEL_RE.sub("", ACK_LEAD_RE.sub("", sentence))
            if not sentence.strip():
                return
        if first and self._titles:
            sentence = self._strip_title(sentence)
            if not sentence:
                return
        if is_closing(sentence) or is_english_drift(sentence) or _BARE_TITLE_RE.match(sentence):
            return
        key = _key(_LABEL_RE.sub("", sentence))
        if self._echo and not has_figure(sentence) and self._is_echo(sentence):
            return
        if len(key) >= _MIN_DEDUPE_KEY:
            if key in self._seen:
                return
            self._seen.add(key)
        if self._admit is not None:
            admitted = self._admit(sentence)
            if not admitted:
                return
            sentence = admitted
        if not self._line_kept:
            if self._parts:
                self._parts.append("\n")
            self._parts.append(self._number())
            self._line_kept = True
        self._parts.append(sentence)

    def _number(self) -> str:
        """The kept point's number: as written, except that points dropped before it leave no gap."""
        if self._line_point is None:
            return ""
        style, written = self._line_point
        last = self._counters.get(style)
        number = written
        if written != 1 and last is not None and written > last[0]:
            number = last[1] + 1
        self._counters[style] = (written, number)
        return f"{number}." if style == "1." else f"（{number}）"

    def _is_echo(self, sentence: str) -> bool:
        for key in {_key(sentence), _key(_LABEL_RE.sub("", sentence))}:
            if any(e in key for e in self._echo) or (len(key) >= 12 and any(key in e for e in self._echo)):
                return True
        return False

    def _strip_title(self, sentence: str) -> str:
        key = _key(sentence)
        for title in self._titles:
            if key == title:
                return ""
        for title in self._titles:
            pattern = "".join(re.escape(ch) + _TITLE_FILL for ch in title)
            m = re.match(rf"^{_TITLE_FILL}{pattern}[：:\s]\s*", sentence)
            if m and m.end() < len(sentence):
                return sentence[m.end() :]
        return sentence

    # ----- tables -------------------------------------------------------------------------
    def _table_line(self, line: str) -> None:
        if _TABLE_SEP_RE.match(line):
            if self._table_pending is not None:
                self._table_header, self._table_pending = self._table_pending, None
            self._in_table = True
            return
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not self._in_table and self._table_pending is None:
            self._table_pending = cells  # a header if a separator row follows
            return
        if self._table_pending is not None:
            self._row(self._table_pending, None)
            self._table_pending = None
        self._in_table = True
        self._row(cells, self._table_header)

    def _end_table(self) -> None:
        if self._table_pending is not None:
            pending, self._table_pending = self._table_pending, None
            self._row(pending, None)
        self._in_table, self._table_header = False, None

    def _row(self, cells: list[str], header: list[str] | None) -> None:
        """One table row as one sentence: 「指标：数值。」, or its cells joined by "，"."""
        cells = [_inline(c).strip() for c in cells]
        header = [_inline(h).strip() for h in header] if header else None
        if header and len(header) != len(cells):
            header = None
        if len(cells) > 1 and (re.fullmatch(r"\d{1,2}\.?", cells[0]) or (header and header[0] in _ORDINAL_HEADERS)):
            cells, header = cells[1:], header[1:] if header else None
        if not any(cells):
            return
        if header and len(cells) >= 3 and all(header):
            text = f"{cells[0]}：" + "，".join(f"{h}为{c}" for h, c in zip(header[1:], cells[1:], strict=True) if c)
        elif header and len(cells) == 2 and all(header):
            text = f"{cells[0]}：{cells[1]}"
        else:
            text = "，".join(c for c in cells if c)
        text = text.rstrip("，,；;：: ")
        if text and text[-1] not in _SENTENCE_ENDS + _CLOSERS:
            text += "。"
        self._line_point, self._line_kept, self._line_first = None, False, True
        for sentence in re.findall(rf"[^{_SENTENCE_ENDS}]+[{_SENTENCE_ENDS}][{_CLOSERS}]*|[^{_SENTENCE_ENDS}]+$", text):
            self._keep(sentence)
        self._line_start = True


def normalise(text: str, titles: Iterable[str] = (), echo: Iterable[str] = (), truncated: bool = False) -> str:
    """The cleaned reply: the same as streaming ``text`` through ``StreamNormaliser``."""
    machine = StreamNormaliser(titles, echo)
    return machine.feed(text) + machine.finish(truncated)
