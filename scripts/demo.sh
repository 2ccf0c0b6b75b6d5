#!/usr/bin/env bash
# The main job end to end on the lab: boot the fleet, scan it, report, harden, rescan, report,
# and show the history between the two scans. Run by `make demo` (as root).
set -euo pipefail
cd "$(dirname "$0")/.."

INV=inventories/lab/hosts.yml
export ANSIBLE_VAULT_PASSWORD_FILE="$PWD/inventories/lab/vault-password.txt"
# Each facility's portal passwords are in its own vault (ansible-playbook and hisguard both read this).
export ANSIBLE_VAULT_IDENTITY_LIST="75901@$PWD/inventories/lab/vault-75901.txt,75902@$PWD/inventories/lab/vault-75902.txt"
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

step "4. A leak of egw-his: the finding, the evidence pack, the notices, then the rewrite"
hisguard report -i "$INV" --facility "$FACILITY" --account egw-his --format md --out "$OUT/account"
# Hosts the collector cannot read over SSH (the Windows-shaped hosts) are warnings and exit
# status 2; what it read elsewhere is kept, and verify checks the pack.
hisguard evidence collect --account egw-his --facility "$FACILITY" -i "$INV" --out "$OUT/evidence" || [ $? -eq 2 ]
hisguard evidence verify "$OUT/evidence"
hisguard evidence timeline --account egw-his --facility "$FACILITY" -i "$INV" --pack "$OUT/evidence"
hisguard evidence notices --account egw-his --facility "$FACILITY" -i "$INV" --pack "$OUT/evidence" \
  --out "$OUT/notices"
# The pack's marker on his-app-01 lists these files as they are now: the rewrite may change them.
ansible-playbook -i "$INV" playbooks/harden.yml --limit his-app-01 --tags credential_store_rewrite \
  -e '{"credential_store_plaintext_copies": [{"path": "/opt/his/appsettings.json", "account": "egw-his"},
       {"path": "/etc/cron.daily/bhxh-sync", "account": "egw-his"}]}'

step "5. Harden the fleet: ansible-playbook playbooks/harden.yml"
ansible-playbook -i "$INV" playbooks/harden.yml --limit "facility_$FACILITY"

step "6. Rescan after hardening"
hisguard scan all -i "$INV" --facility "$FACILITY" --fail-on critical || [ $? -eq 1 ]

step "7. Reports after hardening, and the history between the two scans"
hisguard report -i "$INV" --facility "$FACILITY" --format html,pdf,md,json,csv,sarif,ansible --out "$OUT/after"
hisguard history -i "$INV" --facility "$FACILITY"

step "8. The documents for the Sở Y tế (Nghị định 30/2020/NĐ-CP format): báo cáo and biên bản, .docx and .pdf"
hisguard documents -i "$INV" --facility "$FACILITY" --out "$OUT/documents"

step "Reports"
echo "the leak: $OUT/account, evidence pack $OUT/evidence, notices $OUT/notices"
echo "before hardening: $OUT/before"
find "$OUT/before" -maxdepth 2 -type f | sort | sed 's/^/  /'
echo "after hardening:  $OUT/after"
find "$OUT/after" -maxdepth 2 -type f | sort | sed 's/^/  /'
echo "documents:        $OUT/documents"
find "$OUT/documents" -maxdepth 1 -type f | sort | sed 's/^/  /'
echo
echo "The lab is still running: 'make lab-down' removes it."
