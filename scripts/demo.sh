#!/usr/bin/env bash
# The main job end to end on the lab: boot the fleet, scan it, report, harden, rescan, report,
# and show the history between the two scans. Run by `make demo` (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

INV=inventories/lab/hosts.yml
export ANSIBLE_VAULT_PASSWORD_FILE="$PWD/inventories/lab/vault-password.txt"
OUT="${DEMO_OUT:-$PWD/out/demo}"
FACILITY=75901
# The demo keeps its own installation key and store, apart from anything else on the machine.
export HISGUARD_HOME="$OUT/home"
export HISGUARD_STORE="sqlite:///$OUT/home/hisguard.db"
PATH="$PWD/.venv/bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "demo: the lab needs root; run 'sudo make demo'" >&2
  exit 2
fi
rm -rf "$OUT"
mkdir -p "$OUT"

step "1. Boot the lab fleet (real Debian hosts in 198.18.0.0/24)"
hisguard lab up
hisguard lab status

step "2. Scan facility $FACILITY: credentials, configuration, network"
# Exit status 1 means findings at or above --fail-on: expected on the unhardened lab.
hisguard scan all -i "$INV" --facility "$FACILITY" --fail-on critical || [ $? -eq 1 ]

step "3. Reports before hardening (Vietnamese, and English)"
hisguard report -i "$INV" --facility "$FACILITY" --format html,pdf,md,json,csv,sarif,ansible --out "$OUT/before"
hisguard report -i "$INV" --facility "$FACILITY" --format html --lang en --out "$OUT/before/en"

step "4. Harden the fleet: ansible-playbook playbooks/harden.yml"
ansible-playbook -i "$INV" playbooks/harden.yml --limit "facility_$FACILITY"

step "5. Rescan after hardening"
hisguard scan all -i "$INV" --facility "$FACILITY" --fail-on critical || [ $? -eq 1 ]

step "6. Reports after hardening, and the history between the two scans"
hisguard report -i "$INV" --facility "$FACILITY" --format html,pdf,md,json,csv,sarif,ansible --out "$OUT/after"
hisguard history -i "$INV" --facility "$FACILITY"

step "7. The documents for the Sở Y tế (Nghị định 30/2020/NĐ-CP format): báo cáo and biên bản, .docx and .pdf"
hisguard documents -i "$INV" --facility "$FACILITY" --out "$OUT/documents"

step "Reports"
echo "before hardening: $OUT/before"
find "$OUT/before" -maxdepth 2 -type f | sort | sed 's/^/  /'
echo "after hardening:  $OUT/after"
find "$OUT/after" -maxdepth 2 -type f | sort | sed 's/^/  /'
echo "documents:        $OUT/documents"
find "$OUT/documents" -maxdepth 1 -type f | sort | sed 's/^/  /'
echo
echo "The lab is still running: 'make lab-down' removes it."
