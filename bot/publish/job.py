"""A publish as a job: its state in index/PUBLISH.json, and a runner for a background thread.

The record lives beside the builds, not in one process's memory: with several workers (or
replicas sharing index/) any of them can answer "how is the publish going", and a publish
started from the command line shows on the review page too.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from bot.embedders.base import Embedder
from bot.errors import BotError
from bot.fsutil import atomic_write_text
from bot.index.pointer import IndexLock, lock_is_free
from bot.publish.gate import MetricCheck
from bot.publish.publisher import PublishOutcome, PublishPlan, StepReporter, publish

log = logging.getLogger("faqbot.publish")
JOB_FILE = "PUBLISH.json"
JobState = Literal["idle", "running", "passed", "failed"]
_WRITE_EVERY_S = 0.25  # progress updates in between are folded into the next write


class PublishJob(BaseModel):
    id: str | None = None
    state: JobState = "idle"
    step: str = ""
    progress: float = 0.0
    message: str = ""
    build: str | None = None  # the new build: current once passed, removed once refused
    previous: str | None = None  # current before the publish (what a rollback returns to)
    published: bool = False  # CURRENT changed
    metrics: list[MetricCheck] = []
    timings: dict[str, float] = {}
    started_at: float | None = None
    finished_at: float | None = None
    host: str = ""
    pid: int | None = None


def read_job(index_dir: Path) -> PublishJob:
    """The latest publish on this index (idle if none). A "running" record whose process is gone
    (the lock is free) is reported as failed."""
    job = _read(index_dir)
    if job.state == "running" and lock_is_free(index_dir):
        job = _read(index_dir)  # it may have finished between the two looks
        if job.state == "running":
            return job.model_copy(
                update={"state": "failed", "message": f"interrupted: {job.host} pid {job.pid} stopped midway"}
            )
    return job


def _read(index_dir: Path) -> PublishJob:
    path = index_dir / JOB_FILE
    try:
        return PublishJob.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return PublishJob()
    except (OSError, ValidationError) as exc:
        return PublishJob(state="failed", message=f"unreadable publish record {path}: {exc}")


class JobRecorder:
    """Keeps index/PUBLISH.json up to date while a publish runs."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.job = PublishJob(
            id=uuid.uuid4().hex[:12],
            state="running",
            step="starting",
            started_at=time.time(),
            host=socket.gethostname(),
            pid=os.getpid(),
        )
        self._written = 0.0
        self._lock = threading.Lock()
        self._write(force=True)

    def update(self, step: str, progress: float, detail: str) -> None:
        with self._lock:
            new_step = step != self.job.step
            self.job = self.job.model_copy(
                update={"step": step, "progress": round(progress, 3), "message": detail}
            )
        self._write(force=new_step)

    def finish(self, outcome: PublishOutcome) -> PublishJob:
        return self._end(
            state="passed" if outcome.passed else "failed",
            step="done" if outcome.passed else "refused",
            message=outcome.message,
            build=outcome.build,
            previous=outcome.previous,
            published=outcome.published,
            metrics=list(outcome.checks),
            timings=outcome.timings,
        )

    def fail(self, exc: BaseException) -> PublishJob:
        return self._end(state="failed", step="error", message=f"publish failed: {exc}")

    def _end(self, **update: object) -> PublishJob:
        with self._lock:
            self.job = self.job.model_copy(update={**update, "progress": 1.0, "finished_at": time.time()})
        self._write(force=True)
        return self.job

    def _write(self, force: bool) -> None:
        now = time.monotonic()
        if not force and now - self._written < _WRITE_EVERY_S:
            return
        with self._lock:
            body = self.job.model_dump_json(indent=2)
            self._written = now
        atomic_write_text(self.index_dir / JOB_FILE, body + "\n")


def run_job(
    plan: PublishPlan,
    embedder: Embedder,
    recorder: JobRecorder,
    also: StepReporter | None = None,
    progress_bar: bool = False,
) -> PublishJob:
    """Publish with every step recorded; an error ends the job as failed and is raised again."""

    def report(step: str, progress: float, detail: str) -> None:
        recorder.update(step, progress, detail)
        if also is not None:
            also(step, progress, detail)

    try:
        outcome = publish(plan, embedder, report, progress_bar=progress_bar)
    except BaseException as exc:
        recorder.fail(exc)
        raise
    return recorder.finish(outcome)


class BackgroundPublisher:
    """Runs publishes in a thread of the server process, one at a time across processes."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    def start(self, plan: PublishPlan, embedder: Callable[[], Embedder]) -> PublishJob:
        """Claim the index lock here (IndexBusyError if taken) and publish in the background."""
        lock = IndexLock(plan.index_dir)
        lock.acquire(wait=False)
        try:
            recorder = JobRecorder(plan.index_dir)
        except BaseException:
            lock.release()
            raise
        thread = threading.Thread(
            target=self._run, args=(plan, embedder, recorder, lock), name="faqbot-publish", daemon=True
        )
        self._thread = thread
        thread.start()
        return recorder.job

    @staticmethod
    def _run(
        plan: PublishPlan, embedder: Callable[[], Embedder], recorder: JobRecorder, lock: IndexLock
    ) -> None:
        try:
            try:
                model = embedder()
            except BaseException as exc:
                recorder.fail(exc)
                raise
            job = run_job(plan, model, recorder)
            log.info("publish %s: %s", job.id, job.message)
        except BotError as exc:
            log.error("publish %s failed: %s", recorder.job.id, exc)
        except Exception:
            log.exception("publish %s crashed", recorder.job.id)
        finally:
            lock.release()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
