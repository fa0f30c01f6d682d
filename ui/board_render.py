"""HTML for the 评审排序 tab (staff) and the 提交与意见 tab (applicant). Pure functions, no gradio.

Every piece of application text is escaped: case names, quotes and comments come from
applicants and are untrusted wherever staff read them. The board's recommendation line is
a row of its own (``data-testid="board-line"``), so it is seen, not inferred.
"""

from __future__ import annotations

from html import escape

from assistant.bureau.board import Board, BoardRow
from assistant.bureau.models import Snapshot
from assistant.forms.spec import FormSpec
from assistant.service.call_views import CommentView, ScoreSheet, SubmissionStatus
from assistant.store.bureau import AuditEntry

from .render import local_time

STATUS_CHOICES = [("全部状态", ""), ("已提交", "submitted"), ("已审核", "reviewed"), ("推荐", "recommended"),
                  ("不推荐", "not_recommended"), ("退回修改", "returned")]
SORT_CHOICES = [("按排名", "rank"), ("按总分", "total"), ("按领域", "field"), ("按状态", "status"),
                ("按提交时间", "submitted_at")]
DECISION_CHOICES = [("审核完成", "review"), ("推荐", "recommend"), ("不推荐", "not_recommend"),
                    ("重新审核", "reconsider")]
BOARD_LINKS = [("汇总表（Excel）", "board/summary.xlsx"), ("汇总表（Word）", "board/summary.docx"),
               ("推荐案例材料（zip）", "board/package.zip"), ("操作记录（CSV）", "audit.csv")]


def _cell(row: BoardRow, index: int) -> str:
    cell = row.criteria[index]
    mark = "" if cell.basis == "staff" else '<span class="pre" title="预评分，尚无工作人员评分">预</span>'
    warn = '<span class="disagree" title="评分分歧≥2级">！</span>' if cell.disagreement else ""
    return f'<td class="lvl" data-criterion="{escape(cell.criterion_id)}">{cell.used:.1f}{mark}{warn}</td>'


def board_html(form: FormSpec, board: Board) -> str:
    criteria = form.rubric.criteria if form.rubric else []
    heads = "".join(f'<th title="{escape(c.notice)}">{escape(c.title)}<br>({c.weight:g})</th>' for c in criteria)
    rows = []
    for row in board.rows:
        gates = "通过" if row.gates_passed else "未通过"
        note = escape(row.note or row.tie_note)
        cls = "above" if row.above_line else ("gated" if not row.gates_passed else "below")
        rows.append(
            f'<tr class="{cls}" data-testid="board-row-{row.application_id}" data-rank="{row.rank}">'
            f"<td>{row.rank}</td><td>{escape(row.case_name)}</td><td>{escape(row.field)}</td>"
            f"<td>{escape(row.status_label)}</td><td class=\"gate-{cls}\">{gates}</td>"
            f"<td><b>{row.total:g}</b></td>{''.join(_cell(row, i) for i in range(len(criteria)))}"
            f'<td class="note">{note}</td></tr>'
        )
        if row.rank == board.line_after:
            rows.append(
                f'<tr class="board-line" data-testid="board-line"><td colspan="{7 + len(criteria)}">'
                f"—— 推荐线：以上{board.line_after}个（上限{board.limit}个）——</td></tr>"
            )
    if not board.rows:
        return '<div class="board empty">还没有已提交的申报书。</div>'
    selection = f'<div class="board-selection">{escape(board.selection)}</div>' if board.selection else ""
    return (
        f'{selection}<table class="board"><thead><tr><th>排名</th><th>案例名称</th><th>领域</th><th>状态</th>'
        f"<th>资格</th><th>总分（{board.max_total:g}）</th>{heads}<th>说明</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        '<div class="board-legend">“预”：尚无工作人员评分，暂按预评分计；“！”：评分分歧≥2级。</div>'
    )


def board_choices(board: Board) -> list[tuple[str, int]]:
    return [(f"{r.rank}. {r.case_name}", r.application_id) for r in board.rows]


def sheet_html(sheet: ScoreSheet) -> str:
    gates = "".join(
        f'<li class="{"ok" if g.passed else "fail"}">{escape(g.title)}：{"通过" if g.passed else "未通过"}'
        f"{'（' + escape(g.reason) + '）' if g.reason else ''}</li>"
        for g in sheet.gates
    )
    blocks = []
    for c in sheet.criteria:
        proposal = c.proposal
        quotes = "".join(
            f'<li class="ev-{e.kind}"><span class="where">{escape(e.place_title)}'
            f"{f' 第{e.position}句' if e.position else ''}</span>“{escape(e.quote)}”</li>"
            for e in (proposal.evidence if proposal else [])
        )
        staff = "、".join(f"{escape(s.staff_name)} {s.level}级" for s in c.scores) or "尚无"
        note = f'<div class="cap">{escape(proposal.note)}</div>' if proposal and proposal.note else ""
        level = f"{proposal.level}级（{escape(proposal.label)}）" if proposal else "无"
        blocks.append(
            f'<div class="criterion" data-testid="sheet-{escape(c.criterion_id)}"><b>{escape(c.title)}</b>'
            f"（权重{c.weight:g}）预评分：{level}；工作人员：{staff}"
            f"{'；<span class=disagree>分歧≥2级</span>' if c.disagreement else ''}{note}<ul>{quotes}</ul></div>"
        )
    return (
        f'<div class="sheet"><div>第{sheet.submission}次提交 · {escape(sheet.status_label)} · '
        f"预评分来源：{'模型' if sheet.source == 'model' else '离线规则'}（预评分只是建议）</div>"
        f'<ul class="gates">{gates}</ul>{"".join(blocks)}</div>'
    )


