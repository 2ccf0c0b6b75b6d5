"""The key-name audit: camelCase, snake, kebab and Vietnamese without diacritics are split into the
right words, and no word is read across a token it does not end with (Portal is not port + al)."""

from __future__ import annotations

import pytest

from hisguard.scanners.credentials.keynames import KeyClassifier
from hisguard.scanners.credentials.rules import default_rules

# name -> (kind, names the portal, names another system or is not a secret)
CASES = {
    "BHYTPortalPassword": ("password", True, False),
    "portal_pass": ("password", False, False),
    "portal_user": ("username", False, False),
    "PortalTitle": (None, False, True),
    "portal_port": (None, False, True),
    "BHXHPortalUrl": (None, True, True),
    "MatKhauBHXH": ("password", True, False),
    "mat_khau": ("password", False, False),
    "mat-khau-bhyt": ("password", True, False),
    "MATKHAU_BHXH": ("password", True, False),
    "MK_THONG_TUYEN": ("password", True, False),
    "tendangnhap": ("username", False, False),
    "ten_dang_nhap_bhxh": ("username", True, False),
    "TaiKhoanBHXH": ("username", True, False),
    "tai-khoan": ("username", False, False),
    "MatKhauBaoHiem": ("password", True, False),
    "getInsurancePassword": ("password", True, False),
    "INSURANCE_PASSWORD": ("password", True, False),
    "pwBHXH": ("password", True, False),
    "passport_no": (None, False, False),
    "userAgent": (None, False, False),
    "secretary": (None, False, False),
    "pwm_channel": (None, False, False),
    "tkb_code": (None, False, True),
    "DB_PASSWORD": ("password", False, True),
    "SmtpPassword": ("password", False, True),
    "lblMatKhauBHXH": ("password", True, True),
    "PasswordMinLength": ("password", False, True),
    "MaThamSo": (None, False, True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_key_name(name: str) -> None:
    kc = KeyClassifier(default_rules()).classify(name)
    kind, portal, excluded = CASES[name]
    assert (kc.kind, kc.portal, kc.other or kc.not_secret) == (kind, portal, excluded)
