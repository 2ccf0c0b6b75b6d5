"""The regulation catalog says what each text requires, from the right text, with an honest confidence."""

from __future__ import annotations

from hisguard.scanners.catalog import ids, regulations


def test_decree_331_states_its_scope_and_the_figures_come_from_the_standard() -> None:
    decree = regulations()["ND-331-2026"]
    standard = regulations()["TCVN-14423-2026"]
    for figure in ("14 ký tự", "45 ngày", "1 tháng"):
        assert figure not in decree.requirement.vi
        assert figure in standard.requirement.vi
    assert "cơ quan nhà nước" in decree.requirement.vi and "khuyến khích" in decree.requirement.vi
    assert "encouraged" in decree.requirement.en


def test_letter_5877_keeps_every_item_including_the_report_to_the_department_of_health() -> None:
    text = regulations()["CV-5877-BYT-BH"].requirement.vi
    assert "báo cáo Sở Y tế" in text
    for item in ("(1)", "(2)", "(3)", "(4)", "(5)"):
        assert item in text
    assert "mạo danh" in text and "kỷ luật" in text
    assert "cổng giám định BHYT" in text


def test_secondary_texts_are_marked_and_the_new_ones_exist() -> None:
    catalog = regulations()
    assert catalog["CV-5715-BYT-BH"].to_be_verified
    assert "72 giờ" in catalog["LUAT-91-2025"].requirement.vi
    assert "A05" in catalog["LUAT-91-2025"].requirement.vi
    assert catalog["TT-48-2017-BYT"].to_be_verified
    assert "Điều" not in catalog["TT-48-2017-BYT"].document.vi.split("(")[0]


def test_every_text_is_cited_and_every_citation_exists() -> None:
    catalog = regulations()
    cited = {ref for meta in ids.entries().values() for ref in meta.references}
    assert cited <= set(catalog)
    assert "CV-5970-SYT-NV" in cited and "TCVN-14423-2026" in cited and "CV-5715-BYT-BH" in cited


def test_the_breach_notice_duty_is_recorded_with_its_honest_confidence() -> None:
    from hisguard.scanners.catalog import breach_notices

    (entry,) = breach_notices()
    assert entry.key == "LUAT-91-2025" and entry.to_be_verified  # secondary: shown as "to be verified"
    duty = entry.breach_notice
    assert duty is not None and duty.deadline_hours == 72
    # The duty says what the requirement text says, no more.
    assert f"{duty.deadline_hours} giờ" in entry.requirement.vi and "A05" in duty.recipient.vi
    assert "356/2025" in duty.form.vi and "đối chiếu" in duty.form.vi
