"""CURRENT, HISTORY, rollback, pruning and the index lock on build folders made by hand."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.errors import IndexBusyError, PublishError
from bot.index.pointer import (
    IndexLock,
    index_lock,
    lock_is_free,
    make_current,
    previous_build,
    prune_builds,
    read_current,
    read_history,
    roll_back,
)
from bot.index.store import CURRENT_FILE
from bot.publish.builds import list_builds


def _builds(index: Path, n: int) -> list[str]:
    names = []
    for i in range(n):
        build = index / f"build-20260101-00000{i}-abcd1234-00000{i}"
        build.mkdir(parents=True)
        (build / "meta.json").write_text(f'{{"built_at": "t{i}", "entries": [1, 2], "data_hash": "h{i}"}}')
        names.append(build.name)
    return names


def test_make_current_remembers_the_previous_build(tmp_path: Path) -> None:
    a, b, c = _builds(tmp_path, 3)
    for name in (a, b, c):
        make_current(tmp_path, name)
    assert read_current(tmp_path) == c
    assert read_history(tmp_path) == [a, b, c]
    assert previous_build(tmp_path) == b
    info = {x.name: x for x in list_builds(tmp_path)}
    assert info[c].current and info[b].previous and not info[a].current and info[a].entries == 2


def test_a_pointer_from_before_history_is_remembered(tmp_path: Path) -> None:
    a, b = _builds(tmp_path, 2)
    (tmp_path / CURRENT_FILE).write_text(a + "\n")  # written by an older faqbot: no HISTORY
    make_current(tmp_path, b)
    assert read_history(tmp_path) == [a, b] and previous_build(tmp_path) == a


def test_rollback_goes_back_one_build_at_a_time(tmp_path: Path) -> None:
    a, b, c = _builds(tmp_path, 3)
    for name in (a, b, c):
        make_current(tmp_path, name)
    assert roll_back(tmp_path) == (c, b)
    assert roll_back(tmp_path) == (b, a)
    with pytest.raises(PublishError, match="no previous build"):
        roll_back(tmp_path)
    assert read_current(tmp_path) == a
    make_current(tmp_path, c)  # publishing again after rollbacks
    assert previous_build(tmp_path) == a


def test_rollback_skips_builds_no_longer_on_disk(tmp_path: Path) -> None:
    a, b, c = _builds(tmp_path, 3)
    for name in (a, b, c):
        make_current(tmp_path, name)
    (tmp_path / b / "meta.json").unlink()  # removed by hand, or half gone
    assert roll_back(tmp_path) == (c, a)


def test_a_half_written_build_is_never_made_current(tmp_path: Path) -> None:
    _builds(tmp_path, 1)
    (tmp_path / "build-20260102-000000-abcd1234-ffffff").mkdir()  # no meta.json
    with pytest.raises(Exception, match="not a complete build"):
        make_current(tmp_path, "build-20260102-000000-abcd1234-ffffff")
    assert read_current(tmp_path) is None


def test_pruning_keeps_the_current_and_the_previous_build(tmp_path: Path) -> None:
    names = _builds(tmp_path, 5)
    for name in names[:3]:
        make_current(tmp_path, name)
    make_current(tmp_path, names[1])  # current b, previous c: not the two newest
    removed = prune_builds(tmp_path)
    assert sorted(removed) == sorted([names[0], names[3], names[4]])
    assert sorted(p.name for p in tmp_path.glob("build-*")) == sorted([names[1], names[2]])


def test_the_lock_excludes_other_threads_and_is_released(tmp_path: Path) -> None:
    with index_lock(tmp_path, wait=False):
        assert not lock_is_free(tmp_path)
        errors: list[Exception] = []

        def other() -> None:
            try:
                IndexLock(tmp_path).acquire(wait=False)
            except IndexBusyError as exc:
                errors.append(exc)

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert len(errors) == 1 and "faqbot publish --status" in str(errors[0])
    assert lock_is_free(tmp_path)
