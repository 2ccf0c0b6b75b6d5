"""Bringing the lab up, reporting it, resetting hosts and taking it all down.

Every resource is recorded in the state file as it is made, and ``down`` removes what the state and
the profiles name (never anything found by a broad pattern), so it also cleans a failed or killed
``up``. ``up`` is idempotent: what runs and answers is kept, what is missing or dead is (re)made.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hisguard.lab import aptrepo, cgroups, container, image, network, plant, scale, sshkeys, state
from hisguard.lab.errors import LabError
from hisguard.lab.paths import APT_REPO_DIR, CACHE_DIR, HOSTS_DIR, LOG_DIR, STATE_DIR
from hisguard.lab.proc import is_ours, run, start_time, stop
from hisguard.lab.profile import Facility, Fleet, Host, load_fleet
from hisguard.lab.state import HostState, Proc, State

SSH_TIMEOUT = 120.0
STOP_GRACE = 20.0
REQUIRED_TOOLS = {
    "systemd-nspawn": "systemd-container",
    "ip": "iproute2",
    "ssh-keygen": "openssh-client",
    "openssl": "openssl",
    "dpkg-deb": "dpkg",
    "zstd": "zstd",
    "mount": "mount",
}


@dataclass
class UpReport:
    booted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    image_build_seconds: float = 0.0
    seconds: float = 0.0
    inventory: Path | None = None  # the scale lab's generated inventory
    memory: dict[str, int] = field(default_factory=dict)  # bytes charged to each booted host


def require_root() -> None:
    if os.geteuid() != 0:
        raise LabError("the lab needs root (it makes network namespaces, mounts and containers)")


def _require_tools() -> None:
    missing = [pkg for tool, pkg in REQUIRED_TOOLS.items() if shutil.which(tool) is None]
    if missing:
        raise LabError(f"missing on this machine: {', '.join(sorted(set(missing)))} (apt-get install them)")


INOTIFY_LIMIT = Path("/proc/sys/fs/inotify/max_user_instances")
INOTIFY_PER_HOST = 6  # systemd, journald, udev-less units: 24 hosts booted under 128, the 25th failed


def require_inotify(hosts: int, limit_file: Path = INOTIFY_LIMIT) -> None:
    """Refuse a boot the machine's inotify limit cannot hold (every host's systemd needs a few).

    Past the limit a container's systemd fails with "Too many open files" and its sshd never
    starts: a whole wave misses its deadline. Said before anything boots, with the fix.
    """
    try:
        limit = int(limit_file.read_text().strip())
    except (OSError, ValueError):
        return
    needed = INOTIFY_PER_HOST * hosts + 32  # the machine's own users keep some
    if limit < needed:
        raise LabError(
            f"{hosts} hosts need about {needed} inotify instances and fs.inotify.max_user_instances is "
            f"{limit}: raise it first (sysctl -w fs.inotify.max_user_instances={max(1024, needed)})"
        )


def select_facilities(fleet: Fleet, codes: Sequence[str] = (), every: bool = False) -> list[Facility]:
    """The default facilities plus the ones asked for (or all of them)."""
    if every:
        return list(fleet.facilities)
    wanted = {f.code for f in fleet.facilities if f.boot_by_default} | set(codes)
    return [fleet.facility(code) for code in sorted(wanted)]


def _fleet_for(st: State) -> Fleet:
    """The profiles' fleet, with the scale facility in it when the state says it was booted."""
    fleet = load_fleet()
    count = sum(1 for host in st.hosts.values() if host.facility == scale.CODE)
    return scale.with_scale(fleet, count) if count else fleet


def _refuse_shared_subnet(st: State, wanted: set[str]) -> None:
    running = set(st.facilities) if st.status == "up" else set()
    for a, b in ((scale.CODE, scale.SHARES_WITH), (scale.SHARES_WITH, scale.CODE)):
        if a in wanted and b in running | wanted:
            raise LabError(
                f"facility {a} and facility {b} share {scale.NETWORK}: only one of them can be up "
                "(run `hisguard lab down` first)"
            )


