"""The facility's document details (hisguard_documents) and the letters' demands file: each
malformed case is a one-line error naming where; missing fields are blanks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from hisguard.reports.documents.demands import demands, parse
from hisguard.reports.documents.departments import UNATTRIBUTED, breakdown
from hisguard.reports.documents.details import document_details
from hisguard.reports.documents.model import Signer
from hisguard.reports.documents.register import register_state
from hisguard.scanners.errors import CatalogError, InventoryError
from hisguard.scanners.findings import Severity
from hisguard.scanners.inventory import Facility, HostTarget, PortalAccount
from tests.reports.helpers import finding


def facility(**settings: Any) -> Facility:
    host = HostTarget("ws-01", "75901", "198.18.0.21", 22, None, None, ("workstations",), ())
    return Facility(
        code="75901",
        name="Bệnh viện Đa khoa Lab Đồng Nai",
        province="Đồng Nai",
        networks=(),
        scan_exclude=(),
        management_networks=(),
        hosts=(host,),
        settings=settings,
    )


def test_missing_details_are_blanks_with_the_facility_name_and_province() -> None:
    details = document_details(facility())
    assert details.letterhead.issuer == "Bệnh viện Đa khoa Lab Đồng Nai"
    assert details.letterhead.place == "Đồng Nai"
    assert details.letterhead.governing_body == details.letterhead.short_name == ""
    assert details.signer == Signer() and details.distribution == () and details.reviewers == ()


def test_every_field_is_read() -> None:
    details = document_details(
        facility(
            hisguard_documents={
                "governing_body": "Sở Y tế tỉnh Đồng Nai",
                "issuer": "Bệnh viện X",
                "short_name": "BVĐK-X",
                "place": "Biên Hòa",
                "recipient": "Sở Y tế tỉnh Đồng Nai",
                "signer": {"authority": "KT. GIÁM ĐỐC", "title": "Phó Giám đốc", "name": "Lê Văn A"},
                "distribution": ["Như trên", "Lưu: VT"],
                "reviewers": [{"title": "Trưởng phòng", "name": "B"}],
            },
            hisguard_host_departments={"ws-01": "Khoa Khám bệnh"},
        )
    )
    assert details.letterhead.short_name == "BVĐK-X" and details.letterhead.place == "Biên Hòa"
    assert details.signer == Signer(title="Phó Giám đốc", authority="KT. GIÁM ĐỐC", name="Lê Văn A")
    assert details.reviewers == (Signer(title="Trưởng phòng", name="B"),)
    assert details.department_of_host("ws-01") == "Khoa Khám bệnh"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"hisguard_documents": "x"}, "hisguard_documents: must be a mapping"),
        ({"hisguard_documents": {"isuer": "x"}}, "hisguard_documents.isuer: unknown field"),
        ({"hisguard_documents": {"issuer": ["x"]}}, "hisguard_documents.issuer: must be text"),
        ({"hisguard_documents": {"issuer": "a\nb"}}, "hisguard_documents.issuer: must be one line"),
        ({"hisguard_documents": {"place": "x" * 201}}, "hisguard_documents.place: must be one line"),
        ({"hisguard_documents": {"short_name": "bvdk"}}, "hisguard_documents.short_name: must be upper-case"),
        (
            {"hisguard_documents": {"short_name": "BV/ĐK"}},
            "hisguard_documents.short_name: must be upper-case",
        ),
        ({"hisguard_documents": {"signer": {"rank": "x"}}}, "hisguard_documents.signer.rank: unknown field"),
        (
            {"hisguard_documents": {"distribution": "Lưu: VT"}},
            "hisguard_documents.distribution: must be a list",
        ),
        (
            {"hisguard_documents": {"reviewers": [{"title": 3.5}]}},
            "hisguard_documents.reviewers[0].title: must be text",
        ),
        ({"hisguard_host_departments": ["ws-01"]}, "hisguard_host_departments: must map host names"),
        ({"hisguard_host_departments": {"ws-99": "Khoa"}}, "hisguard_host_departments.ws-99: is not a host"),
    ],
)
def test_malformed_details_are_one_line_errors(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(InventoryError) as caught:
        document_details(facility(**settings))
    text = str(caught.value)
    assert text.startswith("facility_75901: ") and message in text and "\n" not in text


def test_the_demands_file_loads_and_names_the_four_letters() -> None:
    letters = {d.letter for d in demands()}
    assert letters == {"CV-5877-BYT-BH", "CV-5970-SYT-NV", "CV-1898-BYT-BH", "CV-2234-SYT-KHTC"}
    assert [d.item for d in demands() if d.letter == "CV-5877-BYT-BH"] == [1, 2, 3, 4, 5]


GOOD = {"item": 1, "demand": {"vi": "Rà soát", "en": "Review"}, "checks": ["C14"], "evidence": ["scan"]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"CV-9999": {"numbered": True, "items": [GOOD]}}, "not a key of the regulation catalog"),
        ({"QD-326-BYT": {"numbered": True, "items": [GOOD]}}, "only the letters"),
        ({"CV-1898-BYT-BH": {"numbered": "yes", "items": [GOOD]}}, "numbered must be true or false"),
        ({"CV-1898-BYT-BH": {"numbered": True, "items": [GOOD, GOOD]}}, "item 1 is declared twice"),
        (
            {"CV-1898-BYT-BH": {"numbered": True, "items": [{**GOOD, "checks": ["Z99"]}]}},
            "'Z99' is not a known",
        ),
        (
            {"CV-1898-BYT-BH": {"numbered": True, "items": [{**GOOD, "evidence": ["hope"]}]}},
            "evidence must be",
        ),
        ({"CV-1898-BYT-BH": {"numbered": True, "items": [{**GOOD, "checks": []}]}}, "needs the checks"),
        (
            {"CV-1898-BYT-BH": {"numbered": True, "items": [{**GOOD, "demand": {"vi": ""}}]}},
            "needs vi and en",
        ),
    ],
)
def test_malformed_demands_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse(data, "demands.yml")


def test_department_breakdown_rules() -> None:
    account = PortalAccount("egw-his", "75901_BV", "A", "", (), None, None, department="Phòng CNTT")
    found = [
        finding("C11", host="his-app-01", severity=Severity.CRITICAL, details={"account": "egw-his"}),
        finding("C04", host="ws-09", severity=Severity.HIGH, details={"username": "75901_bv"}),
        finding("C14", host="register", severity=Severity.HIGH, details={"department": "Khoa Dược"}),
        finding("H02.1", host="ws-01", severity=Severity.HIGH),
        finding("H02.2", host="ws-02", severity=Severity.LOW),
    ]
    rows = breakdown(found, [account], {"ws-01": "Khoa Khám bệnh", "his-app-01": "Khoa Khác"})
    by_name = {row.department: row for row in rows}
    assert list(by_name) == ["Khoa Dược", "Khoa Khám bệnh", "Phòng CNTT", UNATTRIBUTED]
    assert by_name["Phòng CNTT"].counts[Severity.CRITICAL] == 1 and by_name["Phòng CNTT"].total == 2
    assert by_name[UNATTRIBUTED].counts[Severity.LOW] == 1


def test_register_state_counts_reviews_within_the_period() -> None:
    base = PortalAccount("a", "u1", "A", "", (), None, date(2026, 1, 10))
    accounts = [
        base,
        replace(base, name="b", username="u2", reviewed=date(2025, 1, 1)),
        replace(base, name="c", username="u3", reviewed=None, status="revoked", revoked=date(2025, 5, 1)),
    ]
    state = register_state(accounts, 6, date(2026, 6, 9))
    assert (state.total, state.reviewed_in_period, state.with_decision) == (3, 1, 0)
    assert state.overdue == ("b",) and state.without_decision == ("a", "b")
    assert register_state(accounts, 6, date(2026, 7, 10)).overdue == ("a", "b")
