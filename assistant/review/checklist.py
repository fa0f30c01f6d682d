"""The notice's submission requirements, each with what the applicant has declared."""

from __future__ import annotations

from datetime import date

from assistant.forms.application import MediaInfo
from assistant.forms.checks import image_kind
from assistant.forms.spec import FormSpec, SubmissionItem
from assistant.review.findings import ChecklistItem


def _status(
    item: SubmissionItem, form: FormSpec, media: MediaInfo, texts: dict[str, str], today: date
) -> tuple[str, str]:
    if item.declared_by == "media.video":
        return ("已具备", f"视频：{media.video}") if media.video else ("未声明", "还没有登记视频文件。")
    if item.declared_by == "media.images":
        if not media.images:
            return "未声明", "还没有登记图片。"
        kinds = {kind for kind, _ in (image_kind(form, e) for e in media.images) if kind}
        if kinds:  # declared by kind: every kind of the template needs a picture
            missing = [k for k in form.media.images if k not in kinds]
            return (
                ("已具备", "模板列出的各类图片均已登记。") if not missing else ("未声明", "还缺：" + "、".join(missing))
            )
        wanted = len(form.media.images)
        status = "已具备" if len(media.images) >= wanted else "未声明"
        return status, f"已登记{len(media.images)}张图片（模板列出{wanted}类）：{'、'.join(media.images)}"
    if item.declared_by == "parts":
        empty = [p.title for p in form.all_parts() if not texts.get(p.id, "").strip()]
        return ("已具备", "各部分均已起草。") if not empty else ("未声明", "尚未起草：" + "、".join(empty))
    if item.declared_by == "deadline":
        deadline = date.fromisoformat(form.deadline)
        if today > deadline:
            return "请自查", f"今天（{today.isoformat()}）已过截止时间{form.deadline}，请向主管部门确认能否补报。"
        return "已具备", f"距截止还有{(deadline - today).days}天。"
    if item.id in media.prepared:
        return "已具备", "申报单位已确认准备。"
    return "请自查", "提交前请确认。"


def checklist(
    form: FormSpec, media: MediaInfo, texts: dict[str, str], today: date | None = None
) -> list[ChecklistItem]:
    today = today or date.today()
    items = []
    for item in form.review.submission:
        status, detail = _status(item, form, media, texts, today)
        items.append(
            ChecklistItem(id=item.id, requirement=item.requirement, notice=item.notice, status=status, detail=detail)
        )
    return items
