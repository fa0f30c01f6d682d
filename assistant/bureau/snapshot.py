"""Freeze an application at submission: its text, info table, media list and review, as one model."""

from __future__ import annotations

from assistant.bureau.models import Snapshot, SnapshotPart
from assistant.core.textlen import count_words
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import FormSpec
from assistant.review.findings import ReviewReport


def take_snapshot(
    form: FormSpec,
    application_id: int,
    number: int,
    info: ApplicationInfo,
    media: MediaInfo,
    texts: dict[str, str],
    versions: dict[str, int],
    review: ReviewReport,
    taken_at: str,
) -> Snapshot:
    """Every part of the form in template order (an unwritten part is an empty text, not missing)."""
    parts = [
        SnapshotPart(
            part_id=part.id,
            title=f"{part.number}{part.title}",
            text=texts.get(part.id, ""),
            words=count_words(texts.get(part.id, "")),
            version=versions.get(part.id),
        )
        for part in form.all_parts()
    ]
    return Snapshot(
        application_id=application_id,
        number=number,
        form_id=form.id,
        info=info,
        media=media,
        parts=parts,
        review=review,
        taken_at=taken_at,
    )


def place_title(form: FormSpec, place: str) -> str:
    """How a part or an info row is named to people: “（一）……” (number and title), “申报信息表·<label>”."""
    if place.startswith("info."):
        field = form.info.field(place.removeprefix("info."))
        return f"申报信息表·{field.label}" if field else "申报信息表"
    if place == "general":
        return "整体意见"
    if place in form.part_ids():
        part = form.part(place)
        return f"{part.number}{part.title}"
    group = next((g for g in form.groups if g.id == place), None)
    return group.title if group else ("申报信息表" if place == "info" else place)
