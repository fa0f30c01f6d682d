"""Format checks on what the applicant declares in the 申报信息表 and the 多媒体材料 list.

Kept beside the models (not in the UI or a route) so every entry point — browser, REST,
scripted files — refuses the same things with the same Chinese message.
"""

from __future__ import annotations

import re

from assistant.core.errors import InvalidInputError
from assistant.forms.application import ApplicationInfo, MediaInfo, Person
from assistant.forms.spec import FormSpec

MOBILE = re.compile(r"^(\+?86)?1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
IMAGE_SUFFIXES = (".jpg", ".jpeg")
VIDEO_SUFFIXES = (".mp4",)
KIND_SEPARATOR = "："


def phone_problem(label: str, phone: str) -> str | None:
    """Why ``phone`` is not a mobile (1[3-9] + 9 digits) or landline (0xx(x)-xxxxxxx(x)) number."""
    compact = re.sub(r"[\s()（）]", "", phone or "")
    if not compact or MOBILE.match(compact.replace("-", "")) or LANDLINE.match(compact):
        return None
    return (
        f"“{label}”的号码“{phone}”格式不对：请填写11位手机号码（如13800000000）或带区号的固定电话（如023-12345678）。"
    )


def check_contacts(form: FormSpec, info: ApplicationInfo) -> None:
    """The phone number of every person row of the form's 申报信息表."""
    phone_label = form.info.person_labels[1]
    for spec in form.info.fields:
        person = info.value(spec.id)
        if spec.kind == "person" and isinstance(person, Person):
            problem = phone_problem(f"{spec.label}{phone_label}", person.phone)
            if problem:
                raise InvalidInputError(problem)


def image_kind(form: FormSpec, entry: str) -> tuple[str | None, str]:
    """(picture kind of the form or None, file name) of a declared image, stored as “<类别>：<文件名>”."""
    kind, sep, name = entry.partition(KIND_SEPARATOR)
    if sep and kind in form.media.images:
        return kind, name.strip()
    return None, entry.strip()


def check_media(form: FormSpec, media: MediaInfo) -> None:
    """Declared files must be of the kind the notice asks for (JPG pictures, an MP4 video)."""
    for entry in media.images:
        _, name = image_kind(form, entry)
        if name and not name.lower().endswith(IMAGE_SUFFIXES):
            raise InvalidInputError(
                f"图片“{name}”不是 {form.media.image_format} 文件：通知要求图片为 {form.media.image_format} 格式，"
                "请转换后再登记（例如用画图或截图工具另存为 .jpg）。"
            )
    if media.video and not media.video.lower().endswith(VIDEO_SUFFIXES):
        raise InvalidInputError(f"视频“{media.video}”不是 {form.media.video.format} 文件：通知要求视频为 MP4 格式。")
    allowed = {s.id for s in form.review.submission if s.declared_by == "applicant"}
    unknown = [p for p in media.prepared if p not in allowed]
    if unknown:
        raise InvalidInputError(f"未知的材料项：{'、'.join(unknown)}。")
