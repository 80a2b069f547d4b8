"""Accepted phrasings land in data/enrichment.jsonl: merged, deduplicated, atomic, picked up by publish."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.errors import NotFoundError
from bot.ingest.store import ENRICHMENT_FILE, load_entries
from bot.publish.source import publish_source
from bot.review.enrichment_writer import add_alt_questions


def records(data_dir: Path) -> dict[int, dict[str, list[str]]]:
    lines = (data_dir / ENRICHMENT_FILE).read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["no"]: json.loads(line) for line in lines}


def test_adds_new_phrasings_once_and_keeps_other_lines(data_copy: Path) -> None:
    path = data_copy / ENRICHMENT_FILE
    before = path.read_text(encoding="utf-8").splitlines()
    old = records(data_copy)[17]["alt_questions"]
    entry = next(e for e in load_entries(data_copy) if e.no == 17)

    added = add_alt_questions(
        data_copy,
        17,
        ["ＶＭの容量を\n倍にしたいです", "VMの容量を 倍にしたいです", old[0], entry.question, "  "],
    )
    assert added == ("ＶＭの容量を 倍にしたいです",)  # one line; the NFKC twin, known ones and blanks skipped
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert len(changed) == 1 and json.loads(after[changed[0]])["no"] == 17
    rec = records(data_copy)[17]
    assert rec["alt_questions"] == [*old, "ＶＭの容量を 倍にしたいです"]
    assert rec["keywords"] and rec["en_questions"]  # the rest of the record is kept
    assert add_alt_questions(data_copy, 17, ["vmの容量を 倍にしたいです"]) == ()  # again: nothing new
    assert path.read_text(encoding="utf-8").splitlines() == after
    assert not list(data_copy.glob(".enrichment.jsonl.*"))  # no temp file left behind


def test_a_publish_builds_from_the_accepted_phrasing(data_copy: Path) -> None:
    add_alt_questions(data_copy, 5, ["審査で受け入れた言い換え"])
    source = publish_source(data_copy)
    entry = next(e for e in source.entries if e.no == 5)
    assert entry.alt_questions[-1] == "審査で受け入れた言い換え"
    assert 5 in source.merged


def test_entry_without_a_line_gets_one_in_number_order(data_copy: Path) -> None:
    path = data_copy / ENRICHMENT_FILE
    kept = [line for line in path.read_text(encoding="utf-8").splitlines() if json.loads(line)["no"] != 20]
    path.write_text("".join(x + "\n" for x in kept), encoding="utf-8")
    assert add_alt_questions(data_copy, 20, ["新しい言い換え"]) == ("新しい言い換え",)
    nos = [json.loads(line)["no"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert nos == sorted(nos) and 20 in nos
    assert records(data_copy)[20] == {"no": 20, "alt_questions": ["新しい言い換え"]}


def test_unknown_entry_is_refused_and_nothing_written(data_copy: Path) -> None:
    before = (data_copy / ENRICHMENT_FILE).read_bytes()
    with pytest.raises(NotFoundError, match=r"No\.999"):
        add_alt_questions(data_copy, 999, ["どこにもない"])
    assert (data_copy / ENRICHMENT_FILE).read_bytes() == before


def test_concurrent_accepts_lose_nothing(data_copy: Path) -> None:
    def worker(n: int) -> None:
        for k in range(5):
            add_alt_questions(data_copy, 9, [f"並行して受け入れた言い換え {n}-{k}"])

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    alts = records(data_copy)[9]["alt_questions"]
    assert sum(a.startswith("並行して受け入れた言い換え") for a in alts) == 20


def test_concurrent_processes_lose_nothing(data_copy: Path) -> None:
    # Several workers (or a worker and the CLI) accept at once: the lock file serialises them.
    script = (
        "import sys; from pathlib import Path; from bot.review.enrichment_writer import add_alt_questions\n"
        "for k in range(5):\n"
        "    add_alt_questions(Path(sys.argv[1]), 9, [f'別プロセスの言い換え {sys.argv[2]}-{k}'])"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(data_copy), str(n)]) for n in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    alts = records(data_copy)[9]["alt_questions"]
    assert sum(a.startswith("別プロセスの言い換え") for a in alts) == 15
