"""H01: third-party remote-access tools (TeamViewer, AnyDesk, RustDesk, UltraViewer, VNC servers).

They open a path into the hospital network that bypasses its VPN, firewall and accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

from hisguard.scanners.config.facts import Facts
from hisguard.scanners.config.model import Outcome, check, failed, passed


@dataclass(frozen=True)
class Tool:
    name: str
    packages: tuple[str, ...]
    paths: tuple[str, ...]
    services: tuple[str, ...]
    ports: tuple[int, ...]
    processes: tuple[str, ...]  # prefixes of the kernel's 15-character process names


TOOLS = (
    Tool(
        "TeamViewer",
        ("teamviewer", "teamviewer-host"),
        ("/opt/teamviewer", "/usr/bin/teamviewer"),
        ("teamviewerd.service",),
        (5938,),
        ("teamviewerd", "TeamViewer"),
    ),
    Tool(
        "AnyDesk",
        ("anydesk",),
        ("/opt/anydesk", "/usr/bin/anydesk"),
        ("anydesk.service",),
        (7070,),
        ("anydesk",),
    ),
    Tool(
        "RustDesk",
        ("rustdesk",),
        ("/usr/bin/rustdesk", "/usr/lib/rustdesk"),
        ("rustdesk.service",),
        tuple(range(21115, 21120)),
        ("rustdesk", "hbbs", "hbbr"),
    ),
    Tool("UltraViewer", ("ultraviewer",), ("/opt/ultraviewer",), (), (), ("ultraviewer", "UltraViewer")),
    Tool(
        "VNC",
        (
            "x11vnc",
            "tigervnc-standalone-server",
            "tigervnc-scraping-server",
            "tightvncserver",
            "realvnc-vnc-server",
            "vnc4server",
            "vino",
        ),
        (
            "/usr/bin/x11vnc",
            "/usr/bin/Xvnc",
            "/usr/bin/Xtigervnc",
            "/usr/bin/vncserver",
            "/usr/bin/tightvncserver",
            "/usr/bin/Xtightvnc",
            "/usr/bin/vino-server",
        ),
        ("x11vnc.service", "vncserver-x11-serviced.service"),
        (*range(5800, 5810), *range(5900, 5910)),
        ("x11vnc", "Xvnc", "Xtigervnc", "Xtightvnc", "vncserver", "vino-server"),
    ),
)
NAMES = ", ".join(tool.name for tool in TOOLS)


@check("H01.1", needs=("packages", "remote_paths", "units"), resource="remote-access")
def installed(facts: Facts) -> list[Outcome]:
    packages = facts.packages()
    present_paths = set(facts.text("remote_paths").split())
    outcomes = []
    for tool in TOOLS:
        found = [p for p in tool.packages if p in packages]
        if found:
            outcomes.append(
                failed(
                    f"package:{found[0]}",
                    f"{tool.name}: package {found[0]} {packages[found[0]]} installed",
                    f"package:{found[0]}",
                    tool=tool.name,
                )
            )
            continue
        paths = [p for p in tool.paths if p in present_paths]
        units = [u for u in tool.services if facts.unit(u).get("LoadState") == "loaded"]
        if paths or units:
            where = paths[0] if paths else f"service:{units[0]}"
            outcomes.append(
                failed(where, f"{tool.name}: {where} present (not from a package)", where, tool=tool.name)
            )
    return outcomes or [passed("remote-access", f"none of {NAMES} installed")]


@check("H01.2", needs=("listen", "units"), resource="remote-access")
def running(facts: Facts) -> list[Outcome]:
    outcomes = []
    for socket in facts.sockets():
        for tool in TOOLS:
            by_process = [p for p in socket.processes if p.startswith(tool.processes)]
            if socket.port in tool.ports or by_process:
                who = f" ({by_process[0]})" if by_process else ""
                outcomes.append(
                    failed(
                        str(socket),
                        f"{tool.name}{who} listening on {socket.address}:{socket.port}",
                        f"{tool.name}:{socket.port}",
                        tool=tool.name,
                    )
                )
                break
    for tool in TOOLS:
        for unit in tool.services:
            if facts.unit_active(unit):
                outcomes.append(
                    failed(f"service:{unit}", f"{tool.name}: {unit} is running", unit, tool=tool.name)
                )
    return outcomes or [passed("remote-access", f"no {NAMES} service running or listening")]
