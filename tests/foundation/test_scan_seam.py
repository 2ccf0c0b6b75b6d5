"""The Scanner seam as the commands use it: refusals at plan time, the registry, the shared ending.

No real host is contacted: SSH transports, the credential collector and nmap are replaced by
recorders, so a test can assert that a refused scan never even tried to connect.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from hisguard.scanners import cli, registry
from hisguard.scanners.catalog import CheckMeta
from hisguard.scanners.cli_options import ScanRequest, finish_scan
from hisguard.scanners.errors import StoreError
from hisguard.scanners.findings import Remediation, Run, Severity, Status, Text, fingerprint, utcnow
from hisguard.scanners.interface import CommonOptions, Plan, Progress, Scanner, new_run, no_progress
from hisguard.scanners.inventory import Facility, HostTarget, Inventory
from hisguard.scanners.store import Store
from tests.config.fakes import CLEAN, ScriptedHost
from tests.entry_point import hisguard

from .factories import make_finding, make_run

INVENTORY = """\
all:
  children:
    facility_75901:
      vars:
        facility_name: "Bệnh viện Đa khoa Thử nghiệm"
        facility_networks: ["198.18.0.0/24"]
        facility_scan_exclude: ["198.18.0.128/25"]
      hosts:
        inside: {{ansible_host: 198.18.0.31}}
        {extra}
    workstations:
      hosts: {{inside: {{}}}}
"""


def write_inventory(tmp_path: Path, extra: str = "") -> str:
    path = tmp_path / "hosts.yml"
    path.write_text(INVENTORY.format(extra=extra), encoding="utf-8")
    return str(path)


class Recorder:
    """Every connection and collection any scanner tried, by host name."""

    def __init__(self) -> None:
        self.contacted: list[str] = []


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    seen = Recorder()

    def fake_open(host: HostTarget, **kwargs: Any) -> ScriptedHost:
        seen.contacted.append(host.name)
        return ScriptedHost(CLEAN, host.name)

    def fake_collect(host: HostTarget, *args: Any, **kwargs: Any) -> Any:
        seen.contacted.append(host.name)
        from hisguard.scanners.credentials.report import HostResult

        return HostResult(host=host.name)

    monkeypatch.setattr("hisguard.scanners.config.scanner.open_transport", fake_open)
    monkeypatch.setattr("hisguard.scanners.credentials.remote.scan_host", fake_collect)
    return seen


# --- scope: every scanner refuses at plan time (issue 13, item 3) ----------------------------------


@pytest.mark.parametrize("scanner", ["config", "credentials"])
@pytest.mark.parametrize(
    ("host", "message"),
    [
        (
            "outside: {ansible_host: 203.0.113.7}",
            "host outside (203.0.113.7) is outside the networks of facility",
        ),
        ("excluded: {ansible_host: 198.18.0.200}", "host excluded 198.18.0.200/32 lies in 198.18.0.128/25"),
        # A name is judged by what it resolves to (localhost: /etc/hosts, no DNS query).
        ("named: {ansible_host: localhost}", "host named (localhost = "),
    ],
)
def test_ssh_scanners_refuse_a_host_out_of_scope_before_connecting_to_any(
    tmp_path: Path,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    scanner: str,
    host: str,
    message: str,
) -> None:
    inventory = write_inventory(tmp_path, host)
    code, out, err = hisguard(["scan", scanner, "-i", inventory, "--no-store"], monkeypatch, capsys)
    assert code == 2
    assert message in err and "refused" in err
    assert out == ""
    assert recorder.contacted == []  # not even the in-scope host: the whole plan was refused


def test_scan_all_refuses_before_any_scanner_runs(
    tmp_path: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ran: list[object] = []
    monkeypatch.setattr("hisguard.scanners.scan_all.run_jobs", lambda jobs, progress=None: ran.append(jobs))
    inventory = write_inventory(tmp_path, "outside: {ansible_host: 203.0.113.7}")
    code, _, err = hisguard(["scan", "all", "-i", inventory, "--no-store"], monkeypatch, capsys)
    assert code == 2 and "outside the networks of facility 75901" in err
    assert recorder.contacted == [] and ran == []


def test_in_scope_hosts_are_scanned(
    tmp_path: Path, recorder: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = write_inventory(tmp_path, "second: {ansible_host: 198.18.0.32}")
    code, out, _ = hisguard(
        ["scan", "config", "-i", inventory, "--no-store", "--format", "json"], monkeypatch, capsys
    )
    assert code == 0
    assert sorted(recorder.contacted) == ["inside", "second"]
    assert sorted(json.loads(out)["run"]["hosts"]) == ["inside", "second"]


# --- the registry: scan all is a loop over it -------------------------------------------------------


class EchoScanner(Scanner[str, tuple[str, ...]]):
    """A scanner that contacts nothing and reports one finding per planned host."""

    name = "echo"
    meta = CheckMeta(
        id="E01",
        severity=Severity.LOW,
        title=Text("Thử nghiệm", "Test"),
        rationale=Text("Vì sao", "Why"),
        remediation=Remediation(Text("Sửa", "Fix")),
        references=(),
    )

    def options(self, common: CommonOptions) -> str:
        return "limited" if common.limited else "whole"

    def plan(
        self, inventory: Inventory, facility: Facility, hosts: Sequence[HostTarget], options: str
    ) -> Plan[tuple[str, ...]] | None:
        return Plan(self.name, facility, tuple(hosts), (options,)) if hosts else None

    def run(self, plan: Plan[tuple[str, ...]], progress: Progress = no_progress) -> Run:
        findings = [
            self.meta.finding(
                scanner=self.name, facility=plan.facility.code, host=h.name, resource=plan.work[0]
            )
            for h in plan.hosts
        ]
        hosts = [h.name for h in plan.hosts]
        return new_run((self.name,), plan.facility.code, utcnow(), hosts=hosts, findings=findings)


def echo_catalog() -> None:
    """The echo scanner's catalog: its one entry."""


