"""On the fleet lab's Windows-shaped hosts (Samba 4.17 and xrdp 0.9 in Debian containers):
every planted Windows item found over SMB with its ids, nothing on the clean host, signing really
negotiated (seen on the wire), wrong password, denied share and locked file as error entries, and
the Windows protocol risks on the right hosts."""

from __future__ import annotations

import dataclasses
import json
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hisguard.lab import vault as lab_vault
from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.findings import Run, Status
from hisguard.scanners.inventory import HostTarget, Inventory, Secret, load_inventory
from hisguard.scanners.network import rdp, smbscripts
from hisguard.scanners.windows.scan import WindowsOptions, run_facility
from hisguard.scanners.windows.smb import SmbError, SmbSession
from hisguard.scanners.windows.target import account, is_windows
from tests.conftest import REPO
from tests.lab_fixture import LabInfo

pytestmark = pytest.mark.lab

INVENTORY = REPO / "inventories" / "lab"
VAULT = INVENTORY / "vault-password.txt"
FILES_ONLY = WindowsOptions(files=True, configuration=False, time_budget=300)
# Where the containers keep the drives Samba exports (lab/profiles/hosts-75901-windows.yml).
DRIVES = {"/srv/win/C/": "C:/", "/srv/win/D/": "D:/"}


def windows_path(path: str) -> str:
    for prefix, drive in DRIVES.items():
        if path.startswith(prefix):
            return drive + path[len(prefix) :]
    raise AssertionError(f"{path} is not in a Windows tree")


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return load_inventory([str(INVENTORY)], str(VAULT), lab_vault.vault_ids())


@pytest.fixture(scope="module")
def windows_hosts(lab: LabInfo, inventory: Inventory) -> list[HostTarget]:
    booted = {h.name for h in lab.hosts if h.platform == "windows"}
    hosts = [h for h in inventory.facility("75901").hosts if h.name in booted]
    assert hosts and all(is_windows(h) for h in hosts)
    return hosts


@pytest.fixture(scope="module")
def windows_run(inventory: Inventory, windows_hosts: list[HostTarget]) -> Run:
    return run_facility(inventory.facility("75901"), windows_hosts, default_rules(), FILES_ONLY)


def test_every_planted_windows_item_is_found_with_its_ids(lab: LabInfo, windows_run: Run) -> None:
    checked = 0
    for host in (h for h in lab.hosts if h.platform == "windows"):
        for planted in host.planted:
            wanted = {c for c in planted.check_ids if c.startswith(("C", "D"))}
            if planted.kind != "file" or not wanted:
                continue
            assert planted.path
            path = windows_path(planted.path)
            folder = path.rsplit("/", 1)[0]
            # A finding names the file, its folder (claim exports) or a member of it (book.xlsx!Sheet).
            got = {
                f.check_id
                for f in windows_run.findings
                if f.host == host.name and (f.resource in (path, folder) or f.resource.startswith(path + "!"))
            }
            assert wanted <= got, (host.name, planted.id, sorted(wanted - got))
            checked += 1
    assert checked >= 5


def test_the_clean_windows_host_is_quiet(windows_run: Run) -> None:
    loud = [
        (f.check_id, f.resource)
        for f in windows_run.findings
        if f.host == "win-ws-02" and f.status == Status.FAIL
    ]
    assert loud == []
    assert "win-ws-02" in windows_run.hosts
    assert not [e for e in windows_run.errors if e.target == "win-ws-02"]


def test_the_run_says_how_and_what_was_read(windows_run: Run) -> None:
    records = {f.host: f for f in windows_run.findings if f.check_id == "W00"}
    assert set(records) == {"win-his-01", "win-ws-01", "win-ws-02"}
    his = records["win-his-01"].details
    assert his["smb"]["signed"] is True and his["smb"]["server_signing_required"] is True
    assert his["smb"]["dialect"] == "3.1.1"
    assert records["win-ws-01"].details["smb"]["server_signing_required"] is False
    read = his["read"]
    # Known places only: the binaries, videos and registry hives planted beside the leaks are not read.
    assert read["files_read"] < read["files_seen"] and read["bytes_read"] * 4 < read["bytes_seen"]
    assert any(p.startswith("C:/Program Files (x86)/HIS Lab") for p in read["places"])


def test_denied_folder_and_share_are_error_entries_and_the_rest_goes_on(windows_run: Run) -> None:
    messages = [e.message for e in windows_run.errors if e.target == "win-his-01"]
    assert "C:/Users/Administrator: access denied (0xC0000022)" in messages
    assert "share KeToan: access denied (0xC0000022)" in messages
    assert any(f.host == "win-his-01" and f.check_id == "C01" for f in windows_run.findings)