def up(
    codes: Sequence[str] = (), *, every: bool = False, rebuild: bool = False, scale_hosts: int = 0
) -> UpReport:
    """Boot the selected facilities, or with ``scale_hosts`` the scale lab of that many light hosts."""
    require_root()
    _require_tools()
    start = time.monotonic()
    fleet = load_fleet()
    if scale_hosts:
        if codes or every:
            raise LabError("--scale boots the scale lab alone: leave out --facility and --all")
        fleet = scale.with_scale(fleet, scale_hosts)
        facilities = [fleet.facility(scale.CODE)]
        require_inotify(scale_hosts)
    else:
        facilities = select_facilities(fleet, codes, every)
    report = UpReport()
    with state.locked():
        st = state.load()
        _refuse_shared_subnet(st, {f.code for f in facilities})
        if not scale_hosts and st.status == "up":
            fleet = _fleet_for(st)  # a running scale lab keeps its hosts' keys in known_hosts
        # What a killed or failed run left is cleared first; a lab that is up keeps what still runs.
        if st.status != "up":
            _teardown(st, _fleet_for(st))
            st = State()
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        img, report.image_build_seconds = image.ensure(LOG_DIR / "image-build.log", rebuild=rebuild)
        if st.image and st.image != img.key and st.hosts:
            raise LabError("the running lab uses an older image: run `hisguard lab down` first")
        if not st.hosts:
            image.prune(keep=img.key)  # older recipes' images: no host runs on them
        st.status, st.image = "starting", img.key
        st.facilities = sorted(set(st.facilities) | {f.code for f in facilities})
        state.save(st)
        sshkeys.ensure_client_key()
        # Host keys are made once per host name; fifty new hosts' RSA keys are worth the threads.
        _parallel(lambda h: sshkeys.host_key_dir(h.name), [h for f in facilities for h in f.hosts])
        sshkeys.write_known_hosts((h.name, h.address) for h in fleet.hosts())
        if not st.servers:  # nothing serves it yet: (re)write it from the current code
            aptrepo.build_repo(APT_REPO_DIR)
        for facility in facilities:
            _ensure_facility_network(st, facility)
        todo: list[Host] = []
        for host in (h for f in facilities for h in f.hosts):
            current = st.hosts.get(host.name)
            if current and current.proc and is_ours(current.proc.pid, current.proc.started):
                report.kept.append(host.name)
            else:
                todo.append(host)
        try:
            _boot(st, fleet, todo, img.rootfs)
        except LabError:
            st.status = "failed"
            state.save(st)
            raise
        report.booted = [h.name for h in todo]
        st.status = "up"
        state.save(st)
        if scale_hosts:
            report.inventory = scale.write_inventory(facilities[0])
        report.memory = {h.name: m for h in todo if (m := cgroups.memory(h.name)) is not None}
    report.seconds = time.monotonic() - start
    return report


def _ensure_facility_network(st: State, facility: Facility) -> None:
    if facility.bridge not in st.bridges:
        st.bridges.append(facility.bridge)
        state.save(st)  # recorded before it exists: a crash in between still gets it removed
    network.ensure_blackhole()
    network.ensure_bridge(facility.bridge, facility.gateway, facility.prefix_len)
    server = st.servers.get(facility.gateway)
    if server is None or not is_ours(server.pid, server.started):
        child = aptrepo.serve(APT_REPO_DIR, facility.gateway, LOG_DIR / f"apt-repo-{facility.code}.log")
        started = start_time(child.pid)
        if started is None:
            raise LabError(f"the update server on {facility.gateway} exited at once; see {LOG_DIR}")
        st.servers[facility.gateway] = Proc(child.pid, started)
        state.save(st)


