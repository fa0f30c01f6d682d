"""A bounded load against a running server: applicants answering (turns), staff re-scoring, files arriving.

Three threads, each capped (``MAX_*``) and stopped by an event; each records when the server acknowledged
what it sent (the response arrived, so the write was committed), which is what a backup taken later must
contain. The file writer writes one file per acknowledged turn, atomically (temporary name, then rename),
as an upload would.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.api.conftest import CASE_NAME, FIELD, RICH_ANSWER

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
    data_dir: Path
    scored_app: int
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

    def _files(self) -> None:
        folder = self.data_dir / "media" / "load"
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(MAX_TURNS):
            with self._changed:
                self._changed.wait_for(lambda n=n: self.stop.is_set() or self.count("turn") > n)
            if self.stop.is_set():
                return
            partial = folder / f"{n}.jpg.part"
            partial.write_bytes(os.urandom(20_000 + n))
            os.replace(partial, folder / f"{n}.jpg")
            self._ack("file", f"media/load/{n}.jpg")

    def start(self) -> Load:
        self._threads = [threading.Thread(target=self._applicant, args=("alice", "甲")),
                         threading.Thread(target=self._applicant, args=("bob", "乙")),
                         threading.Thread(target=self._staff), threading.Thread(target=self._files)]
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
