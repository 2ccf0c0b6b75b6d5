"""``hisguard scan config``: exit status, JSON document, errors per host (fake hosts, no SSH)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from hisguard.scanners.cli import cli
from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import HostTarget
from tests.config.fakes import CLEAN, ScriptedHost

INVENTORY = """\
all:
  children:
    facility_75901:
      vars:
        facility_name: "Bệnh viện Đa khoa Thử nghiệm"
        facility_networks: ["198.18.0.0/24"]
      hosts:
        ws-a: {ansible_host: 198.18.0.31}
        srv-b: {ansible_host: 198.18.0.32}
    facility_75902:
      vars:
        facility_name: "Trung tâm Y tế Thử nghiệm"
        facility_networks: ["198.18.1.0/24"]
      hosts:
        ws-c: {ansible_host: 198.18.1.31}
    workstations:
      hosts: {ws-a: {}, ws-c: {}}
    his_servers:
      hosts: {srv-b: {}}
"""


@pytest.fixture
def inventory(tmp_path: Path) -> str:
    path = tmp_path / "hosts.yml"
    path.write_text(INVENTORY, encoding="utf-8")
    return str(path)


def use_hosts(monkeypatch: pytest.MonkeyPatch, answer: Callable[[HostTarget], ScriptedHost]) -> None:
    def fake_open(host: HostTarget, **kwargs: Any) -> ScriptedHost:
        return answer(host)

    monkeypatch.setattr("hisguard.scanners.config.scanner.open_transport", fake_open)


def scan(inventory: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["scan", "config", "-i", inventory, "--no-store", *args],
        standalone_mode=False,
        catch_exceptions=False,
    )
    return int(result.return_value or 0), result.output


WEAK = dict(CLEAN, sshd=str(CLEAN["sshd"]).replace("permitrootlogin no", "permitrootlogin yes"))


def test_clean_hosts_exit_0_and_the_json_document_has_every_finding(
    inventory: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_hosts(monkeypatch, lambda h: ScriptedHost(CLEAN, h.name))
    status, output = scan(inventory, "--format", "json")
    assert status == 0
    doc = json.loads(output)
    assert set(doc) == {"hisguard", "schema_version", "run", "findings", "errors"}
    assert doc["run"]["facilities"] == ["75901", "75902"] and doc["run"]["scanners"] == ["config"]
    assert doc["errors"] == []
    assert {f["status"] for f in doc["findings"]} <= {"pass", "not_applicable"}
    assert {f["scanner"] for f in doc["findings"]} == {"config"}
    assert {f["host"] for f in doc["findings"]} == {"ws-a", "srv-b", "ws-c"}


def test_a_high_finding_exits_1_and_fail_on_critical_exits_0(
    inventory: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_hosts(monkeypatch, lambda h: ScriptedHost(WEAK if h.name == "srv-b" else CLEAN, h.name))
    status, output = scan(inventory, "--lang", "en")
    assert status == 1
    assert "H02.1" in output and "srv-b" in output and "SSH allows direct root login" in output
    assert scan(inventory, "--fail-on", "critical")[0] == 0


def test_an_unreachable_host_is_an_error_entry_and_the_others_are_scanned(
    inventory: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def answer(host: HostTarget) -> ScriptedHost:
        if host.name == "ws-a":
            raise TransportError("ws-a (198.18.0.31:22): connection timed out")
        return ScriptedHost(CLEAN, host.name)

    use_hosts(monkeypatch, answer)
    status, output = scan(inventory, "--format", "json")
    doc = json.loads(output)
    assert status == 0
    assert doc["errors"] == [
        {
            "scanner": "config",
            "facility": "75901",
            "target": "ws-a",
            "message": "ws-a (198.18.0.31:22): connection timed out",
        }
    ]
    assert {f["host"] for f in doc["findings"]} == {"srv-b", "ws-c"}


def test_every_host_failing_exits_2(inventory: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(host: HostTarget) -> ScriptedHost:
        raise TransportError(f"{host.name}: connection refused")

    use_hosts(monkeypatch, refuse)
    status, output = scan(inventory)
    assert status == 2 and "error: config ws-a: ws-a: connection refused" in output


def test_limit_check_and_all_options(inventory: str, monkeypatch: pytest.MonkeyPatch) -> None:
    use_hosts(monkeypatch, lambda h: ScriptedHost(CLEAN, h.name))
    _, output = scan(inventory, "--format", "json", "--limit", "srv-b", "--check", "H07")
    doc = json.loads(output)
    assert {f["check_id"] for f in doc["findings"]} == {"H07.1"}  # H07.2 is for workstations
    _, output = scan(inventory, "--format", "json", "--limit", "srv-b", "--check", "H07", "--all")
    assert {f["check_id"] for f in json.loads(output)["findings"]} == {"H07.1", "H07.2"}
    _, output = scan(inventory, "--format", "json", "--facility", "75902")
    assert {f["host"] for f in json.loads(output)["findings"]} == {"ws-c"}


def test_the_run_is_stored_unless_no_store(
    inventory: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    use_hosts(monkeypatch, lambda h: ScriptedHost(CLEAN, h.name))
    url = f"sqlite:///{tmp_path / 'store.db'}"
    result = CliRunner().invoke(
        cli, ["scan", "config", "-i", inventory, "--store", url, "--format", "json"], standalone_mode=False
    )
    assert result.exception is None
    from hisguard.scanners.store import Store

    store = Store(url)
    try:
        runs = store.runs("75901")
        assert runs and runs[0].scanners == ("config",)
    finally:
        store.close()