def test_a_wrong_password_is_one_error_entry(inventory: Inventory, windows_hosts: list[HostTarget]) -> None:
    facility = inventory.facility("75901")
    good = next(h for h in windows_hosts if h.name == "win-his-01")
    wrong = dataclasses.replace(
        good, variables={**good.variables, "ansible_password": Secret("Sai#MatKhau1")}
    )
    run = run_facility(facility, [wrong], default_rules(), FILES_ONLY)
    assert run.hosts == () and run.findings == ()
    assert [e.message for e in run.errors] == [
        "SMB 198.18.0.41:445: logon failure (wrong user name or password) (0xC000006D)"
    ]
    assert "Sai#MatKhau1" not in repr(run)


def test_an_unreachable_host_is_one_error_entry(
    inventory: Inventory, windows_hosts: list[HostTarget]
) -> None:
    good = windows_hosts[0]
    nobody = dataclasses.replace(good, name="win-gone", address="198.18.0.250")
    run = run_facility(inventory.facility("75901"), [nobody], default_rules(), FILES_ONLY)
    assert len(run.errors) == 1 and run.errors[0].message.startswith("SMB 198.18.0.250:445: cannot connect")


def test_a_file_windows_keeps_locked_is_an_error_entry(
    inventory: Inventory, windows_hosts: list[HostTarget]
) -> None:
    """Another client holds the file open with no sharing (what a running HIS client does to its files)."""
    from smbprotocol.open import (
        CreateDisposition,
        CreateOptions,
        FileAttributes,
        FilePipePrinterAccessMask,
        ImpersonationLevel,
        Open,
    )
    from smbprotocol.tree import TreeConnect

    host = next(h for h in windows_hosts if h.name == "win-his-01")
    who = account(host)
    locked = "Program Files (x86)\\HIS Lab\\HisClient.exe.config"
    with SmbSession(host.address, who.user, who.password.reveal()) as holder:
        tree = TreeConnect(holder._session, rf"\\{host.address}\C$")
        tree.connect()
        handle = Open(tree, locked)
        handle.create(
            ImpersonationLevel.Impersonation,
            FilePipePrinterAccessMask.FILE_READ_DATA,
            FileAttributes.FILE_ATTRIBUTE_NORMAL,
            0,  # no sharing at all
            CreateDisposition.FILE_OPEN,
            CreateOptions.FILE_NON_DIRECTORY_FILE,
        )
        try:
            run = run_facility(inventory.facility("75901"), [host], default_rules(), FILES_ONLY)
        finally:
            handle.close()
    messages = [e.message for e in run.errors]
    locked_path = "C:/Program Files (x86)/HIS Lab/HisClient.exe.config"
    assert f"{locked_path}: file in use by another program (sharing violation) (0xC0000043)" in messages
    assert "win-his-01" in run.hosts and any(f.check_id == "C08" for f in run.findings)


def test_the_admin_share_is_case_insensitive_like_ntfs(windows_hosts: list[HostTarget]) -> None:
    host = next(h for h in windows_hosts if h.name == "win-his-01")
    who = account(host)
    with SmbSession(host.address, who.user, who.password.reveal()) as session:
        share = session.share("C$")
        names = {e.name for e in share.listdir("PROGRAM FILES (X86)/his lab")}
        share.close()
    assert "HisClient.exe.config" in names


