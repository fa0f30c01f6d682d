"""The call's scoring rubric as data: gates, weighted criteria with four anchored levels, the cue words.

It is part of the form spec (``rubric:`` in ``knowledge/forms/<id>.yaml``) because it is
the bureau's own reading of its notice: each gate and criterion quotes the notice's words,
the weights are the bureau's to change, and the cue words the offline pre-scorer looks for
are reviewed Chinese word lists, not code. ``assistant.bureau`` reads it; nothing here
scores anything.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

GateCheck = Literal["field", "complete", "publishable", "declared"]
"""How a gate is checked on the submitted snapshot:

* ``field``: the 所属领域 is one of the call's fields and the case name follows its pattern;
* ``complete``: the 申报信息表's required rows and every part are filled, no 【待补充】 left;
* ``publishable``: the group ``group`` is within its limit and holds no private contact data;
* ``declared``: the applicant declared the submission item ``item`` ready (e.g. the sealed 承诺书).
"""


class Gate(BaseModel):
    """A pass/fail condition: a failure blocks ranking above the line, with its reason."""

    id: str
    title: str
    notice: str
    check: GateCheck
    group: str = ""
    item: str = ""

    @model_validator(mode="after")
    def _arguments(self) -> Gate:
        if self.check == "publishable" and not self.group:
            raise ValueError(f"gate {self.id}: a publishable check needs 'group'")
        if self.check == "declared" and not self.item:
            raise ValueError(f"gate {self.id}: a declared check needs 'item'")
        return self


class Signal(BaseModel):
    """What marks a sentence as evidence: an element detector of the form, or cue words, or both.

    ``parts`` narrows where the signal is looked for (default: the criterion's parts);
    ``info.reason`` names the 申报理由 row of the 申报信息表.
    """

    id: str
    label: str
    element: str = ""
    cues: list[str] = Field(default_factory=list)
    parts: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something_to_look_for(self) -> Signal:
        if not self.element and not self.cues:
            raise ValueError(f"signal {self.id}: give an element or cue words")
        return self


class Level(BaseModel):
    """One anchored level. The pre-scorer proposes the highest level whose evidence rule holds:
    at least ``min_sentences`` evidence sentences, each signal in ``requires`` among them, and at
    least ``counts[signal]`` sentences showing that signal (“3处及以上数据来源”)."""

    level: int = Field(ge=0, le=3)
    label: str
    anchor: str
    min_sentences: int = Field(0, ge=0)
    requires: list[str] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)


class Criterion(BaseModel):
    id: str
    title: str
    notice: str
    weight: float = Field(gt=0)
    evidence: str
    parts: list[str] = Field(min_length=1)
    signals: list[Signal] = Field(min_length=1)
    levels: list[Level] = Field(min_length=4, max_length=4)
    findings: list[str] = Field(default_factory=list)
    """Review rules (e.g. ``no_data_sources``) whose findings are shown as evidence against this criterion."""
    cap_untraceable: int | None = Field(None, ge=0, le=3)
    """Highest level while a figure in the criterion's parts has no traceable source (the provenance ceiling)."""

    @model_validator(mode="after")
    def _levels_and_signals(self) -> Criterion:
        if sorted(lv.level for lv in self.levels) != [0, 1, 2, 3]:
            raise ValueError(f"criterion {self.id}: levels must be 0, 1, 2 and 3, once each")
        known = {s.id for s in self.signals}
        for level in self.levels:
            unknown = (set(level.requires) | set(level.counts)) - known
            if unknown:
                raise ValueError(f"criterion {self.id}: level {level.level} requires unknown signals {unknown}")
        self.levels.sort(key=lambda lv: -lv.level)
        return self

    def level(self, value: int) -> Level:
        return next(lv for lv in self.levels if lv.level == value)


class Rubric(BaseModel):
    """Gates, then criteria; ``disagreement`` is the spread of staff levels the board flags."""

    selection: str = ""
    """The notice's words on how the bureau selects and ranks (shown above the board)."""
    disagreement: int = Field(2, ge=1, le=3)
    gates: list[Gate] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Rubric:
        ids = [g.id for g in self.gates] + [c.id for c in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("rubric gate and criterion ids must be unique")
        return self

    @property
    def max_total(self) -> float:
        return sum(c.weight for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def gate(self, gate_id: str) -> Gate | None:
        return next((g for g in self.gates if g.id == gate_id), None)
