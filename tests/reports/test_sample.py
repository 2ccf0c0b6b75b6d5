"""The report tests' synthetic history uses real catalog entries, with the catalogs' metadata."""

from __future__ import annotations

from hisguard.reports.model import FacilityInfo
from hisguard.scanners.catalog import ids
from tests.reports import sample


def test_every_sampled_finding_is_a_catalog_entry_with_its_metadata() -> None:
    entries = ids.entries()
    runs = sample.facility_runs(
        FacilityInfo("75901", "Bệnh viện Thử nghiệm", "Hà Nội"), hosts=8, scans=3, must_fail=("C01", "N02")
    )
    findings = [f for run in runs for f in run.findings]
    assert findings
    for finding in findings:
        meta = entries[finding.check_id]  # KeyError: an id no catalog declares
        assert (finding.title, finding.severity, finding.remediation) == (
            meta.title,
            meta.severity,
            meta.remediation,
        )
        assert finding.scanner == ids.catalog_of(finding.check_id)
    assert {ids.family(f.check_id) for f in findings} >= {"C01", "H02"}
