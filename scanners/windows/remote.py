"""Running facts.ps1 on a Windows host: over PSRP (WinRM, pypsrp) or OpenSSH with PowerShell.

The script travels as the command itself (``-EncodedCommand`` over SSH; a PowerShell pipeline over
PSRP): nothing is written on the host. Whatever goes wrong (no listener, wrong password, no
PowerShell, a script error, output that is not the JSON document) is one ``TransportError`` line.
"""

from __future__ import annotations

import base64
import json
from importlib import resources
from typing import Any

from hisguard.scanners.errors import TransportError
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.windows.target import account, facts_transport

MAX_OUTPUT = 8 * 1024 * 1024


def script() -> str:
    return resources.files("hisguard.scanners.windows").joinpath("facts.ps1").read_text(encoding="utf-8")


def encoded_command(source: str) -> str:
    """``powershell.exe -EncodedCommand``: the script as base64 of UTF-16 LE."""
    blob = base64.b64encode(source.encode("utf-16-le")).decode("ascii")
    return f"powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand {blob}"


def parse_document(text: str, where: str) -> dict[str, Any]:
    if len(text) > MAX_OUTPUT:
        raise TransportError(f"{where}: facts script output too large")
    start = text.find("{")
    try:
        document = json.loads(text[start:]) if start >= 0 else None
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("schema") != 1:
        raise TransportError(f"{where}: the facts script gave no facts document")
    return document


def run_ssh(host: HostTarget, timeout: float, trust_on_first_use: bool = False) -> dict[str, Any]:
    from hisguard.scanners.transport import open_transport

    where = f"{host.name} (OpenSSH {host.address}:{host.port})"
    transport = open_transport(host, trust_on_first_use=trust_on_first_use)
    try:
        result = transport.run(encoded_command(script()), timeout=timeout)
    finally:
        transport.close()
    if result.exit_status == 127 or (b"not found" in result.stderr.lower() and not result.stdout.strip()):
        raise TransportError(f"{where}: PowerShell is not available on the host (exit {result.exit_status})")
    if result.exit_status != 0:
        raise TransportError(f"{where}: the facts script failed (exit {result.exit_status})")
    return parse_document(result.stdout.decode("utf-8", "replace"), where)


def run_psrp(host: HostTarget, timeout: float) -> dict[str, Any]:
    from pypsrp.client import Client

    who = account(host)
    protocol = str(host.var("ansible_psrp_protocol") or ("https" if host.port == 5986 else "http"))
    validate = str(host.var("ansible_psrp_cert_validation") or "validate") != "ignore"
    where = f"{host.name} (PSRP {protocol}://{host.address}:{host.port})"
    try:
        client = Client(
            host.address,
            username=who.user,
            password=who.password.reveal(),
            port=host.port,
            ssl=protocol == "https",
            cert_validation=validate,
            auth=str(host.var("ansible_psrp_auth") or "negotiate"),
            connection_timeout=int(min(timeout, 60)),
            operation_timeout=int(timeout),
            encryption="auto",
        )
        output, streams, had_errors = client.execute_ps(script())
    except Exception as exc:  # requests, spnego and pypsrp raise many types; one line is enough
        raise TransportError(f"{where}: {_reason(exc)}") from None
    if had_errors and not output:
        first = next((str(e) for e in getattr(streams, "error", [])), "script error")
        raise TransportError(f"{where}: the facts script failed ({first.splitlines()[0][:160]})")
    return parse_document(str(output), where)


def _reason(exc: BaseException) -> str:
    name = type(exc).__name__
    text = str(exc).strip().splitlines()
    if (
        "ConnectionError" in name
        or "ConnectTimeout" in name
        or "NewConnectionError" in (text[0] if text else "")
    ):
        return "cannot connect (no WinRM/PSRP listener answering)"
    if "Authentication" in name or "401" in (text[0] if text else ""):
        return "authentication failed"
    return (text[0][:160] if text else name).replace("\n", " ")


def run_facts(host: HostTarget, timeout: float = 300.0, trust_on_first_use: bool = False) -> dict[str, Any]:
    if facts_transport(host) == "ssh":
        return run_ssh(host, timeout, trust_on_first_use)
    return run_psrp(host, timeout)
