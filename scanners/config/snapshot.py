"""One host's facts: the sections read in one batched round trip, parsed on demand and cached.

:func:`collect` runs the batch over a transport. :class:`Facts` gives checks typed views
(``facts.sshd()``, ``facts.units()``...). A section that was not prefetched is fetched on
first use (one more round trip) so a check never fails for want of a declared need.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hisguard.scanners.config import parsers
from hisguard.scanners.config.model import FactError
from hisguard.scanners.config.sections import SECTIONS, build_script
from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.transport import Transport

DEFAULT_CREDSTORE = "/etc/hisguard/portal-credentials"
MISSING = 127


@dataclass(frozen=True)
class Section:
    name: str
    exit_status: int
    text: str
    error: str = ""  # the first line the section wrote on stderr


Fetch = Callable[[Iterable[str]], Mapping[str, Section]]


def credstore_dir(target: HostTarget) -> str:
    return str(target.var("hisguard_credential_store_dir") or DEFAULT_CREDSTORE).rstrip("/") or "/"


def parse_output(output: str, marker: str) -> dict[str, Section]:
    """Split the batch output into sections; the random marker cannot occur in the content."""
    mark = re.escape(marker)
    pattern = re.compile(
        rf"^{mark} BEGIN (?P<name>\w+)\n(?P<body>.*?)\n"
        rf"(?:{mark} ERR (?P=name)\n(?P<err>.*?)\n)?{mark} END (?P=name) (?P<rc>\d+)$",
        re.DOTALL | re.MULTILINE,
    )
    sections = {}
    for match in pattern.finditer(output):
        err_lines = (match.group("err") or "").strip().splitlines()
        sections[match.group("name")] = Section(
            name=match.group("name"),
            exit_status=int(match.group("rc")),
            text=match.group("body"),
            error=err_lines[0][:200] if err_lines else "",
        )
    return sections


def collect(
    transport: Transport, target: HostTarget, names: Iterable[str], *, timeout: float = 60.0
) -> dict[str, Section]:
    """Run the named sections on the host in one sudo command and return them parsed."""
    wanted = [name for name in dict.fromkeys(names) if name in SECTIONS]
    if not wanted:
        return {}
    marker = f"@@hisguard-{secrets.token_hex(8)}@@"
    script = build_script(wanted, marker, credstore_dir(target))
    result = transport.run(script, sudo=True, timeout=timeout)
    sections = parse_output(result.text(), marker)
    lost = [name for name in wanted if name not in sections]
    if lost:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = f": {reason[0][:160]}" if reason else ""
        raise TransportError(
            f"{target.name}: reading facts failed (exit {result.exit_status}, "
            f"missing {', '.join(lost[:5])}){detail}"
        )
    return sections


class Facts:
    """The snapshot checks read. Build it from :func:`collect` output, or from texts in tests."""

    def __init__(
        self, target: HostTarget, sections: Mapping[str, Section], fetch: Fetch | None = None
    ) -> None:
        self.target = target
        self._sections = dict(sections)
        self._fetch = fetch
        self._parsed: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_texts(
        cls, target: HostTarget, texts: Mapping[str, str | tuple[int, str]], fetch: Fetch | None = None
    ) -> Facts:
        """Facts from plain texts (exit status 0) or (exit status, text) pairs: for tests."""
        sections = {}
        for name, value in texts.items():
            status, text = value if isinstance(value, tuple) else (0, value)
            sections[name] = Section(name, status, text)
        return cls(target, sections, fetch)

    # --- raw access -------------------------------------------------------------------------

    def section(self, name: str) -> Section:
        with self._lock:
            if name not in self._sections:
                if self._fetch is None:
                    raise FactError(f"{name}: not collected")
                self._sections.update(self._fetch([name]))
            if name not in self._sections:
                raise FactError(f"{name}: not collected")
            return self._sections[name]

    def text(self, name: str, *, accept: tuple[int, ...] = (0,)) -> str:
        """The section's text, or FactError when its command is missing or failed."""
        section = self.section(name)
        if section.exit_status in accept:
            return section.text
        if section.exit_status == MISSING:
            raise FactError(f"{_COMMANDS.get(name, name)}: command not found on the host")
        why = f": {section.error}" if section.error else ""
        raise FactError(f"{_COMMANDS.get(name, name)} failed (exit {section.exit_status}){why}")

    def missing(self, name: str) -> bool:
        """True when the section's command is not installed on the host."""
        return self.section(name).exit_status == MISSING

    def _cached(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self._parsed:
            self._parsed[key] = build()
        return self._parsed[key]

    # --- typed views --------------------------------------------------------------------------

    @property
    def container(self) -> str | None:
        """The container technology the host runs in ("systemd-nspawn", "docker"...), or None."""

        def build() -> str | None:
            values = parsers.key_values_plain(self.text("virt"))
            for key in ("detect", "run"):
                value = values.get(key, "")
                if value and value != "none":
                    return value
            return None

        result: str | None = self._cached("container", build)
        return result

    def sshd(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = self._cached("sshd", lambda: parsers.sshd_settings(self.text("sshd")))
        return result

    def accounts(self) -> list[parsers.Account]:
        result: list[parsers.Account] = self._cached(
            "passwd", lambda: parsers.passwd_entries(self.text("passwd"))
        )
        return result

    def shadow(self) -> dict[str, str]:
        result: dict[str, str] = self._cached("shadow", lambda: parsers.shadow_states(self.text("shadow")))
        return result

    def units(self) -> dict[str, dict[str, str]]:
        result: dict[str, dict[str, str]] = self._cached(
            "units", lambda: parsers.systemd_units(self.text("units"))
        )
        return result

    def unit(self, name: str) -> dict[str, str]:
        """One unit's properties; a unit systemd does not know has LoadState=not-found."""
        return self.units().get(name, {"Id": name, "LoadState": "not-found", "ActiveState": "inactive"})

    def unit_active(self, name: str) -> bool:
        return self.unit(name).get("ActiveState") == "active"

    def unit_enabled(self, name: str) -> bool:
        return self.unit(name).get("UnitFileState") in ("enabled", "enabled-runtime", "static", "alias")

    def packages(self) -> dict[str, str]:
        result: dict[str, str] = self._cached(
            "packages", lambda: parsers.dpkg_packages(self.text("packages"))
        )
        return result

    def sockets(self) -> list[parsers.Socket]:
        result: list[parsers.Socket] = self._cached(
            "listen", lambda: parsers.listening_sockets(self.text("listen"))
        )
        return result

    def os_release(self) -> dict[str, str]:
        result: dict[str, str] = self._cached("os", lambda: parsers.os_release(self.text("os")))
        return result


_COMMANDS = {
    "sshd": "sshd -T",
    "listen": "ss",
    "units": "systemctl",
    "packages": "dpkg-query",
    "nft": "nft list ruleset",
    "apt_config": "apt-config",
    "apt_pending": "apt-get -s dist-upgrade",
    "shadow": "reading /etc/shadow",
    "passwd": "reading /etc/passwd",
    "os": "reading /etc/os-release",
    "sudoers": "reading sudoers",
    "credstore": "listing the credential store",
}