@pytest.fixture
def wire(tmp_path: Path) -> Iterator[Path]:
    if shutil.which("tcpdump") is None:
        pytest.skip("tcpdump is not installed")
    pcap = tmp_path / "smb.pcap"
    process = subprocess.Popen(
        ["tcpdump", "-i", "any", "-n", "-U", "-s", "0", "-w", str(pcap), "tcp port 445 and host 198.18.0.41"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 10
    while "listening on" not in process.stderr.readline():
        assert time.monotonic() < deadline and process.poll() is None, "tcpdump did not start"
    try:
        yield pcap
    finally:
        time.sleep(1.0)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def _smb2_headers(pcap: Path) -> list[tuple[int, int, int]]:
    """(command, flags, nt status) of every SMB2 message the server sent, read from the capture."""
    import struct

    data = pcap.read_bytes()
    headers = []
    position = data.find(b"\xfeSMB")
    while position >= 0:
        header = data[position : position + 64]
        if len(header) == 64:
            status, command = struct.unpack("<IH", header[8:14])
            flags = struct.unpack("<I", header[16:20])[0]
            if flags & 0x1:  # SERVER_TO_REDIR: an answer
                headers.append((command, flags, status))
        position = data.find(b"\xfeSMB", position + 4)
    return headers


def test_smb_signing_is_really_negotiated_on_the_wire(windows_hosts: list[HostTarget], wire: Path) -> None:
    host = next(h for h in windows_hosts if h.name == "win-his-01")
    who = account(host)
    with SmbSession(host.address, who.user, who.password.reveal()) as session:
        assert session.facts is not None and session.facts.signed and not session.facts.encrypted
        share = session.share("C$")
        assert share.listdir("Users")
        share.close()
    time.sleep(1.0)
    answers = _smb2_headers(wire)
    negotiate, session_setup, later = 0x0000, 0x0001, [a for a in answers if a[0] not in (0x0000, 0x0001)]
    assert any(a[0] == negotiate for a in answers)
    # The final SESSION_SETUP answer and every answer after it (tree connect, create, query directory)
    # carry SMB2_FLAGS_SIGNED: signing is in force, not just offered.
    final_setup = [a for a in answers if a[0] == session_setup and a[2] == 0]
    assert final_setup and all(a[1] & 0x8 for a in final_setup)
    assert later and all(a[1] & 0x8 for a in later)


def test_signing_can_be_refused_for_hosts_that_do_not_sign(windows_hosts: list[HostTarget]) -> None:
    # The client always asks for signing; a session neither signed nor encrypted is refused. Samba
    # always signs when asked, so here the session is accepted and marked signed.
    host = next(h for h in windows_hosts if h.name == "win-ws-01")
    who = account(host)
    with SmbSession(host.address, who.user, who.password.reveal()) as session:
        assert session.facts is not None
        assert session.facts.signed and not session.facts.server_signing_required
    with pytest.raises(SmbError, match="logon failure"):
        SmbSession(host.address, who.user, "Sai#MatKhau1").open()


def test_smb_scripts_and_rdp_probe_see_the_planted_protocol_weaknesses(lab: LabInfo) -> None:
    facts = smbscripts.parse(smbscripts.run(["198.18.0.41", "198.18.0.42", "198.18.0.43"], 445))
    assert facts["198.18.0.42"].smb1 and facts["198.18.0.42"].signing_not_required
    for strict in ("198.18.0.41", "198.18.0.43"):
        assert not facts[strict].smb1 and facts[strict].smb2_signing == "required"
    probe = rdp.probe("198.18.0.42", 3389)
    assert not probe.nla_required and not probe.nla_offered
    assert probe.preferred.selected == rdp.PROTOCOL_SSL  # xrdp picks TLS: its TLS key is readable


def test_windows_network_risks_on_the_right_hosts(lab: LabInfo) -> None:
    import os
    import sys

    hisguard = str(Path(sys.executable).parent / "hisguard")
    result = subprocess.run(
        [hisguard, "scan", "network", "-i", str(INVENTORY), *lab_vault.vault_options(),
         "--facility", "75901", "--format", "json", "--no-store"],
        capture_output=True, text=True, timeout=900, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    found: set[tuple[Any, ...]] = {
        (f["check_id"], f["host"], f["resource"]) for f in json.loads(result.stdout)["findings"]
    }
    assert {
        ("N05.smb1", "win-ws-01", "198.18.0.42:445/tcp"),
        ("N05.smb_signing", "win-ws-01", "198.18.0.42:445/tcp"),
        ("N05.rdp_nla", "win-ws-01", "198.18.0.42:3389/tcp"),
        ("N01.rdp", "win-ws-01", "198.18.0.42:3389/tcp"),
        ("N01.remote_tool", "win-ws-01", "198.18.0.42:5938/tcp"),
    } <= found
    assert not [f for f in found if f[0].startswith("N05") and f[1] in ("win-his-01", "win-ws-02")]
    assert not [f for f in found if f[1] == "win-ws-02"]


def test_no_secret_value_in_any_output_of_the_windows_scan(lab: LabInfo, tmp_path: Path) -> None:
    """The canary for the Windows hosts: the portal password (and its MD5s) planted on win-his-01 and
    the admin password hisguard logs in with never reach the JSON, the table, the store or stderr."""
    import os
    import sys

    import sqlalchemy as sa

    from hisguard.lab import vault

    account_values = vault.portal_account("75901")
    secrets = [
        account_values.password,
        account_values.md5_lower,
        account_values.md5_upper,
        vault.windows_admin_password(),
    ]
    hisguard = str(Path(sys.executable).parent / "hisguard")
    store = tmp_path / "store.db"
    outputs = []
    for fmt in ("json", "table"):
        result = subprocess.run(
            [hisguard, "scan", "windows", "-i", str(INVENTORY), *lab_vault.vault_options(),
             "--facility", "75901", "--format", fmt, "--store", f"sqlite:///{store}", "--lang", "en"],
            capture_output=True, text=True, timeout=900,
            env={**os.environ, "COLUMNS": "200", "HISGUARD_HOME": str(tmp_path / "home")},
        )  # fmt: skip
        assert result.returncode == 1, result.stderr  # critical findings on win-his-01
        outputs += [result.stdout, result.stderr]
    doc = json.loads(outputs[0])
    assert {f["check_id"] for f in doc["findings"]} >= {"C01", "C02", "C08", "D01", "W00"}
    engine = sa.create_engine(f"sqlite:///{store}")
    with engine.connect() as conn:
        rows = [
            str(tuple(r))
            for t in ("runs", "findings", "scan_errors")
            for r in conn.execute(sa.text(f"SELECT * FROM {t}"))
        ]
    engine.dispose()
    assert rows
    everything = "\n".join([*outputs, *rows]).lower()
    for secret in secrets:
        assert secret.lower() not in everything
