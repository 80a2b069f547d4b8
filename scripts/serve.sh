#!/usr/bin/env bash
# Install (first run only) and start the chat server with the embedded defaults: no keys, no network.
# The index is built on first start (about 10 s). Open http://127.0.0.1:8000/ for the widget demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/faqbot serve "$@"
