"""材料清单.txt: what the package holds, and what the applicant must still add by hand before handing in."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.forms.spec import FormSpec


class PackageContents(BaseModel):
    case_name: str
    files: list[str] = Field(default_factory=list)
    missing_pictures: list[str] = Field(default_factory=list)
    has_video: bool = False
    pdf_note: str = ""
    review_errors: int = 0
    media_findings: list[str] = Field(default_factory=list)



def checklist_text(form: FormSpec, contents: PackageContents) -> str:
    lines = [f"{contents.case_name} 申报材料清单", f"依据：{form.notice_title}（{form.notice_ref}）", ""]
    lines.append("一、本压缩包已包含：")
    lines += [f"  {i}. {name}" for i, name in enumerate(contents.files, start=1)]
    lines += ["", "二、还需要手工补充或办理："]
    todo = list(form.handing_in)
    if contents.pdf_note:
        todo.insert(0, contents.pdf_note)
    todo += [f"图片：{kind}（{form.media.image_format}格式）" for kind in contents.missing_pictures]
    if not contents.has_video:
        todo.append(f"视频：{form.media.video.format}格式，约{form.media.video.minutes}分钟，高清")
    lines += [f"  {i}. {item}" for i, item in enumerate(todo, start=1)]
    if contents.media_findings or contents.review_errors:
        lines += ["", "三、提交前请处理："]
        if contents.review_errors:
            lines.append(f"  - 提交前审阅还有 {contents.review_errors} 项“错误”，请在“审阅”页查看。")
        lines += [f"  - {finding}" for finding in contents.media_findings]
    lines += ["", f"申报截止时间：{form.deadline}。"]
    return "\r\n".join(lines) + "\r\n"  # CRLF: the file is opened in Windows Notepad
