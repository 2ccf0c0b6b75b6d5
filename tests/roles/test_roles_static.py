"""The hardening roles without the lab: their contract with roles.yml, their documentation, their
lint rule and the pure parts of their lockout guards."""

from __future__ import annotations

import importlib.util
import re
import shlex
import subprocess
import time
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.roles.ansible_run import HARDEN, INVENTORY, REPO, ROTATE

BIN = REPO / ".venv" / "bin"
ROLES_YML = REPO / "scanners" / "catalog" / "roles.yml"
OURS = (
    "credential_store",
    "firewall",
    "patch_baseline",
    "ssh_hardening",
    "accounts",
    "audit_logging",
    "workstation",
    "database",
)


def _plugin(role: str, name: str) -> ModuleType:
    path = REPO / "roles" / role / "filter_plugins" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_playbooks_pass_syntax_check() -> None:
    done = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", str(INVENTORY), "--syntax-check", str(HARDEN), str(ROTATE)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_harden_yml_offers_every_tag_of_roles_yml() -> None:
    done = subprocess.run(
        [str(BIN / "ansible-playbook"), "-i", str(INVENTORY), "--list-tags", str(HARDEN)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    offered = set(re.findall(r"[\w]+", " ".join(re.findall(r"TASK TAGS: \[([^\]]*)\]", done.stdout))))
    catalog = yaml.safe_load(ROLES_YML.read_text())
    wanted = {tag for role in OURS for tag in catalog[role]}
    assert wanted - offered == set()


def test_role_readmes_and_argument_specs_agree_with_defaults_and_roles_yml() -> None:
    done = subprocess.run(
        [str(BIN / "python"), "lint/role_docs.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("role", OURS)
def test_every_role_has_its_documented_parts(role: str) -> None:
    base = REPO / "roles" / role
    for part in (
        "defaults/main.yml",
        "meta/main.yml",
        "meta/argument_specs.yml",
        "tasks/main.yml",
        "README.md",
    ):
        assert (base / part).is_file(), f"{role}: {part} missing"


def test_firewall_input_validation() -> None:
    net = _plugin("firewall", "hisguard_net")
    good = {
        "hisguard_management_networks": ["198.18.0.1/32"],
        "facility_networks": ["198.18.0.0/24", "fd00::/64"],
        "hisguard_allowed_tcp_ports": [22, 443],
        "firewall_ssh_port": "22",
        "firewall_forward_policy": "drop",
        "firewall_rollback_timeout": 90,
        "firewall_port_sources": {"5432": ["198.18.0.10/32"]},
    }
    assert net.firewall_input_errors(good) == []
    bad = dict(
        good,
        hisguard_management_networks=["198.18.0.300/32"],
        hisguard_allowed_tcp_ports=[22, 70000, "x"],
        firewall_port_sources={"5432": ["198.18.0.10/24"]},
        firewall_rollback_timeout=5,
    )
    errors = net.firewall_input_errors(bad)
    assert any(e.startswith("hisguard_management_networks: '198.18.0.300/32'") for e in errors)
    assert any("70000" in e for e in errors) and any("'x'" in e for e in errors)
    assert any("firewall_port_sources[5432]" in e and "host bits" in e for e in errors)
    assert any("firewall_rollback_timeout" in e for e in errors)
    assert "hisguard_management_networks is empty" in " ".join(
        net.firewall_input_errors(dict(good, hisguard_management_networks=[]))
    )
    assert net.address_in_networks("198.18.0.1", ["198.18.0.1/32"])
    assert net.address_in_networks("::ffff:198.18.0.1", ["198.18.0.0/24"])
    assert not net.address_in_networks("198.18.0.2", ["198.18.0.1/32"])
    assert not net.address_in_networks("", ["0.0.0.0/0"])
    assert net.ipv4_networks(["198.18.0.0/24", "fd00::/64", "198.18.0.0/24"]) == ["198.18.0.0/24"]


def test_ssh_lockout_guard() -> None:
    ssh = _plugin("ssh_hardening", "hisguard_ssh")
    base = {
        "user": "hisadmin",
        "groups": ["hisadmin", "sudo"],
        "address": "198.18.0.1",
        "allow_users": [],
        "allow_groups": [],
        "permit_root_login": "no",
        "password_authentication": False,
        "uses_password": False,
        "host_keys": ["/etc/ssh/ssh_host_ed25519_key"],
        "host_key_types": ["ed25519", "rsa"],
    }
    assert ssh.ssh_lockout_reasons(base) == []
    assert ssh.ssh_lockout_reasons(dict(base, allow_users=["his*", "bob"])) == []
    assert ssh.ssh_lockout_reasons(dict(base, allow_users=["hisadmin@198.18.0.*"])) == []
    assert ssh.ssh_lockout_reasons(dict(base, allow_users=["hisadmin@10.0.0.*"]))
    assert ssh.ssh_lockout_reasons(dict(base, allow_users=["alice"]))
    assert ssh.ssh_lockout_reasons(dict(base, allow_groups=["sudo"])) == []
    assert ssh.ssh_lockout_reasons(dict(base, allow_groups=["wheel"]))
    assert ssh.ssh_lockout_reasons(dict(base, user="root"))
    assert ssh.ssh_lockout_reasons(dict(base, uses_password=True))
    assert ssh.ssh_lockout_reasons(dict(base, uses_password=True, password_authentication=True)) == []
    assert ssh.ssh_lockout_reasons(dict(base, host_keys=["/etc/ssh/ssh_host_ecdsa_key"]))


def _lines_flagged(fixture_name: str, rule: str, tmp_path: Path) -> list[int]:
    """The fixture's lines that the project's ansible-lint ``rule`` flags (and lint must fail)."""
    fixture = REPO / "tests" / "roles" / "fixtures" / fixture_name
    (tmp_path / "play.yml").write_text(fixture.read_text())
    config = {
        "profile": "production",
        "offline": True,
        "rulesdir": [str(REPO / "lint" / "ansiblelint_rules")],
        "use_default_rules": True,
        "enable_list": [rule],
    }
    (tmp_path / ".ansible-lint").write_text(yaml.safe_dump(config))
    done = subprocess.run(
        [str(BIN / "ansible-lint"), "--nocolor", "-f", "pep8", "play.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0, done.stdout + done.stderr
    return sorted(int(n) for n in re.findall(rf"play\.yml:(\d+).*{rule}", done.stdout + done.stderr))


def test_no_log_rule_flags_tasks_that_touch_secrets(tmp_path: Path) -> None:
    assert _lines_flagged("secret_tasks.yml", "hisguard-no-log-secrets", tmp_path) == [7, 14]


def test_no_log_rule_passes_our_roles() -> None:
    done = subprocess.run(
        [
            str(BIN / "ansible-lint"),
            "--nocolor",
            *[f"roles/{r}" for r in OURS],
            "playbooks/harden.yml",
            "playbooks/rotate-portal-credentials.yml",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_stdin_rule_flags_tasks_that_can_exit_before_reading(tmp_path: Path) -> None:
    assert _lines_flagged("stdin_tasks.yml", "hisguard-stdin-read-first", tmp_path) == [7, 17]


def _stdin_scripts() -> list[tuple[str, str]]:
    """(task name, shell script) of the tasks in our roles that are fed on stdin and only read
    (the one that writes the store is held to the same rule by hisguard-stdin-read-first)."""
    found = []
    for path in sorted((REPO / "roles").glob("*/tasks/*.yml")):
        for task in yaml.safe_load(path.read_text()) or []:
            if not isinstance(task, dict) or "stdin" not in (task.get("args") or {}):
                continue
            if "systemd-creds encrypt" not in task["ansible.builtin.shell"]:
                found.append((f"{path.parent.parent.name}: {task['name']}", task["ansible.builtin.shell"]))
    return found


@pytest.mark.parametrize(("name", "script"), _stdin_scripts(), ids=[n for n, _ in _stdin_scripts()])
def test_stdin_fed_scripts_read_their_input_even_when_they_leave_early(
    name: str, script: str, tmp_path: Path
) -> None:
    # The first-run failure ("[Errno 32] Broken pipe"): the script left before Ansible wrote the
    # value. Here the value is written only after the script had time to leave: it must still
    # be read, on the path where no store file / no listed file exists yet.
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["quote"] = shlex.quote
    item = {"name": "bhxh", "password": "x", "path": str(tmp_path / "absent"), "item": {"name": "bhxh"}}
    rendered = env.from_string(script).render(
        item=item,
        credential_store_dir=str(tmp_path / "store"),
        credential_store_group="root",
    )
    proc = subprocess.Popen(
        ["/bin/bash", "-c", rendered], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    time.sleep(0.5)
    assert proc.stdin is not None
    proc.stdin.write("a-value-long-enough\n")  # BrokenPipeError here is the bug
    proc.stdin.close()
    out = proc.stdout.read() if proc.stdout else ""
    assert proc.wait(timeout=30) == 0
    assert out.strip() in {"differs", "missing"}, (name, out)


@pytest.mark.parametrize(
    ("window", "clock", "inside"),
    [
        ("", "14:00", True),
        ("01:00-05:00", "03:30", True),
        ("01:00-05:00", "05:01", False),
        ("22:00-05:00", "23:15", True),  # across midnight
        ("22:00-05:00", "04:59", True),
        ("22:00-05:00", "12:00", False),
    ],
)
def test_patch_now_installs_only_inside_the_maintenance_window(window: str, clock: str, inside: bool) -> None:
    import jinja2

    variables = yaml.safe_load((REPO / "roles" / "patch_baseline" / "vars" / "main.yml").read_text())
    env = jinja2.Environment()
    context: dict[str, object] = {
        "patch_baseline_maintenance_window": window,
        "patch_baseline_clock": {"stdout": clock},
    }
    # What patch_baseline_window_bounds gives Ansible (a list; plain Jinja would render a string).
    context["patch_baseline_window_bounds"] = [part.strip() for part in window.split("-")]
    rendered = env.from_string(variables["patch_baseline_in_window"]).render(context)
    assert rendered.strip() == str(inside)
