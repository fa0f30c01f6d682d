"""A bounded load against a running server: applicants answering (turns), staff re-scoring, pictures uploaded.

Four threads, each capped (``MAX_*``) and stopped by an event; each records when the server acknowledged
what it sent (the response arrived, so the write was committed), which is what a backup taken later must
contain. The uploader sends one picture per acknowledged turn through the media feature
(``POST …/media/image:N``), alternating two slots, so each upload also replaces, and deletes, an earlier
file; it reads back the stored bytes (the server re-encodes pictures) and keeps their sha256 per media id.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field

import httpx

from tests.api.conftest import CASE_NAME, FIELD, RICH_ANSWER
from tests.ops.conftest import jpeg

MAX_TURNS = 150
MAX_SCORES = 150
TURNS_PER_APPLICATION = 6


@dataclass(frozen=True)
class Ack:
    kind: str  # turn | score | file
    key: str  # the marker in the message, the score's reason, the file's data-dir path
    at: float


@dataclass
class Load:
    base_url: str
    tokens: dict[str, str]
    scored_app: int
    draft_app: int
    stored: dict[int, str] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    acks: list[Ack] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    new_applications: list[int] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _client(self, user: str) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.tokens[user]}"},
                            timeout=120)

    def _ack(self, kind: str, key: str) -> None:
        with self._changed:
            self.acks.append(Ack(kind, key, time.monotonic()))
            self._changed.notify_all()

    def count(self, kind: str) -> int:
        return sum(a.kind == kind for a in self.acks)

    def wait_for(self, kind: str, at_least: int, timeout: float = 120) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.count(kind) >= at_least or self.errors, timeout), self.errors
        assert not self.errors, self.errors

    def _applicant(self, user: str, lane: str) -> None:
        with self._client(user) as client:
            app_id, turns = None, 0
            for n in range(MAX_TURNS):
                if self.stop.is_set():
                    return
                if app_id is None or turns >= TURNS_PER_APPLICATION:
                    made = client.post("/api/applications", json={"field": FIELD, "applicant": "重庆某物流有限公司",
                                                                  "case_name": CASE_NAME})
                    if made.status_code != 201:
                        self.errors.append(made.text)
                        return
                    app_id, turns = made.json()["id"], 0
                    self.new_applications.append(app_id)
                marker = f"（负载标记{lane}-{n}）"
                reply = client.post(f"/api/applications/{app_id}/messages", json={"text": RICH_ANSWER + marker})
                if reply.status_code != 200:
                    self.errors.append(reply.text)
                    return
                turns += 1
                self._ack("turn", marker)

    def _staff(self) -> None:
        with self._client("sam") as client:
            for n in range(MAX_SCORES):
                if self.stop.is_set():
                    return
                reason = f"第{n}次复核"
                body = {"scores": [{"criterion": "results", "level": 1 + n % 2, "reason": reason}]}
                reply = client.put(f"/api/applications/{self.scored_app}/scores", json=body)
                if reply.status_code != 200:
                    self.errors.append(reply.text)
                    return
                self._ack("score", reason)

    def _media(self) -> None:
        base = f"/api/applications/{self.draft_app}/media"
        with self._client("alice") as client:
            for n in range(MAX_TURNS):
                with self._changed:
                    self._changed.wait_for(lambda n=n: self.stop.is_set() or self.count("turn") > n)
                if self.stop.is_set():
                    return
                slot = f"image:{1 + n % 2}"
                sent = client.post(f"{base}/{slot}", files={"file": (f"图{n}.jpg", jpeg(n + 2), "image/jpeg")})
                if sent.status_code != 201:
                    self.errors.append(sent.text)
                    return
                media_id = sent.json()["id"]
                self.stored[media_id] = hashlib.sha256(client.get(f"{base}/{media_id}/file").content).hexdigest()
                self._ack("media", f"{slot}:{media_id}")

    def start(self) -> Load:
        self._threads = [threading.Thread(target=self._applicant, args=("alice", "甲")),
                         threading.Thread(target=self._applicant, args=("bob", "乙")),
                         threading.Thread(target=self._staff), threading.Thread(target=self._media)]
        for thread in self._threads:
            thread.start()
        return self

    def finish(self) -> None:
        self.stop.set()
        with self._changed:
            self._changed.notify_all()
        for thread in self._threads:
            thread.join(timeout=120)
        assert not self.errors, self.errors

    def acked(self, kind: str, before: float | None = None, after: float | None = None) -> list[str]:
        return [a.key for a in self.acks if a.kind == kind and (before is None or a.at < before)
                and (after is None or a.at >= after)]
