"""Reading nmap's XML defensively: empty, malformed, cut-short or odd output never raises past here.

Elements are read as a stream, so when nmap is stopped mid-run the hosts it had finished are kept
and the report says the run was cut short. An element missing what it needs is skipped and
counted, never guessed at. Text from the network (product names, versions) is cleaned of
control characters and shortened before anything displays it.
"""

from __future__ import annotations

import ipaddress
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from hisguard.scanners.errors import HisguardError

MAX_TEXT = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
PROTOCOLS = ("tcp", "udp", "sctp")


class NmapOutputError(HisguardError):
    """nmap's output holds nothing readable (empty, not XML, or not nmap's)."""


def clean(value: str | None) -> str:
    """Network-supplied text made safe to show: one line, no control characters, bounded."""
    if not value:
        return ""
    text = _CONTROL.sub(" ", value).strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


@dataclass(frozen=True)
class Service:
    name: str = ""
    product: str = ""
    version: str = ""
    extrainfo: str = ""
    tunnel: str = ""  # "ssl" when nmap spoke TLS to reach the service
    method: str = ""  # "probed" (nmap saw it answer) or "table" (a guess from the port number)

    @property
    def probed(self) -> bool:
        return self.method == "probed"

    def describe(self) -> str:
        """``postgresql (PostgreSQL DB 15.3)``: what the port answers, for a finding's evidence."""
        name = f"ssl/{self.name}" if self.tunnel == "ssl" and self.name else self.name or "unknown"
        detail = " ".join(part for part in (self.product, self.version) if part)
        if self.extrainfo:
            detail = f"{detail}; {self.extrainfo}" if detail else self.extrainfo
        return f"{name} ({detail})" if detail else name


@dataclass(frozen=True)
class Port:
    number: int
    protocol: str
    state: str
    service: Service


@dataclass(frozen=True)
class Host:
    address: str
    state: str
    ports: tuple[Port, ...] = ()
    mac_vendor: str = ""
    timed_out: bool = False

    @property
    def up(self) -> bool:
        return self.state == "up"

    @property
    def open_ports(self) -> tuple[Port, ...]:
        return tuple(port for port in self.ports if port.state == "open")


@dataclass(frozen=True)
class NmapReport:
    hosts: tuple[Host, ...]
    complete: bool  # nmap reached its end and said so
    problems: tuple[str, ...] = ()  # one line each: what could not be read or what nmap reported

    @property
    def up_hosts(self) -> tuple[Host, ...]:
        return tuple(host for host in self.hosts if host.up)


def _service(element: ET.Element | None) -> Service:
    if element is None:
        return Service()
    return Service(
        name=clean(element.get("name")).lower(),
        product=clean(element.get("product")),
        version=clean(element.get("version")),
        extrainfo=clean(element.get("extrainfo")),
        tunnel=clean(element.get("tunnel")).lower(),
        method=clean(element.get("method")).lower(),
    )


def _port(element: ET.Element) -> Port | None:
    state = element.find("state")
    protocol = (element.get("protocol") or "").lower()
    try:
        number = int(element.get("portid") or "")
    except ValueError:
        return None
    if state is None or not state.get("state") or protocol not in PROTOCOLS or not 0 < number < 65536:
        return None
    return Port(
        number=number,
        protocol=protocol,
        state=clean(state.get("state")),
        service=_service(element.find("service")),
    )


def _host(element: ET.Element) -> tuple[Host | None, int]:
    """A host and how many of its port entries were unreadable; None when it has no IP address."""
    address = ""
    vendor = ""
    for item in element.findall("address"):
        kind = item.get("addrtype")
        if kind in ("ipv4", "ipv6"):
            try:
                address = str(ipaddress.ip_address(item.get("addr") or ""))
            except ValueError:
                return None, 0
        elif kind == "mac":
            vendor = clean(item.get("vendor"))
    if not address:
        return None, 0
    status = element.find("status")
    state = clean(status.get("state")) if status is not None else ""
    ports: list[Port] = []
    skipped = 0
    for item in element.findall("ports/port"):
        port = _port(item)
        if port is None:
            skipped += 1
        else:
            ports.append(port)
    return (
        Host(
            address=address,
            state=state or "unknown",
            ports=tuple(ports),
            mac_vendor=vendor,
            timed_out=element.get("timedout") == "true",
        ),
        skipped,
    )


def parse(output: bytes | str) -> NmapReport:
    """nmap's ``-oX`` output -> NmapReport; raises NmapOutputError only when nothing is readable."""
    data = output.encode("utf-8") if isinstance(output, str) else output
    if not data.strip():
        raise NmapOutputError("nmap produced no output")
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    events: list[tuple[str, ET.Element]] = []
    error: ET.ParseError | None = None
    try:
        parser.feed(data)
        parser.close()
    except ET.ParseError as exc:
        error = exc
    # Events parsed before an error are still queued; the error itself may be queued too.
    try:
        for item in parser.read_events():
            if len(item) == 2 and isinstance(item[1], ET.Element):
                events.append((str(item[0]), item[1]))
    except ET.ParseError as exc:
        error = error or exc
    return _report(events, error)


def _report(events: list[tuple[str, ET.Element]], error: ET.ParseError | None) -> NmapReport:
    if not events or events[0][1].tag != "nmaprun":
        if error is not None and not events:
            raise NmapOutputError(f"nmap output is not XML ({error})")
        raise NmapOutputError("output is not nmap's XML (no <nmaprun>)")
    hosts: list[Host] = []
    problems: list[str] = []
    skipped_hosts = skipped_ports = 0
    finished: ET.Element | None = None
    for event, element in events:
        if event != "end":
            continue
        if element.tag == "host":
            host, bad_ports = _host(element)
            skipped_ports += bad_ports
            if host is None:
                skipped_hosts += 1
            else:
                hosts.append(host)
        elif element.tag == "finished":
            finished = element
    complete = finished is not None and error is None
    if error is not None:
        problems.append(
            f"nmap output was cut short or malformed ({error}); {len(hosts)} host(s) read before it"
        )
    elif finished is None:
        problems.append(f"nmap output ends before nmap finished; {len(hosts)} host(s) read")
    elif finished.get("exit") == "error":
        complete = False
        problems.append(f"nmap reported an error: {clean(finished.get('errormsg')) or 'no message'}")
    if skipped_hosts:
        problems.append(
            f"{skipped_hosts} host entr{'y' if skipped_hosts == 1 else 'ies'} without an IP address skipped"
        )
    if skipped_ports:
        problems.append(f"{skipped_ports} unreadable port entr{'y' if skipped_ports == 1 else 'ies'} skipped")
    return NmapReport(hosts=tuple(hosts), complete=complete, problems=tuple(problems))
