"""Policy Q&A and the knowledge base over HTTP, with the real knowledge base (hash embedder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.knowledge.search import KnowledgeBase
from tests.api.conftest import World, make_world

NOTICE = """# 关于开展某市数据要素典型案例征集的通知

## 一、申报时间

申报截止时间为2024年9月30日，逾期不予受理。

## 二、申报方式

申报单位通过电子邮箱提交申报书电子版，并寄送纸质材料一式三份。
""".encode()


@pytest.fixture
def kb_team(tmp_path: Path) -> World:
    knowledge = KnowledgeBase.open(Settings(data_dir=tmp_path, embedder="hash"))
    world = make_world(tmp_path, knowledge=knowledge)
    for name, role in (("alice", "applicant"), ("sam", "staff")):
        world.add_user(name, role)
    return world


def upload(client, name: str, data: bytes, kind: str | None = None):
    form = {"kind": kind} if kind else None
    return client.post("/api/knowledge", files={"file": (name, data, "application/octet-stream")}, data=form)


def test_staff_upload_then_everyone_lists_and_asks_with_citations(kb_team: World) -> None:
    sam = kb_team.as_user("sam")
    added = upload(sam, "通知.md", NOTICE)
    assert added.status_code == 201, added.text
    assert added.json()["status"] == "added" and added.json()["chunks"] >= 1
    again = upload(sam, "通知副本.md", NOTICE)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    alice = kb_team.as_user("alice")
    titles = [d["title"] for d in alice.get("/api/knowledge").json()]
    assert titles == ["关于开展某市数据要素典型案例征集的通知"]
    answer = alice.post("/api/ask", json={"question": "申报截止时间是什么时候？"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["grounded"] is True and "2024年9月30日" in body["answer"]
    assert body["citations"] and body["citations"][0]["title"] == "关于开展某市数据要素典型案例征集的通知"


def test_a_question_the_documents_do_not_cover_is_declined(kb_team: World) -> None:
    upload(kb_team.as_user("sam"), "通知.md", NOTICE)
    body = kb_team.as_user("alice").post("/api/ask", json={"question": "四川省的申报截止时间是哪天？"}).json()
    assert body["grounded"] is False and "没有" in body["answer"]


def test_applicants_cannot_upload(kb_team: World) -> None:
    response = upload(kb_team.as_user("alice"), "通知.md", NOTICE)
    assert response.status_code == 403 and "工作人员" in response.json()["error"]
    assert kb_team.as_user("sam").get("/api/knowledge").json() == []


def test_upload_type_size_and_content_are_checked(tmp_path: Path) -> None:
    knowledge = KnowledgeBase.open(Settings(data_dir=tmp_path, embedder="hash"))
    world = make_world(tmp_path, knowledge=knowledge, limit_upload_mb=1)
    client = world.client()  # local mode: the local user may load documents
    exe = upload(client, "setup.exe", b"MZ...")
    assert exe.status_code == 415 and ".txt" in exe.json()["error"] and exe.json()["code"] == "unsupported_file_type"
    big = upload(client, "大文件.txt", "字".encode() * 400_000)
    assert big.status_code == 413 and "1MB" in big.json()["error"]
    blank = upload(client, "空白.txt", b"   \n")
    assert blank.status_code == 400 and "空文件" in blank.json()["error"]
    unknown_kind = upload(client, "通知.md", NOTICE, kind="nonsense")
    assert unknown_kind.status_code == 400 and "未知文档类型" in unknown_kind.json()["error"]
    assert upload(client, "通知.md", NOTICE).status_code == 201
    assert len(client.get("/api/knowledge").json()) == 1


def test_an_empty_question_is_refused(kb_team: World) -> None:
    response = kb_team.as_user("alice").post("/api/ask", json={"question": "  "})
    assert response.status_code == 400 and response.json()["error"] == "请输入问题。"
