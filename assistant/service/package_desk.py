"""The video outline and the whole package, for the owner and for staff (both may read an application).

The package is built at request time from the application as it is now: the .docx (with staff's
open comments as Word comments, like every export), the PDF when LibreOffice is installed (else
the checklist says so), the 宣传推广材料, the stored pictures in the template's order (the
数据要素流向图 first) and the video, and 材料清单.txt. Nothing is written to disk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.auth.principal import Principal
from assistant.export.pdf import PdfUnavailableError, docx_to_pdf
from assistant.forms.spec import load_form
from assistant.package.bundle import MediaEntry, package_zip, safe_name
from assistant.package.checklist import PackageContents
from assistant.package.outline import VideoOutline, model_outline, offline_outline
from assistant.package.outline_docx import outline_docx

if TYPE_CHECKING:
    from assistant.service.service import Service


class PackageDesk:
    def __init__(self, service: Service) -> None:
        self.service = service

    def _texts(self, app_id: int) -> dict[str, str]:
        return {pid: v.text for pid, v in self.service.store.head_versions(app_id).items()}

    def outline(self, principal: Principal, app_id: int, use_model: bool = True) -> VideoOutline:
        row = self.service._row(principal, app_id)
        case_name, texts = row.info.get("case_name", ""), self._texts(app_id)
        chat = self.service.chat_model
        form = load_form(row.form_id)
        if use_model and chat is not None:
            return model_outline(chat, case_name, texts, form)
        return offline_outline(case_name, texts, form)

    def outline_docx(self, principal: Principal, app_id: int) -> tuple[str, bytes]:
        outline = self.outline(principal, app_id)
        row = self.service._row(principal, app_id)
        return safe_name(row.info.get("case_name", ""), "案例") + "-视频拍摄提纲.docx", outline_docx(outline)

    def package(self, principal: Principal, app_id: int) -> tuple[str, bytes]:
        service = self.service
        row = service._row(principal, app_id)
        form = load_form(row.form_id)
        _, docx = service.export_docx(principal, app_id)
        _, promo = service.export_publishable_docx(principal, app_id)
        pdf, pdf_note = None, ""
        try:
            pdf = docx_to_pdf(docx, row.info.get("case_name", "申报书"))
        except PdfUnavailableError as exc:
            pdf_note = f"申报书 PDF 未生成（{exc.message}）：请用 Word/WPS 另存为 PDF"
        media, numbers = [], set()
        for item in service.media.items(principal, app_id):
            _, data = service.media.content(principal, app_id, item.id)
            media.append(MediaEntry(number=item.picture_number, filename=item.filename, data=data))
            if item.picture_number:
                numbers.add(item.picture_number)
        report = service.review_report(principal, app_id)
        contents = PackageContents(
            case_name=row.info.get("case_name", "") or f"申报书{app_id}",
            missing_pictures=[k for i, k in enumerate(form.media.images, start=1) if i not in numbers],
            has_video=any(m.number is None for m in media),
            pdf_note=pdf_note,
            review_errors=report.count("错误"),
            media_findings=[f.message for f in report.findings if f.part_id == "media" and f.severity != "建议"],
        )
        return package_zip(form, row.info.get("case_name", ""), docx, promo, pdf, media, contents)
