"""Running nmap: the job (exact command line) and the driver that runs it through python-nmap.

A job is built from a Scope (already free of excluded addresses), validated settings and
parsed ports, so every word of the command line comes from a number, a keyword or an
``ipaddress`` object. The sweep (discovery and the TCP port scan) is one process per IP version;
version detection then runs on the open ports that need it (``fingerprint``), grouped by port
set, so one slow service costs its host a bounded wait and never the sweep. The driver returns
nmap's XML as bytes; reading it is ``xmlreport``'s job.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import nmap

from hisguard.scanners.errors import HisguardError, InventoryError
from hisguard.scanners.inventory import Network
from hisguard.scanners.network.ports import discovery_ports, format_port_spec
from hisguard.scanners.network.settings import NmapSettings
from hisguard.scanners.scope import Scope, collapse, contains, subtract

if TYPE_CHECKING:
    from hisguard.scanners.network.protocols import WindowsFacts
    from hisguard.scanners.network.xmlreport import Host


class NmapError(HisguardError):
    """nmap is missing, failed, or ran past its time; the message is one line for the run's errors."""


@dataclass(frozen=True)
class NmapJob:
    """One nmap process: targets of one IP version, the ports, and the rest of the arguments."""

    facility: str
    targets: tuple[Network, ...]
    ports: tuple[int, ...]
    arguments: tuple[str, ...]
    timeout: int

    @property
    def hosts(self) -> str:
        return " ".join(str(target) for target in self.targets)

    @property
    def port_spec(self) -> str:
        return format_port_spec(self.ports)

    def command(self, nmap_path: str = "nmap") -> list[str]:
        """The argument vector python-nmap runs (same words, same order), for display and benches."""
        return [nmap_path, "-oX", "-", *(str(t) for t in self.targets), "-p", self.port_spec, *self.arguments]

    def command_line(self, nmap_path: str = "nmap") -> str:
        return shlex.join(self.command(nmap_path))


def running_as_root() -> bool:
    return os.geteuid() == 0


def scan_flag(settings: NmapSettings, privileged: bool, where: str) -> str:
    """-sS needs raw sockets (root); everybody else gets a full TCP connect scan."""
    if settings.scan_type == "syn":
        if not privileged:
            raise InventoryError(f"{where}: hisguard_nmap_scan_type syn needs root; use auto or connect")
        return "-sS"
    if settings.scan_type == "connect":
        return "-sT"
    return "-sS" if privileged else "-sT"


def _pacing(settings: NmapSettings) -> list[str]:
    return [
        f"-T{settings.timing}",
        "--max-rate",
        str(settings.max_rate),
        "--max-retries",
        str(settings.max_retries),
    ]


def _version_arguments(settings: NmapSettings) -> list[str]:
    return ["-sV", "--version-intensity", str(settings.version_intensity)]


def _tail(excluded: Sequence[Network], version: int) -> list[str]:
    arguments = []
    outside = [str(net) for net in excluded if net.version == version]
    if outside:
        # A second safety only: the targets already leave these addresses out.
        arguments += ["--exclude", ",".join(outside)]
    if version == 6:
        arguments.append("-6")
    return arguments


def discovery_probes(ports: Sequence[int], privileged: bool) -> list[str]:
    """Host discovery aimed at the scanned services, not nmap's generic 80/443 guesses.

    On the facility's own LAN nmap asks by ARP whatever these say; across a router a Windows
    workstation that drops pings and has 80/443 closed still answers on 445 or 3389.
    """
    wanted = set(ports)
    chosen = tuple(port for port in discovery_ports() if port in wanted) or tuple(sorted(wanted)[:10])
    syn = f"-PS{format_port_spec(chosen)}"
    # ICMP and ACK probes need raw sockets; without root nmap turns -PS into connect() calls.
    return ["-PE", syn, "-PA80"] if privileged else [syn]


def _split_known(
    targets: tuple[Network, ...], known: Sequence[str], settings: NmapSettings
) -> list[tuple[Network, ...]]:
    """``targets`` as the sweep's parts: the inventory's own addresses first, then the rest.

    The inventory's hosts are a few addresses of a /24: swept on their own they are done in
    seconds and their version detection starts while the rest of the range is still being
    discovered. Only the fast path splits; the plain path stays one nmap process.
    """
    if settings.version_detection != "needed":
        return [targets]
    mine = collapse(
        ipaddress.ip_network(address) for address in dict.fromkeys(known) if contains(targets, address)
    )
    rest = subtract(targets, mine)
    return [part for part in (mine, rest) if part]


