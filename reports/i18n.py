"""Translations (Vietnamese by default, English on request), labels, and local times.

The gettext catalogs are the ``.po`` files under ``reports/locale``, read at run time with
Babel and turned into a gettext ``Translations`` object in memory: nothing to compile after a
fresh clone. Message ids are English; ``en`` needs no translation but has its catalog anyway so
both languages go through the same path. Update the catalogs with::

    pybabel extract -F reports/locale/babel.cfg -o /tmp/hisguard.pot reports
    pybabel update -i /tmp/hisguard.pot -d reports/locale -D hisguard
"""

from __future__ import annotations

import io
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from hisguard.reports.model import Change, EventKind
from hisguard.scanners.findings import Severity, Status, Text
from hisguard.scanners.vietnam_time import VIETNAM

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
DOMAIN = "hisguard"
# Next to this file rather than through importlib.resources: works for a checkout, a wheel and
# an editable install alike (an editable install made before reports/ had an __init__.py
# registers it as a namespace package, which importlib.resources cannot read).
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


LOCAL_TZ = VIETNAM


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


SEVERITY_LABELS = {
    Severity.CRITICAL: N_("Critical"),
    Severity.HIGH: N_("High"),
    Severity.MEDIUM: N_("Medium"),
    Severity.LOW: N_("Low"),
    Severity.INFO: N_("Info"),
}
CHANGE_LABELS = {
    Change.NEW: N_("New"),
    Change.STILL_OPEN: N_("Still open"),
    Change.REGRESSED: N_("Regressed"),
    Change.FIXED: N_("Fixed"),
}
STATUS_LABELS = {
    Status.FAIL.value: N_("Open"),
    Status.WAIVED.value: N_("Waived"),
    Status.ERROR.value: N_("Error"),
    Status.PASS.value: N_("Passed"),
    Status.NOT_APPLICABLE.value: N_("Not applicable"),
}
EVENT_LABELS = {
    EventKind.MODIFIED.value: N_("File last modified"),
    EventKind.FIRST_SEEN.value: N_("First found by a scan"),
    EventKind.LOGGED.value: N_("Log line first found by a scan"),
    EventKind.GONE.value: N_("No longer found by the latest scan"),
}
EXPOSURE_LABELS = {
    "world_readable": N_("readable by every account"),
    "web_root": N_("under a web root"),
    "history": N_("in a shell history"),
    "bundle": N_("in a served web bundle"),
}
SCANNER_LABELS = {
    "credentials": N_("credentials"),
    "config": N_("configuration"),
    "network": N_("network"),
}


@cache
def translations(lang: str) -> Translations:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


class Translator:
    """Everything language-dependent a format needs, for one language."""

    def __init__(self, lang: str = DEFAULT_LANG) -> None:
        self.lang = lang
        self.translations = translations(lang)
        self._datetime_format = "%d/%m/%Y %H:%M" if lang == "vi" else "%Y-%m-%d %H:%M"
        self._date_format = "%d/%m/%Y" if lang == "vi" else "%Y-%m-%d"

    def gettext(self, message: str) -> str:
        return str(self.translations.gettext(message))

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return str(self.translations.ngettext(singular, plural, count))

    def text(self, value: Text | None) -> str:
        return value.get(self.lang) if value is not None else ""

    def severity(self, severity: Severity) -> str:
        return self.gettext(SEVERITY_LABELS[severity])

    def change(self, change: Change) -> str:
        return self.gettext(CHANGE_LABELS[change])

    def status(self, status: Status) -> str:
        return self.gettext(STATUS_LABELS[status.value])

    def event(self, kind: EventKind) -> str:
        return self.gettext(EVENT_LABELS[kind.value])

    def exposure(self, name: str) -> str:
        label = EXPOSURE_LABELS.get(name)
        return self.gettext(label) if label else name

    def scanner(self, name: str) -> str:
        label = SCANNER_LABELS.get(name)
        return self.gettext(label) if label else name

    def format_datetime(self, value: datetime | None) -> str:
        """Local time in Vietnam (Asia/Ho_Chi_Minh), whatever zone the value carries."""
        if value is None:
            return ""
        return value.astimezone(LOCAL_TZ).strftime(self._datetime_format)

    def format_date(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = value.astimezone(LOCAL_TZ).date()
        return value.strftime(self._date_format)
