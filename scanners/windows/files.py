"""One Windows host's disk over SMB: connect (signing required), read each share's known places,
and return what the credential judge needs plus a record of how and what was read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hisguard.scanners.credentials.report import HostResult
from hisguard.scanners.credentials.rules import RuleSet
from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.windows.disk import Budget, DiskReader
from hisguard.scanners.windows.smb import SessionFacts, SmbError, SmbSession
from hisguard.scanners.windows.target import account, shares, smb_port


@dataclass
class SmbScan:
    result: HostResult
    session: SessionFacts
    read: dict[str, Any] = field(default_factory=dict)
    web_roots: list[str] = field(default_factory=list)


def budget_for(host: HostTarget, settings: dict[str, Any], seconds: float | None = None) -> Budget:
    def number(name: str, default: float) -> float:
        value = host.var(name, settings.get(name))
        if value is None:
            return default
        try:
            parsed = float(value)
        except (TypeError, ValueError):
            raise InventoryError(f"{host.name}: {name} is not a number") from None
        if parsed <= 0:
            raise InventoryError(f"{host.name}: {name} must be positive")
        return parsed

    base = Budget()
    return Budget(
        max_files=int(number("hisguard_smb_max_files", base.max_files)),
        max_bytes=int(number("hisguard_smb_max_mb", base.max_bytes / 2**20) * 2**20),
        max_seconds=seconds or number("hisguard_smb_time_budget", base.max_seconds),
        max_file_bytes=int(number("hisguard_credential_max_file_mb", base.max_file_bytes / 2**20) * 2**20),
    )


def require_signing(host: HostTarget, settings: dict[str, Any]) -> bool:
    value = host.var("hisguard_smb_require_signing", settings.get("hisguard_smb_require_signing", True))
    if not isinstance(value, bool):
        raise InventoryError(f"{host.name}: hisguard_smb_require_signing must be true or false")
    return value


def scan_disk(
    host: HostTarget,
    rules: RuleSet,
    budget: Budget,
    *,
    signing: bool = True,
    timeout: float = 30.0,
) -> SmbScan:
    """Read the host's shares; raises SmbError when the host cannot be read at all."""
    who = account(host)
    wanted = shares(host)
    with SmbSession(
        host.address,
        who.user,
        who.password.reveal(),
        port=smb_port(host),
        require_signing=signing,
        timeout=timeout,
    ) as session:
        assert session.facts is not None
        with DiskReader(host.name, rules, budget) as reader:
            opened = 0
            for where in wanted:
                try:
                    share = session.share(where.share)
                except SmbError as exc:
                    reader.result.errors.append(f"share {where.share}: {exc.reason}")
                    continue
                opened += 1
                with share:
                    reader.read_share(share, where)
            if opened == 0:
                raise SmbError(
                    f"{host.name}: no share could be opened ({', '.join(w.share for w in wanted)})"
                )
            if reader.stats.budget_hit:
                reader.result.errors.append(f"{reader.stats.budget_hit} used up: the results are partial")
            reader.result.stats.update({"files": reader.stats.files_read, "bytes": reader.stats.bytes_read})
            web_roots = [f"{w.root}/inetpub/wwwroot" for w in wanted if w.root.endswith(":")]
            return SmbScan(
                result=reader.result,
                session=session.facts,
                read=reader.stats.as_dict(),
                web_roots=web_roots,
            )
