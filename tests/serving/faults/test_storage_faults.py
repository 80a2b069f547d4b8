"""The feedback database failing under a running server: locked, read-only, full, PostgreSQL gone.

Each time: chat keeps answering (the reply is not recorded, and the log says so), /api/feedback
answers 503 `data_unavailable` with a message that names no file or host, the rows written before
are intact, and writes resume once the database is back. The faults are real: another connection
holding SQLite's write lock, a tmpfs mounted read-only or filled to the last byte, a PostgreSQL
server stopped (immediate shutdown, as in a crash) and started again on the same data directory.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.engine import Engine
from bot.serving import create_app
from bot.serving.errors import DATABASE_DOWN
from bot.serving.feedback import database
from bot.settings import ROOT, Settings

from .conftest import LogLines

pytestmark = pytest.mark.slow
Serve = Callable[..., AbstractContextManager[str]]
DISK = "Dドライブの容量を増やす手順を知りたい"
NOT_RECORDED = "answered but not recorded"


def chat(base: str) -> str:
    r = httpx.post(f"{base}/api/chat", json={"question": DISK}, timeout=60)
    assert r.status_code == 200 and r.json()["citations"][0]["no"] == 17, r.text
    request_id: str = r.json()["request_id"]
    return request_id


def rate(base: str, request_id: str) -> httpx.Response:
    body = {"request_id": request_id, "rating": "up", "comment": "ok"}
    return httpx.post(f"{base}/api/feedback", json=body, timeout=60)


def assert_unavailable(r: httpx.Response, *hidden: str) -> None:
    assert r.status_code == 503, r.text
    error = r.json()["error"]
    assert error["type"] == "data_unavailable" and error["message"] == DATABASE_DOWN
    assert int(r.headers["retry-after"]) > 0
    for secret in hidden:  # where the database lives is the operator's business, not the client's
        assert secret not in r.text


def _app(settings: Settings, engine: Engine, **update: Any) -> Any:
    return create_app(settings.model_copy(update={"rate_limit_per_minute": 0, **update}), engine=engine)


def test_locked_sqlite(
    settings: Settings,
    engine: Engine,
    serve: Serve,
    sql: Any,
    tmp_path: Path,
    server_logs: LogLines,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_S", 0.5)  # the server's wait for a lock: short here
    db = tmp_path / "feedback.sqlite3"
    app = _app(settings, engine, feedback_db=db)
    with serve(app) as base:
        first = chat(base)
        assert rate(base, first).status_code == 201
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # an analyst's write transaction left open
        try:
            started = time.monotonic()
            unrecorded = chat(base)
            assert time.monotonic() - started < 10
            assert_unavailable(rate(base, first), str(db), db.name)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert NOT_RECORDED in server_logs.text and "database is locked" in server_logs.text
        assert rate(base, unrecorded).status_code == 404  # never recorded, and says so
        again = chat(base)
        assert rate(base, again).status_code == 201
        assert rate(base, first).status_code == 201
    app.state.store.engine.dispose()
    assert {r["request_id"] for r in sql(db, "SELECT request_id FROM feedback")} == {first, again}
    assert sql(db, "PRAGMA integrity_check")[0][0] == "ok"


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small file system of its own (root only): it can be made read-only or full."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=False)
    if mounted.returncode != 0:
        pytest.skip("this machine does not let us mount a tmpfs")
    try:
        yield path
    finally:
        if subprocess.run(["umount", str(path)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(path)], check=False)


@contextmanager
def _disposed(app: Any) -> Iterator[None]:
    """Close the server's pooled connections afterwards: a file system with open files cannot
    be remounted or unmounted."""
    try:
        yield
    finally:
        app.state.store.engine.dispose()


def remount(path: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True)


def test_read_only_sqlite(
    settings: Settings, engine: Engine, serve: Serve, sql: Any, tmp_path: Path, server_logs: LogLines
) -> None:
    with tmpfs(tmp_path / "fs", "4m") as fs:
        db = fs / "feedback.sqlite3"
        app = _app(settings, engine, feedback_db=db)
        with _disposed(app), serve(app) as base:
            first = chat(base)
            assert rate(base, first).status_code == 201
        # A file system that went read-only (the kernel does that after I/O errors), then a restart.
        remount(fs, "ro")
        app = _app(settings, engine, feedback_db=db)
        with _disposed(app), serve(app) as base:
            assert "starting without the feedback database" in server_logs.text
            unrecorded = chat(base)
            assert NOT_RECORDED in server_logs.text
            assert_unavailable(rate(base, first), str(db))
            remount(fs, "rw")
            assert rate(base, unrecorded).status_code == 404
            again = chat(base)
            assert rate(base, again).status_code == 201 and rate(base, first).status_code == 201
        assert {r["request_id"] for r in sql(db, "SELECT request_id FROM feedback")} == {first, again}
        assert sql(db, "PRAGMA integrity_check")[0][0] == "ok"


def _fill(fs: Path) -> Path:
    """Write to the file system until it has no byte left."""
    filler = fs / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        block = b"\0" * 4096
        while os.write(fd, block) == len(block):
            pass
        while os.write(fd, b"\0"):  # the last partial page
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_full_disk_sqlite(
    settings: Settings, engine: Engine, serve: Serve, sql: Any, tmp_path: Path, server_logs: LogLines
) -> None:
    with tmpfs(tmp_path / "fs", "2m") as fs:
        db = fs / "feedback.sqlite3"
        app = _app(settings, engine, feedback_db=db)
        with _disposed(app), serve(app) as base:
            before = [chat(base) for _ in range(3)]
            assert all(rate(base, rid).status_code == 201 for rid in before)
            filler = _fill(fs)
            unrecorded = chat(base)
            assert NOT_RECORDED in server_logs.text and "full" in server_logs.text
            assert_unavailable(rate(base, before[0]), str(db))
            filler.unlink()
            assert rate(base, unrecorded).status_code == 404
            again = chat(base)
            assert rate(base, again).status_code == 201
        assert {r["request_id"] for r in sql(db, "SELECT request_id FROM feedback")} == {*before, again}
        assert sql(db, "PRAGMA integrity_check")[0][0] == "ok"


@pytest.fixture
def private_postgres() -> Iterator[tuple[str, Callable[[str], None]]]:
    """A PostgreSQL server of this test's own (it is stopped and started); yields (url, pg_ctl)."""
    required = os.environ.get("FAQBOT_REQUIRE_POSTGRES") == "1"
    if shutil.which("initdb") is None and not Path("/usr/lib/postgresql").exists() and not required:
        pytest.skip("PostgreSQL is not installed (scripts/postgres.sh installs it as root)")
    # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="faqbot-pg-fault."))
    script = str(ROOT / "scripts" / "postgres.sh")
    started = subprocess.run(
        ["bash", script, "start", str(folder)], capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        (pytest.fail if required else pytest.skip)(f"no private PostgreSQL: {started.stderr[-500:]}")
    url = started.stdout.strip()
    port = make_url(url).port
    pg_ctl = Path(os.path.realpath(shutil.which("pg_ctl") or "/usr/lib/postgresql/15/bin/pg_ctl"))
    user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def control(action: str, mode: str = "immediate") -> None:
        cmd = [*user, str(pg_ctl), "-D", str(folder / "data"), "-w", "-t", "60"]
        if action == "stop":
            cmd += ["-m", mode, "stop"]  # immediate: no clean shutdown, what a crash looks like
        else:
            opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
            cmd += ["-l", str(folder / "server.log"), "-o", opts, "start"]
        subprocess.run(cmd, check=True, capture_output=True)

    # postgres.sh starts the test cluster with synchronous_commit=off (fast, and harmless while
    # nothing crashes): a crash then loses the last acknowledged commits. This test crashes it, so
    # restart it with the defaults a production server has.
    try:
        control("stop", mode="fast")
        control("start")
        assert _pg_rows(url, "SHOW synchronous_commit") == [("on",)]
        yield url, control
    finally:
        subprocess.run(["bash", script, "stop", str(folder)], capture_output=True, check=False)


def _plain(url: str) -> str:
    """The SQLAlchemy URL as libpq reads it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _pg_rows(url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(_plain(url)) as conn:
        return list(conn.execute(query).fetchall())


def test_postgres_goes_away_and_comes_back(
    settings: Settings,
    engine: Engine,
    serve: Serve,
    private_postgres: tuple[str, Callable[[str], None]],
    server_logs: LogLines,
) -> None:
    url, pg_ctl = private_postgres
    host = f"{make_url(url).host}:{make_url(url).port}"
    # With a database URL the rate limit is counted in it too: it must let requests through.
    app = _app(settings, engine, database_url=url, rate_limit_per_minute=10_000)
    with serve(app) as base:
        before = [chat(base) for _ in range(3)]
        assert all(rate(base, rid).status_code == 201 for rid in before)
        pg_ctl("stop")
        started = time.monotonic()
        unrecorded = chat(base)
        assert time.monotonic() - started < 10
        assert NOT_RECORDED in server_logs.text
        assert_unavailable(rate(base, before[0]), host, "postgres@")
        pg_ctl("start")
        assert rate(base, unrecorded).status_code == 404
        again = chat(base)
        assert rate(base, again).status_code == 201 and rate(base, before[1]).status_code == 201
    app.state.store.engine.dispose()
    rated = {r[0] for r in _pg_rows(url, "SELECT request_id FROM feedback")}
    assert rated == {*before, again}
    assert unrecorded not in {r[0] for r in _pg_rows(url, "SELECT request_id FROM requests")}
