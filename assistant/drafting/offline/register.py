"""Spoken → written Chinese for the offline drafter, driven by a reviewed data file.

The rules live in ``knowledge/register/spoken_to_written.yaml`` so a domain expert can
edit them: typos (平太→平台), sentence-initial fillers (嗯/那个/就是说), word rewrites
(我们这边→本单位, 拿的→获取的, 大概→约, 搞/弄→开展, 用得多→使用量较大, 以前→此前,
现在→目前) and remarks addressed to the tool ("您看着整理"). A rewrite is kept only if
the sentence's figures are unchanged; otherwise the sentence keeps its own words.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from assistant.core.figures import extract_numbers
from assistant.core.resources import bundled_dir

REGISTER_FILE = "register/spoken_to_written.yaml"
_SEPARATORS = "，,、 \u3000…"
_NEED_SEPARATOR = {"对", "对的", "好的", "好"}


class Rewrite(BaseModel):
    spoken: str
    written: str
    not_before: list[str] = Field(default_factory=list)
    not_after: list[str] = Field(default_factory=list)


class Structure(BaseModel):
    enumerate: list[str] = Field(default_factory=list)
    results_first: list[str] = Field(default_factory=list)


class Register(BaseModel):
    typos: dict[str, str] = Field(default_factory=dict)
    fillers: list[str] = Field(default_factory=list)
    inline_fillers: list[str] = Field(default_factory=list)
    rewrites: list[Rewrite] = Field(default_factory=list)
    meta_remarks: list[str] = Field(default_factory=list)
    structure: Structure = Field(default_factory=Structure)

    def is_meta_remark(self, sentence: str) -> bool:
        return any(re.search(pattern, sentence) for pattern in self.meta_remarks)

    def fix_typos(self, text: str) -> str:
        for wrong, right in self.typos.items():
            text = text.replace(wrong, right)
        return text

    def strip_fillers(self, sentence: str) -> str:
        fillers = sorted(self.fillers, key=len, reverse=True)
        changed = True
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
        for filler in self.inline_fillers:
            pattern = rf"(?<=[\u4e00-\u9fff，、\s]){re.escape(filler)}(?=[\u4e00-\u9fffA-Za-z0-9])"
            sentence = re.sub(pattern, "", sentence)
        return re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", sentence)

    def rewrite(self, sentence: str) -> str:
        for rule in self.rewrites:
            sentence = _apply(rule, sentence)
        return sentence


def _apply(rule: Rewrite, text: str) -> str:
    out, i = [], 0
    while True:
        j = text.find(rule.spoken, i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        after = text[j + len(rule.spoken) :]
        before = text[:j]
        blocked = any(after.startswith(x) for x in rule.not_before) or any(before.endswith(x) for x in rule.not_after)
        out.append(text[i:j] + (rule.spoken if blocked else rule.written))
        i = j + len(rule.spoken)


def _figures(text: str) -> list[float]:
    return sorted(round(m.value, 6) for m in extract_numbers(text))


def to_written(sentence: str, register: Register | None = None) -> str:
    """Rewrite one sentence into written register; figures are guaranteed unchanged."""
    register = register or load_register()
    base = register.strip_fillers(register.fix_typos(sentence))
    written = register.rewrite(base)
    written = re.sub(r"^[，、\s]+", "", written)
    if _figures(written) != _figures(sentence):
        return base if _figures(base) == _figures(sentence) else sentence
    return written


@lru_cache(maxsize=4)
def _load(path: str) -> Register:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return Register.model_validate(data)


def load_register(path: Path | None = None) -> Register:
    target = path or (bundled_dir("knowledge") / REGISTER_FILE)
    if not target.is_file():
        return Register()
    return _load(str(target))
