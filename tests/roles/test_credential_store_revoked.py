"""credential_store and revoked accounts, through Ansible's own templating (no lab).

A revoked account (status: revoked, or a revoked date) is never written to the store; a file it
left there is evidence, removed only when a marker of `hisguard evidence collect` lists it with
its current SHA-256, or with the override (the rewrite guard's rule).
"""

from __future__ import annotations

import datetime
from typing import Any

import yaml

from tests.roles.ansible_run import REPO

ROLE = REPO / "roles" / "credential_store"
STORE = "/etc/hisguard/portal-credentials"
REGISTER = [
    {"name": "egw-his", "allowed_hosts": ["his-app-01"], "password": "a-long-value-1", "status": "active"},
    {
        "name": "old-status",
        "allowed_hosts": ["his-app-01"],
        "password": "a-long-value-2",
        "status": "revoked",
    },
    {
        "name": "old-date",
        "allowed_hosts": ["his-app-01"],
        "password": "a-long-value-3",
        "revoked": datetime.date(2025, 2, 28),
    },
    {"name": "no-status", "allowed_hosts": ["his-app-01"], "password": "a-long-value-4"},
    {"name": "elsewhere", "allowed_hosts": ["his-app-02"], "password": "a-long-value-5"},
    # As the lab register has it: revoked, allowed nowhere any more.
    {"name": "giamdinh-cu", "allowed_hosts": [], "password": "a-long-value-6", "status": "revoked"},
]


def _template(expression: str, **given: Any) -> Any:
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template

    def trusted(value: Any) -> Any:
        return trust_as_template(value) if isinstance(value, str) else value

    variables: dict[str, Any] = {}
    for part in ("defaults", "vars"):
        loaded = yaml.safe_load((ROLE / part / "main.yml").read_text())
        variables.update({k: trusted(v) for k, v in loaded.items()})
    variables.update(
        inventory_hostname="his-app-01",
        hisguard_portal_accounts=REGISTER,
        credential_store_dir=STORE,
        credential_store_suffix="",
        credential_store_state={},
    )
    variables.update(given)
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(expression))


def _task(name: str, file: str = "store.yml") -> dict[str, Any]:
    tasks = yaml.safe_load((ROLE / "tasks" / file).read_text())
    return next(t for t in tasks if t["name"] == name)


def test_revoked_accounts_are_never_written() -> None:
    names = [a["name"] for a in _template("{{ credential_store_accounts }}")]
    assert names == ["egw-his", "no-status"]
    assert _template("{{ credential_store_names }}") == ["egw-his", "no-status"]
    there = _template("{{ credential_store_accounts }}", inventory_hostname="his-app-02")
    assert [a["name"] for a in there] == ["elsewhere"]


def test_a_revoked_accounts_file_is_not_removed_by_the_plain_clean_up() -> None:
    state = {
        STORE: "750 root his",
        f"{STORE}/egw-his": "440 root his",
        f"{STORE}/giamdinh-cu": "440 root his",
        f"{STORE}/old-status.cred": "440 root his",
        f"{STORE}/stale": "440 root his",
    }
    revoked = _template("{{ credential_store_revoked_files }}", credential_store_state=state)
    assert sorted(revoked) == [f"{STORE}/giamdinh-cu", f"{STORE}/old-status.cred"]
    cleanup = _task("Remove files that belong to no current account")["loop"]
    assert _template(cleanup, credential_store_state=state) == [f"{STORE}/stale"]


def _hashes(checksums: dict[str, str]) -> dict[str, Any]:
    results = [{"item": path, "stat": {"exists": True, "checksum": sha}} for path, sha in checksums.items()]
    return {"results": results}


def test_revoked_files_are_removed_only_when_evidence_covers_them() -> None:
    state = {f"{STORE}/giamdinh-cu": "440 root his", f"{STORE}/old-status": "440 root his"}
    hashes = _hashes({f"{STORE}/giamdinh-cu": "a" * 64, f"{STORE}/old-status": "b" * 64})
    # giamdinh-cu is listed as it is now; old-status changed since its pack was collected.
    markers = {"stdout": f"{'a' * 64}  {STORE}/giamdinh-cu\n{'c' * 64}  {STORE}/old-status\n"}
    removal = _task(
        "Remove the revoked accounts' files an evidence pack covers (or all, with the override)",
        "revoked_accounts.yml",
    )["loop"]
    common = {
        "credential_store_state": state,
        "credential_store_revoked_hashes": hashes,
        "credential_store_revoked_markers": markers,
    }
    assert _template(removal, **common) == [f"{STORE}/giamdinh-cu"]
    assert _template(removal, **{**common, "credential_store_revoked_markers": {"stdout": ""}}) == []
    with_reason = _template(removal, **common, credential_store_evidence_override="ticket 42: store rebuilt")
    assert sorted(with_reason) == [f"{STORE}/giamdinh-cu", f"{STORE}/old-status"]
    # The kept file is named in the run output, and the override is logged.
    kept = _task("Say which revoked accounts' files are kept for want of evidence", "revoked_accounts.yml")
    said = _template(kept["ansible.builtin.debug"]["msg"], **common)
    assert "old-status" in said and "giamdinh-cu" not in said
    hashing = _task("Hash the store files of revoked accounts", "revoked_accounts.yml")
    assert hashing["no_log"] is True
