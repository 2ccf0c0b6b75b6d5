"""Running the hardening playbooks against the lab, for the role tests and bench/harden.

Every run is ``ansible-playbook`` from the repository root (so ``ansible.cfg`` applies: roles path,
pipelining, ControlPersist), with the lab inventory and its vault secrets (the fleet's and each
facility's), its own SSH control-socket directory (other engineers' runs never share a master
connection with ours) and an Ansible log file, so a test can grep both the output and the log for secrets.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hisguard.lab import vault as lab_vault

REPO = Path(__file__).resolve().parents[2]
INVENTORY = REPO / "inventories" / "lab" / "hosts.yml"
VAULT_PASSWORD_FILE = REPO / "inventories" / "lab" / "vault-password.txt"
HARDEN = REPO / "playbooks" / "harden.yml"
ROTATE = REPO / "playbooks" / "rotate-portal-credentials.yml"
PLAYBOOK_BIN = REPO / ".venv" / "bin" / "ansible-playbook"

RECAP = re.compile(
    r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
    r"\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)\s+rescued=(?P<rescued>\d+)\s+ignored=(?P<ignored>\d+)",
    re.MULTILINE,
)


@dataclass
class PlaybookRun:
    args: list[str]
    workdir: Path
    returncode: int
    output: str
    seconds: float
    recap: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, host: str, what: str) -> int:
        return self.recap.get(host, {}).get(what, -1)

    def changed_tasks(self, host: str) -> list[str]:
        """Names of the tasks reported changed on ``host`` (from the default callback's output)."""
        names = []
        task = ""
        for line in self.output.splitlines():
            if line.startswith(("TASK [", "RUNNING HANDLER [")):
                task = line.split("[", 1)[1].rsplit("]", 1)[0]
            elif line.startswith(f"changed: [{host}]"):
                names.append(task)
        return names

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def ansible_env(workdir: Path) -> dict[str, str]:
    control = workdir / "cp"
    control.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        ANSIBLE_LOG_PATH=str(workdir / "ansible.log"),
        ANSIBLE_SSH_CONTROL_PATH_DIR=str(control),
        ANSIBLE_RETRY_FILES_ENABLED="0",
        PYTHONUNBUFFERED="1",
    )
    env.pop("ANSIBLE_VAULT_PASSWORD_FILE", None)
    return env


def run_playbook(
    playbook: Path,
    workdir: Path,
    *,
    limit: str,
    extra: Sequence[str] = (),
    extra_vars: dict[str, object] | None = None,
    timeout: float = 900.0,
) -> PlaybookRun:
    args = [
        str(PLAYBOOK_BIN),
        "-i",
        str(INVENTORY),
        *lab_vault.vault_options(),
        "--limit",
        limit,
        *extra,
    ]
    if extra_vars:
        # Root-only: a test's extra vars may carry a (test) password.
        vars_file = workdir / f"extra-vars-{time.monotonic_ns()}.json"
        fd = os.open(vars_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(extra_vars, handle)
        args += ["-e", f"@{vars_file}"]
    args.append(str(playbook))
    start = time.monotonic()
    done = subprocess.run(
        args,
        cwd=REPO,
        env=ansible_env(workdir),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    seconds = time.monotonic() - start
    recap = {
        m.group("host"): {k: int(v) for k, v in m.groupdict().items() if k != "host"}
        for m in RECAP.finditer(done.stdout)
    }
    return PlaybookRun(args, workdir, done.returncode, done.stdout, seconds, recap)
