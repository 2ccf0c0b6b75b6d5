"""H01: third-party remote-access tools (TeamViewer, AnyDesk, RustDesk, UltraViewer, VNC, krfb).

They open a path into the hospital network that bypasses its VPN, firewall and accounts.
"""

from __future__ import annotations

from hisguard.scanners.catalog.shared import remote_access_tools
from hisguard.scanners.config.model import Verdict, check, failed, passed
from hisguard.scanners.config.snapshot import Facts

# One list for this check and for role workstation (tag remote_access): scanners/catalog/shared.yml.
TOOLS = remote_access_tools()
NAMES = ", ".join(tool.name for tool in TOOLS)


@check("H01.1", needs=("packages", "remote_paths", "units"), resource="remote-access")
def installed(facts: Facts) -> list[Verdict]:
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
                    vi=f"{tool.name}: đã cài gói {found[0]} {packages[found[0]]}",
                    tool=tool.name,
                )
            )
            continue
        paths = [p for p in tool.paths if p in present_paths]
        units = [u for u in tool.services if facts.unit(u).get("LoadState") == "loaded"]
        if paths or units:
            where = paths[0] if paths else f"service:{units[0]}"
            outcomes.append(
                failed(
                    where,
                    f"{tool.name}: {where} present (not from a package)",
                    where,
                    tool=tool.name,
                    vi=f"{tool.name}: có {where} (không cài từ gói)",
                )
            )
    return outcomes or [passed("remote-access", f"none of {NAMES} installed")]


@check("H01.2", needs=("listen", "units"), resource="remote-access")
def running(facts: Facts) -> list[Verdict]:
    outcomes = []
    for socket in facts.sockets():
        for tool in TOOLS:
            by_process = [p for p in socket.processes if p.startswith(tool.programs)]
            if socket.port in tool.ports or by_process:
                who = f" ({by_process[0]})" if by_process else ""
                outcomes.append(
                    failed(
                        str(socket),
                        f"{tool.name}{who} listening on {socket.address}:{socket.port}",
                        f"{tool.name}:{socket.port}",
                        vi=f"{tool.name}{who} đang lắng nghe trên {socket.address}:{socket.port}",
                        tool=tool.name,
                    )
                )
                break
    for tool in TOOLS:
        for unit in tool.services:
            if facts.unit_active(unit):
                outcomes.append(
                    failed(
                        f"service:{unit}",
                        f"{tool.name}: {unit} is running",
                        unit,
                        tool=tool.name,
                        vi=f"{tool.name}: {unit} đang chạy",
                    )
                )
    return outcomes or [passed("remote-access", f"no {NAMES} service running or listening")]
