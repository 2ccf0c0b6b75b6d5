"""The scale lab: N light hosts generated on one /24, to measure the product at facility scale.

``hisguard lab up --scale N`` boots facility 75990 instead of 75902 (they share 198.18.1.0/24 and
bridge hgbr1, so only one of them is up at a time). Every host is cheap: the shared image, the
daemons a workstation does not need switched off, a small volatile journal, and a few planted
weaknesses chosen by the host's number, each with the check ids that must find it. The addresses
are generated inside the subnet, never on the gateway or on an address a profile host owns, so
the /24 bounds N (``max_hosts``).
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import yaml

from hisguard.lab.errors import LabError
from hisguard.lab.paths import INVENTORY_DIR, STATE_DIR
from hisguard.lab.profile import (
    EditSpec,
    Facility,
    FileSpec,
    Fleet,
    Host,
    Planted,
    Steps,
    UserSpec,
)

CODE = "75990"
SHARES_WITH = "75902"  # same subnet and bridge: never up together
NETWORK = ipaddress.IPv4Network("198.18.1.0/24")
BRIDGE = "hgbr1"
GATEWAY = "198.18.1.1"
FIRST = 20  # .2-.19 stay free for hand-made hosts
INVENTORY_OUT = STATE_DIR / "scale-inventory"
# The two lab subnets: the only ranges a generated inventory may declare.
LAB_SUBNETS = (ipaddress.IPv4Network("198.18.0.0/24"), NETWORK)

# A light host runs systemd, journald, sshd and what its plants need; nothing else.
LIGHT_SETUP = Steps(
    files=(
        FileSpec(
            path="/etc/systemd/journald.conf.d/hisguard-light.conf",
            content="[Journal]\nStorage=volatile\nRuntimeMaxUse=4M\n",
        ),
    ),
    disable=("cron.service", "systemd-timesyncd.service"),
)

PORTAL_FILE = "/opt/his/appsettings.json"


def _portal_file(index: int) -> Planted:
    content = (
        "{\n"
        '  "BHXH": {\n'
        '    "MaCSKCB": "@@facility_code@@",\n'
        '    "Username": "@@portal_username@@",\n'
        '    "Password": "@@portal_password@@"\n'
        "  },\n"
        f'  "Tram": "{index:03d}"\n'
        "}\n"
    )
    return Planted(
        id="appsettings-portal-credentials",
        description="world-readable appsettings.json with the facility's portal login",
        check_ids=("C01", "C03"),
        kind="file",
        path=PORTAL_FILE,
        mode=0o644,
        contains='"Username": "@@portal_username@@"',
        steps=Steps(files=(FileSpec(path=PORTAL_FILE, content=content, template=True),)),
    )


ROOT_LOGIN = Planted(
    id="ssh-root-password-login",
    description="sshd allows root login with a password",
    check_ids=("H02",),
    kind="setting",
    command="sshd -T",
    expect=("permitrootlogin yes", "passwordauthentication yes"),
    steps=Steps(
        users=(UserSpec(name="root", password="Quantri@2019"),),
        edits=(
            EditSpec(path="/etc/ssh/sshd_config", regexp="^#?PermitRootLogin ", line="PermitRootLogin yes"),
            EditSpec(
                path="/etc/ssh/sshd_config",
                regexp="^#?PasswordAuthentication ",
                line="PasswordAuthentication yes",
            ),
        ),
    ),
)

TELNET = Planted(
    id="telnet-open",
    description="Telnet (inetutils telnetd via inetd) on 23",
    check_ids=("N01", "N02"),
    kind="listener",
    port=23,
    steps=Steps(
        edits=(
            EditSpec(
                path="/etc/inetd.conf",
                regexp="^telnet\\s",
                line="telnet\tstream\ttcp\tnowait\troot\t/usr/sbin/telnetd\ttelnetd",
            ),
        ),
        enable=("inetd.service",),
    ),
)

EMPTY_PASSWORD = Planted(
    id="empty-password-account",
    description="a guest account (khach) with an empty password",
    check_ids=("H06",),
    kind="setting",
    command="getent shadow khach | cut -d: -f2 | sed 's/^$/password=EMPTY/'",
    expect=("password=EMPTY",),
    steps=Steps(users=(UserSpec(name="khach", empty_password=True),)),
)

PLAIN_HTTP = Planted(
    id="web-plain-http-8080",
    description="a folder served over plain HTTP on 8080 to the whole subnet",
    check_ids=("N02", "N04"),
    kind="listener",
    port=8080,
    steps=Steps(
        files=(
            FileSpec(path="/var/www/his/index.html", source="his-app-01/index.html"),
            FileSpec(path="/etc/systemd/system/his-web.service", source="his-app-01/his-web.service"),
        ),
        enable=("his-web.service",),
    ),
)


def plants_for(index: int) -> tuple[Planted, ...]:
    """A few weaknesses per host, rotating so the fleet holds every kind; one web server in ten."""
    chosen = [_portal_file(index), (ROOT_LOGIN, TELNET, EMPTY_PASSWORD)[index % 3]]
    if index % 10 == 5:
        chosen.append(PLAIN_HTTP)
    return tuple(chosen)


def _taken(fleet: Fleet) -> set[ipaddress.IPv4Address]:
    taken = {ipaddress.IPv4Address(GATEWAY)}
    for host in fleet.hosts():
        address = ipaddress.ip_address(host.address)
        if isinstance(address, ipaddress.IPv4Address) and address in NETWORK:
            taken.add(address)
    return taken


def free_addresses(fleet: Fleet) -> list[str]:
    taken = _taken(fleet)
    return [
        str(a) for a in NETWORK.hosts() if int(a) - int(NETWORK.network_address) >= FIRST and a not in taken
    ]


def max_hosts(fleet: Fleet) -> int:
    return len(free_addresses(fleet))


def host_name(index: int) -> str:
    return f"sc-{index:03d}"


def scale_facility(fleet: Fleet, count: int) -> Facility:
    """Facility 75990 with ``count`` light hosts on the free addresses of 198.18.1.0/24."""
    addresses = free_addresses(fleet)
    if not 1 <= count <= len(addresses):
        raise LabError(f"--scale takes 1 to {len(addresses)} hosts ({NETWORK} minus the addresses in use)")
    hosts = tuple(
        Host(
            name=host_name(index),
            facility=CODE,
            address=addresses[index - 1],
            groups=("workstations",),
            in_inventory=True,
            description="a light workstation of the scale lab",
            clean=False,
            setup=LIGHT_SETUP,
            planted=plants_for(index),
        )
        for index in range(1, count + 1)
    )
    return Facility(
        code=CODE,
        name="Trung tâm Y tế Lab quy mô lớn",
        province="Đồng Nai",
        network=str(NETWORK),
        bridge=BRIDGE,
        gateway=GATEWAY,
        boot_by_default=False,
        hosts=hosts,
    )


def with_scale(fleet: Fleet, count: int) -> Fleet:
    """The fleet with facility 75990 in place of 75902 (same subnet and bridge)."""
    others = tuple(f for f in fleet.facilities if f.code not in (CODE, SHARES_WITH))
    return Fleet(
        facilities=(*others, scale_facility(fleet, count)),
        common_setup=fleet.common_setup,
        common_planted=fleet.common_planted,
    )


def write_inventory(facility: Facility, directory: Path = INVENTORY_OUT) -> Path:
    """An inventory of the scale facility only: its hosts, the lab's group_vars for it and ``all``.

    Every address and network it declares lies in the lab subnets; it is checked before writing.
    """
    for host in facility.hosts:
        if not any(ipaddress.ip_address(host.address) in net for net in LAB_SUBNETS):
            raise LabError(f"{host.name}: {host.address} is outside the lab subnets")
    doc = {
        "all": {
            "children": {
                f"facility_{facility.code}": {
                    "hosts": {h.name: {"ansible_host": h.address} for h in facility.hosts}
                },
                "workstations": {"hosts": {h.name: None for h in facility.hosts}},
            }
        }
    }
    group_vars = directory / "group_vars"
    group_vars.mkdir(parents=True, exist_ok=True)
    for name in ("all.yml", f"facility_{facility.code}.yml"):
        text = (INVENTORY_DIR / "group_vars" / name).read_text(encoding="utf-8")
        _write(group_vars / name, text)
    header = "# Written by `hisguard lab up --scale`; removed by `hisguard lab down`.\n"
    _write(directory / "hosts.yml", header + yaml.safe_dump(doc, sort_keys=False))
    return directory


def _write(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
