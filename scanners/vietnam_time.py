"""Vietnam's clock, the one every date a user reads is in: waiver expiry, report and history times.

Without the tz database on the machine, Vietnam's time is still right: it keeps UTC+7 all year.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _zone() -> tzinfo:
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=7), "ICT")


VIETNAM = _zone()


def today_in_vietnam(now: datetime | None = None) -> date:
    """The facilities' own calendar day (what a waiver's expiry is judged against)."""
    return (now or datetime.now(VIETNAM)).astimezone(VIETNAM).date()
