"""A Windows-shaped lab host's default search roots read over SMB: bytes read against bytes on disk,
files, seconds.

Anchors: the scan must not pull a PC's disk across the LAN (bytes read well under a tenth of the
bytes on disk), and one host's default roots should take seconds, not minutes (goal: under 10 s for
the lab host on this 2-core machine). Bytes on disk are counted by the host itself (``du`` over SSH
on the exported tree), independently of what the SMB listing saw.

Run it with the lab up and its lock held (read-only on the hosts):

    flock /tmp/hisguard-lab.lock .venv/bin/python bench/windows/bench_smb.py [--host win-his-01] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from hisguard.lab import vault as lab_vault  # noqa: E402
from hisguard.scanners.credentials.rules import default_rules  # noqa: E402
from hisguard.scanners.inventory import load_inventory  # noqa: E402
from hisguard.scanners.windows.files import budget_for, scan_disk  # noqa: E402

INVENTORY = REPO / "inventories" / "lab"
GOAL_SECONDS = 10.0
GOAL_READ_SHARE = 0.10


def bytes_on_disk(address: str) -> int:
    from hisguard.lab.ssh import Session

    with Session(address) as session:
        result = session.run("du -sb --apparent-size /srv/win | cut -f1", sudo=True)
    return int(result.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="win-his-01")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    inventory = load_inventory([str(INVENTORY)], str(INVENTORY / "vault-password.txt"), lab_vault.vault_ids())
    host = next((h for h in inventory.hosts() if h.name == args.host), None)
    if host is None:
        sys.exit(f"bench_smb: no host {args.host} in the lab inventory")
    facility = inventory.facility(host.facility)
    rules = default_rules()
    on_disk = bytes_on_disk(host.address)
    seconds = []
    scan = None
    for _ in range(args.runs):
        start = time.perf_counter()
        scan = scan_disk(host, rules, budget_for(host, dict(facility.settings)))
        seconds.append(time.perf_counter() - start)
    assert scan is not None
    read = scan.read
    share = read["bytes_read"] / on_disk if on_disk else 0.0
    print(f"host {host.name} ({host.address}), SMB {scan.session.dialect}, signed={scan.session.signed}")
    print(f"places listed: {len(read['places'])}, folders listed: {read['folders_listed']}")
    print(f"files: {read['files_read']} read of {read['files_seen']} seen in those places")
    print(
        f"bytes: {read['bytes_read']} read, {read['bytes_seen']} seen in those places, "
        f"{on_disk} on the host's disk (du of the exported tree)"
    )
    print(f"read/disk: {share:.4f}  (anchor: under {GOAL_READ_SHARE:.2f})")
    print(
        f"seconds per scan: median {statistics.median(seconds):.2f}, min {min(seconds):.2f}, "
        f"max {max(seconds):.2f} over {len(seconds)} runs  (anchor: under {GOAL_SECONDS:.0f} s)"
    )
    print(f"observations: {len(scan.result.observations)}, errors: {len(scan.result.errors)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
