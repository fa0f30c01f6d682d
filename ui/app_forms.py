"""The 申报信息表 and 多媒体材料 of the applicant workspace: layout (from the form spec) and handlers.

The rows are generated from ``form.info.fields`` (text, list, choice, person, multiline), so
another call's YAML renders its own 信息表; items this model has no attribute for are kept in
``ApplicationInfo.extra``. Saving goes through ``Service.update_application``, which checks
the case name, the field, the phone formats and the file names, in Chinese.

Pictures and the video: an upload is only *checked* (JPEG magic bytes, an MP4 ``ftyp`` box,
the size) and recorded by its file name; the copy in Gradio's cache is deleted at once and no
media file is kept on the server. A typed file name is recorded the same way. Each picture is
stored as “<类别>：<文件名>” so the rows can be restored and the Word file names the kind.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.core.errors import InvalidInputError
from assistant.core.textlen import count_words
from assistant.forms.application import ApplicationInfo, Person
from assistant.forms.spec import FormSpec
from assistant.service.views import ApplicationView

from .feedback import notify, warn
from .session import Sessions

if TYPE_CHECKING:
    from assistant.service.service import Service

FORGED_FILE = "文件无效：只能登记通过本页面上传的文件，请重新选择文件。"
NO_APP = "请先选择一份申报书，或点击“新建申报”。"
KIND_SEPARATOR = "："
PAGES_REMEMBERED = 4096  # pages whose last fill is kept (see ``FormHandlers.load``); the oldest is forgotten


@dataclass(frozen=True)
class Slot:
    """One input of the 信息表: which info field (and which part of a person) it edits."""

    field_id: str
    sub: str | None
    component: Any


def _person_labels(form: FormSpec, label: str) -> list[tuple[str, str]]:
    return [("name", f"{label}姓名"), ("title", form.info.person_labels[0]), ("phone", form.info.person_labels[1])]


def info_layout(form: FormSpec) -> Any:
    """One row per info field of the form, the cover date, 字数 for long text, a 保存 button."""
    slots: list[Slot] = []
    counts: dict[str, Any] = {}
    suggest = None
    gr.Markdown(f"#### {form.info.number}、{form.info.title}\n带 * 的为必填项；填写后点击“保存申报信息表”。")
    for spec in form.info.fields:
        label = spec.label + (" *" if spec.required else "")
        elem = f"info-{spec.id}"
        if spec.kind == "person":
            with gr.Row():
                for sub, sub_label in _person_labels(form, spec.label):
                    box = gr.Textbox(label=sub_label + (" *" if sub != "title" else ""), elem_id=f"{elem}-{sub}")
                    slots.append(Slot(spec.id, sub, box))
            continue
        component: gr.Dropdown | gr.Textbox
        if spec.kind == "choice":
            component = gr.Dropdown(label=label, choices=list(form.fields), value=None, info=spec.help, elem_id=elem)
        elif spec.kind == "list":
            component = gr.Textbox(label=label, lines=2, info=f"{spec.help}（每行一个）", elem_id=elem)
        elif spec.kind == "multiline":
            component = gr.Textbox(label=label, lines=5, max_lines=12, info=spec.help, elem_id=elem)
            counts[spec.id] = gr.HTML(f"0/{spec.max_chars}字", elem_id=f"{elem}-count", js_on_load=None)
            if spec.id == "reason":
                suggest = gr.Button(
                    "根据访谈回答整理申报理由（只摘录您的原话）", size="sm", elem_id="info-reason-suggest"
                )
        else:
            component = gr.Textbox(label=label, info=spec.help, max_length=spec.max_chars, elem_id=elem)
        slots.append(Slot(spec.id, None, component))
    if any(f.id == "date" for f in form.cover.fields):
        date = gr.Textbox(
            label="封面日期", info="格式 YYYY-MM-DD，例如 2024-08-15；留空则打印“年  月  日”手写", elem_id="info-date"
        )
        slots.append(Slot("date", None, date))
    save = gr.Button("保存申报信息表", variant="primary", elem_id="info-save")
    status = gr.HTML("", elem_id="info-status", js_on_load=None)
    return dict(slots=slots, counts=counts, suggest=suggest, save=save, status=status)


def media_layout(form: FormSpec) -> Any:
    spec = form.media
    gr.Markdown(f"#### {spec.number}、{spec.title}\n{spec.note}")
    gr.Markdown(f"**{spec.images_heading}**：每类上传一张 {spec.image_format} 图片，或直接填写文件名。")
    image_files, image_names = [], []
    for index, kind in enumerate(spec.images, start=1):
        with gr.Row(equal_height=True):
            image_files.append(
                gr.File(
                    label=f"{index}.{kind}", type="filepath", height=120, scale=2, elem_id=f"media-image-{index}-file"
                )
            )
            image_names.append(gr.Textbox(label=f"{kind}：文件名", scale=3, elem_id=f"media-image-{index}"))
    gr.Markdown(
        f"**{spec.video_heading}**：{spec.video.format} 格式，时长{spec.video.minutes}分钟左右。{spec.video.guidance}"
    )
    with gr.Row(equal_height=True):
        video_file = gr.File(
            label="上传视频（较大的文件请直接填写文件名）",
            type="filepath",
            height=120,
            scale=2,
            elem_id="media-video-file",
        )
        video_name = gr.Textbox(label="视频文件名", scale=3, elem_id="media-video")
    items = [(s.requirement, s.id) for s in form.review.submission if s.declared_by == "applicant"]
    prepared = gr.CheckboxGroup(label="已准备好的提交材料（请勾选）", choices=items, elem_id="media-prepared")
    save = gr.Button("保存多媒体材料", variant="primary", elem_id="media-save")
    status = gr.HTML("", elem_id="media-status", js_on_load=None)
    return dict(
        image_files=image_files,
        image_names=image_names,
        video_file=video_file,
        video_name=video_name,
        prepared=prepared,
        save=save,
        status=status,
    )


# ---- values <-> components ---------------------------------------------------------------
def slot_value(info: ApplicationInfo, slot: Slot) -> Any:
    value = info.value(slot.field_id)
    if isinstance(value, Person):
        return getattr(value, slot.sub or "name")
    if isinstance(value, list):
        return "\n".join(value)
    return value or (None if slot.field_id == "field" else "")


def info_from_inputs(slots: list[Slot], values: list[Any]) -> dict[str, Any]:
    """The 信息表 as ``update_application`` takes it; unknown field ids go to ``extra``."""
    info: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for slot, value in zip(slots, values, strict=True):
        text = value if isinstance(value, str) else ("" if value is None else str(value))
        if slot.sub:
            info.setdefault(slot.field_id, {})[slot.sub] = text.strip()
        elif slot.field_id == "co_applicants":
            info[slot.field_id] = [line.strip() for line in re.split(r"[\n；;]", text) if line.strip()]
        elif slot.field_id in ApplicationInfo.model_fields and slot.field_id != "extra":
            info[slot.field_id] = text.strip()
        else:
            extra[slot.field_id] = text.strip()
    if extra:
        info["extra"] = extra
    return info


def count_html(text: str, limit: int) -> str:
    words = count_words(text or "")
    over = " over" if words > limit else ""
    return f'<span class="word-count{over}" data-testid="reason-count">{words}/{limit}字</span>'


def status_html(messages: list[str], done: str) -> str:
    if not messages:
        return f'<div class="form-status ok">{done}</div>'
    items = "".join(f"<li>{escape(m)}</li>" for m in messages)
    return f'<div class="form-status todo">还有 {len(messages)} 项待补充：<ul>{items}</ul></div>'


def image_values(form: FormSpec, images: list[str]) -> list[str]:
    """One file name per picture kind, from entries “<类别>：<文件名>” (plain names fill gaps in order)."""
    by_kind: dict[str, str] = {}
    plain: list[str] = []
    for entry in images:
        kind, sep, name = entry.partition(KIND_SEPARATOR)
        if sep and kind in form.media.images:
            by_kind[kind] = name
        else:
            plain.append(entry)
    values = []
    for kind in form.media.images:
        values.append(by_kind.get(kind) or (plain.pop(0) if plain else ""))
    return values


def images_from_inputs(form: FormSpec, names: list[str]) -> list[str]:
    return [f"{kind}{KIND_SEPARATOR}{n.strip()}" for kind, n in zip(form.media.images, names, strict=True) if n.strip()]


# ---- checks of an uploaded file -----------------------------------------------------------
def is_jpeg(head: bytes) -> bool:
    return head[:3] == b"\xff\xd8\xff"


def is_mp4(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


def picture_problem(name: str, head: bytes, image_format: str) -> str | None:
    if is_jpeg(head):
        return None
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return (
            f"“{name}”是 PNG 图片：通知要求图片为 {image_format} 格式，"
            "请另存为 .jpg（例如用画图工具“另存为 JPEG”）后再上传。"
        )
    return f"“{name}”不是 {image_format} 图片，请上传 {image_format} 格式的图片文件。"


def video_problem(name: str, head: bytes) -> str | None:
    return None if is_mp4(head) else f"“{name}”不是 MP4 视频：通知要求视频为 MP4 格式，请转换后再上传或填写文件名。"


def recorded_name(name: str, suffixes: tuple[str, ...], suffix: str) -> str:
    """The uploaded file's name, with the right extension if its content was right but its name was not."""
    return name if name.lower().endswith(suffixes) else Path(name).stem + suffix


