"""SMB protocol facts from nmap's own scripts (smb-protocols, smb2-security-mode, smb-security-mode).

The scripts look only at ports 139/445 unless told ``--script-args smbport=N``. The command line is
built from validated addresses and numbers only, and the addresses are always ones the scoped port
scan already found answering inside the facility's networks.
"""

from __future__ import annotations

import ipaddress
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

SCRIPTS = ("smb-protocols", "smb2-security-mode", "smb-security-mode")
# nmap 7.93 writes dialects as "202", "311"; other versions as "2:0:2" or "2.0.2".
_DIALECT = re.compile(r"^\s*(\d)[:.]?(\d)[:.]?(\d+)\s*$")


class SmbScriptError(Exception):
    """nmap could not run the SMB scripts; one line for the run's errors."""


@dataclass(frozen=True)
class SmbProtocolFacts:
    dialects: tuple[str, ...]  # "SMBv1", "2.0.2", "2.1.0", "3.1.1"...
    smb2_signing: str  # "required", "enabled", "disabled" or "" (not reported)
    smb1_signing: str  # "required", "supported", "disabled" or "" (no SMBv1, or not reported)

    @property
    def smb1(self) -> bool:
        return "SMBv1" in self.dialects

    @property
    def signing_not_required(self) -> bool:
        smb2_loose = self.smb2_signing in ("enabled", "disabled")
        smb1_loose = self.smb1 and self.smb1_signing in ("supported", "disabled")
        return smb2_loose or smb1_loose

    def describe(self) -> str:
        parts = [f"dialects: {', '.join(self.dialects) or 'none reported'}"]
        if self.smb2_signing:
            parts.append(f"SMB2/3 signing: {self.smb2_signing}")
        if self.smb1_signing:
            parts.append(f"SMBv1 signing: {self.smb1_signing}")
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "dialects": list(self.dialects),
            "smb1": self.smb1,
            "smb2_signing": self.smb2_signing,
            "smb1_signing": self.smb1_signing,
        }


def command(addresses: Sequence[str], port: int, nmap_path: str = "nmap", timing: int = 3) -> list[str]:
    checked = [str(ipaddress.ip_address(a)) for a in addresses]
    if not checked:
        raise ValueError("no address to run the SMB scripts against")
    if not 0 < int(port) < 65536:
        raise ValueError("SMB port out of range")
    args = [
        nmap_path, "-oX", "-", "-n", "-Pn", "-sT", "-p", str(int(port)), f"-T{int(timing)}",
        "--max-retries", "2", "--host-timeout", "5m", "--script-timeout", "60s",
        "--script", ",".join(SCRIPTS),
    ]  # fmt: skip
    if int(port) not in (139, 445):
        args += ["--script-args", f"smbport={int(port)}"]
    if any(ipaddress.ip_address(a).version == 6 for a in checked):
        args.append("-6")
    return [*args, *checked]


def run(addresses: Sequence[str], port: int, nmap_path: str = "nmap", timeout: float = 600.0) -> bytes:
    try:
        done = subprocess.run(
            command(addresses, port, nmap_path), capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise SmbScriptError(f"nmap not found ({nmap_path}); install it with apt-get install nmap") from None
    except subprocess.TimeoutExpired:
        raise SmbScriptError(f"nmap SMB scripts did not finish within {timeout:g} s") from None
    if b"<nmaprun" not in done.stdout:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SmbScriptError(f"nmap SMB scripts failed: {reason[0][:200] if reason else 'no output'}")
    return done.stdout


def _dialect(text: str) -> str:
    if "SMBv1" in text or "NT LM" in text:
        return "SMBv1"
    match = _DIALECT.match(text)
    return ".".join(match.groups()) if match else text.strip()[:20]


def _signing(text: str) -> str:
    low = text.lower()
    if "not required" in low:
        return "enabled"
    if "required" in low:
        return "required"
    if "disabled" in low:
        return "disabled"
    return ""


def parse(xml: bytes) -> dict[str, SmbProtocolFacts]:
    """Facts per address; hosts whose scripts said nothing are left out."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        raise SmbScriptError("nmap SMB scripts gave unreadable XML") from None
    facts: dict[str, SmbProtocolFacts] = {}
    for host in root.iter("host"):
        address = next(
            (a.get("addr") for a in host.iter("address") if a.get("addrtype") in ("ipv4", "ipv6")), None
        )
        scripts = {s.get("id"): s for s in host.iter("script")}
        if not address or not scripts:
            continue
        dialects: list[str] = []
        protocols = scripts.get("smb-protocols")
        if protocols is not None:
            for table in protocols.iter("table"):
                if table.get("key") == "dialects":
                    dialects = [_dialect(e.text or "") for e in table.iter("elem") if e.text]
        smb2 = ""
        security2 = scripts.get("smb2-security-mode")
        if security2 is not None:
            texts = [e.text or "" for e in security2.iter("elem")]
            smb2 = next((s for s in map(_signing, texts) if s), "")
        smb1 = ""
        security1 = scripts.get("smb-security-mode")
        if security1 is not None:
            for elem in security1.iter("elem"):
                if elem.get("key") == "message_signing":
                    smb1 = (elem.text or "").strip().lower()
        if dialects or smb2 or smb1:
            facts[str(ipaddress.ip_address(address))] = SmbProtocolFacts(tuple(dialects), smb2, smb1)
    return facts