def snapshot_html(snapshot: Snapshot) -> str:
    parts = "".join(
        f'<div class="snap-part" data-testid="snap-{escape(p.part_id)}"><h4>{escape(p.title)}（{p.words}字）</h4>'
        f"<p>{escape(p.text).replace(chr(10), '<br>') or '（空）'}</p></div>"
        for p in snapshot.parts
    )
    return (
        f'<div class="snapshot"><div class="snap-head">提交的内容（第{snapshot.number}次，'
        f"{escape(local_time(snapshot.taken_at))}），此后的修改不会改变这里。</div>{parts}</div>"
    )


def comments_html(comments: list[CommentView], form: FormSpec | None = None) -> str:
    """Comments grouped by the part they are about, in the template's order (replies under each)."""
    if not comments:
        return '<div class="comments empty">暂无意见。</div>'
    order = {pid: i for i, pid in enumerate(["general", *(form.part_ids() if form else [])])}
    groups: dict[str, list[CommentView]] = {}
    for c in sorted(comments, key=lambda c: (order.get(c.target, 99), c.id)):
        groups.setdefault(c.place, []).append(c)
    html = []
    for place, items in groups.items():
        entries = "".join(_comment(c) for c in items)
        html.append(f'<div class="comment-group"><h4>{escape(place)}</h4><ul>{entries}</ul></div>')
    return '<div class="comments" data-testid="comments">' + "".join(html) + "</div>"


def _comment(c: CommentView) -> str:
    flags = ("【内部】" if c.internal else "") + ("【已处理】" if c.resolved else "")
    replies = "".join(f'<li class="reply">{escape(r.author)}：{escape(r.text)}</li>' for r in c.replies)
    return (
        f'<li class="comment" data-comment="{c.id}">#{c.id} {flags}{escape(c.author)}'
        f"（{escape(local_time(c.created_at))}）：{escape(c.text)}<ul>{replies}</ul></li>"
    )


def comment_choices(comments: list[CommentView]) -> list[tuple[str, int]]:
    return [(f"#{c.id} {c.place}：{c.text[:20]}", c.id) for c in comments]


def status_html(status: SubmissionStatus) -> str:
    history = "".join(
        f"<li>{escape(local_time(h.at))} {escape(h.by)}：{escape(h.action)} → {escape(h.status)}"
        f"{'（' + escape(h.reason) + '）' if h.reason else ''}</li>"
        for h in status.history
    )
    changed = (
        '<div class="changed">提交后又有修改：工作人员审核的仍是提交时的内容；退回后可重新提交。</div>'
        if status.changed_since_submission else ""
    )
    return (
        f'<div class="call-status" data-testid="call-status"><b>状态：{escape(status.status_label)}</b>'
        f"{f'（第{status.submission}次提交）' if status.submission else ''}"
        f'<div class="call-window">{escape(status.call.description)}</div>{changed}'
        f"<ul class=\"history\">{history}</ul></div>"
    )


def audit_html(entries: list[AuditEntry], limit: int = 200) -> str:
    rows = "".join(
        f"<tr><td>{e.id}</td><td>{escape(local_time(e.at))}</td><td>{escape(e.actor_name)}</td>"
        f"<td>{e.application_id or ''}</td><td>{escape(_action(e.action))}</td><td>{escape(e.target)}</td>"
        f"<td>{escape(e.old)}</td><td>{escape(e.new)}</td><td>{escape(e.reason)}</td></tr>"
        for e in reversed(entries[-limit:])
    )
    return (
        '<table class="audit" data-testid="audit"><thead><tr><th>#</th><th>时间</th><th>操作人</th><th>申报书</th>'
        f"<th>操作</th><th>对象</th><th>原值</th><th>新值</th><th>理由</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _action(action: str) -> str:
    from assistant.bureau.audit import ACTION_LABELS

    return ACTION_LABELS.get(action, action)


def links_html(links: list[tuple[str, str]]) -> str:
    return "".join(
        f'<a class="download-link" data-testid="dl-{escape(path.split("/")[-1])}" href="api/{escape(path)}" '
        f'download>{escape(label)}</a>'
        for label, path in links
    )


def targets(form: FormSpec) -> list[tuple[str, str]]:
    """Where a comment can be attached: the whole application, each part, each info row."""
    places = [("整体意见", "general")]
    places += [(f"{p.number}{p.title}", p.id) for p in form.all_parts()]
    places += [(f"申报信息表·{f.label}", f"info.{f.id}") for f in form.info.fields]
    return places


def level_choices(form: FormSpec, criterion_id: str) -> list[tuple[str, str]]:
    criterion = form.rubric.criterion(criterion_id) if form.rubric else None
    return [(f"{lv.level}级 {lv.label}：{lv.anchor}", str(lv.level)) for lv in (criterion.levels if criterion else [])]


def untouched(value: object) -> bool:
    return value in (None, "")
