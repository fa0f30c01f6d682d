"""The ranking board: every submitted application with its gates, levels, total and place.

Order, made explicit on every row:
1. applications that pass every gate and are still in the running (已提交/已审核/推荐),
   by total, then by the criteria in order of weight, then by submission time; a tie is
   written on the row (which criterion separated it, or that only the time did), never silent;
2. staff moves (a position, with a reason in the audit log) are placed at their position;
3. then the gated, the 不推荐 and the returned, which never stand above the line.
The line falls after the form's ``recommend_limit`` eligible rows.

A criterion's level is the mean of the staff scores when there are any, else the
proposal's level, and the row says which ("basis"); the total is the weighted sum.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from pydantic import BaseModel, Field

from assistant.bureau.models import Assessment, GateResult, StaffScore
from assistant.bureau.status import RANKABLE, label
from assistant.forms.rubric import Rubric

Basis = Literal["staff", "mixed", "proposal"]


class BoardEntry(BaseModel):
    """What the board needs to know of one application (read from storage by the service)."""

    application_id: int
    status: str
    submission: int
    submitted_at: str
    case_name: str
    applicant: str
    co_applicants: list[str] = Field(default_factory=list)
    field: str
    assessment: Assessment
    scores: list[StaffScore] = Field(default_factory=list)
    gate_overrides: dict[str, GateResult] = Field(default_factory=dict)
    pin: int | None = None
    pinned_at: str = ""


class CriterionCell(BaseModel):
    criterion_id: str
    proposed: int | None
    staff_levels: list[int] = Field(default_factory=list)
    mean: float | None = None
    used: float
    basis: Literal["staff", "proposal"]
    disagreement: bool = False


class BoardRow(BaseModel):
    rank: int
    application_id: int
    case_name: str
    applicant: str
    co_applicants: list[str]
    field: str
    status: str
    status_label: str
    submission: int
    submitted_at: str
    gates: list[GateResult]
    gates_passed: bool
    criteria: list[CriterionCell]
    total: float
    basis: Basis
    eligible: bool
    above_line: bool = False
    pinned: int | None = None
    tie_note: str = ""
    note: str = ""


class Board(BaseModel):
    limit: int
    max_total: float
    line_after: int
    """Rank after which the line is drawn (0: nothing above it)."""
    rows: list[BoardRow]
    selection: str = ""


def cell(rubric: Rubric, criterion_id: str, entry: BoardEntry) -> CriterionCell:
    proposal = entry.assessment.proposal(criterion_id)
    levels = [s.level for s in entry.scores if s.criterion_id == criterion_id]
    if levels:
        mean = sum(levels) / len(levels)
        return CriterionCell(
            criterion_id=criterion_id,
            proposed=proposal.level if proposal else None,
            staff_levels=levels,
            mean=round(mean, 2),
            used=mean,
            basis="staff",
            disagreement=max(levels) - min(levels) >= rubric.disagreement,
        )
    used = float(proposal.level) if proposal else 0.0
    return CriterionCell(criterion_id=criterion_id, proposed=proposal.level if proposal else None, used=used,
                         basis="proposal")


def _row(rubric: Rubric, entry: BoardEntry) -> BoardRow:
    gates = [entry.gate_overrides.get(g.gate_id, g) for g in entry.assessment.gates]
    cells = [cell(rubric, c.id, entry) for c in rubric.criteria]
    total = sum(c.weight * x.used / 3 for c, x in zip(rubric.criteria, cells, strict=True))
    bases = {x.basis for x in cells}
    basis: Basis = "staff" if bases == {"staff"} else "proposal" if bases == {"proposal"} else "mixed"
    passed = all(g.passed for g in gates)
    eligible = passed and entry.status in RANKABLE
    note = ""
    if not passed:
        note = "未通过资格条件：" + "；".join(f"{g.title}（{g.reason}）" for g in gates if not g.passed)
    elif not eligible:
        note = f"{label(entry.status)}，不参与推荐排序。"
    return BoardRow(
        rank=0,
        application_id=entry.application_id,
        case_name=entry.case_name,
        applicant=entry.applicant,
        co_applicants=entry.co_applicants,
        field=entry.field,
        status=entry.status,
        status_label=label(entry.status),
        submission=entry.submission,
        submitted_at=entry.submitted_at,
        gates=gates,
        gates_passed=passed,
        criteria=cells,
        total=round(total, 2),
        basis=basis,
        eligible=eligible,
        pinned=entry.pin if eligible else None,
        note=note,
    )


def _tie_order(rubric: Rubric) -> list[int]:
    """Criteria indexes in the order ties are broken: heavier first, the YAML's order among equals."""
    return sorted(range(len(rubric.criteria)), key=lambda i: -rubric.criteria[i].weight)


def _auto_key(rubric: Rubric, row: BoardRow) -> tuple:
    weighted = [-rubric.criteria[i].weight * row.criteria[i].used for i in _tie_order(rubric)]
    return (-row.total, *weighted, row.submitted_at, row.application_id)


def _explain_ties(rubric: Rubric, ordered: list[BoardRow]) -> None:
    for before, row in zip(ordered, ordered[1:], strict=False):
        if abs(before.total - row.total) > 1e-9:
            continue
        reason = "各项得分也相同，按提交时间先后排列，请工作人员确认或手动调整"
        for i in _tie_order(rubric):
            if abs(before.criteria[i].used - row.criteria[i].used) > 1e-9:
                reason = f"按权重较高的“{rubric.criteria[i].title}”得分排在其后"
                break
        row.tie_note = f"与“{before.case_name}”同分（{row.total:g}分），{reason}。"


def _place_pins(auto: list[BoardRow], pinned: list[tuple[str, BoardRow]]) -> list[BoardRow]:
    ordered = list(auto)
    for _, row in sorted(pinned, key=lambda item: item[0]):
        ordered.insert(min(max(row.pinned or 1, 1) - 1, len(ordered)), row)
    for index, row in enumerate(ordered, 1):
        if row.pinned is not None:
            row.tie_note = f"工作人员调整至第{index}位（见操作记录中的理由）。" + (
                "" if index == row.pinned else f"（原定第{row.pinned}位）"
            )
    return ordered


_OUT_ORDER = {"gated": 0, "not_recommended": 1, "returned": 2}


def rank(rubric: Rubric, limit: int, entries: list[BoardEntry], selection: str = "") -> Board:
    rows = [_row(rubric, e) for e in entries]
    pins = {e.application_id: e.pinned_at for e in entries}
    eligible = [r for r in rows if r.eligible]
    auto = sorted((r for r in eligible if r.pinned is None), key=lambda r: _auto_key(rubric, r))
    _explain_ties(rubric, auto)
    ordered = _place_pins(auto, [(pins[r.application_id], r) for r in eligible if r.pinned is not None])
    out = [r for r in rows if not r.eligible]
    out.sort(key=lambda r: (_OUT_ORDER["gated"] if not r.gates_passed else _OUT_ORDER.get(r.status, 3), -r.total))
    line_after = min(limit, len(ordered))
    for index, row in enumerate(ordered + out, 1):
        row.rank = index
        row.above_line = row.eligible and index <= line_after
    return Board(limit=limit, max_total=rubric.max_total, line_after=line_after, rows=ordered + out,
                 selection=selection)


def disagreements(board: Board) -> dict[int, list[str]]:
    """Application id → criteria on which staff levels differ by the rubric's spread or more."""
    found: dict[int, list[str]] = defaultdict(list)
    for row in board.rows:
        for item in row.criteria:
            if item.disagreement:
                found[row.application_id].append(item.criterion_id)
    return dict(found)
