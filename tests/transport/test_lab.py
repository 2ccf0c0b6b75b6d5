"""The SSH transport against the fleet lab: real sshd, real sudo with the vault password.

Run with the lab lock held: ``flock /tmp/hisguard-lab.lock .venv/bin/pytest -m lab tests/transport``.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import hisguard.scanners.transport
from hisguard.lab import vault as lab_vault
from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import HostTarget, load_inventory
from hisguard.scanners.transport import open_transport
from tests import testinfra_backend
from tests.conftest import REPO
from tests.lab_fixture import LabInfo

pytestmark = pytest.mark.lab

INVENTORY = REPO / "inventories" / "lab"


@pytest.fixture(scope="module")
def ws02(lab: LabInfo) -> HostTarget:
    if "ws-02" not in {h.name for h in lab.hosts}:
        pytest.skip("ws-02 is not booted")
    inventory = load_inventory([str(INVENTORY)], str(INVENTORY / "vault-password.txt"), lab_vault.vault_ids())
    return next(t for t in inventory.hosts() if t.name == "ws-02")


def test_commands_and_password_sudo_on_one_connection(ws02: HostTarget) -> None:
    assert ws02.become_password is not None
    transport = open_transport(ws02)
    try:
        assert transport.run("id -un").stdout == b"hisadmin\n"
        assert transport.run("id -u", sudo=True).stdout == b"0\n"
        assert transport.run("cat", sudo=True, stdin=b"qua stdin").stdout == b"qua stdin"
        assert transport.run("hisguard-no-such-tool").exit_status == 127
    finally:
        transport.close()


def test_wrong_become_password_is_refused_without_echoing_it(ws02: HostTarget) -> None:
    wrong = "Khong-Phai-Mat-Khau-9"
    transport = open_transport(replace(ws02, become_password=hisguard.scanners.inventory.Secret(wrong)))
    try:
        with pytest.raises(TransportError, match=r"^ws-02: sudo refused") as info:
            transport.run("id -u", sudo=True)
    finally:
        transport.close()
    assert wrong not in str(info.value)


def test_testinfra_modules_run_over_the_transport(ws02: HostTarget) -> None:
    transport = open_transport(ws02)
    try:
        host = testinfra_backend.testinfra_host(transport)
        assert host.file("/etc/ssh/sshd_config").exists
        assert host.package("openssh-server").is_installed
        with host.sudo():
            shadow = host.file("/etc/shadow")
            assert shadow.user == "root" and shadow.mode & 0o007 == 0
    finally:
        transport.close()


def test_a_changed_host_key_is_refused(ws02: HostTarget, tmp_path: Path) -> None:
    public = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
    known = tmp_path / "known_hosts"
    known.write_text(f"{ws02.address} {public.decode()}\n")
    with pytest.raises(TransportError, match=r"^ws-02 \(198\.18\.0\.22:22\): host key CHANGED"):
        open_transport(replace(ws02, known_hosts_file=str(known)), trust_on_first_use=True)


def test_trust_on_first_use_records_the_lab_key(ws02: HostTarget, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    target = replace(ws02, known_hosts_file=str(known))
    with pytest.raises(TransportError, match="host key unknown"):
        open_transport(target)
    open_transport(target, trust_on_first_use=True).close()
    open_transport(target).close()
    assert known.read_text().startswith(f"{ws02.address} ")


def test_an_address_nobody_answers_fails_fast_with_one_line(ws02: HostTarget) -> None:
    start = time.monotonic()
    with pytest.raises(TransportError) as info:
        open_transport(replace(ws02, name="ws-99", address="198.18.0.250"), connect_timeout=3)
    assert time.monotonic() - start < 10
    message = str(info.value)
    assert message.startswith("ws-99 (198.18.0.250:22): ") and "\n" not in message
