"""The fleet lab for real: boot it, log in to every host, find every planted weakness, take it down.

Targets are only the lab's own addresses (198.18.0.0/16, checked before every connection).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import paramiko
import pytest
from click.testing import CliRunner

from hisguard.lab import network, runner, state
from hisguard.lab.cli import lab as lab_cli
from hisguard.lab.paths import KNOWN_HOSTS, STATE_FILE
from hisguard.lab.plant import context, render
from hisguard.lab.profile import LAB_SPACE, Fleet, Planted, load_fleet
from hisguard.lab.ssh import Session
from tests.lab_fixture import LabInfo

pytestmark = pytest.mark.lab

FLEET = load_fleet()
DEFAULT_HOSTS = [h for f in FLEET.facilities if f.boot_by_default for h in f.hosts]
PLANTED = [(h.name, p) for h in DEFAULT_HOSTS for p in FLEET.planted_on(h)]
# What a real server of each planted port says first (or answers), so "listening" means "speaking".
GREETINGS = {22: b"SSH-", 23: b"\xff", 5900: b"RFB "}
REPO = Path(__file__).resolve().parents[2]


def _lab_address(address: str) -> str:
    assert ipaddress.ip_address(address) in LAB_SPACE, f"{address} is not a lab address"
    return address


def _eventually(check: Callable[[], str | None], seconds: float = 45.0) -> None:
    """Retry ``check`` (None = passed, else the reason) while services finish starting."""
    deadline = time.monotonic() + seconds
    reason: str | None = "never ran"
    while time.monotonic() < deadline:
        reason = check()
        if reason is None:
            return
        time.sleep(1.0)
    pytest.fail(reason)


def _connect(address: str, port: int, timeout: float = 3.0) -> bytes:
    with socket.create_connection((_lab_address(address), port), timeout=timeout) as conn:
        conn.settimeout(timeout)
        try:
            return conn.recv(64)
        except TimeoutError:
            return b""  # a server that waits for the client to speak first (HTTP, PostgreSQL)


def _read_file(session: Session, path: str) -> bytes:
    result = session.run(f"base64 -w0 '{path}'", sudo=True)
    assert result.status == 0, f"cannot read {path}: {result.stderr.strip()}"
    return base64.b64decode(result.stdout)


def _as_text(data: bytes) -> str:
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le")
    return data.decode("utf-8", errors="replace")


@pytest.fixture(scope="module", autouse=True)
def fresh_fleet(lab: LabInfo) -> None:
    """A reused lab may carry what earlier tests did (hardened hosts, applied updates): start fresh."""
    if lab.reused:
        lab.reset([h.name for h in DEFAULT_HOSTS])


# --- logging in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [h.name for h in DEFAULT_HOSTS])
def test_admin_logs_in_with_the_lab_key_and_sudo_password(lab: LabInfo, name: str) -> None:
    session = lab.ssh(name)
    who = session.run("id -un; hostname")
    assert who.stdout.split() == ["hisadmin", name]
    root = session.run("id -u", sudo=True)
    assert root.stdout.strip() == "0", root.stderr
    # sudo really asks for the password: without it, it refuses.
    refused = session.run("sudo -n true")
    assert refused.status != 0


def test_every_host_has_its_own_host_key(lab: LabInfo) -> None:
    keys = paramiko.HostKeys(str(KNOWN_HOSTS))
    seen = {}
    for host in DEFAULT_HOSTS:
        entry = keys.lookup(host.address)
        assert entry is not None and "ssh-ed25519" in entry, host.name
        seen[host.name] = entry["ssh-ed25519"].get_base64()
    assert len(set(seen.values())) == len(seen)


def test_a_wrong_host_key_is_rejected(lab: LabInfo, tmp_path: Path) -> None:
    a, b = DEFAULT_HOSTS[0], DEFAULT_HOSTS[1]
    wrong = tmp_path / "known_hosts"
    # b's keys recorded under a's address: connecting to a must fail.
    lines = [ln for ln in KNOWN_HOSTS.read_text().splitlines() if ln.startswith(f"{b.address} ")]
    wrong.write_text("".join(ln.replace(b.address, a.address, 1) + "\n" for ln in lines))
    client = paramiko.SSHClient()
    client.load_host_keys(str(wrong))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    with pytest.raises(paramiko.SSHException):
        client.connect(
            _lab_address(a.address),
            username="hisadmin",
            key_filename=str(KNOWN_HOSTS.parent / "id_ed25519"),
            timeout=10,
            allow_agent=False,
            look_for_keys=False,
        )
    client.close()


# --- planted weaknesses -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "item"), PLANTED, ids=[f"{n}:{p.id}" for n, p in PLANTED])
def test_planted_weakness_is_really_there(lab: LabInfo, name: str, item: Planted) -> None:
    host = lab.host(name)
    values = context(lab.fleet, host)
    session = lab.ssh(name)
    if item.kind == "file":
        assert item.path
        stat = session.run(f"stat -c '%a' '{item.path}'", sudo=True)
        assert stat.status == 0, f"{item.path} missing on {name}"
        if item.mode is not None:
            assert int(stat.stdout.strip(), 8) == item.mode, f"{item.path} mode {stat.stdout.strip()}"
        if item.contains:
            assert render(item.contains, values) in _as_text(_read_file(session, item.path))
    elif item.kind == "listener":
        assert item.port

        def answers() -> str | None:
            try:
                first = _connect(host.address, item.port)
            except OSError as exc:
                return f"{host.address}:{item.port} does not answer: {exc}"
            want = GREETINGS.get(item.port)
            if want and not first.startswith(want):
                return f"{host.address}:{item.port} answered {first[:16]!r}, not {want!r}"
            return None

        _eventually(answers)
        # Listening on all interfaces, as planted (not only on the host's address or loopback).
        sockets = session.run(f"ss -Hltn 'sport = :{item.port}'").stdout
        assert f"0.0.0.0:{item.port}" in sockets or f"*:{item.port}" in sockets, sockets
    else:
        assert item.command
        command = render(item.command, values)

        def shows() -> str | None:
            out = session.run(command, sudo=True).stdout
            missing = [e for e in item.expect if render(e, values) not in out]
            return f"{name}: `{item.command}` lacks {missing}" if missing else None

        _eventually(shows)


def test_web_root_serves_the_bundle_and_the_exports_over_plain_http(lab: LabInfo) -> None:
    host = lab.host("his-app-01")
    values = context(lab.fleet, host)
    base = f"http://{_lab_address(host.address)}:8080"
    with urllib.request.urlopen(f"{base}/assets/index-Dk3f9XqA.js", timeout=10) as answer:
        bundle = answer.read()
    assert f'VITE_BHXH_PASSWORD:"{values["portal_password"]}"'.encode() in bundle
    assert bundle.count(b"\n") == 1 and len(bundle) > 200_000  # minified, one long line
    with urllib.request.urlopen(f"{base}/exports/GD_75901_20250303_003.xml", timeout=10) as answer:
        export = answer.read().decode()
    assert "<GIAMDINHHS>" in export and "<LOAIHOSO>XML6</LOAIHOSO>" in export
    inner = export.split("<LOAIHOSO>XML6</LOAIHOSO><NOIDUNGFILE>")[1].split("<")[0]
    assert "HIV_AIDS" in base64.b64decode(inner).decode()


def test_rogue_host_answers_telnet_and_is_not_in_the_inventory(lab: LabInfo) -> None:
    rogue = lab.host("rogue-01")
    assert not rogue.in_inventory  # test_profiles checks the inventory agrees
    assert _connect(rogue.address, 23).startswith(b"\xff")  # telnet option negotiation (IAC)


def test_clean_workstation_has_nothing_to_report(lab: LabInfo) -> None:
    session = lab.ssh("ws-02")
    listening = session.run("ss -Hltnu").stdout.split("\n")
    ports = {line.split()[4].rsplit(":", 1)[1] for line in listening if line.strip()}
    assert ports == {"22"}, listening
    sshd = session.run("sshd -T", sudo=True).stdout
    assert "permitrootlogin no" in sshd and "passwordauthentication no" in sshd
    ruleset = session.run("nft list chain inet filter input", sudo=True).stdout
    assert "policy drop" in ruleset
    assert session.run("systemctl is-active systemd-timesyncd").stdout.strip() == "active"
    auto = session.run("apt-config dump APT::Periodic::Unattended-Upgrade").stdout
    assert 'Unattended-Upgrade "1"' in auto
    values = context(lab.fleet, lab.host("ws-02"))
    # The patterns travel base64-encoded so the command line (logged by sudo) does not hold them.
    patterns = base64.b64encode(
        f"{values['portal_username']}\n{values['portal_md5_lower']}\n".encode()
    ).decode()
    leak = session.run(
        f"echo {patterns} | base64 -d > /tmp/.p && grep -rlsF -f /tmp/.p "
        "/etc /opt /home /root /var/www /var/backups /var/log /srv; rm -f /tmp/.p",
        sudo=True,
    )
    assert leak.stdout.strip() == ""
    empty = session.run("awk -F: '$2 == \"\"' /etc/shadow", sudo=True)
    assert empty.status == 0 and empty.stdout.strip() == ""
    nopasswd = session.run("grep -rh NOPASSWD /etc/sudoers /etc/sudoers.d || true", sudo=True)
    assert nopasswd.stdout.strip() == ""


def test_hosts_have_nftables_capability_and_no_route_out(lab: LabInfo) -> None:
    session = lab.ssh("his-app-01")
    assert session.run("nft list ruleset", sudo=True).status == 0  # CAP_NET_ADMIN granted
    routes = session.run("ip -4 route").stdout
    assert "default" not in routes and "198.18.0.0/24" in routes
    # /proc/sys stays read-only: no container may change the machine's kernel settings.
    assert session.run("sysctl -w net.ipv4.ip_forward=1", sudo=True).status != 0


def test_status_reports_the_running_lab(lab: LabInfo) -> None:
    result = CliRunner().invoke(lab_cli, ["status", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["status"] == "up"
    running = {h["name"] for h in doc["hosts"] if h["running"] and h["ssh"]}
    assert {h.name for h in DEFAULT_HOSTS} <= running


def test_up_again_keeps_what_runs(lab: LabInfo) -> None:
    before = {n: h.proc for n, h in state.load().hosts.items()}
    report = runner.up()
    assert report.booted == [] and set(report.kept) >= {h.name for h in DEFAULT_HOSTS}
    assert {n: h.proc for n, h in state.load().hosts.items()} == before


def test_reset_gives_a_fresh_host_with_the_same_identity(lab: LabInfo) -> None:
    session = lab.ssh("rogue-01")
    assert session.run("touch /root/left-by-a-test", sudo=True).status == 0
    runner.reset_hosts(["rogue-01"])
    fresh = lab.ssh("rogue-01")  # the old session died with the old container; host key unchanged
    assert fresh.run("test -e /root/left-by-a-test", sudo=True).status != 0
    assert _connect(lab.host("rogue-01").address, 23).startswith(b"\xff")


def test_second_facility_boots_on_request_on_its_own_subnet(lab: LabInfo) -> None:
    report = runner.up(["75902"])
    assert {"scan-02", "his-app-02"} <= set(report.booted) | set(report.kept)
    for name in ("scan-02", "his-app-02"):
        with Session(_lab_address(lab.host(name).address)) as session:
            assert session.run("hostname").stdout.strip() == name
    with Session(lab.host("scan-02").address) as scan:
        # Its own subnet and gateway are reachable, the other facility is not (no route, no forwarding).
        assert scan.run("timeout 3 bash -c '</dev/tcp/198.18.1.10/22'").status == 0
        assert scan.run("timeout 3 bash -c '</dev/tcp/198.18.0.10/22'").status != 0
        assert scan.run("curl -s -o /dev/null -m 5 http://198.18.1.1:8990/dists/").status == 0
        assert scan.run("curl -s -o /dev/null -m 3 http://198.18.0.10:8080/").status != 0
        assert "1.0-1+deb12u1" in scan.run("apt list --upgradable 2>/dev/null").stdout


def test_not_root_gets_one_line_and_exit_2() -> None:
    code = "from scanners.cli import main; main()"
    cmd = [sys.executable, "-c", code, "lab", "up"]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "needs root" in done.stderr


# --- taking it down (last: it brings the lab back up for whoever reuses it) ---------------------


def test_down_leaves_nothing_even_after_a_killed_up(lab: LabInfo) -> None:
    lab.close()
    assert runner.down() == []
    _assert_nothing_left(lab.fleet)
    # Kill an `up` half-way (some hosts recorded and booting), then clean up after it.
    child = subprocess.Popen(
        [sys.executable, "-c", "from lab import runner; runner.up()"], cwd=REPO, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(h.proc for h in state.load().hosts.values()):
        time.sleep(0.05)
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    assert any(h.proc for h in state.load().hosts.values()), "the killed up never started a host"
    assert runner.down() == []
    _assert_nothing_left(lab.fleet)
    # Leave the lab as the session found it: up (the fixture takes it down if it started it).
    runner.up()
    assert runner.status()["status"] == "up"


def _assert_nothing_left(fleet: Fleet) -> None:
    assert not STATE_FILE.exists()
    for host in fleet.hosts():
        assert not network.netns_exists(network.netns_name(host.name))
        assert not network.link_exists(network.veth_name(host.name))
    for facility in fleet.facilities:
        assert not network.link_exists(facility.bridge)
    mounts = Path("/proc/self/mounts").read_text()
    assert "/var/lib/hisguard-lab" not in mounts
    nspawn = subprocess.run(["pgrep", "-f", "systemd-nspawn .*--machine="], capture_output=True, text=True)
    ours = [p for p in nspawn.stdout.split() if _is_lab_nspawn(int(p), fleet)]
    assert ours == []


def _is_lab_nspawn(pid: int, fleet: Fleet) -> bool:
    """A live (non-zombie) nspawn started for one of our hosts (read-only check, never a kill)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    if "State:\tZ" in status:
        return False
    names = {f"--machine={h.name}".encode() for h in fleet.hosts()}
    return any(arg in names for arg in cmdline)
