"""On the lab: the credential_store rewrite refuses files no evidence pack covers, and proceeds
once one does (or with an override, which is logged on the host)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.investigation.lab_pack import HOST, collect, lab_inventory, scanned_store, secret_values
from tests.roles.ansible_run import HARDEN, run_playbook

TARGET = "/opt/his/appsettings.json"
COPIES = {"credential_store_plaintext_copies": [{"path": TARGET, "account": "egw-his"}]}


@pytest.fixture(scope="module", autouse=True)
def _fresh_host_afterwards(lab: Any) -> Iterator[None]:
    """These tests rewrite planted files: later test modules must find the host as planted."""
    yield
    lab.reset([HOST])


def _rewrite(workdir: Path, extra_vars: dict[str, object]) -> Any:
    workdir.mkdir(parents=True, exist_ok=True)
    return run_playbook(
        HARDEN, workdir, limit=HOST, extra=["--tags", "credential_store_rewrite"], extra_vars=extra_vars
    )


def _sha(lab: Any, path: str) -> str:
    out = lab.ssh(HOST).run(f"sha256sum {path}", sudo=True)
    assert out.status == 0, out.stderr
    return out.stdout.split()[0]


@pytest.mark.lab
def test_rewrite_needs_an_evidence_pack(lab: Any, tmp_path: Path) -> None:
    assert lab.ssh(HOST).run("rm -rf /var/lib/hisguard/evidence", sudo=True).status == 0
    before = _sha(lab, TARGET)

    refused = _rewrite(tmp_path / "a", COPIES)
    assert refused.returncode != 0
    assert f"no evidence pack covers {TARGET}" in " ".join(refused.output.split())
    assert _sha(lab, TARGET) == before  # nothing was changed

    pack = tmp_path / "pack"
    collected = collect(scanned_store(tmp_path), pack, "--account", "75901_BV")
    assert collected.exit_code == 0, collected.output

    done = _rewrite(tmp_path / "b", COPIES)
    assert done.returncode == 0, done.output[-3000:]
    assert _sha(lab, TARGET) != before
    text = lab.ssh(HOST).run(f"cat {TARGET}", sudo=True).stdout
    assert "${file:/etc/hisguard/portal-credentials/" in text
    held = any(s in text for s in secret_values(lab_inventory()))
    assert not held, "the rewritten file still holds a secret"


@pytest.mark.lab
def test_override_is_recorded(lab: Any, tmp_path: Path) -> None:
    target = "/etc/cron.daily/bhxh-sync"
    copies = {"credential_store_plaintext_copies": [{"path": target, "account": "egw-his"}]}
    assert lab.ssh(HOST).run("rm -rf /var/lib/hisguard/evidence", sudo=True).status == 0
    reason = "ban giam doc cho phep, ho so da chup lai"
    done = _rewrite(tmp_path, {**copies, "credential_store_evidence_override": reason})
    assert done.returncode == 0, done.output[-3000:]
    assert "EVIDENCE GUARD OVERRIDDEN" in done.output and reason in done.output
    log = lab.ssh(HOST).run(
        "stat -c %a /var/log/hisguard/evidence-override.log && cat /var/log/hisguard/evidence-override.log",
        sudo=True,
    )
    assert log.status == 0 and log.stdout.startswith("600\n")
    assert target in log.stdout and reason in log.stdout