def build_jobs(
    scope: Scope, settings: NmapSettings, ports: Sequence[int], privileged: bool, known: Sequence[str] = ()
) -> list[NmapJob]:
    """The sweep: jobs per IP version present in the scope (nmap cannot mix them in one run).

    Discovery and the port scan; version detection too only when the facility asks for it on
    every open port (``hisguard_nmap_version_detection: all``, the plain path). On the fast path
    the ``known`` addresses (the inventory's hosts) are a job of their own, listed first.
    """
    flag = scan_flag(settings, privileged, f"facility_{scope.facility}")
    jobs = []
    for version in (4, 6):
        every = tuple(t for t in scope.targets if t.version == version)
        for targets in _split_known(every, known, settings) if every else []:
            arguments = [
                "-n",  # no reverse DNS: name look-ups would send traffic outside the facility's scope
                flag,
                *(_version_arguments(settings) if settings.version_detection == "all" else []),
                *discovery_probes(ports, privileged),
                *_pacing(settings),
                "--host-timeout",
                settings.host_timeout,
                *_tail(scope.excluded, version),
            ]
            jobs.append(
                NmapJob(
                    facility=scope.facility,
                    targets=targets,
                    ports=tuple(sorted(set(ports))),
                    arguments=tuple(arguments),
                    timeout=settings.process_timeout,
                )
            )
    return jobs


def fingerprint_job(
    scope: Scope, settings: NmapSettings, addresses: Sequence[str], ports: Sequence[int], privileged: bool
) -> NmapJob:
    """Version detection of ``ports`` on ``addresses`` (all of one IP version, all in the scope).

    The addresses answered the sweep, so discovery is skipped (-Pn); each host is bounded by
    ``hisguard_nmap_version_timeout``.
    """
    networks = tuple(ipaddress.ip_network(address) for address in addresses)
    versions = {network.version for network in networks}
    if len(versions) != 1:
        raise ValueError("a fingerprint job takes addresses of one IP version")
    for address in addresses:
        if not contains(scope.targets, address):  # the sweep only reports its targets; say so here too
            raise ValueError(f"{address} is outside the scope of facility {scope.facility}")
    arguments = [
        "-n",
        "-Pn",
        scan_flag(settings, privileged, f"facility_{scope.facility}"),
        *_version_arguments(settings),
        *_pacing(settings),
        "--host-timeout",
        settings.version_timeout,
        *_tail(scope.excluded, versions.pop()),
    ]
    return NmapJob(
        facility=scope.facility,
        targets=networks,
        ports=tuple(sorted(set(ports))),
        arguments=tuple(arguments),
        timeout=settings.process_timeout,
    )


class NmapDriver(Protocol):
    def run(self, job: NmapJob) -> bytes:
        """nmap's XML output for the job; raises NmapError when there is none to read."""
        ...


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def _as_bytes(output: str | bytes) -> bytes:
    return output.encode("utf-8") if isinstance(output, str) else output


class PythonNmapDriver:
    """Debian's nmap through ``nmap.PortScanner``, bounded by the job's timeout."""

    def __init__(self, nmap_path: str = "nmap") -> None:
        self.nmap_path = nmap_path

    def protocol_facts(self, hosts: Sequence[Host]) -> WindowsFacts:
        """SMB dialects and signing (nmap's scripts) and RDP security (hisguard's probe) of ``hosts``."""
        from hisguard.scanners.network.protocols import collect_facts

        return collect_facts(hosts, self.nmap_path)

    def run(self, job: NmapJob) -> bytes:
        try:
            scanner = nmap.PortScanner(nmap_search_path=(self.nmap_path,))
        except nmap.PortScannerError:
            # python-nmap's own message prints $PATH; this one says what to do.
            raise NmapError(
                f"nmap not found or not working ({self.nmap_path}); install it with apt-get install nmap"
            ) from None
        try:
            scanner.scan(
                hosts=job.hosts, ports=job.port_spec, arguments=" ".join(job.arguments), timeout=job.timeout
            )
        except nmap.PortScannerTimeout:
            raise NmapError(f"nmap did not finish within {job.timeout} s and was stopped") from None
        except nmap.PortScannerError as exc:
            # No readable XML: keep what nmap said, unless it left XML worth reading (cut short).
            output = _as_bytes(scanner.get_nmap_last_output())
            if b"<nmaprun" not in output:
                # PortScannerError's str() is a repr; its value is nmap's stderr (or stdout, as bytes).
                value = getattr(exc, "value", "")
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                reason = _first_line(text) or "no output"
                raise NmapError(f"nmap failed: {reason}") from None
        except (AttributeError, KeyError, TypeError, ValueError):
            # python-nmap's reader trips over XML without the parts it expects (for example an
            # interrupted run); xmlreport reads it defensively and says what is missing.
            pass
        return _as_bytes(scanner.get_nmap_last_output())
