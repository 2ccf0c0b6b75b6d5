"""``hisguard scan network`` against the fleet lab (facility 75901 on 198.18.0.0/24), real nmap.

nmap runs through a spy wrapper that logs its arguments, and tcpdump watches what leaves the
machine: the machine's own address 198.18.0.1 is the facility's excluded scan host and must never
receive a probe, and refused commands must not start nmap at all.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hisguard.lab import vault as lab_vault

REPO = Path(__file__).resolve().parents[2]
HISGUARD = str(Path(sys.executable).parent / "hisguard")
LAB = REPO / "inventories" / "lab"
INVENTORY = ["-i", str(LAB), *lab_vault.vault_options()]
EXCLUDED = "198.18.0.1"

pytestmark = pytest.mark.lab


@pytest.fixture
def spy_nmap(tmp_path: Path) -> tuple[str, Path]:
    """An nmap that logs each scan's arguments (not python-nmap's ``-V`` check) and runs the real one."""
    real = shutil.which("nmap")
    if real is None:
        pytest.skip("nmap is not installed")
    log = tmp_path / "nmap-calls.log"
    log.touch()
    wrapper = tmp_path / "nmap"
    wrapper.write_text(
        f'#!/bin/sh\n[ "$1" = "-V" ] || printf "%s\\n" "$*" >> {log}\nexec {real} "$@"\n', encoding="utf-8"
    )
    wrapper.chmod(0o755)
    return str(wrapper), log


class Capture:
    """tcpdump of everything the machine sends towards the lab while a block runs."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def count(self, bpf: str) -> int:
        result = subprocess.run(
            ["tcpdump", "-n", "-r", str(self.path), bpf], capture_output=True, text=True, check=True
        )
        return len([line for line in result.stdout.splitlines() if line.strip()])


@pytest.fixture
def capture(tmp_path: Path) -> Iterator[Capture]:
    if shutil.which("tcpdump") is None:
        pytest.skip("tcpdump is not installed")
    pcap = tmp_path / "scan.pcap"
    # -i any sees the bridge and loopback: a probe to the machine's own address goes over lo.
    process = subprocess.Popen(
        ["tcpdump", "-i", "any", "-n", "-U", "-w", str(pcap), f"src host {EXCLUDED} and net 198.18.0.0/16"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 10
    while "listening on" not in process.stderr.readline():
        assert time.monotonic() < deadline and process.poll() is None, "tcpdump did not start"
    try:
        yield Capture(pcap)
    finally:
        time.sleep(1.0)  # let the last packets be written
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def scan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [HISGUARD, "scan", "network", *INVENTORY, *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )


def by_check(doc: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {(f["check_id"], f["severity"], f["host"], f["resource"]) for f in doc["findings"]}


def test_lab_scan_finds_the_planted_exposures_and_never_probes_the_excluded_address(
    lab: Any, spy_nmap: tuple[str, Path], capture: Capture
) -> None:
    nmap, calls = spy_nmap
    result = scan("--facility", "75901", "--format", "json", "--no-store", "--nmap-path", nmap)
    assert result.returncode == 1, result.stderr  # critical and high findings
    doc = json.loads(result.stdout)
    found = by_check(doc)
    expected = {
        ("N01.telnet", "critical", "198.18.0.99", "198.18.0.99:23/tcp"),  # Telnet on the unmanaged host
        ("N03", "medium", "198.18.0.99", "198.18.0.99"),  # ... which the inventory does not know
        ("N01.database", "high", "his-db-01", "198.18.0.11:5432/tcp"),  # PostgreSQL reachable from the LAN
        ("N02", "high", "his-db-01", "198.18.0.11:5432/tcp"),  # ... and outside db_servers' allow-list
        ("N04.http", "medium", "his-app-01", "198.18.0.10:8080/tcp"),  # plaintext HTTP on the app server
        ("N02", "high", "his-app-01", "198.18.0.10:8080/tcp"),
        ("N01.vnc", "high", "ws-01", "198.18.0.21:5900/tcp"),  # VNC on the workstation
        ("N02", "high", "ws-01", "198.18.0.21:5900/tcp"),
    }
    assert expected <= found, sorted(found)
    assert not [f for f in found if f[2] == "ws-02"], "the clean workstation must stay quiet"
    assert doc["errors"] == []
    assert {"his-app-01", "his-db-01", "ws-01", "ws-02", "198.18.0.99"} <= set(doc["run"]["hosts"])
    assert EXCLUDED not in doc["run"]["hosts"]
    postgres = next(f for f in doc["findings"] if f["check_id"] == "N01.database")
    assert postgres["evidence"].startswith("postgresql")
    # What nmap was told: targets without the excluded address, and --exclude as a second safety.
    # The sweep in two parts side by side (the inventory's hosts, the rest of the range), and
    # version detection of the open ports that need it; every one excludes. (The Windows SMB
    # probes are script runs of their own.) Parts and stages overlap, so the log is in no order.
    lines = [line for line in calls.read_text().splitlines() if "--script" not in line.split()]
    sweeps = [line for line in lines if "-sV" not in line.split()]
    versions = [line for line in lines if "-sV" in line.split()]
    assert len(sweeps) == 2 and versions
    assert sweeps[0].split()[2] != sweeps[1].split()[2]  # two parts, not one sweep twice
    for line in (*sweeps, *versions):
        words = line.split()
        assert words[words.index("--exclude") + 1] == "198.18.0.1/32"
        targets = words[words.index("-") + 1 : words.index("-p")]
        assert targets and all(not t.startswith(f"{EXCLUDED}/") for t in targets)
    # Telnet (rogue-01) and VNC (ws-01) are judged by port number: never fingerprinted.
    probed = [v.split() for v in versions]
    assert not [w for w in probed if {"23", "5900"} & set(w[w.index("-p") + 1].split(","))]
    # What went on the wire: probes to the lab hosts, none to the excluded address.
    assert capture.count("dst host 198.18.0.11") > 0
    assert capture.count(f"dst host {EXCLUDED}") == 0


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (EXCLUDED, "198.18.0.1/32 lies in 198.18.0.1/32, which facility 75901 excludes from scans"),
        ("198.18.0.0/24", "overlaps 198.18.0.1/32, which facility 75901 excludes from scans"),
        ("198.18.5.0/24", "is outside the networks of the selected facilities"),
    ],
)
def test_lab_refused_targets_send_nothing(
    lab: Any, spy_nmap: tuple[str, Path], capture: Capture, target: str, message: str
) -> None:
    nmap, calls = spy_nmap
    result = scan("--facility", "75901", "--target", target, "--nmap-path", nmap)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("hisguard: error: --target") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert calls.read_text() == ""  # nmap never ran (not even python-nmap's version check did a scan)
    assert capture.count(f"dst host {EXCLUDED}") == 0
    assert capture.count("dst net 198.18.5.0/24") == 0


def test_lab_single_host_scan_of_the_clean_workstation_is_clean(lab: Any) -> None:
    result = scan("--facility", "75901", "--target", "198.18.0.22", "--format", "json", "--no-store")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["findings"] == [] and doc["errors"] == []
    assert doc["run"]["hosts"] == ["ws-02"]
