"""Spoken → written Chinese for the offline drafter, driven by a reviewed data file.

The rules live in ``knowledge/register/spoken_to_written.yaml`` so a domain expert can
edit them: typos (平太→平台), sentence-initial fillers (嗯/那个/就是说), word rewrites
(我们这边→本单位, 拿的→获取的, 大概→约, 搞/弄→开展, 用得多→使用量较大, 以前→此前,
现在→目前, 一是做法主要是→一是, 第三块是→三是, 除了这几个数→此外, 汇到一起→汇聚), remarks
addressed to the tool ("您看着整理""这个上面说过了") and the applicant's own corrections ("3.8万户，
哦不对，是4.3万户"). A rewrite is kept only if the sentence's figures are unchanged (a correction:
only the retracted figure goes); otherwise the sentence keeps its own words.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from assistant.core.chinese import fix_typos
from assistant.core.figures import extract_numbers
from assistant.core.resources import bundled_dir

REGISTER_FILE = "register/spoken_to_written.yaml"
_SEPARATORS = "，,、 \u3000…"
_NEED_SEPARATOR = {"对", "对的", "好的", "好"}
_LEADING_COMMAS = re.compile(r"^[，、\s]+")
_SPACE_BETWEEN_HAN = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


class Rewrite(BaseModel):
    spoken: str
    written: str
    not_before: list[str] = Field(default_factory=list)
    not_after: list[str] = Field(default_factory=list)


class Corrections(BaseModel):
    words: list[str] = Field(default_factory=list)  # a sentence without any of them is not read further
    patterns: list[str] = Field(default_factory=list)


class Register(BaseModel):
    corrections: Corrections = Field(default_factory=Corrections)
    third_person: dict[str, str] = Field(default_factory=dict)
    fillers: list[str] = Field(default_factory=list)
    inline_fillers: list[str] = Field(default_factory=list)
    rewrites: list[Rewrite] = Field(default_factory=list)
    meta_remarks: list[str] = Field(default_factory=list)

    @cached_property
    def meta_remark_re(self) -> re.Pattern[str] | None:
        """All remark patterns as one regex, compiled once (it runs on every sentence of every answer)."""
        return re.compile("|".join(f"(?:{p})" for p in self.meta_remarks)) if self.meta_remarks else None

    @cached_property
    def fillers_longest_first(self) -> list[str]:
        return sorted(self.fillers, key=len, reverse=True)

    @cached_property
    def inline_filler_res(self) -> list[re.Pattern[str]]:
        return [
            re.compile(rf"(?<=[\u4e00-\u9fff，、\s]){re.escape(f)}(?=[\u4e00-\u9fffA-Za-z0-9])")
            for f in self.inline_fillers
        ]

    @cached_property
    def filler_start(self) -> re.Pattern[str] | None:
        """Does the sentence start with any filler at all (most do not: then nothing is stripped)."""
        return _any_of(self.fillers)

    @cached_property
    def inline_filler_words(self) -> re.Pattern[str] | None:
        """Any inline filler at all: most sentences have none, and then no per-filler pass is needed."""
        return _any_of(self.inline_fillers)

    @cached_property
    def spoken_words(self) -> re.Pattern[str] | None:
        return _any_of([r.spoken for r in self.rewrites])

    @cached_property
    def correction_res(self) -> list[re.Pattern[str]]:
        return [re.compile(p) for p in self.corrections.patterns]

    def correct(self, sentence: str) -> str:
        """The sentence with the applicant's own retractions taken out (「3.8万户，哦不对，是4.3万户」→「4.3万户」).

        Kept only if the figures removed are exactly those of the retracted words: a pattern that
        would take any other figure with it leaves the sentence as it was.
        """
        if not any(word in sentence for word in self.corrections.words):
            return sentence
        for pattern in self.correction_res:
            match = pattern.search(sentence)
            if match is None:
                continue
            corrected = sentence[: match.start()] + sentence[match.end() :]
            if sorted(_figures(corrected) + _figures(match.group("retracted"))) == _figures(sentence):
                sentence = corrected
        return sentence

    def is_meta_remark(self, sentence: str) -> bool:
        return self.meta_remark_re is not None and self.meta_remark_re.search(sentence) is not None

    def fix_typos(self, text: str) -> str:
        return fix_typos(text)  # the one typo table, knowledge/chinese/text.yaml

    def strip_fillers(self, sentence: str) -> str:
        fillers = self.fillers_longest_first
        starts = self.filler_start
        changed = starts is not None and starts.match(sentence.lstrip(_SEPARATORS)) is not None
        while changed:
            changed = False
            sentence = sentence.lstrip(_SEPARATORS)
            for filler in fillers:
                if not sentence.startswith(filler):
                    continue
                rest = sentence[len(filler) :]
                if filler in _NEED_SEPARATOR and not (rest[:1] and rest[0] in _SEPARATORS):
                    continue
                if rest and rest[0] not in _SEPARATORS and rest[0] in "是的了":
                    continue  # "就是" in "就是这样" is not a filler when a verb follows directly
                sentence, changed = rest, True
                break
        if self.inline_filler_words is not None and self.inline_filler_words.search(sentence):
            for pattern in self.inline_filler_res:
                sentence = pattern.sub("", sentence)
        return _SPACE_BETWEEN_HAN.sub("", sentence)

    def rewrite(self, sentence: str) -> str:
        if self.spoken_words is None or not self.spoken_words.search(sentence):
            return sentence  # no rule can apply (the usual case): skip the rule-by-rule pass
        for rule in self.rewrites:
            sentence = _apply(rule, sentence)
        return sentence


def _apply(rule: Rewrite, text: str) -> str:
    """Replace each occurrence unless its neighbours block it (checked in place: no slicing, linear)."""
    if rule.spoken not in text:
        return text
    out, i, size = [], 0, len(rule.spoken)
    while True:
        j = text.find(rule.spoken, i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        blocked = any(text.startswith(x, j + size) for x in rule.not_before) or any(
            text.endswith(x, 0, j) for x in rule.not_after
        )
        out.append(text[i:j] + (rule.spoken if blocked else rule.written))
        i = j + size


def _any_of(words: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))) if words else None


def _figures(text: str) -> list[float]:
    return sorted(round(m.value, 6) for m in extract_numbers(text))


def to_written(sentence: str, register: Register | None = None) -> str:
    """Rewrite one sentence into written register; figures are guaranteed unchanged."""
    register = register or load_register()
    corrected = register.correct(sentence)
    if corrected != sentence:
        return to_written(corrected, register)  # the retraction is the applicant's own: check the rest as usual
    base = register.strip_fillers(register.fix_typos(sentence))
    written = register.rewrite(base)
    written = _LEADING_COMMAS.sub("", written)
    if written == sentence:
        return written  # nothing rewritten (the usual case): the figures cannot have changed
    if _figures(written) != _figures(sentence):
        return base if _figures(base) == _figures(sentence) else sentence
    return written


@lru_cache(maxsize=4)
def _load(path: str) -> Register:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return Register.model_validate(data)


def load_register(path: Path | None = None) -> Register:
    if path is None:
        return _bundled_register()
    return _load(str(path)) if path.is_file() else Register()


@lru_cache(maxsize=1)
def _bundled_register() -> Register:
    """The shipped rules, looked up once (called for every sentence of every answer)."""
    target = bundled_dir("knowledge") / REGISTER_FILE
    return _load(str(target)) if target.is_file() else Register()
