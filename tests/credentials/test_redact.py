"""Evidence shows no character of a secret: its kind, a length class and a keyed fingerprint."""

from __future__ import annotations

from pathlib import Path

from hisguard.scanners.credentials.redact import evidence, length_class, secret_fingerprint, username_label
from hisguard.scanners.credentials.rules import default_rules
from hisguard.scanners.credentials.scanner import run_local
from tests.credentials.helpers import write

KEY = b"k" * 32


def test_evidence_holds_no_character_of_the_secret() -> None:
    for secret in ("Bv75901@", "Zq#4", "E10ADC3949BA59ABBE56E057F20F883E", "Long" * 75):
        text = evidence("PasswordBHXH", "password", secret, KEY)
        key, shown = text.split(" = ", 1)
        assert key == "PasswordBHXH"
        label, fingerprint = shown.rsplit(", fp ", 1)
        assert label in (
            "<password, up to 8 chars",
            "<password, 17-32 chars",
            "<password, over 64 chars",
        )
        assert fingerprint == secret_fingerprint(secret, KEY) + ">"
        assert secret not in text


def test_length_is_a_class() -> None:
    assert length_class("123456") == length_class("12345678") == "up to 8 chars"
    assert length_class("123456789") == "9-16 chars"
    assert length_class("a" * 32) == "17-32 chars"
    assert length_class("a" * 65) == "over 64 chars"


def test_fingerprint_matches_the_same_secret_only() -> None:
    assert secret_fingerprint("Abc@1234", KEY) == secret_fingerprint("Abc@1234", KEY)
    assert secret_fingerprint("Abc@1234", KEY) != secret_fingerprint("Abc@1235", KEY)
    assert secret_fingerprint("Abc@1234", KEY) != secret_fingerprint("Abc@1234", b"j" * 32)
    assert len(secret_fingerprint("Abc@1234", KEY)) == 10


def test_usernames() -> None:
    assert username_label("75901_BV") == "75901_BV"
    assert username_label("75901_TYT") == "75901_TYT"
    cccd = username_label("079201001234", KEY)
    assert "079201001234" not in cccd and "07" not in cccd.split("fp")[0] and cccd.startswith("<citizen id")


def test_findings_of_one_secret_share_the_fingerprint(tmp_path: Path) -> None:
    write(tmp_path, "opt/a/.env", "BHXH_EGW_USERNAME=75901_BV\nBHXH_EGW_PASSWORD=Qm7!zz31\n")
    write(tmp_path, "opt/b/appsettings.json", '{"BHXH": {"Username": "75901_BV", "Password": "Qm7!zz31"}}\n')
    write(tmp_path, "opt/c/.env", "BHXH_EGW_PASSWORD=Other#991\n")
    run = run_local([str(tmp_path)], default_rules(), jobs=1)
    c01 = {Path(f.resource).parent.name: f for f in run.findings if f.check_id == "C01"}
    assert set(c01) == {"a", "b", "c"}
    prints = {name: f.details["secret_fingerprint"] for name, f in c01.items()}
    assert prints["a"] == prints["b"] != prints["c"]
    for name, finding in c01.items():
        assert prints[name] in finding.evidence
        assert "Qm" not in finding.evidence and "Ot" not in finding.evidence
        assert finding.details["length"] == ("9-16 chars" if name == "c" else "up to 8 chars")


def test_weak_password_guesses_use_any_facility_suffix(tmp_path: Path) -> None:
    """75123_TYT's password Bv75123@ is a guess built from the code, whatever the suffix."""
    write(tmp_path, "opt/his/.env", "BHXH_EGW_USERNAME=75123_TYT\nBHXH_EGW_PASSWORD=Bv75123@\n")
    run = run_local([str(tmp_path)], default_rules(), jobs=1)
    assert {f.check_id for f in run.findings} >= {"C01", "C03"}
