"""Issue 25, item 7: knowledge uploads whose front matter or file name is hostile.

* A 394-byte YAML alias bomb in a Markdown file's front matter became a 25 MB ``date``
  that every ``GET /api/knowledge`` returned; malformed YAML gave a 500 and, in the UI,
  aborted the rest of the batch and left the files in Gradio's cache.
* A NUL in the upload's file name gave a 500.

Front matter is now read by a loader that refuses aliases and bounds size and depth,
keeps only the known fields with bounded lengths, and turns any problem into a Chinese
4xx naming the file; a UI batch reports the bad file and goes on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.knowledge.search import KnowledgeBase
from tests.api.conftest import World, make_world

from .conftest import Server, fn_index, gradio_call, gradio_config

BODY = "\n# 某市数据要素案例征集补充说明\n\n一、申报材料须加盖公章，一式两份。\n"
ALIAS_BOMB = (
    "---\n"
    "title: 补充说明\n"
    "a: &a [\"xx\",\"xx\",\"xx\",\"xx\",\"xx\",\"xx\",\"xx\",\"xx\",\"xx\"]\n"
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "date: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "---\n"
) + BODY
HOSTILE = {
    "alias-bomb.md": ALIAS_BOMB,
    "malformed.md": "---\ntitle: [没有闭合\nissuer: :\n---\n" + BODY,
    "deep.md": "---\ntitle: 深\nnote: " + "[" * 200 + "]" * 200 + "\n---\n" + BODY,
    "huge-header.md": "---\ntitle: 大\nnote: |\n" + "  很长的说明\n" * 4000 + "---\n" + BODY,
    "long-field.md": "---\ntitle: " + "长" * 5000 + "\n---\n" + BODY,
    "wrong-type.md": "---\ntitle: {nested: map}\n---\n" + BODY,
    "python-tag.md": "---\ntitle: !!python/object/apply:os.system ['true']\n---\n" + BODY,
}


@pytest.fixture
def kb(tmp_path: Path) -> World:
    knowledge = KnowledgeBase.open(Settings(data_dir=tmp_path, embedder="hash"))
    world = make_world(tmp_path, knowledge=knowledge)
    world.add_user("sam", "staff")
    return world


def upload(world: World, name: str, data: bytes):
    """A multipart upload written by hand: the file name's bytes go out raw (httpx would percent-encode them)."""
    boundary = "----case-assistant-test"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/markdown\r\n\r\n"
    ).encode()
    body = head + data + f"\r\n--{boundary}--\r\n".encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    return world.as_user("sam").post("/api/knowledge", content=body, headers=headers)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_front_matter_is_a_chinese_4xx_naming_the_file(kb: World, name: str) -> None:
    response = upload(kb, name, HOSTILE[name].encode())
    assert response.status_code == 400, response.text[:300]
    assert name in response.json()["error"] and "YAML" in response.json()["error"]
    listing = kb.as_user("sam").get("/api/knowledge")
    assert listing.status_code == 200 and len(listing.content) < 10_000 and listing.json() == []


def test_unknown_fields_are_dropped_and_known_ones_kept(kb: World) -> None:
    header = "---\ntitle: 补充通知\nissuer: 某市大数据局\ndate: 2024-08-01\nowner: 攻击者\nfields: [交通运输]\n---\n"
    response = upload(kb, "ok.md", (header + BODY).encode())
    assert response.status_code == 201, response.text
    [doc] = kb.as_user("sam").get("/api/knowledge").json()
    assert (doc["title"], doc["date"]) == ("补充通知", "2024-08-01")
    assert "攻击者" not in json.dumps(doc, ensure_ascii=False)


@pytest.mark.parametrize("name", ["evil\x00.html", "evil\x00.md", "tab\t.txt", "bidi\u202etxt.md", "del\x7f.md"])
def test_control_characters_in_a_file_name_are_refused(kb: World, name: str) -> None:
    response = upload(kb, name, BODY.encode())
    assert response.status_code == 400, response.text[:300]
    assert "文件名" in response.json()["error"]
    assert kb.as_user("sam").get("/api/knowledge").json() == []


def test_a_ui_batch_goes_on_past_a_bad_file_and_leaves_nothing_in_the_cache(secure: Server) -> None:
    cookies = {"case_assistant_session": secure.token("sec-staff")}
    texts = {
        "batch-first.md": "# 批量导入第一份\n\n" + "第一份说明的正文内容。" * 3,
        "batch-bad.md": HOSTILE["malformed.md"],
        "batch-third.md": "# 批量导入第三份\n\n" + "第三份说明的正文内容。" * 3,
    }
    files = [("files", (name, text.encode(), "text/markdown")) for name, text in texts.items()]
    with secure.client(cookies=cookies) as client:
        paths = client.post("gradio_api/upload", files=files).json()
    assert len(paths) == 3
    index = fn_index(gradio_config(secure, cookies), "kb-upload")
    uploaded = [{"path": p, "orig_name": Path(p).name, "meta": {"_type": "gradio.FileData"}} for p in paths]
    result = gradio_call(secure, index, [uploaded, "notice"], cookies=cookies)
    assert result.get("success") is True and result["output"].get("data"), result  # the batch was not aborted
    rows = {row[0]: row for row in result["output"]["data"][0]["data"]}
    assert rows["batch-first.md"][1] == "已添加" and rows["batch-third.md"][1] == "已添加", rows
    assert rows["batch-bad.md"][1] == "失败" and "batch-bad.md" in rows["batch-bad.md"][3]
    assert [p for p in paths if Path(p).exists()] == []
