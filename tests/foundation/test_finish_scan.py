"""finish_scan applies the inventory's waivers before it stores and prints a run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hisguard.scanners.cli_options import ScanRequest, finish_scan
from hisguard.scanners.findings import Severity
from hisguard.scanners.inventory import load_inventory
from hisguard.scanners.store import Store

from .factories import make_finding, make_run

EXAMPLE = Path(__file__).resolve().parents[2] / "inventories" / "example"


def _inventory_with_waiver(tmp_path: Path, expires: str) -> Path:
    copy = tmp_path / "inv"
    shutil.copytree(EXAMPLE, copy)
    (copy / "hisguard_waivers.yml").write_text(
        "all:\n  vars:\n    hisguard_waivers:\n"
        "      - check: C01\n        hosts: [his-app-01]\n"
        '        reason: "Máy chủ cũ, sẽ thay vào quý 1"\n        approver: "Giám đốc"\n'
        f"        ticket: SD-42\n        expires: {expires}\n",
        encoding="utf-8",
    )
    return copy / "hosts.yml"


@pytest.mark.parametrize(
    ("expires", "status", "exit_code"), [("2099-12-31", "waived", 0), ("2020-01-01", "fail", 1)]
)
def test_waivers_mark_findings_before_storing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expires: str, status: str, exit_code: int
) -> None:
    hosts = _inventory_with_waiver(tmp_path, expires)
    inventory = load_inventory([hosts], str(EXAMPLE / "vault-password.example.txt"))
    run = make_run((make_finding(severity=Severity.CRITICAL),))
    url = f"sqlite:///{tmp_path / 'h.db'}"
    request = ScanRequest(inventory_paths=(str(hosts),), output_format="json", store_url=url)
    code = finish_scan([run], request, inventory)
    printed = json.loads(capsys.readouterr().out)
    assert code == exit_code
    assert printed["findings"][0]["status"] == status
    assert Store(url).load_run(run.id).findings[0].status.value == status
