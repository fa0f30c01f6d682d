"""The application's pictures, video and 数据要素流向图: upload, check, list, download, delete, generate.

Who may do what is decided here: the owner uploads, replaces, deletes and generates; staff and the
owner read; another applicant gets the same “not found” as for a missing application. Each file's
type is sniffed from its content and checked (``assistant.media.checks``); the checks' findings go
into the review and the materials checklist. The row's ``media`` names (what the Word file and the
checklist print) follow the stored files, so nothing is declared that is not there.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from assistant.auth.principal import Principal
from assistant.core.errors import InvalidInputError, LimitExceededError, NotFoundError
from assistant.diagram.extract import extract_graph
from assistant.diagram.graph import FlowGraph, from_rows
from assistant.diagram.model_extract import model_graph
from assistant.diagram.render import render
from assistant.forms.application import MediaInfo
from assistant.forms.checks import KIND_SEPARATOR, image_kind
from assistant.forms.spec import FormSpec, load_form
from assistant.interview.machine import InterviewState
from assistant.media.checks import MediaRefusedError, check_image, check_video, thumbnail
from assistant.media.files import MediaFiles
from assistant.media.models import MediaFacts, MediaItem
from assistant.media.sniff import describe, sniff
from assistant.review.findings import Finding, ReviewReport
from assistant.store.media import MediaRow
from assistant.store.rows import ApplicationRow

if TYPE_CHECKING:
    from assistant.service.service import Service

FLOW_SLOT = "image:1"


def _item(row: MediaRow) -> MediaItem:
    return MediaItem(
        id=row.id, application_id=row.application_id, slot=row.slot, filename=row.filename,
        stored_name=row.stored_name, size=row.size, facts=MediaFacts.model_validate(row.facts),
        generated=row.generated, created_at=row.created_at,
    )


class MediaDesk:
    def __init__(self, service: Service) -> None:
        self.service = service
        self.files = MediaFiles(service.settings.data_dir / "media")

    # ---- slots ---------------------------------------------------------------------------------
    @staticmethod
    def check_slot(form: FormSpec, slot: str) -> str:
        if slot == "video":
            return slot
        if slot.startswith("image:") and slot[6:].isdigit() and 1 <= int(slot[6:]) <= len(form.media.images):
            return slot
        kinds = "、".join(f"image:{i}（{k}）" for i, k in enumerate(form.media.images, start=1))
        raise InvalidInputError(f"材料位置“{slot}”不存在：图片为 {kinds}，视频为 video。")

    # ---- upload --------------------------------------------------------------------------------
    def upload(self, principal: Principal, app_id: int, slot: str, filename: str, data: bytes) -> MediaItem:
        row = self.service._own_row(principal, app_id)
        form = load_form(row.form_id)
        slot = self.check_slot(form, slot)
        name = PurePath(filename or "").name[:120] or "未命名"
        settings = self.service.settings
        limit = settings.limit_video_mb if slot == "video" else settings.limit_upload_mb
        if len(data) > limit * 1024 * 1024:
            raise LimitExceededError(f"文件“{name}”超过{limit}MB 的上传上限，请压缩后再上传。")
        kind = sniff(data[:16])
        if slot == "video":
            if kind != "mp4":
                raise MediaRefusedError(
                    f"“{name}”不是 MP4 视频（看起来是{describe(data[:16])}）：请导出为 MP4 后再上传。"
                )
            facts = self._video_facts(name, data)
            stored = data
        else:
            if kind not in ("jpeg", "png"):
                raise MediaRefusedError(
                    f"“{name}”不是 JPG 或 PNG 图片（看起来是{describe(data[:16])}）：请上传 JPG 格式的图片。"
                )
            facts, stored = check_image(name, data, settings)
        suffix = ".mp4" if slot == "video" else ".jpg"
        return self._store(row, form, slot, _renamed(name, suffix), stored, facts, generated=False)

    def _video_facts(self, name: str, data: bytes) -> MediaFacts:
        with tempfile.NamedTemporaryFile(suffix=".mp4", dir=self.service.settings.data_dir) as handle:
            handle.write(data)
            handle.flush()
            return check_video(name, Path(handle.name), self.service.settings)

    def _store(
        self, row: ApplicationRow, form: FormSpec, slot: str, name: str, data: bytes, facts: MediaFacts, generated: bool
    ) -> MediaItem:
        stored_name = self.files.write(row.id, PurePath(name).suffix, data)
        media_id, old = self.service.store.put_media(
            row.id, slot, name, stored_name, len(data), facts.model_dump(), generated=generated
        )
        if old:
            self.files.remove(row.id, old)
        self._sync_names(row.id, form)
        stored = self.service.store.media_item(row.id, media_id)
        assert stored is not None  # just stored
        return _item(stored)

    def _sync_names(self, app_id: int, form: FormSpec, removed: MediaItem | None = None) -> None:
        """The declared names (printed in the Word file, read by the checklist) follow the stored files."""
        row = self.service.store.get_application(app_id)
        assert row is not None  # the caller has just read it
        media = MediaInfo.model_validate(row.media)
        stored = {m.slot: m.filename for m in self.service.store.media(app_id)}
        typed = {kind: name for kind, name in (image_kind(form, e) for e in media.images) if kind}
        if removed is not None and removed.picture_number:
            kind = form.media.images[removed.picture_number - 1]
            if typed.get(kind) == removed.filename:
                typed.pop(kind)
        if removed is not None and removed.slot == "video" and media.video == removed.filename:
            media.video = ""
        images = []
        for number, kind in enumerate(form.media.images, start=1):
            name = stored.get(f"image:{number}") or typed.get(kind)
            if name:
                images.append(f"{kind}{KIND_SEPARATOR}{name}")
        media.images = images + [e for e in media.images if image_kind(form, e)[0] is None]
        media.video = stored.get("video", media.video if "video" not in stored else "")
        self.service.store.update_application(app_id, media=media.model_dump())

    # ---- read ----------------------------------------------------------------------------------
    def items(self, principal: Principal, app_id: int) -> list[MediaItem]:
        self.service._row(principal, app_id)
        return [_item(r) for r in self.service.store.media(app_id)]

    def _one(self, principal: Principal, app_id: int, media_id: int) -> MediaItem:
        self.service._row(principal, app_id)
        row = self.service.store.media_item(app_id, media_id)
        if row is None:
            raise NotFoundError("找不到这个多媒体文件，可能已被删除或替换。")
        return _item(row)

    def content(self, principal: Principal, app_id: int, media_id: int) -> tuple[MediaItem, bytes]:
        item = self._one(principal, app_id, media_id)
        return item, self.files.read(app_id, item.stored_name)

    def thumbnail(self, principal: Principal, app_id: int, media_id: int) -> bytes:
        item, data = self.content(principal, app_id, media_id)
        if item.facts.kind != "image":
            raise InvalidInputError("视频没有缩略图。")
        return thumbnail(data)

    def delete(self, principal: Principal, app_id: int, media_id: int) -> None:
        row = self.service._own_row(principal, app_id)
        item = self._one(principal, app_id, media_id)
        stored_name = self.service.store.delete_media(app_id, media_id)
        if stored_name:
            self.files.remove(app_id, stored_name)
        self._sync_names(app_id, load_form(row.form_id), removed=item)

    # ---- review --------------------------------------------------------------------------------
    def findings(self, app_id: int, form: FormSpec) -> list[Finding]:
        out = []
        for row in self.service.store.media(app_id):
            item = _item(row)
            where = _slot_title(form, item.slot)
            for finding in item.facts.findings:
                out.append(
                    Finding(rule=f"media_{item.facts.kind}", severity=finding.severity, part_id="media",
                            message=f"{where}“{item.filename}”：{finding.message}", fix="在“多媒体材料”中替换该文件。")
                )
        return out

    def with_findings(self, app_id: int, form: FormSpec, report: ReviewReport) -> ReviewReport:
        """The review with the media checks added, and the checklist's media items saying what was checked."""
        findings = self.findings(app_id, form)
        checked = {row.slot: _item(row) for row in self.service.store.media(app_id)}
        for item in report.checklist:
            if item.id == "video" and "video" in checked:
                video = checked["video"]
                problems = [f.message for f in video.facts.findings if f.severity != "建议"]
                detail = f"已上传并检查：{video.facts.width}×{video.facts.height}，{video.facts.codec or '编码未知'}，"
                detail += f"{int(video.facts.duration_s // 60)}分{int(video.facts.duration_s % 60)}秒"
                item.detail = detail + ("；" + "；".join(problems) if problems else "，符合要求。")
            if item.id == "images":
                uploaded = sorted(s for s in checked if s.startswith("image:"))
                if uploaded:
                    low = sum(1 for s in uploaded if any(f.severity == "警告" for f in checked[s].facts.findings))
                    item.detail += f"（已上传{len(uploaded)}张并检查" + (f"，{low}张有问题）" if low else "）")
        return report.model_copy(update={"findings": report.findings + findings})

    # ---- the flow diagram ----------------------------------------------------------------------
    def flow_graph(self, principal: Principal, app_id: int) -> FlowGraph:
        """The stored graph, or a first one extracted offline from the answers (not stored until saved)."""
        row = self.service._row(principal, app_id)
        stored = self.service.store.flow_graph(app_id)
        if stored:
            return FlowGraph.model_validate(stored)
        return extract_graph(self._answers(row), load_form(row.form_id), row.info.get("case_name", ""))

    def extract(self, principal: Principal, app_id: int) -> tuple[FlowGraph, str]:
        """A new graph from the answers (the model's JSON when one is configured); stored; (graph, note)."""
        row = self.service._own_row(principal, app_id)
        answers, case_name = self._answers(row), row.info.get("case_name", "")
        chat = self.service.chat_model
        form = load_form(row.form_id)
        graph, note = model_graph(chat, answers, form, case_name) if chat is not None else (
            extract_graph(answers, form, case_name), ""
        )
        self.service.store.put_flow_graph(app_id, graph.model_dump())
        return graph, note

    def save_rows(self, principal: Principal, app_id: int, rows: Sequence[Sequence[object]]) -> FlowGraph:
        self.service._own_row(principal, app_id)
        graph = from_rows(rows, self.flow_graph(principal, app_id))
        self.service.store.put_flow_graph(app_id, graph.model_dump())
        return graph

    def render_flow(self, principal: Principal, app_id: int) -> MediaItem:
        """Draw the graph (JPG) and keep it as picture 1, 数据要素流向图; it goes into the package."""
        row = self.service._own_row(principal, app_id)
        form = load_form(row.form_id)
        graph = self.flow_graph(principal, app_id)
        if not graph.edges:
            raise InvalidInputError("流向图还没有任何“来源 → 去向”：请先在表中填写，或补充数据来源和流通过程的回答。")
        self.service.store.put_flow_graph(app_id, graph.model_dump())
        jpg = render(graph, "jpg")
        facts, jpg = check_image("数据要素流向图.jpg", jpg, self.service.settings)
        facts.findings = []  # drawn by us at a resolution we chose
        return self._store(row, form, FLOW_SLOT, "数据要素流向图.jpg", jpg, facts, generated=True)

    def flow_image(self, principal: Principal, app_id: int, fmt: str) -> bytes:
        """The graph drawn as ``svg``, ``png`` or ``jpg`` (the stored one, or a first extraction)."""
        return render(self.flow_graph(principal, app_id), fmt)

    def _answers(self, row: ApplicationRow) -> dict[str, list[str]]:
        """The interview's record, and each part's current text where the interview has none (imports)."""
        state = InterviewState.model_validate(row.state)
        answers = {pid: list(p.answers) for pid, p in state.parts.items() if p.answers}
        for pid, head in self.service.store.head_versions(row.id).items():
            answers.setdefault(pid, [head.text])
        return answers


def _renamed(name: str, suffix: str) -> str:
    return name if name.lower().endswith(suffix) or (suffix == ".jpg" and name.lower().endswith(".jpeg")) else (
        PurePath(name).stem + suffix
    )


def _slot_title(form: FormSpec, slot: str) -> str:
    if slot == "video":
        return "视频"
    number = int(slot.split(":")[1])
    return f"图{number}（{form.media.images[number - 1]}）"