def _boot(st: State, fleet: Fleet, hosts: list[Host], lower: Path) -> None:
    """Prepare (network, overlay, planting) and start ``hosts`` in parallel, then wait for SSH."""

    mutex = threading.Lock()  # threads share ``st``: change and save it one at a time

    def prepare_and_start(host: Host) -> None:
        facility = fleet.facility(host.facility)
        with mutex:
            previous = st.hosts.get(host.name)
        _stop_host(host.name, previous)
        with mutex:
            st.hosts[host.name] = HostState(
                name=host.name,
                facility=host.facility,
                address=host.address,
                root=str(container.merged_dir(host.name)),
                log=str(container.log_path(host.name)),
            )
            state.save(st)
        network.ensure_host_link(host.name, facility.bridge, host.address, facility.prefix_len)
        _fresh_root(host.name)
        root = container.mount_overlay(host.name, lower)
        plant.plant_host(root, fleet, host)
        proc = container.spawn(host.name, root)
        with mutex:
            st.hosts[host.name].proc = proc
            state.save(st)

    def wait(host: Host) -> None:
        proc = st.hosts[host.name].proc
        assert proc is not None
        container.wait_ssh(host.name, host.address, proc, SSH_TIMEOUT)
        _wait_started(host)

    # In waves: fifty systemd instances starting at once on two cores (load 28) miss their SSH
    # deadline; a wave's hosts are up and settled before the next wave starts.
    for wave in waves(hosts, wave_size()):
        _parallel(prepare_and_start, wave)
        _parallel(wait, wave)


def wave_size() -> int:
    """Hosts booted at once: four per core, at least eight (the default lab boots in one wave)."""
    override = os.environ.get("HISGUARD_LAB_WAVE", "")
    if override.isdigit() and int(override) > 0:
        return int(override)
    return max(8, 4 * (os.cpu_count() or 1))


def waves(hosts: Sequence[Host], size: int) -> list[list[Host]]:
    return [list(hosts[i : i + size]) for i in range(0, len(hosts), size)]


def _wait_started(host: Host) -> None:
    """Wait until systemd on ``host`` has finished starting its units.

    sshd answers before every unit has run (the database host's first-boot set-up that plants
    the weak PostgreSQL password, for one): a host handed out earlier is not yet what its
    profile says. ``degraded`` (auditd cannot run in a container) counts as started.
    """
    from hisguard.lab.ssh import Session

    with Session(host.address) as session:
        session.run("systemctl is-system-running --wait", timeout=SSH_TIMEOUT)


def _parallel(work: Any, items: Iterable[Any]) -> None:
    """Run ``work`` on each item in threads; raise the first error after all have finished."""
    items = list(items)
    if not items:
        return
    with ThreadPoolExecutor(max_workers=min(8, len(items))) as pool:
        futures = [pool.submit(work, item) for item in items]
    errors = [f.exception() for f in futures if f.exception() is not None]
    if errors:
        first = errors[0]
        if len(errors) > 1 and isinstance(first, LabError):
            raise LabError(f"{first} (and {len(errors) - 1} more failure(s))") from None
        raise first  # type: ignore[misc]


def _fresh_root(name: str) -> None:
    """Empty upper and work dirs: every boot from ``up`` or ``reset`` starts from the image."""
    container.unmount_overlay(name)
    base = container.host_dir(name)
    plant.wipe(base / "upper")
    plant.wipe(base / "work")


def _stop_host(name: str, host: HostState | None) -> None:
    """Stop the host's container (recorded PID; else whatever lives in its namespace), unmount."""
    if host is not None and host.proc is not None:
        stop(host.proc.pid, host.proc.started, grace=STOP_GRACE)
    # A container whose nspawn PID was lost (killed `up`): its processes are in our namespace.
    for pid in network.pids_in_netns(name):
        started = start_time(pid)
        if started is not None:
            stop(pid, started, grace=0)
    container.unmount_overlay(name)
    cgroups.remove(name)


def reset_hosts(names: Sequence[str]) -> None:
    """Stop each host, wipe its writable layer, plant it again and boot it (for hardening tests)."""
    require_root()
    fleet = load_fleet()
    hosts = [fleet.host(n) for n in names]
    with state.locked():
        st = state.load()
        if st.status != "up":
            raise LabError("the lab is not up: run `hisguard lab up` first")
        for host in hosts:
            if host.name not in st.hosts:
                raise LabError(f"{host.name} is not running (its facility {host.facility} was not booted)")
        img = image.current()
        if img.key != st.image:
            raise LabError("the running lab's image is not the current recipe's: run `hisguard lab down`")
        st.status = "starting"
        state.save(st)
        _boot(st, fleet, hosts, img.rootfs)
        st.status = "up"
        state.save(st)


