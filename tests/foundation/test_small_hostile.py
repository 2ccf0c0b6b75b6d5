"""Smaller hostile-input cases of issue 13: facility codes, the key's mode, vault password scripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hisguard.scanners import keys
from hisguard.scanners.errors import HisguardError, InventoryError
from hisguard.scanners.inventory import load_inventory

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "inventories" / "example"
EXAMPLE_VAULT = EXAMPLE / "vault-password.example.txt"


def hisguard(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hisguard", *args], capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.parametrize("code", ["../../x", "7590", "759011", "75901\n", "٧٥٩٠١", "x" * 100])
def test_a_facility_code_is_five_digits_even_for_path_scans(tmp_path: Path, code: str) -> None:
    done = hisguard("scan", "credentials", "--path", str(tmp_path), "--facility", code, "--no-store")
    assert done.returncode == 2 and "is not a 5-digit facility code" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_key_others_can_read_is_refused_like_ssh_does(hisguard_home: Path, tmp_path: Path) -> None:
    key = hisguard_home / keys.KEY_FILE_NAME
    key.write_bytes(b"k" * 32)
    key.chmod(0o644)
    keys._key_for.cache_clear()
    (tmp_path / ".env").write_text(
        "BHXH_EGW_PASSWORD=Hd9!zz00\n", encoding="utf-8"
    )  # a finding needs the key
    with pytest.raises(HisguardError, match=r"open to others \(mode 0644\): run `chmod 600"):
        keys.installation_key()
    done = hisguard("scan", "credentials", "--path", str(tmp_path), "--facility", "75901", "--no-store")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "chmod 600" in lines[0]
    key.chmod(0o600)
    keys._key_for.cache_clear()
    assert keys.installation_key() == b"k" * 32
    assert (
        hisguard(
            "scan", "credentials", "--path", str(tmp_path), "--facility", "75901", "--no-store"
        ).returncode
        == 1
    )


def test_an_executable_vault_password_file_is_run_as_ansible_runs_it(tmp_path: Path) -> None:
    script = tmp_path / "vault-pass.sh"
    password = EXAMPLE_VAULT.read_text(encoding="utf-8").strip()
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' '{password}'\n", encoding="utf-8")
    script.chmod(0o700)
    inv = load_inventory([EXAMPLE / "hosts.yml"], str(script))
    secret = inv.facility("75001").host("bvdk-his-01").become_password
    assert secret is not None and secret.reveal() == "Vi-du-sudo-2026!"


def test_a_failing_vault_password_script_is_one_line_without_its_output(tmp_path: Path) -> None:
    script = tmp_path / "vault-pass.sh"
    script.write_text("#!/bin/sh\necho 'token=SECRET-IN-STDERR' >&2\nexit 3\n", encoding="utf-8")
    script.chmod(0o700)
    with pytest.raises(InventoryError) as caught:
        load_inventory([EXAMPLE / "hosts.yml"], str(script))
    assert "vault password script failed" in str(caught.value)
    assert "SECRET" not in str(caught.value) and "\n" not in str(caught.value)


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def test_ctrl_c_during_a_parallel_scan_is_one_line_and_no_worker_traceback() -> None:
    import os
    import signal
    import time

    tree = "/usr/share"  # big enough that the scan is still running when Ctrl-C comes
    args = ["scan", "credentials", "--path", tree, "--facility", "75901", "--no-store", "--jobs", "2"]
    child = subprocess.Popen(
        [sys.executable, "-m", "hisguard", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # A shell without job control starts background jobs with SIGINT ignored, and a child
        # inherits that: give the scan the terminal's default, as a user's shell would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while len(_children(child.pid)) < 2 and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.1)
    assert len(_children(child.pid)) >= 2, "the workers never started"
    os.killpg(child.pid, signal.SIGINT)  # what a terminal sends for Ctrl-C: every process of the group
    _, err = child.communicate(timeout=120)
    assert child.returncode == 130
    assert "Traceback" not in err and "ForkPoolWorker" not in err and "KeyboardInterrupt" not in err
    assert [line for line in err.splitlines() if line.strip()] == ["hisguard: aborted"]
