"""``hisguard scan network`` as a user runs it: refusals before any nmap, JSON, store, exit status.

The nmap driver is replaced by a spy: a refused command must never even build one.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import ClassVar

import pytest

from hisguard.lab import vault as lab_vault
from hisguard.scanners.network.driver import NmapJob
from hisguard.scanners.store import Store
from tests.entry_point import hisguard
from tests.network.factories import DATA, answer_for

LAB_INVENTORY = ["-i", "inventories/lab", *lab_vault.vault_options()]
LOOPBACK_INVENTORY = ["-i", str(DATA / "inventory-loopback")]
REPO = DATA.parent.parent.parent


class SpyDriver:
    """Stands in for PythonNmapDriver; records every driver made and every job run."""

    made: ClassVar[list[SpyDriver]] = []
    output: ClassVar[bytes] = b""

    def __init__(self, nmap_path: str = "nmap") -> None:
        self.nmap_path = nmap_path
        self.jobs: list[NmapJob] = []
        SpyDriver.made.append(self)

    def run(self, job: NmapJob) -> bytes:
        self.jobs.append(job)
        return answer_for(job.targets, self.output)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> type[SpyDriver]:
    SpyDriver.made = []
    SpyDriver.output = (DATA / "loopback-ssh-telnet-http.xml").read_bytes()
    monkeypatch.setattr("hisguard.scanners.network.command.PythonNmapDriver", SpyDriver)
    monkeypatch.chdir(REPO)
    return SpyDriver


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "198.18.0.1",
            "--target 198.18.0.1/32 lies in 198.18.0.1/32, which facility 75901 excludes from scans",
        ),
        ("198.18.0.0/24", "--target 198.18.0.0/24 overlaps 198.18.0.1/32, which facility 75901 excludes"),
        ("10.10.0.0/16", "--target 10.10.0.0/16 is outside the networks of the selected facilities"),
        ("192.0.2.2", "--target 192.0.2.2/32 is outside the networks of the selected facilities"),
        ("198.18.1.1", "--target 198.18.1.1/32 lies in 198.18.1.1/32, which facility 75902 excludes"),
    ],
)
def test_out_of_scope_targets_are_refused_before_nmap_exists(
    target: str,
    message: str,
    spy: type[SpyDriver],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = hisguard(["scan", "network", *LAB_INVENTORY, "--target", target], monkeypatch, capsys)
    assert code == 2
    assert out == ""
    assert err.startswith(f"hisguard: error: {message}")
    assert err.count("\n") == 1  # one clear line
    assert spy.made == []  # no driver, so no nmap process and no packet


def test_a_refusal_among_good_targets_refuses_everything(
    spy: type[SpyDriver], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["scan", "network", *LAB_INVENTORY, "--target", "198.18.0.10", "--target", "198.18.0.1"]
    code, _, err = hisguard(args, monkeypatch, capsys)
    assert code == 2 and "excludes from scans" in err
    assert spy.made == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ports", "22;reboot"], "--ports '22;reboot': '22;reboot' is not a port or a range a-b"),
        (["--target", "198.18.0.10", "--limit", "ws-01"], "use --target or --limit, not both"),
        (["--facility", "12345"], "no facility 12345"),
        (["--max-nmap", "0"], "0 is not in the range"),
    ],
)
def test_bad_input_is_exit_2_without_nmap(
    args: list[str],
    message: str,
    spy: type[SpyDriver],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = hisguard(["scan", "network", *LAB_INVENTORY, *args], monkeypatch, capsys)
    assert code == 2 and message in err
    assert spy.made == []


def test_dry_run_prints_the_exact_commands_and_runs_nothing(
    spy: type[SpyDriver], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = hisguard(
        [
            "scan",
            "network",
            *LAB_INVENTORY,
            "--facility",
            "75901",
            "--dry-run",
            "--nmap-path",
            "/usr/bin/nmap",
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0 and spy.made == []
    known, line, then = out.splitlines()
    # The sweep in two parts side by side: the inventory's hosts (their version detection starts
    # as soon as they are swept), then the rest of the range; together the whole scope, once.
    assert known.startswith("75901: /usr/bin/nmap -oX - 198.18.0.10/31 198.18.0.21/32 198.18.0.22/32 ")
    assert line.startswith("75901: /usr/bin/nmap -oX - 198.18.0.0/32 198.18.0.2/31 ")
    parts = [ipaddress.ip_network(w) for text in (known, line) for w in text.split(" -p ")[0].split()[4:]]
    swept = sorted(a for net in parts for a in net)
    assert len(swept) == len(set(swept)) == 255  # the /24 but the excluded scan host
    assert ipaddress.ip_address("198.18.0.1") not in swept
    for text in (known, line):
        assert text.endswith(" --exclude 198.18.0.1/32")
        assert " -sV " not in text  # the sweep: discovery and port scan only
    # The second stage: version detection of the open ports that need it, bounded per host.
    assert then.startswith("75901 then, per set of open PORTS that need version detection: /usr/bin/nmap")
    assert " ADDRESSES -p PORTS -n -Pn -sS -sV --version-intensity 2 " in then
    assert " --host-timeout 30s --exclude 198.18.0.1/32" in then


def test_limit_scans_only_the_chosen_hosts(
    spy: type[SpyDriver], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = hisguard(
        ["scan", "network", *LAB_INVENTORY, "--facility", "75901", "--limit", "workstations", "--dry-run"],
        monkeypatch,
        capsys,
    )
    assert code == 0
    # ws-01, ws-02 and the Windows-shaped win-ws-01, win-ws-02 (198.18.0.42/31).
    assert out.split(" -p ")[0] == "75901: nmap -oX - 198.18.0.21/32 198.18.0.22/32 198.18.0.42/31"


def test_a_scan_prints_json_stores_the_run_and_exits_1_on_high_findings(
    spy: type[SpyDriver], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    args = [
        "scan",
        "network",
        *LOOPBACK_INVENTORY,
        "--format",
        "json",
        "--store",
        store,
        "--ports",
        "18022-18023,18080",
    ]
    code, out, _ = hisguard(args, monkeypatch, capsys)
    assert code == 1
    doc = json.loads(out)
    assert doc["run"]["scanners"] == ["network"] and doc["run"]["facility"] == "75999"
    assert doc["run"]["hosts"] == ["srv-01", "127.0.0.3"]
    assert sorted((f["check_id"], f["host"], f["resource"]) for f in doc["findings"]) == [
        ("N01.telnet", "srv-01", "127.0.0.2:18023/tcp"),
        ("N02", "srv-01", "127.0.0.2:18023/tcp"),
        ("N03", "127.0.0.3", "127.0.0.3"),
        ("N04.http", "127.0.0.3", "127.0.0.3:18080/tcp"),
        ("N04.ssh_outdated", "srv-01", "127.0.0.2:18022/tcp"),
    ]
    assert doc["errors"] == []
    telnet = next(f for f in doc["findings"] if f["check_id"] == "N01.telnet")
    assert telnet["remediation"]["role"] == "firewall" and telnet["title"]["vi"].startswith("Dịch vụ Telnet")
    (driver,) = spy.made
    sweeps = [j for j in driver.jobs if "-sV" not in j.arguments]
    fingerprints = [j for j in driver.jobs if "-sV" in j.arguments]
    # The inventory's host first, then the rest of the range: the same addresses as one sweep.
    assert [[str(t) for t in j.targets] for j in sweeps] == [
        ["127.0.0.2/32"],
        ["127.0.0.0/32", "127.0.0.3/32", "127.0.0.4/30"],
    ]
    assert all(j.port_spec == "18022-18023,18080" for j in sweeps)
    # No risk names these port numbers, so every open one is fingerprinted, each host its own ports.
    assert sorted((j.hosts, j.port_spec) for j in fingerprints) == [
        ("127.0.0.2/32", "18022-18023"),
        ("127.0.0.3/32", "18080"),
    ]
    assert all("-sV" in j.arguments and "-Pn" in j.arguments for j in fingerprints)
    saved = Store(store)
    try:
        (listed,) = saved.runs("75999")
        assert listed.id == doc["run"]["id"]
        stored = saved.load_run(listed.id)
        assert sorted(f.fingerprint for f in stored.findings) == sorted(
            f["fingerprint"] for f in doc["findings"]
        )
    finally:
        saved.close()


def test_missing_nmap_fails_the_run_with_exit_2_and_an_error_entry(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(REPO)
    args = [
        "scan", "network", *LOOPBACK_INVENTORY, "--format", "json", "--no-store",
        "--nmap-path", str(tmp_path / "nmap"),
    ]  # fmt: skip
    code, out, _ = hisguard(args, monkeypatch, capsys)
    assert code == 2
    doc = json.loads(out)
    assert doc["findings"] == []
    (error,) = doc["errors"]
    assert error["scanner"] == "network" and error["facility"] == "75999"
    assert error["message"].startswith("nmap not found or not working")
