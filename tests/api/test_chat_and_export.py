"""Chat turns as JSON and as Server-Sent Events; versions, undo, review; Word export."""

from __future__ import annotations

import json
from io import BytesIO
from urllib.parse import unquote

from docx import Document

from assistant.service.views import TurnResult
from tests.api.conftest import (
    CASE_NAME,
    RICH_ANSWER,
    World,
    answer_until_drafted,
    new_application,
)

SSE_HEADERS = {"Accept": "text/event-stream"}


def parse_sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = [line for line in block.split("\n") if not line.startswith(":")]
        if not lines:
            continue
        event = next(line[len("event: ") :] for line in lines if line.startswith("event: "))
        data = "\n".join(line[len("data: ") :] for line in lines if line.startswith("data: "))
        events.append((event, json.loads(data)))
    return events


def test_a_streamed_turn_sends_deltas_then_one_done_with_the_turn_result(world: World) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    for _ in range(6):
        response = client.post(f"/api/applications/{app_id}/messages", json={"text": RICH_ANSWER}, headers=SSE_HEADERS)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = parse_sse(response.text)
        assert events[-1][0] == "done" and [e for e, _ in events].count("done") == 1
        result = TurnResult.model_validate(events[-1][1])
        if result.drafted_part:
            break
    else:
        raise AssertionError("no part was drafted")
    deltas = [data["text"] for event, data in events if event == "delta"]
    assert deltas and all(isinstance(d, str) and d for d in deltas)
    draft = next(p for p in result.application.parts if p.part_id == result.drafted_part)
    assert draft.text[:20] in "".join(deltas)  # the deltas are the draft being written
    assert result.reply.startswith("已起草")


def test_a_stream_request_that_fails_before_any_text_gets_a_normal_json_error(world: World) -> None:
    client = world.client()
    missing = client.post("/api/applications/4242/messages", json={"text": "你好"}, headers=SSE_HEADERS)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    app_id = new_application(client)["id"]
    empty = client.post(f"/api/applications/{app_id}/messages", json={"text": " "}, headers=SSE_HEADERS)
    assert empty.status_code == 400 and empty.json()["error"] == "消息不能为空。"


def test_versions_undo_redraft_and_review(world: World) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    part_id = answer_until_drafted(client, app_id)["drafted_part"]
    base = f"/api/applications/{app_id}/parts/{part_id}"
    revised = client.post(
        f"/api/applications/{app_id}/messages", json={"text": "更简洁一些", "part_id": part_id, "action": "revise"}
    )
    assert revised.status_code == 200
    redrafted = client.post(f"{base}/redraft")
    assert redrafted.status_code == 200
    versions = client.get(f"{base}/versions").json()
    assert [v["version"] for v in versions] == list(range(1, len(versions) + 1)) and len(versions) >= 2
    assert versions[-1]["is_head"] and versions[-1]["action"] == "draft"
    undone = client.post(f"{base}/undo")
    assert undone.status_code == 200
    head = next(p for p in undone.json()["parts"] if p["part_id"] == part_id)
    assert head["version"] == versions[-1]["parent_version"]
    assert len(client.get(f"{base}/versions").json()) == len(versions)  # undo keeps every version
    review = client.get(f"/api/applications/{app_id}/issues").json()  # the per-part list; /review is the report
    assert review["errors"] == sum(i["severity"] == "error" for i in review["issues"]) > 0
    assert any(i["kind"] == "missing" and i["part_id"] != part_id for i in review["issues"])


def test_export_is_a_word_file_with_a_utf8_filename(world: World) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    answer_until_drafted(client, app_id)
    response = client.get(f"/api/applications/{app_id}/export.docx")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="application-{app_id}.docx"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("UTF-8''", 1)[1]) == f"{CASE_NAME}.docx"
    assert disposition.isascii()
    text = "\n".join(p.text for p in Document(BytesIO(response.content)).paragraphs)
    assert "重庆物流数据共享平台" in text


def test_markdown_export_holds_the_info_table_and_every_part_under_the_forms_headings(world: World) -> None:
    client = world.client()
    app_id = new_application(client)["id"]
    answer_until_drafted(client, app_id)
    app = client.get(f"/api/applications/{app_id}").json()
    response = client.get(f"/api/applications/{app_id}/export.md")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/markdown")
    assert unquote(response.headers["content-disposition"].split("UTF-8''", 1)[1]) == f"{CASE_NAME}.md"
    text = response.text
    assert text.startswith(f"# {CASE_NAME}\n") and "| 申报单位 |" in text
    for part in app["parts"]:  # every part under its heading: its stored text, or that it is not written yet
        heading = f"### {part['number']}{part['title']}"
        assert heading in text, heading
        body = text.split(heading, 1)[1].split("\n###", 1)[0].split("\n## ", 1)[0]
        assert (part["text"].strip() or "（尚未填写）") in body
