"""Data a check and a role both use is declared once (scanners/catalog/shared.yml), and
`make lint` (lint/shared_data.py) fails when a role's defaults say something else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from hisguard.scanners.catalog.shared import policies, remote_access, remote_access_tools
from lint import shared_data
from tests.config.fakes import run_check, statuses
from tests.config.test_checks_ssh_remote import NOTHING_REMOTE
from tests.conftest import REPO


def _roles_copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "roles", tmp_path / "roles")
    return tmp_path


def test_the_roles_agree_with_the_shared_data() -> None:
    assert shared_data.problems(REPO) == []


def test_the_role_removes_every_package_the_check_flags() -> None:
    defaults = yaml.safe_load((REPO / "roles/workstation/defaults/main.yml").read_text(encoding="utf-8"))
    assert defaults["workstation_remote_access_packages"] == list(remote_access("packages"))
    assert defaults["workstation_remote_access_programs"] == list(remote_access("programs"))
    # Each package in the shared list is one H01.1 flags, so one the role must remove.
    for package in ("teamviewer-host", "ultraviewer", "krfb"):
        outcome = run_check("H01.1", {**NOTHING_REMOTE, "packages": f"{package}\tii \t1.0\n"})
        assert statuses(outcome) == ["fail"], package


def test_a_role_list_that_differs_fails_the_lint(tmp_path: Path) -> None:
    repo = _roles_copy(tmp_path)
    path = repo / "roles/workstation/defaults/main.yml"
    text = (
        path.read_text(encoding="utf-8")
        .replace("  - teamviewer-host\n", "")
        .replace("  - krfb\n", "  - krfb\n  - foo\n")
    )
    path.write_text(text, encoding="utf-8")
    found = shared_data.problems(repo)
    assert any("workstation_remote_access_packages lacks teamviewer-host" in p for p in found)
    assert any("workstation_remote_access_programs has foo" in p or "packages has foo" in p for p in found)


@pytest.mark.parametrize(
    ("variable", "fallback", "fails"),
    [
        ("hisguard_password_max_days", 400, True),  # the role would allow what H05.4 flags
        ("hisguard_password_max_days", 90, False),  # stricter than the check: fine
        ("hisguard_log_retention_days", 30, True),  # journald would drop what H08.5 wants kept
        ("hisguard_log_retention_days", 365, False),
    ],
)
def test_a_role_fallback_the_check_would_flag_fails_the_lint(
    tmp_path: Path, variable: str, fallback: int, fails: bool
) -> None:
    repo = _roles_copy(tmp_path)
    extra = repo / "roles/accounts/defaults/planted.yml"
    extra.write_text(f'planted: "{{{{ {variable} | default({fallback}) }}}}"\n', encoding="utf-8")
    found = [p for p in shared_data.problems(repo) if "planted.yml" in p]
    assert bool(found) == fails, found
    if fails:
        assert f"{variable} | default({fallback})" in found[0] and str(policies()[variable].value) in found[0]


def test_every_tool_has_what_both_users_need() -> None:
    tools = remote_access_tools()
    assert {t.name for t in tools} >= {"TeamViewer", "AnyDesk", "RustDesk", "UltraViewer", "VNC"}
    for tool in tools:
        assert tool.packages and tool.programs, tool.name
