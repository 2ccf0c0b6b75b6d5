"""An account as the user names it: register name, portal username or keyed fingerprint.

The facility report shows the register's name (egw-his), findings show the username
(75901_BV) and redacted evidence shows the secret's keyed fingerprint (fp 3fa9c01b2e): any of
them finds the same account.
"""

from __future__ import annotations

from hisguard.scanners.credentials.redact import secret_fingerprint
from hisguard.scanners.errors import HisguardError
from hisguard.scanners.inventory import Inventory, PortalAccount


def find_accounts(
    given: str, inventory: Inventory | None, facility: str | None = None
) -> list[tuple[str, PortalAccount]]:
    """(facility code, account) pairs the given text names; empty without an inventory."""
    wanted = given.strip().casefold()
    fp = wanted.removeprefix("fp ").removeprefix("fp:").strip()
    found = []
    for code in sorted(inventory.facilities if inventory else ()):
        if facility and code != facility:
            continue
        for account in inventory.facilities[code].portal_accounts if inventory else ():
            if wanted in (account.name.casefold(), account.username.casefold()) or _fingerprint_is(
                account, fp
            ):
                found.append((code, account))
    return found


def _fingerprint_is(account: PortalAccount, fp: str) -> bool:
    if (
        account.password is None
        or not account.password.available
        or len(fp) < 6
        or not all(c in "0123456789abcdef" for c in fp)
    ):
        return False
    return secret_fingerprint(account.password.reveal()).startswith(fp)


def username_for(given: str, inventory: Inventory | None, facility: str | None = None) -> str:
    """The portal username behind what the user typed (itself when the register does not know it).

    A register name is unique only within a facility: one that names several accounts needs
    ``facility``, and says so.
    """
    found = find_accounts(given, inventory, facility)
    usernames = sorted({account.username for _, account in found})
    if len(usernames) > 1:
        codes = ", ".join(sorted({code for code, _ in found}))
        raise HisguardError(
            f"{given.strip()[:60]!r} names accounts in several facilities ({codes}): give --facility CODE"
        )
    return usernames[0] if usernames else given.strip()
