"""SSH to an inventory host with paramiko: verified host keys, one connection, many commands.

Every failure to connect or to run is a ``TransportError`` whose one-line message names the
host and the reason, never a secret. paramiko's transport is thread-safe for opening channels,
so one connection serves every command a scan runs on its host.
"""

from __future__ import annotations

import logging
import select
import socket
import time
from pathlib import Path

import paramiko

from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.transport.base import CommandResult, SudoRunner, Transport
from hisguard.scanners.transport.known_hosts import (
    RecordOnFirstUse,
    RejectUnknown,
    UnknownHostKey,
    default_known_hosts,
)
from hisguard.scanners.transport.local import LocalTransport

log = logging.getLogger("hisguard.transport")

_CHUNK = 65536


class SshTransport:
    """An open, authenticated SSH connection to one host. Build it with :func:`open_transport`."""

    def __init__(self, host: HostTarget, client: paramiko.SSHClient) -> None:
        self.name = host.name
        self._where = f"{host.name} ({host.address}:{host.port})"
        self._client = client
        self._sudo = SudoRunner(host.name, self._execute, host.become_password, is_root=host.user == "root")

    def run(
        self, command: str, *, sudo: bool = False, timeout: float = 60.0, stdin: bytes | None = None
    ) -> CommandResult:
        return self._sudo.run(command, sudo=sudo, timeout=timeout, stdin=stdin)

    def close(self) -> None:
        self._client.close()

    @property
    def alive(self) -> bool:
        """True while the connection is up (a host that rebooted has dropped it)."""
        transport = self._client.get_transport()
        return bool(transport and transport.is_active())

    def __enter__(self) -> SshTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _execute(self, command: str, timeout: float, stdin: bytes | None) -> CommandResult:
        transport = self._client.get_transport()
        if transport is None or not transport.is_active():
            raise TransportError(f"{self._where}: connection is closed")
        try:
            channel = transport.open_session(timeout=timeout)
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise TransportError(f"{self._where}: cannot open a session ({_reason(exc)})") from None
        try:
            channel.exec_command(command)
            if stdin:
                channel.sendall(stdin)
            channel.shutdown_write()  # EOF, so a command reading stdin never waits for more
            return _collect(channel, timeout, self._where)
        except (paramiko.SSHException, OSError, EOFError) as exc:
            raise TransportError(f"{self._where}: connection lost ({_reason(exc)})") from None
        finally:
            channel.close()


def _collect(channel: paramiko.Channel, timeout: float, where: str) -> CommandResult:
    """Read stdout and stderr together (one full buffer must not block the other) until exit."""
    deadline = time.monotonic() + timeout
    out: list[bytes] = []
    err: list[bytes] = []
    while True:
        while channel.recv_ready():
            out.append(channel.recv(_CHUNK))
        while channel.recv_stderr_ready():
            err.append(channel.recv_stderr(_CHUNK))
        if channel.exit_status_ready() and (channel.eof_received or channel.closed):
            if not channel.recv_ready() and not channel.recv_stderr_ready():
                break
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TransportError(f"{where}: command timed out after {timeout:g} s")
        # The channel's fileno is readable when either stream has data or the channel closed;
        # the cap covers an exit status that arrives with no data at all.
        select.select([channel], [], [], min(remaining, 0.2))
    return CommandResult(exit_status=channel.recv_exit_status(), stdout=b"".join(out), stderr=b"".join(err))


def open_transport(
    host: HostTarget, *, trust_on_first_use: bool = False, connect_timeout: float = 10.0
) -> Transport:
    """Connect to ``host`` and return a transport; every failure is one ``TransportError`` line.

    The host key must be in ``host.known_hosts_file`` (inventory ``hisguard_known_hosts_file``)
    or ``~/.ssh/known_hosts``. An unknown key is refused unless ``trust_on_first_use``, which
    records it; a changed key is always refused. A host with ``ansible_connection: local`` is
    this machine and gets a :class:`LocalTransport`.
    """
    if host.var("ansible_connection") == "local":
        return LocalTransport(host.name, become_password=host.become_password)
    where = f"{host.name} ({host.address}:{host.port})"
    known_hosts = Path(host.known_hosts_file).expanduser() if host.known_hosts_file else default_known_hosts()
    client = paramiko.SSHClient()
    try:
        if known_hosts.is_file():
            client.load_system_host_keys(str(known_hosts))  # read-only: paramiko never rewrites it
    except (OSError, paramiko.SSHException, ValueError) as exc:
        raise TransportError(f"{where}: cannot read known_hosts {known_hosts} ({_reason(exc)})") from None
    client.set_missing_host_key_policy(
        RecordOnFirstUse(known_hosts) if trust_on_first_use else RejectUnknown()
    )
    pkey = _private_key(host.key_file, where)
    try:
        client.connect(
            hostname=host.address,
            port=host.port,
            username=host.user,
            pkey=pkey,
            allow_agent=pkey is None,
            look_for_keys=pkey is None,
            timeout=connect_timeout,
            banner_timeout=connect_timeout,
            auth_timeout=connect_timeout,
            channel_timeout=connect_timeout,
        )
    except Exception as exc:
        client.close()
        raise TransportError(f"{where}: {_connect_reason(exc, host, known_hosts)}") from None
    transport = client.get_transport()
    if transport is not None:
        transport.set_keepalive(30)
    log.debug("connected to %s", where)
    return SshTransport(host, client)


def _private_key(key_file: str | None, where: str) -> paramiko.PKey | None:
    """The inventory's key, loaded by its own type (paramiko's key_filename would report a
    parse error of the wrong key type instead of the real authentication failure)."""
    if not key_file:
        return None
    path = Path(key_file).expanduser()
    if not path.is_file():
        raise TransportError(f"{where}: private key file {path} not found")
    try:
        return paramiko.PKey.from_path(path)
    except (paramiko.PasswordRequiredException, TypeError):  # cryptography: "Password was not given"
        raise TransportError(
            f"{where}: private key file {path} is encrypted (hisguard needs an unencrypted key or an agent)"
        ) from None
    except (OSError, paramiko.SSHException, ValueError) as exc:
        raise TransportError(f"{where}: cannot read private key file {path} ({_reason(exc)})") from None


def _connect_reason(exc: BaseException, host: HostTarget, known_hosts: Path) -> str:
    if isinstance(exc, paramiko.BadHostKeyException):
        return (
            f"host key CHANGED (offered {exc.key.get_name()} {exc.key.fingerprint}, "
            f"known_hosts {known_hosts} has another): refusing to connect"
        )
    if isinstance(exc, UnknownHostKey):
        return (
            f"host key unknown (no {exc.key_type} key in {known_hosts}); verify it and record it "
            "with --trust-on-first-use"
        )
    if isinstance(exc, paramiko.AuthenticationException):
        return f"authentication failed for user {host.user or '(default)'}"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "connection timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, paramiko.ssh_exception.NoValidConnectionsError):
        # paramiko gathers "refused" and "no route to host" per address into this one error
        reasons = sorted({_reason(err).lower() for err in exc.errors.values()})
        return "; ".join(reasons) or "connection refused"
    if isinstance(exc, EOFError):
        return "connection closed by the host during the handshake"
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve {host.address}"
    return _reason(exc)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return text[:200]
