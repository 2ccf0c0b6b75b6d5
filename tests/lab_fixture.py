"""The ``lab`` fixture: a running fleet lab for the whole test session.

A lab that is already up (and answering) is reused and left running; otherwise the fixture boots
one and always takes it down at the end of the session, failing the teardown if anything is left.
Tests that use it are marked ``@pytest.mark.lab``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from hisguard.lab import runner
from hisguard.lab.profile import Fleet, Host, load_fleet
from hisguard.lab.ssh import Session

DOWN_TIMEOUT = 180.0


@dataclass
class LabInfo:
    """What a test needs to reach the lab."""

    fleet: Fleet
    hosts: list[Host]  # the hosts that are booted
    reused: bool  # True when the fixture found the lab running (it will not take it down)
    _sessions: dict[str, Session] = field(default_factory=dict)

    def host(self, name: str) -> Host:
        return self.fleet.host(name)

    def ssh(self, name: str) -> Session:
        """A cached admin SSH session to ``name`` (host keys checked against known_hosts)."""
        session = self._sessions.get(name)
        if session is None or not session.alive:
            session = Session(self.fleet.host(name).address)
            self._sessions[name] = session
        return session

    def reset(self, names: list[str]) -> None:
        """Fresh roots for ``names`` (stop, wipe, plant again, boot); their sessions are reopened."""
        for name in names:
            session = self._sessions.pop(name, None)
            if session is not None:
                session.close()
        runner.reset_hosts(names)

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()


def _running_hosts(fleet: Fleet) -> list[Host] | None:
    """The booted hosts if a lab is up and every one of them answers SSH, else None."""
    doc = runner.status()
    booted = [h for h in doc["hosts"] if h["booted"]]
    if doc["status"] != "up" or not booted:
        return None
    return [fleet.host(h["name"]) for h in booted]


def _skip_reason() -> str | None:
    if os.geteuid() != 0:
        return "the fleet lab needs root (network namespaces, mounts, containers)"
    missing = [t for t in ("systemd-nspawn", "debootstrap", "ip") if shutil.which(t) is None]
    if missing:
        return f"the fleet lab needs {', '.join(missing)} on this machine"
    return None


@pytest.fixture(scope="session")
def lab() -> Iterator[LabInfo]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    fleet = load_fleet()
    running = _running_hosts(fleet)
    if running is not None:
        info = LabInfo(fleet, running, reused=True)
        try:
            yield info
        finally:
            info.close()
        return
    try:
        runner.up()
        info = LabInfo(fleet, _running_hosts(fleet) or [], reused=False)
        yield info
        info.close()
    finally:
        left = _down_until_clean()
    assert not left, f"lab down left: {left}"


def _down_until_clean(timeout: float = DOWN_TIMEOUT) -> list[str]:
    """``lab down``, repeated while something is left, for at most ``timeout`` seconds.

    On two busy cores a stopped container's last processes can outlive ``down``'s own wait; a
    later ``down`` removes them. What is still left at the deadline is a real leak.
    """
    deadline = time.monotonic() + timeout
    left = runner.down()
    while left and time.monotonic() < deadline:
        time.sleep(2)
        left = runner.down()
    return left
