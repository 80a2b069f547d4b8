#!/usr/bin/env bash
# The OpenAPI contract, longer than CI runs it: schemathesis with every check against a real server
# (tests/serving/test_contract.py), more examples per operation and a fresh random seed each run.
#   scripts/contract.sh            500 examples per operation (~4,400 cases), random seed: about 4 minutes
#   EXAMPLES=2000 SEED=7 scripts/contract.sh
# The whole schemathesis report (curl lines and the seed to reproduce a failure) is kept in $LOG.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh --dev
LOG="${LOG:-/tmp/faqbot-contract-$(date +%Y%m%d-%H%M%S).txt}"
status=0
FAQBOT_CONTRACT_EXAMPLES="${EXAMPLES:-500}" FAQBOT_CONTRACT_SEED="${SEED:-random}" FAQBOT_CONTRACT_LOG="$LOG" \
  .venv/bin/python -m pytest -q -p no:cacheprovider tests/serving/test_contract.py -k every_operation "$@" \
  || status=$?
[ -f "$LOG" ] && tail -n 25 "$LOG" && echo "full report: $LOG"
exit "$status"