def test_one_registry_line_adds_a_scanner_to_scan_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        registry,
        "ENTRIES",
        (registry.Entry("echo", f"{__name__}:EchoScanner", "unused:command", f"{__name__}:echo_catalog"),),
    )
    inventory = write_inventory(tmp_path)
    code, out, _ = hisguard(
        ["scan", "all", "-i", inventory, "--no-store", "--format", "json"], monkeypatch, capsys
    )
    doc = json.loads(out)
    assert code == 0
    assert doc["run"]["scanners"] == ["echo"]
    assert [(f["check_id"], f["host"], f["resource"]) for f in doc["findings"]] == [
        ("E01", "inside", "whole")
    ]


def test_registry_names_every_scanner_and_builds_it() -> None:
    assert registry.names() == ("credentials", "config", "network", "windows")
    for name in registry.names():
        instance = registry.scanner(name)
        assert isinstance(instance, Scanner) and instance.name == name
    assert set(cli.SCAN_COMMANDS) == {*registry.names(), "all"}


# --- the one Finding factory ---------------------------------------------------------------------------


def test_catalog_metadata_builds_the_finding() -> None:
    meta = EchoScanner.meta
    finding = meta.finding(
        scanner="echo", facility="75901", host="h", resource="/x", material="secret", evidence="se…", line=4
    )
    assert (finding.check_id, finding.severity, finding.status, finding.title) == (
        "E01",
        Severity.LOW,
        Status.FAIL,
        meta.title,
    )
    assert finding.remediation == meta.remediation and finding.rationale == meta.rationale
    assert finding.fingerprint == fingerprint("E01", "h", "/x", "secret")
    assert "secret" not in json.dumps(finding.to_dict())
    raised = meta.finding(scanner="echo", facility="", host="h", resource="/x", severity=Severity.HIGH)
    assert raised.severity == Severity.HIGH


# --- the shared ending: the document first, then the store (issue 13, item 5) ---------------------------


def test_a_store_that_cannot_be_written_still_prints_the_results_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    run = make_run((make_finding(severity=Severity.LOW),))
    request = ScanRequest(output_format="json", store_url=f"sqlite:///{blocker / 'h.db'}")
    code = finish_scan([run], request)
    out, err = capsys.readouterr()
    assert code == 2
    assert json.loads(out)["run"]["id"] == run.id  # the whole document was written
    assert "storing the results failed" in err and "not recorded" in err


def test_a_locked_database_is_said_on_stderr_after_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def locked(self: Store, run: Run) -> bool:
        raise StoreError("store write failed: database is locked")

    monkeypatch.setattr(Store, "save_run", locked)
    run = make_run((make_finding(severity=Severity.CRITICAL),))
    code = finish_scan([run], ScanRequest(store_url=f"sqlite:///{tmp_path / 'h.db'}", lang="en"))
    out, err = capsys.readouterr()
    assert code == 2  # not 1: the run is lost for history, the caller must know
    assert "his-app-01" in out
    assert "database is locked" in err and "storing the results failed" in err


def test_a_stored_run_keeps_the_finding_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = make_run((make_finding(severity=Severity.CRITICAL),))
    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert finish_scan([run], ScanRequest(store_url=url, output_format="json")) == 1
    assert Store(url).load_run(run.id).id == run.id
    assert capsys.readouterr().err == ""
