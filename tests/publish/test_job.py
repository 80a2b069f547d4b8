"""index/PUBLISH.json: what GET /api/admin/publish and `faqbot publish --status` report."""

from __future__ import annotations

from pathlib import Path

from bot.index.pointer import IndexLock
from bot.publish.gate import MetricCheck
from bot.publish.job import JOB_FILE, JobRecorder, read_job
from bot.publish.publisher import PublishOutcome


def test_no_publish_yet_is_idle(tmp_path: Path) -> None:
    job = read_job(tmp_path)
    assert job.state == "idle" and job.id is None and job.metrics == []


def test_a_running_publish_is_visible_and_its_end_recorded(tmp_path: Path) -> None:
    lock = IndexLock(tmp_path)
    lock.acquire(wait=False)
    recorder = JobRecorder(tmp_path)
    recorder.update("gate: probe", 0.9, "100/290 questions")
    job = read_job(tmp_path)
    assert job.state == "running" and job.step == "gate: probe" and job.progress == 0.9
    check = MetricCheck(gate="probe", name="recall@1", value=0.5, floor=0.92, ok=False)
    recorder.finish(PublishOutcome(False, "build-x", "build-w", (check,), "gate refused build-x: ..."))
    lock.release()
    job = read_job(tmp_path)
    assert job.state == "failed" and job.step == "refused" and job.progress == 1.0
    assert job.metrics == [check] and job.build == "build-x" and job.previous == "build-w"


def test_a_publish_whose_process_died_reads_as_interrupted(tmp_path: Path) -> None:
    lock = IndexLock(tmp_path)
    lock.acquire(wait=False)
    JobRecorder(tmp_path).update("build", 0.3, "embedding entries: 64/800")
    lock.release()  # what the kernel does when the process dies: the record still says running
    job = read_job(tmp_path)
    assert job.state == "failed" and "interrupted" in job.message
    assert (tmp_path / JOB_FILE).is_file()
