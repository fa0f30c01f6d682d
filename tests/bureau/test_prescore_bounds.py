"""Pre-scoring an overlong part reads at most ``MAX_PIECES`` of its sentences with the encoder per place; the
rest are read by the elements' keywords and the rubric's cue words (tests/core/test_linear_text.py times it)."""

from __future__ import annotations

from assistant.bureau.prescore import assess
from assistant.bureau.snapshot import take_snapshot
from assistant.forms.application import ApplicationInfo, MediaInfo
from assistant.forms.spec import load_form
from assistant.review.findings import ReviewReport
from assistant.understanding.elements import MAX_PIECES
from assistant.understanding.shipped import element_reader

FORM = load_form("cq-2024-batch2")
LATE = "原始数据来源于各区县的政务数据共享交换平台，经脱敏加密后提供给银行使用。"


def test_an_overlong_part_is_read_with_a_bounded_encoder_and_its_late_evidence_kept(monkeypatch) -> None:
    reader = element_reader(FORM)
    sent: list[int] = []
    encode = reader.encoder.encode
    monkeypatch.setattr(reader.encoder, "encode", lambda texts: sent.append(len(texts)) or encode(texts))
    text = "这项工作按计划推进，各方沟通顺畅。" * (MAX_PIECES + 60) + LATE
    info = ApplicationInfo(field="交通运输", case_name="交通运输领域——测试", applicant="测试公司")
    report = ReviewReport(findings=[], checklist=[], alignment=[])
    snapshot = take_snapshot(FORM, 1, 1, info, MediaInfo(), {"intro.solution": text}, {}, report, "2024-08-01")
    assessment = assess(FORM, snapshot, "2024-08-01")
    assert sent and max(sent) <= MAX_PIECES
    quotes = [e.quote for p in assessment.proposals for e in p.evidence if e.kind == "quote"]
    assert LATE in quotes  # past the cap, but its data source is read by the keywords
