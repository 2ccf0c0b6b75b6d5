#!/usr/bin/env bash
# Run every benchmark under bench/; each prints its figures beside its anchor and goal.
# The lab benches (network, remote, scale, lab cycles) take the lab lock themselves, bring the lab
# to the state they need (up, or down for the scale lab) and leave it as found (bench/lab/labhold.py);
# under `flock /tmp/hisguard-lab.lock make bench` they work under that hold instead.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
for script in bench/*/bench_*.py; do
  [ -e "$script" ] || continue
  echo "== $script"
  .venv/bin/python "$script" || status=1
done
exit $status
