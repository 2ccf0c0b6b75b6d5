"""On the lab: a file name that is not UTF-8 (or holds terminal escapes), planted in /tmp of a
host by any local user, no longer crashes the remote credential scan (issue 13 item 2)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from hisguard.lab import vault as lab_vault
from hisguard.scanners.credentials.remote import scan_host as remote_scan
from hisguard.scanners.credentials.scanner import run_facility
from hisguard.scanners.findings import display_path
from hisguard.scanners.inventory import load_inventory
from hisguard.scanners.output import render_json, render_table
from tests.conftest import REPO

pytestmark = pytest.mark.lab

HOST = "his-app-01"
PLANTED = "/tmp/hg-hostile-names"
# Octal escapes for sh's printf: \377\376 are bytes 0xff 0xfe; \033 ESC, \007 BEL.
NAMES = {"cfg\\377\\376.env": b"cfg\xff\xfe.env", "t\\033]0;pwned\\007.env": b"t\x1b]0;pwned\x07.env"}


@pytest.fixture
def planted(lab: Any) -> Iterator[str]:
    session = lab.ssh(HOST)
    script = f"rm -rf {PLANTED} && mkdir -m 0755 {PLANTED}"
    for octal in NAMES:
        script += f" && printf 'BHXH_EGW_PASSWORD=Hd9!zz00\\n' > \"{PLANTED}/$(printf '{octal}')\""
    assert session.run(script).status == 0
    try:
        yield PLANTED
    finally:
        session.run(f"rm -rf {PLANTED}")
        assert session.run(f"test -e {PLANTED}").status != 0


def test_remote_scan_of_hostile_file_names_completes_with_escaped_paths(planted: str) -> None:
    inv = load_inventory(
        [REPO / "inventories/lab"], str(REPO / "inventories/lab/vault-password.txt"), lab_vault.vault_ids()
    )
    facility = inv.facility("75901")
    host = facility.host(HOST)

    def only_planted(target: Any, rules: Any, roots: Any, **options: Any) -> Any:
        return remote_scan(target, rules, [planted], **options)

    run = run_facility(facility, [host], [], budget=120, scan_host=only_planted)
    assert run.hosts == (HOST,) and not run.errors, run.errors
    shown = {f.resource: f.fingerprint for f in run.findings if f.resource.startswith(planted)}
    wanted = {f"{planted}/{display_path(os.fsdecode(raw))}" for raw in NAMES.values()}
    assert set(shown) == wanted
    assert len(set(shown.values())) == len(NAMES)
    render_json([run]).encode("utf-8")
    assert "\x1b" not in render_table([run]) and "\\x1b]0;pwned\\x07" in render_table([run], width=400)