class FormHandlers:
    """Handlers of the two forms; ``is_uploaded`` is set by ``ui.app`` (only the upload route's files)."""

    def __init__(self, service: Service, sessions: Sessions, form: FormSpec, info: dict, media: dict, max_mb: int):
        self.service, self.sessions, self.form = service, sessions, form
        self.info, self.media, self.max_bytes = info, media, max_mb * 1024 * 1024
        self.is_uploaded: Callable[[str], bool] = lambda path: False
        # The application the two forms were last filled from (a gr.State set by ``load``, wired in ``ui.app``).
        # Saving writes to it, not to whatever the selector shows now: opening or creating another application
        # switches the selector first and refills the forms a moment later, and a save in between must not put
        # one application's 信息表 into another (on a slow server that moment lasted seconds).
        self.apps: Any = None
        self._fills: OrderedDict[str, int | None] = OrderedDict()  # page → the application its forms show
        self._fills_lock = threading.Lock()

    @property
    def info_outputs(self) -> list[Any]:
        return [s.component for s in self.info["slots"]] + list(self.info["counts"].values()) + [self.info["status"]]

    @property
    def media_outputs(self) -> list[Any]:
        m = self.media
        return [*m["image_names"], m["video_name"], m["prepared"], m["status"]]

    def _view(self, request: gr.Request, app_id: int | None) -> tuple[Any, ApplicationView]:
        principal = self.sessions.principal(request)
        if not app_id:
            raise InvalidInputError(NO_APP)
        return principal, self.service.get_application(principal, int(app_id))

    def info_values(self, view: ApplicationView | None) -> list[Any]:
        slots, counts = self.info["slots"], self.info["counts"]
        if view is None:
            return [None if s.field_id == "field" else "" for s in slots] + ["" for _ in counts] + [""]
        limits = {f.id: f.max_chars for f in self.form.info.fields}
        words = [count_html(str(view.info.value(fid)), limits[fid]) for fid in counts]
        messages = [i.message.split("，导出")[0] for i in view.info_issues]
        return [slot_value(view.info, s) for s in slots] + words + [status_html(messages, "申报信息表已填写完整。")]

    def media_values(self, view: ApplicationView | None) -> list[Any]:
        if view is None:
            return ["" for _ in self.form.media.images] + ["", [], ""]
        images = image_values(self.form, view.media.images)
        missing = [f"图片：{k}" for k, v in zip(self.form.media.images, images, strict=True) if not v]
        missing += [] if view.media.video else [f"视频（{self.form.media.video.format}）"]
        return [*images, view.media.video, list(view.media.prepared), status_html(missing, "多媒体材料已全部登记。")]

    def values(self, view: ApplicationView | None) -> list[Any]:
        return self.info_values(view) + self.media_values(view)

    # ---- handlers (inputs arrive as a {component: value} dict) ----
    def load(self, app_id: int | None, request: gr.Request) -> list[Any]:
        """Fill both forms from the stored application (after open, create and a page load); the last output is
        the id they now show (``apps``).

        Forms a page already had filled with ``app_id`` are left as they are. Why: a page load opens the last
        application and fills the forms; picking that same application in the selector opened it again, and its
        refill landed whenever the queue ran it, over whatever the user had typed meanwhile (a browser test saw
        the address typed into the 申报信息表 emptied; the server's log showed the two refills 1.4 s apart,
        2026-12-08). The page's last fill is kept here, per page (Gradio's session), not read from the page:
        the second refill can be sent before the first one's result arrives."""
        page = request.session_hash  # None outside a page's queue: nothing is remembered then
        with self._fills_lock:
            if page and app_id and self._fills.get(page) == app_id:
                return [gr.skip()] * (len(self.info_outputs) + len(self.media_outputs) + 1)
        principal = self.sessions.try_principal(request)
        view = self.service.get_application(principal, int(app_id)) if principal is not None and app_id else None
        values = self.values(view) + [view.id if view is not None else None]
        with self._fills_lock:
            if not page:
                return values
            self._fills[page] = view.id if view is not None else None
            self._fills.move_to_end(page)
            while len(self._fills) > PAGES_REMEMBERED:
                self._fills.popitem(last=False)
        return values

    def save_info(self, data: dict, request: gr.Request) -> list[Any]:
        slots = self.info["slots"]
        info = info_from_inputs(slots, [data[s.component] for s in slots])
        principal = self.sessions.principal(request)
        app_id = data[self.apps]
        if not app_id:
            raise InvalidInputError(NO_APP)
        view = self.service.update_application(principal, int(app_id), info=info)
        notify("申报信息表已保存。")
        return self.info_values(view)

    def save_media(self, data: dict, request: gr.Request) -> list[Any]:
        m = self.media
        media = {
            "images": images_from_inputs(self.form, [data[c] or "" for c in m["image_names"]]),
            "video": (data[m["video_name"]] or "").strip(),
            "prepared": list(data[m["prepared"]] or []),
        }
        principal = self.sessions.principal(request)
        app_id = data[self.apps]
        if not app_id:
            raise InvalidInputError(NO_APP)
        view = self.service.update_application(principal, int(app_id), media=media)
        notify("多媒体材料已保存。")
        return self.media_values(view)

    def _uploaded(self, path: str | None, request: gr.Request) -> tuple[str, bytes] | None:
        """(original name, first bytes) of an uploaded file, which is then deleted; None when cleared."""
        self.sessions.principal(request)
        if not path:
            return None
        if not isinstance(path, str) or not self.is_uploaded(path):
            raise InvalidInputError(FORGED_FILE, code="forged_path")
        file = Path(path)
        try:
            if file.stat().st_size > self.max_bytes:
                raise InvalidInputError(f"文件超过{self.max_bytes // (1024 * 1024)}MB 的上传上限，请直接填写文件名。")
            with file.open("rb") as handle:
                return file.name, handle.read(16)
        finally:
            file.unlink(missing_ok=True)  # checked only: no media file is kept on the server

    def upload_picture(self, path: str | None, request: gr.Request) -> tuple[Any, Any]:
        got = self._uploaded(path, request)
        if got is None:
            return gr.skip(), None
        name, head = got
        problem = picture_problem(name, head, self.form.media.image_format)
        if problem:
            warn(problem)
            return gr.skip(), None  # the upload box is emptied for the next try
        notify(f"已确认“{name}”是 JPG 图片，点击“保存多媒体材料”登记。")
        return recorded_name(name, (".jpg", ".jpeg"), ".jpg"), None

    def upload_video(self, path: str | None, request: gr.Request) -> tuple[Any, Any]:
        got = self._uploaded(path, request)
        if got is None:
            return gr.skip(), None
        name, head = got
        problem = video_problem(name, head)
        if problem:
            warn(problem)
            return gr.skip(), None
        notify(f"已确认“{name}”是 MP4 视频，点击“保存多媒体材料”登记。")
        return recorded_name(name, (".mp4",), ".mp4"), None

    def count_reason(self, text: str, request: gr.Request) -> Any:
        if self.sessions.try_principal(request) is None:
            return gr.skip()
        spec = self.form.info.field("reason")
        return count_html(text, spec.max_chars if spec else 2000)

    def suggest_reason(self, app_id: int | None, request: gr.Request) -> tuple[str, str]:
        principal, view = self._view(request, app_id)
        text = self.service.suggest_reason(principal, view.id)
        notify("已从您的访谈回答中摘录申报理由，请修改后点击“保存申报信息表”。")
        return text, self.count_reason(text, request)


def swap_field_prefix(field: str | None, case_name: str) -> Any:
    """Picking another field rewrites the case name's “<领域>领域——” prefix to match."""
    if not field:
        return gr.skip()
    match = re.match(r"^([^—]{0,6})领域——", case_name or "")
    if match:
        return f"{field}领域——" + case_name[match.end() :]
    return f"{field}领域——" if not case_name else gr.skip()
