"""The weak-configuration scanner: one validated check catalog, judged over one SSH connection.

Public API (the role tests call it to verify what a role fixed)::

    from hisguard.scanners.config import run_checks

    findings = run_checks(host)                                  # every check for the host's groups
    findings = run_checks(host, check_ids=["H02.1", "H10"])      # ids, or family ids
    findings = run_checks(host, role="ssh_hardening")            # the checks a role owns (fix.role)
    findings = run_checks(host, role="accounts", tags=["accounts_sudo"])
    findings = run_checks(host, transport=my_transport)          # reuse an open connection

``run_checks(host, *, check_ids=None, role=None, tags=None, transport=None, ignore_groups=False)``
returns one :class:`~scanners.findings.Finding` per check and resource, passes included
(``status`` is pass / fail / not_applicable / error; ``scanner="config"``). The filters combine:
ids, then ``fix.role == role``, then any of ``tags`` in ``fix.tags``; checks outside the host's
groups are skipped unless ``ignore_groups``. Without a transport one is opened with
:func:`scanners.transport.open_transport` (host key verified) and closed afterwards; a host that
cannot be reached or refuses sudo raises :class:`~scanners.errors.TransportError`.

How it works: each check is ``checks/<id>.yml`` (metadata validated on load by
:mod:`scanners.config.catalog`) plus a function ``(Facts) -> Verdict(s)``.
:mod:`scanners.config.sections` reads every fact the chosen checks need in ONE sudo command;
the checks then judge that snapshot locally. The scanner changes nothing on the host and never
reads a secret (the shadow file's hashes, for one, never leave the host).

Host variables it reads (all optional): ``hisguard_credential_store_dir`` (default
``/etc/hisguard/portal-credentials``), ``hisguard_credential_store_group``,
``hisguard_portal_accounts`` (which hosts may hold the store), ``hisguard_password_min_length``
(14), ``hisguard_password_max_days`` (180), ``hisguard_lockout_max_attempts`` (5),
``hisguard_session_timeout_seconds`` (900), ``hisguard_log_retention_days`` (180),
``hisguard_suid_allowed`` (extra SUID paths).
"""

from __future__ import annotations

from collections.abc import Iterable

from hisguard.scanners.config.catalog import Check, catalog, select
from hisguard.scanners.config.engine import applicable, check_host
from hisguard.scanners.findings import Finding
from hisguard.scanners.inventory import HostTarget
from hisguard.scanners.transport import Transport, open_transport

__all__ = ["Check", "catalog", "run_checks"]


def run_checks(
    host: HostTarget,
    *,
    check_ids: Iterable[str] | None = None,
    role: str | None = None,
    tags: Iterable[str] | None = None,
    transport: Transport | None = None,
    ignore_groups: bool = False,
) -> list[Finding]:
    """Run the selected checks on one host and return their findings (passes included)."""
    checks = applicable(
        select(catalog(), check_ids=check_ids, role=role, tags=tags), host, ignore_groups=ignore_groups
    )
    if transport is not None:
        return list(check_host(host, checks, transport).findings)
    opened = open_transport(host)
    try:
        return list(check_host(host, checks, opened).findings)
    finally:
        opened.close()
