"""A facility's document details from its inventory variables, validated as they are read.

``hisguard_documents`` (a mapping on the facility group) gives the letterhead and the signers:

    hisguard_documents:
      governing_body: "Sở Y tế tỉnh Đồng Nai"        # cơ quan chủ quản
      issuer: "Bệnh viện Đa khoa Lab Đồng Nai"       # tên cơ quan ban hành (default: facility_name)
      short_name: "BVĐKLĐN"                          # tên viết tắt in the ký hiệu
      place: "Đồng Nai"                              # địa danh (default: facility_province)
      recipient: "Sở Y tế tỉnh Đồng Nai"             # "Kính gửi" of the báo cáo
      signer: {authority: "KT. GIÁM ĐỐC", title: "Phó Giám đốc", name: ""}
      distribution: ["Như trên", "Ban Giám đốc (để b/c)", "Lưu: VT, CNTT"]
      reviewers: [{title: "Trưởng phòng Công nghệ thông tin", name: "Phạm Quốc Bảo"}]

``hisguard_host_departments`` maps a host name to the department that owns it (the per-department
breakdown attributes a host's findings to it). Every field is optional: a missing one is a blank
the clerk fills in. A field that is there but wrong (not text, several lines, too long, an unknown
key) is a one-line :class:`InventoryError` naming the facility and the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hisguard.reports.documents.model import Letterhead, Signer
from hisguard.scanners.errors import InventoryError
from hisguard.scanners.inventory import Facility

VARIABLE = "hisguard_documents"
HOSTS_VARIABLE = "hisguard_host_departments"
KEYS = ("governing_body", "issuer", "short_name", "place", "recipient", "signer", "distribution", "reviewers")
SIGNER_KEYS = ("authority", "title", "name")
MAX_TEXT = 200
MAX_ITEMS = 20
MAX_HOSTS = 5000
# A ký hiệu part: letters (Vietnamese ones too) and digits, in groups joined by "-" or "&".
SHORT_NAME = re.compile(r"\A[^\W_]+(?:[-&][^\W_]+)*\Z")


@dataclass(frozen=True)
class DocumentDetails:
    letterhead: Letterhead
    recipient: str = ""
    signer: Signer = field(default_factory=Signer)
    distribution: tuple[str, ...] = ()
    reviewers: tuple[Signer, ...] = ()
    host_departments: Mapping[str, str] | None = None

    def department_of_host(self, host: str) -> str:
        return (self.host_departments or {}).get(host, "")


class _Reader:
    def __init__(self, code: str) -> None:
        self.code = code

    def fail(self, name: str, why: str) -> InventoryError:
        return InventoryError(f"facility_{self.code}: {name}: {why}")

    def text(self, value: Any, name: str) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise self.fail(name, "must be text")
        text = str(value).strip()
        if len(text) > MAX_TEXT or any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text):
            raise self.fail(name, f"must be one line of at most {MAX_TEXT} characters")
        return text

    def mapping(self, value: Any, name: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(name, f"must be a mapping ({', '.join(keys)})")
        unknown = sorted(str(k) for k in value if k not in keys)
        if unknown:
            raise self.fail(f"{name}.{unknown[0]}", f"unknown field (known: {', '.join(keys)})")
        return value

    def texts(self, value: Any, name: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise self.fail(name, f"must be a list of at most {MAX_ITEMS} lines")
        return tuple(t for i, item in enumerate(value) if (t := self.text(item, f"{name}[{i}]")))

    def signer(self, value: Any, name: str) -> Signer:
        fields = self.mapping(value, name, SIGNER_KEYS)
        return Signer(**{key: self.text(fields.get(key), f"{name}.{key}") for key in SIGNER_KEYS})


def document_details(facility: Facility) -> DocumentDetails:
    """The facility's letterhead, signer, nơi nhận and reviewers; blanks where it gives none."""
    read = _Reader(facility.code)
    given = read.mapping(facility.settings.get(VARIABLE), VARIABLE, KEYS)
    short = read.text(given.get("short_name"), f"{VARIABLE}.short_name")
    if short and (len(short) > 30 or short != short.upper() or not SHORT_NAME.match(short)):
        raise read.fail(
            f"{VARIABLE}.short_name", "must be upper-case letters and digits, joined by - or & (e.g. BVĐKLĐN)"
        )
    reviewers = given.get("reviewers")
    if reviewers is not None and (not isinstance(reviewers, list) or len(reviewers) > MAX_ITEMS):
        raise read.fail(f"{VARIABLE}.reviewers", f"must be a list of at most {MAX_ITEMS} signers")
    return DocumentDetails(
        letterhead=Letterhead(
            governing_body=read.text(given.get("governing_body"), f"{VARIABLE}.governing_body"),
            issuer=read.text(given.get("issuer"), f"{VARIABLE}.issuer") or facility.name,
            short_name=short,
            place=read.text(given.get("place"), f"{VARIABLE}.place") or facility.province,
        ),
        recipient=read.text(given.get("recipient"), f"{VARIABLE}.recipient"),
        signer=read.signer(given.get("signer"), f"{VARIABLE}.signer"),
        distribution=read.texts(given.get("distribution"), f"{VARIABLE}.distribution"),
        reviewers=tuple(
            read.signer(item, f"{VARIABLE}.reviewers[{i}]") for i, item in enumerate(reviewers or ())
        ),
        host_departments=_host_departments(read, facility),
    )


def _host_departments(read: _Reader, facility: Facility) -> dict[str, str]:
    value = facility.settings.get(HOSTS_VARIABLE)
    if value is None:
        return {}
    if not isinstance(value, Mapping) or len(value) > MAX_HOSTS:
        raise read.fail(HOSTS_VARIABLE, "must map host names to their department")
    known = {host.name for host in facility.hosts}
    found = {}
    for host, department in value.items():
        name = read.text(host, HOSTS_VARIABLE)
        if name not in known:
            raise read.fail(f"{HOSTS_VARIABLE}.{name}", "is not a host of this facility")
        found[name] = read.text(department, f"{HOSTS_VARIABLE}.{name}")
    return found


def blank_details(code: str, name: str = "", province: str = "") -> DocumentDetails:
    """No inventory: the facility's name and province where known, every other field blank."""
    return DocumentDetails(letterhead=Letterhead(issuer=name, place=province), host_departments={})
