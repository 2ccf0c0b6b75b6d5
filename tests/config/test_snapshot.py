"""Fact collection: the batch script, its delimited output, and that no secret ever comes back."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest

from hisguard.scanners.config import sections as sections_module
from hisguard.scanners.config.model import FactError
from hisguard.scanners.config.sections import SECTIONS, build_script
from hisguard.scanners.config.snapshot import Facts, Section, collect, parse_output
from hisguard.scanners.errors import TransportError
from hisguard.scanners.transport import CommandResult, LocalTransport
from tests.config.fakes import ScriptedHost, target

M = "@@hisguard-0123456789abcdef@@"


def test_parse_output_keeps_bodies_exit_status_and_first_error_line() -> None:
    output = (
        f"{M} BEGIN a\nline 1\nline 2\n\n{M} END a 0\n"
        f"{M} BEGIN b\nno newline at end\n{M} END b 3\n"
        f"{M} BEGIN c\n\n{M} ERR c\nnft: Operation not permitted\nmore\n{M} END c 1\n"
        f"{M} BEGIN d\n\n{M} END d 127\n"
    )
    parsed = parse_output(output, M)
    assert parsed["a"].text == "line 1\nline 2\n" and parsed["a"].exit_status == 0
    assert parsed["b"].text == "no newline at end" and parsed["b"].exit_status == 3
    assert parsed["c"].error == "nft: Operation not permitted" and parsed["c"].exit_status == 1
    assert parsed["d"].exit_status == 127


def test_content_cannot_forge_a_section_without_the_random_marker() -> None:
    forged = "@@hisguard-ffffffffffffffff@@ END a 0\n"
    parsed = parse_output(f"{M} BEGIN a\n{forged}x\n{M} END a 0\n", M)
    assert parsed["a"].text == forged + "x"


def test_the_script_runs_in_posix_sh_and_reports_missing_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SECTIONS, "t_missing", "command -v hisguard-no-such-tool >/dev/null || exit 127")
    monkeypatch.setitem(SECTIONS, "t_fails", "echo partial; echo 'it broke' >&2; exit 3")
    monkeypatch.setitem(SECTIONS, "t_quotes", """printf '%s\\n' "it's" '$HOME'""")
    found = collect(LocalTransport("local"), target(), ["os", "t_missing", "t_fails", "t_quotes"])
    assert "ID=" in found["os"].text and found["os"].exit_status == 0
    assert found["t_missing"].exit_status == 127
    assert (found["t_fails"].exit_status, found["t_fails"].text, found["t_fails"].error) == (
        3,
        "partial\n",
        "it broke",
    )
    assert found["t_quotes"].text == "it's\n$HOME\n"


class BrokenShell(ScriptedHost):
    def run(
        self, command: str, *, sudo: bool = False, timeout: float = 60.0, stdin: bytes | None = None
    ) -> CommandResult:
        return CommandResult(2, b"", b"sh: 1: Syntax error\n")


def test_a_run_that_loses_sections_is_a_transport_error() -> None:
    with pytest.raises(
        TransportError, match=r"ws-09: reading facts failed \(exit 2, missing os\): sh: 1: Syntax"
    ):
        collect(BrokenShell(), target(), ["os"])


def test_the_whole_catalog_is_one_sudo_command() -> None:
    host = ScriptedHost()
    collect(host, target(), list(SECTIONS))
    assert len(host.commands) == 1 and host.commands[0][1] is True
    script = host.commands[0][0]
    result = subprocess.run(["sh", "-n", "-c", script], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr


def test_credstore_path_is_quoted_into_the_script() -> None:
    script = build_script(["credstore"], M, "/srv/store; rm -rf /")
    assert "d='/srv/store; rm -rf /'" in script


def run_snippet(name: str, replace: dict[str, str], stdin: bytes = b"") -> str:
    body = SECTIONS[name]
    for old, new in replace.items():
        assert old in body
        body = body.replace(old, new)
    done = subprocess.run(["sh", "-c", body], input=stdin, capture_output=True, check=False)
    return done.stdout.decode()


def test_shadow_section_returns_states_never_hashes(tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    hash_value = "$y$j9T$7nG3pXkQ$Zr1uTtY0qL8mN2bV5cX7zA9sD3fG6hJ"
    shadow.write_text(
        f"alice:{hash_value}:19700:0:99999:7:::\nkhach::19700:0:99999:7:::\n"
        "root:!:19700::::::\ndaemon:*:19700:0:99999:7:::\nbob:!$6$salt$hash:19700::::::\n"
    )
    out = run_snippet("shadow", {"/etc/shadow": str(shadow)})
    assert out.split() == ["alice:set", "khach:empty", "root:locked", "daemon:locked", "bob:locked"]
    assert "$" not in out and "j9T" not in out


def test_redis_section_says_a_password_is_set_never_which(tmp_path: Path) -> None:
    conf = tmp_path / "redis.conf"
    conf.write_text("bind 0.0.0.0\nprotected-mode no\nrequirepass Bv75901@Redis\n")
    out = run_snippet("redis", {"/etc/redis/redis.conf /etc/redis.conf": str(conf)})
    assert f"{conf}:requirepass set" in out and "bind 0.0.0.0" in out
    assert "Bv75901" not in out


def test_fs_perms_finds_world_writable_and_suid_files(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    writable = tmp_path / "etc" / "backup.sh"
    writable.write_text("#!/bin/sh\n")
    writable.chmod(0o777)
    suid = tmp_path / "etc" / "rootshell"
    suid.write_text("")
    suid.chmod(0o4755)
    (tmp_path / "etc" / "plain").write_text("")
    out = run_snippet("fs_perms", {" ".join(sections_module.FS_ROOTS): str(tmp_path)})
    lines = set(out.splitlines())
    assert f"W\tf\t777\t{writable.owner()}\t{writable}" in lines
    assert f"S\t4755\t{suid.owner()}\t{suid}" in lines
    assert "plain" not in out and out.splitlines()[-1] == "END 0"


def scram(password: str, salt: bytes = b"0123456789abcdef", rounds: int = 4096) -> str:
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, rounds)
    client = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    server = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    stored = base64.b64encode(hashlib.sha256(client).digest()).decode()
    b64 = base64.b64encode
    return f"SCRAM-SHA-256${rounds}:{b64(salt).decode()}${stored}:{b64(server).decode()}"


def test_postgres_default_passwords_are_tested_on_the_host_and_only_names_return() -> None:
    code = re.search(r"python3 -c '(.*)'", SECTIONS["pg_default_pw"], re.DOTALL)
    assert code is not None
    md5 = "md5" + hashlib.md5(b"his_apphis_app").hexdigest()
    rows = f"postgres|{scram('postgres')}\nhis_app|{md5}\nhis_report|{scram('Kh0ng-De-Doan!2026')}\n"
    done = subprocess.run(
        ["python3", "-c", code.group(1)], input=rows.encode(), capture_output=True, check=True
    )
    out = done.stdout.decode()
    assert out.split() == ["postgresql:postgres", "postgresql:his_app"]
    assert "SCRAM" not in out and "md5" not in out


def test_facts_fetch_a_section_that_was_not_prefetched() -> None:
    asked: list[list[str]] = []

    def fetch(names: Iterable[str]) -> dict[str, Section]:
        asked.append(list(names))
        return {"os": Section("os", 0, "ID=debian\n")}

    facts = Facts.from_texts(target(), {}, fetch=fetch)
    assert facts.os_release()["ID"] == "debian" and asked == [["os"]]
    with pytest.raises(FactError, match="not collected"):
        Facts.from_texts(target(), {}).text("sshd")


def test_missing_and_failed_sections_become_fact_errors_with_the_command_named() -> None:
    facts = Facts.from_texts(target(), {"nft": (127, ""), "units": (1, "")})
    with pytest.raises(FactError, match="nft list ruleset: command not found on the host"):
        facts.text("nft")
    with pytest.raises(FactError, match=r"systemctl failed \(exit 1\)"):
        facts.units()


@pytest.mark.skipif(os.geteuid() != 0, reason="reads root-only files")
def test_every_section_runs_here_without_a_shell_error() -> None:
    found = collect(LocalTransport("local"), target(), list(sections_module.SECTIONS))
    assert set(found) == set(SECTIONS)
    assert all(not s.error.startswith("sh:") for s in found.values())
