"""Running commands on fleet hosts: SSH (paramiko) or this machine, behind one small interface.

    from hisguard.scanners.transport import open_transport

    with closing(open_transport(host)) as transport:           # one connection per host
        result = transport.run("sshd -T", sudo=True)            # CommandResult(exit_status, stdout, stderr)

- :func:`open_transport` verifies the host key against ``host.known_hosts_file`` or
  ``~/.ssh/known_hosts``; unknown or changed keys raise ``TransportError`` (``trust_on_first_use``
  records an unknown key, never a changed one).
- ``sudo=True`` feeds ``host.become_password`` to ``sudo -S`` on stdin, never on a command line.
- Connection refused, timeout, failed authentication or a sudo refusal raise ``TransportError``
  with one line naming the host and the reason; a command that runs and fails is a normal
  ``CommandResult`` with its exit status (127 when the command is missing).
"""

from hisguard.scanners.transport.base import CommandResult, Transport
from hisguard.scanners.transport.local import LocalTransport
from hisguard.scanners.transport.ssh import SshTransport, open_transport

__all__ = [
    "CommandResult",
    "LocalTransport",
    "SshTransport",
    "Transport",
    "open_transport",
]
