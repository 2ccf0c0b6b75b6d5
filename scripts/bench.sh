#!/usr/bin/env bash
# Run every benchmark under bench/; each prints its figures beside its anchor and goal.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for script in bench/*/bench_*.py; do
  [ -e "$script" ] || continue
  echo "== $script"
  .venv/bin/python "$script" || status=1
done
exit $status
