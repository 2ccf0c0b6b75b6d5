"""What the inventory adds to a report: facility names and provinces, and the account register."""

from __future__ import annotations

from hisguard.reports.model import FacilityInfo, RegisterEntry
from hisguard.reports.sources import AccountQuery, FacilityNames
from hisguard.scanners.inventory import Inventory


def facility_info(code: str, inventory: Inventory | None, names: FacilityNames) -> FacilityInfo:
    """The inventory's name and province when it knows the facility, else what the run data says."""
    known = inventory.facilities.get(code) if inventory else None
    if known is not None:
        return FacilityInfo(code=code, name=known.name, province=known.province)
    return FacilityInfo(code=code, name=names.name, province=names.province)


def register_entries(username: str, inventory: Inventory) -> list[RegisterEntry]:
    """The account's lines in every facility's register; never its password."""
    entries = []
    for code in sorted(inventory.facilities):
        facility = inventory.facilities[code]
        info = FacilityInfo(code=code, name=facility.name, province=facility.province)
        for account in facility.portal_accounts:
            if account.username.casefold() == username.casefold():
                entries.append(
                    RegisterEntry(
                        facility=info,
                        name=account.name,
                        holder=account.holder,
                        purpose=account.purpose,
                        allowed_hosts=account.allowed_hosts,
                        granted=account.granted,
                        reviewed=account.reviewed,
                    )
                )
    return entries


def account_query(username: str, register: list[RegisterEntry] | None) -> AccountQuery:
    """What identifies the account in findings: its username, and its register names per facility."""
    names: dict[str, set[str]] = {}
    for entry in register or ():
        names.setdefault(entry.facility.code, set()).add(entry.name)
    return AccountQuery(username, {code: frozenset(found) for code, found in names.items()})
