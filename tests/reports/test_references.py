"""References once: the facility report cites each letter or regulation by a short label that
links to one appendix entry, the entries to be verified kept apart from the verified ones."""

from __future__ import annotations

import re

import pytest

from hisguard.reports.formats import FORMATS

from .helpers import sample_report

REPORT = sample_report(hosts=8, findings_per_host=6)


def test_the_report_lists_every_cited_document_once_verified_first() -> None:
    cited = {ref.key for a in [*REPORT.actions, REPORT.manual] if a for g in a.checks for ref in g.references}
    keys = [ref.key for ref in REPORT.references]
    assert sorted(keys) == sorted(cited) and len(keys) == len(set(keys))
    flags = [ref.to_be_verified for ref in REPORT.references]
    assert flags == sorted(flags) and False in flags and True in flags
    assert {ref.label for ref in REPORT.references} >= {"1898/BYT-BH", "331/2026/NĐ-CP"}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_html_cites_by_label_and_links_to_one_appendix_entry(lang: str) -> None:
    html = str(FORMATS["html"].facility(REPORT, lang))
    appendix = html[html.index('<section id="references"') :]
    body = html[: html.index('<section id="references"')]
    for ref in REPORT.references:
        assert html.count(f'id="{ref.anchor}"') == 1
        assert f'href="#{ref.anchor}">{ref.label}</a>' in body
        # The regulation's paragraph is printed once, in the appendix, not under every check.
        assert ref.requirement is not None
        requirement = ref.requirement.vi if lang == "vi" else ref.requirement.en
        assert html.count(requirement.split(";")[0][:60]) == 1
        assert requirement.split(";")[0][:60] in appendix
    verified, unverified = appendix.split('<ul class="refs unverified">')
    for ref in REPORT.references:
        assert f'id="{ref.anchor}"' in (unverified if ref.to_be_verified else verified)
    assert html.count('href="#references"') == 1  # the contents entry
    vi, en = "Phụ lục: công văn, quy định được viện dẫn", "Appendix: letters and regulations cited"
    heading = vi if lang == "vi" else en
    assert f"<h2>{heading}</h2>" in appendix


def test_markdown_cites_by_label_and_has_the_appendix() -> None:
    md = str(FORMATS["md"].facility(REPORT, "vi"))
    head, appendix = md.split("## Phụ lục: công văn, quy định được viện dẫn")
    for ref in REPORT.references:
        assert f"[{ref.label}](#{ref.anchor})" in head
        assert md.count(f'<a id="{ref.anchor}"></a>') == 1
        assert ref.requirement is not None
        assert md.count(ref.requirement.vi.split(";")[0][:60]) == 1
    verified, unverified = appendix.split("### Cần kiểm chứng (chỉ biết qua nguồn thứ cấp)")
    for ref in REPORT.references:
        assert f'<a id="{ref.anchor}"></a>' in (unverified if ref.to_be_verified else verified)
    assert re.search(r"\*\*1898/BYT-BH\*\* · Công văn 1898/BYT-BH ngày 09/04/2019", verified)


def test_a_key_the_catalog_does_not_know_is_to_be_verified_and_labelled_by_its_key() -> None:
    from hisguard.reports.build import reference

    ref = reference("NOT-IN-CATALOG")
    assert ref.to_be_verified and ref.label == "NOT-IN-CATALOG" and ref.anchor == "ref-NOT-IN-CATALOG"