def down() -> list[str]:
    """Remove everything of the lab; returns what was left that could not be removed (empty: clean)."""
    require_root()
    with state.locked():
        st = state.load()
        fleet = _fleet_for(st)
        _teardown(st, fleet)
        shutil.rmtree(scale.INVENTORY_OUT, ignore_errors=True)
        state.remove()
    return leftovers(fleet)


def _teardown(st: State, fleet: Fleet) -> None:
    names = sorted(set(st.hosts) | {h.name for h in fleet.hosts()})
    _parallel(lambda n: _stop_host(n, st.hosts.get(n)), names)
    for proc in st.servers.values():
        stop(proc.pid, proc.started, grace=5)
    for name in names:
        network.remove_host_link(name)
    for bridge in sorted(set(st.bridges) | {f.bridge for f in fleet.facilities}):
        network.remove_bridge(bridge)
    network.remove_blackhole()
    # Overlays of hosts, and /proc of an image build that was killed mid-way.
    for mount in _mounts_under(STATE_DIR) + _mounts_under(CACHE_DIR):
        run(["umount", "-l", mount], check=False)
    cgroups.remove()
    if HOSTS_DIR.exists():
        shutil.rmtree(HOSTS_DIR, ignore_errors=True)


def _mounts_under(directory: Path) -> list[str]:
    prefix = str(directory).rstrip("/") + "/"
    found = []
    for line in Path("/proc/self/mounts").read_text().splitlines():
        point = line.split()[1].replace("\\040", " ")
        if point.startswith(prefix):
            found.append(point)
    return sorted(found, reverse=True)  # deepest first


def leftovers(fleet: Fleet | None = None) -> list[str]:
    """What of the lab still exists: processes, mounts, namespaces, links (empty list: nothing)."""
    fleet = fleet or load_fleet()
    st = state.load()
    left = []
    for name, host in st.hosts.items():
        if host.proc and is_ours(host.proc.pid, host.proc.started):
            left.append(f"process {host.proc.pid} ({name})")
    for address, proc in st.servers.items():
        if is_ours(proc.pid, proc.started):
            left.append(f"process {proc.pid} (update server {address})")
    left += [f"mount {m}" for m in _mounts_under(STATE_DIR) + _mounts_under(CACHE_DIR)]
    for name in sorted(set(st.hosts) | {h.name for h in fleet.hosts()}):
        if network.netns_exists(network.netns_name(name)):
            left.append(f"netns {network.netns_name(name)}")
        if network.link_exists(network.veth_name(name)):
            left.append(f"link {network.veth_name(name)}")
    left += [f"bridge {f.bridge}" for f in fleet.facilities if network.link_exists(f.bridge)]
    if network.blackhole_exists():
        left.append(f"route blackhole {network.LAB_RANGE}")
    left += [f"cgroup {c}" for c in cgroups.leftovers()]
    return left


def status() -> dict[str, Any]:
    """The lab as the state file and the hosts themselves tell it (no root needed to read)."""
    st = state.load()
    fleet = _fleet_for(st)
    hosts = []
    for host in fleet.hosts():
        recorded = st.hosts.get(host.name)
        running = bool(recorded and recorded.proc and is_ours(recorded.proc.pid, recorded.proc.started))
        hosts.append(
            {
                "name": host.name,
                "facility": host.facility,
                "address": host.address,
                "groups": list(host.groups),
                "in_inventory": host.in_inventory,
                "booted": recorded is not None,
                "running": running,
                "ssh": running and container.ssh_banner(host.address, timeout=1.0),
                "pid": recorded.proc.pid if recorded and recorded.proc else None,
                "log": recorded.log if recorded else None,
                "planted": [p.id for p in fleet.planted_on(host)],
            }
        )
    booted = [h for h in hosts if h["booted"]]
    healthy = bool(booted) and all(h["running"] and h["ssh"] for h in booted)
    overall = "down" if not booted else ("up" if healthy and st.status == "up" else "degraded")
    return {
        "status": overall,
        "state": st.status if booted else "down",
        "image": st.image or None,
        "facilities": st.facilities,
        "bridges": [b for b in st.bridges if network.link_exists(b)],
        "update_servers": {
            a: {"pid": p.pid, "running": is_ours(p.pid, p.started)} for a, p in st.servers.items()
        },
        "hosts": hosts,
    }
