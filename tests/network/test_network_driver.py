"""The python-nmap driver against stand-in nmap programs: missing, failing, hanging, odd output.

The stand-ins answer ``-V`` like nmap (python-nmap checks it) and then misbehave; none sends a packet.
"""

from __future__ import annotations

import ipaddress
import shlex
import time
from pathlib import Path

import pytest

from hisguard.scanners.network.driver import NmapError, NmapJob, PythonNmapDriver
from hisguard.scanners.network.xmlreport import parse
from tests.network.factories import DATA

VERSION = 'if [ "$1" = "-V" ]; then echo "Nmap version 7.93 ( https://nmap.org )"; exit 0; fi\n'


def fake_nmap(tmp_path: Path, body: str) -> str:
    path = tmp_path / "nmap"
    path.write_text("#!/bin/sh\n" + VERSION + body + "\n", encoding="utf-8")
    path.chmod(0o755)
    return str(path)


def job(timeout: int = 30) -> NmapJob:
    return NmapJob(
        facility="75901",
        targets=(ipaddress.ip_network("198.18.0.10/32"), ipaddress.ip_network("198.18.0.96/29")),
        ports=(22, 23, 5432),
        arguments=("-n", "-sT", "-sV", "--exclude", "198.18.0.1/32"),
        timeout=timeout,
    )


def test_the_command_run_is_exactly_the_job_command(tmp_path: Path) -> None:
    argv_file = tmp_path / "argv"
    recorded = DATA / "loopback-ssh-telnet-http.xml"
    nmap = fake_nmap(tmp_path, f'printf "%s\\n" "$0" "$@" > {argv_file}\ncat {recorded}')
    output = PythonNmapDriver(nmap).run(job())
    assert output == recorded.read_bytes()
    assert argv_file.read_text().splitlines() == job().command(nmap)


def test_missing_nmap_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NmapError, match=r"nmap not found or not working .*apt-get install nmap") as caught:
        PythonNmapDriver(str(tmp_path / "no-such-nmap")).run(job())
    assert "PATH" not in str(caught.value)  # python-nmap's own message dumps $PATH


def test_a_program_that_is_not_nmap_is_refused(tmp_path: Path) -> None:
    impostor = tmp_path / "nmap"
    impostor.write_text("#!/bin/sh\necho hello\n")
    impostor.chmod(0o755)
    with pytest.raises(NmapError, match="not found or not working"):
        PythonNmapDriver(str(impostor)).run(job())


def test_nmap_failing_gives_its_first_line(tmp_path: Path) -> None:
    nmap = fake_nmap(tmp_path, 'echo "Failed to open device hgbr0" >&2\necho "QUITTING!" >&2\nexit 1')
    with pytest.raises(NmapError) as caught:
        PythonNmapDriver(nmap).run(job())
    assert str(caught.value) == "nmap failed: Failed to open device hgbr0"


def test_nmap_failing_silently_says_no_output(tmp_path: Path) -> None:
    nmap = fake_nmap(tmp_path, "exit 1")
    with pytest.raises(NmapError, match="nmap failed: no output"):
        PythonNmapDriver(nmap).run(job())


def test_nmap_running_past_its_time_is_stopped(tmp_path: Path) -> None:
    nmap = fake_nmap(tmp_path, "exec sleep 60")
    started = time.monotonic()
    with pytest.raises(NmapError, match="did not finish within 1 s and was stopped"):
        PythonNmapDriver(nmap).run(job(timeout=1))
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("recorded", ["truncated.xml", "no-runstats.xml", "exit-error.xml"])
def test_partial_or_odd_xml_is_handed_over_for_the_reader(tmp_path: Path, recorded: str) -> None:
    # python-nmap raises on each of these (ParseError, AttributeError); the driver keeps the bytes.
    nmap = fake_nmap(tmp_path, f"cat {shlex.quote(str(DATA / recorded))}")
    output = PythonNmapDriver(nmap).run(job())
    assert output == (DATA / recorded).read_bytes()
    assert not parse(output).complete


def test_job_command_line_is_shell_quoted() -> None:
    line = job().command_line("/usr/bin/nmap")
    assert line.startswith("/usr/bin/nmap -oX - 198.18.0.10/32 198.18.0.96/29 -p 22-23,5432 -n -sT")
    assert shlex.split(line) == job().command("/usr/bin/nmap")
