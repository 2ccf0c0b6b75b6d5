"""Tearing the lab down on a busy machine: cgroups that empty late, and repeated up/down cycles.

Needs root (it makes cgroups and boots the lab); marked ``lab``. The ten-cycle version with a
CPU-heavy process beside it is ``bench/lab/bench_lab_cycles.py``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hisguard.lab import cgroups, runner
from hisguard.lab.profile import load_fleet
from tests.lab_fixture import _skip_reason

pytestmark = pytest.mark.lab

GROUP = "hg-teardown-test"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def root_only() -> None:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)


def _start_in_group(seconds: int) -> subprocess.Popen[bytes]:
    """A ``sleep`` moved into our test group in every hierarchy (as nspawn's children are)."""
    groups = cgroups.make(GROUP)
    assert groups, "no cgroup hierarchy to write to"
    child = subprocess.Popen(["sleep", str(seconds)])
    for group in groups:
        (group / "cgroup.procs").write_text(str(child.pid))
    assert child.pid in cgroups.members(groups[0])
    return child


def _ours_left() -> list[str]:
    return [c for c in cgroups.leftovers() if Path(c, GROUP).exists()]


@pytest.fixture
def sleeper_cleanup() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for child in started:
        child.kill()
        child.wait()
    cgroups.remove(GROUP, timeout=10)


@pytest.mark.usefixtures("root_only")
def test_a_group_that_empties_a_few_seconds_later_is_still_removed(
    sleeper_cleanup: list[subprocess.Popen[bytes]],
) -> None:
    child = _start_in_group(3)
    sleeper_cleanup.append(child)
    cgroups.remove(GROUP, timeout=60)  # waits for the sleep to end, well before the SIGKILL point
    child.wait(timeout=60)
    assert child.returncode == 0, "the process was killed instead of waited for"
    assert _ours_left() == []


@pytest.mark.usefixtures("root_only")
def test_a_group_that_never_empties_is_killed_then_removed(
    sleeper_cleanup: list[subprocess.Popen[bytes]],
) -> None:
    child = _start_in_group(600)
    sleeper_cleanup.append(child)
    cgroups.remove(GROUP, timeout=6)
    assert child.wait(timeout=30) == -9
    assert _ours_left() == []


@pytest.mark.usefixtures("root_only")
def test_up_all_and_down_twice_beside_a_cpu_hog_leave_nothing() -> None:
    before = runner.status()
    was_up = before["status"] == "up"
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        for _ in range(2):
            report = runner.up(every=True)
            assert set(report.booted) | set(report.kept) == {h.name for h in load_fleet().hosts()}
            start = time.monotonic()
            left = runner.down()
            assert left == [], f"cycle left {left} after {time.monotonic() - start:.0f} s"
    finally:
        hog.kill()
        hog.wait()
    if was_up:  # the session's lab fixture found or made it up: leave it so
        runner.up(before["facilities"])
