"""``hisguard documents`` for the lab facility, from a store and the lab inventory: the NĐ30 parts,
the checklist and register rows, the department breakdown, hostile values kept as text, the vault
never printed, bad input one line and exit 2."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result

from hisguard.reports.documents.command import documents
from hisguard.reports.documents.demands import demands
from hisguard.scanners.findings import Severity, Status
from hisguard.scanners.store import Store
from tests.reports.helpers import T0, finding, run

REPO = Path(__file__).resolve().parents[2]
LAB = REPO / "inventories" / "lab"
CANARY = "CANARY-s3cr3t-7Zq"
HOSTILE_HOST = "evil<script>alert(1)</script>{{ 7*7 }}{% if x %}" + "A" * 3000
HOSTILE_DEPARTMENT = "Khoa <b>Ngoại</b> {{ config }}\x1b[31m\x00\u202e"
HOSTILE_HOLDER = "<img src=x onerror=alert(1)> {{ 7*7 }} {%- raw %}"

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _runs() -> list:  # type: ignore[type-arg]
    earlier = T0
    now = T0 + timedelta(days=7)
    fixed = finding("H02.1", host="ws-02", severity=Severity.HIGH)
    account = finding(
        "C11",
        host="his-app-02",
        resource="/opt/his/appsettings.json",
        scanner="credentials",
        severity=Severity.CRITICAL,
        evidence=f"PasswordBHXH = {CANARY}",  # a store value no document shows
        details={"account": "egw-his"},
        references=("CV-1898-BYT-BH",),
    )
    lab_host = finding("H05.1", host="ws-01", severity=Severity.HIGH, references=("QD-326-BYT",))
    hostile = finding(
        "N03",
        host=HOSTILE_HOST,
        resource="198.18.0.99",
        scanner="network",
        severity=Severity.MEDIUM,
        details={"department": HOSTILE_DEPARTMENT},
    )
    unowned = finding("H10.1", host="rogue-01", severity=Severity.HIGH, references=("ND-331-2026",))
    waived = finding("H07.1", host="ws-01", status=Status.WAIVED, severity=Severity.MEDIUM)
    hosts = ("his-app-01", "his-app-02", "ws-01", "ws-02")
    return [
        run([fixed, lab_host], earlier, hosts=hosts, run_id="75901-earlier"),
        run(
            [account, lab_host, hostile, unowned, waived],
            now,
            hosts=(*hosts, HOSTILE_HOST),
            run_id="75901-latest",
        ),
    ]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One store and one hostile inventory for the module (rendering PDFs is the slow part)."""
    base = tmp_path_factory.mktemp("documents")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HISGUARD_HOME", str(base / "home"))
        yield base


@pytest.fixture(scope="module")
def store_url(shared: Path) -> str:
    url = f"sqlite:///{shared / 'store.db'}"
    store = Store(url)
    for item in _runs():
        store.save_run(item)
    store.close()
    return url


@pytest.fixture(scope="module")
def inventory(shared: Path) -> Path:
    """The lab inventory with hostile register and letterhead values and a canary password."""
    copy = shared / "inventory"
    shutil.copytree(LAB, copy)
    path = copy / "group_vars" / "facility_75901.yml"
    text = path.read_text(encoding="utf-8")
    # Ansible templates inventory values as it loads them; !unsafe is how an inventory holds
    # literal Jinja, which must then reach the documents as text.
    text = text.replace('holder: "Bùi Thị Thu"', f"holder: !unsafe '{HOSTILE_HOLDER}'", 1)
    text = text.replace(
        '    password_changed: "2025-03-03"', f'    password_changed: "2025-03-03"\n    password: "{CANARY}"'
    )
    text = text.replace(
        'issuer: "Bệnh viện Đa khoa Lab Đồng Nai"', "issuer: !unsafe 'Bệnh viện {{ 7*7 }} <b>Lab</b>'"
    )
    path.write_text(text, encoding="utf-8")
    return copy


def invoke(*args: str) -> Result:
    return CliRunner().invoke(documents, list(args), catch_exceptions=True, standalone_mode=False)


def write(store_url: str, inventory: Path, out: Path, *extra: str) -> dict[str, Path]:
    result = invoke(
        "--store", store_url, "-i", str(inventory), "--vault-password-file", str(LAB / "vault-password.txt"),
        "--facility", "75901", "--out", str(out), *extra,
    )  # fmt: skip
    assert result.exception is None, result.output
    paths = [Path(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(paths) == 4
    return {p.name: p for p in paths}


def word_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def written(store_url: str, inventory: Path, shared: Path) -> dict[str, Path]:
    return write(store_url, inventory, shared / "out")


NATION = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def test_review_report_has_the_nd30_parts_and_the_checklist(written: dict[str, Path]) -> None:
    text = word_text(written["bao-cao-ra-soat-75901.docx"])
    for part in (
        *NATION,
        "SỞ Y TẾ TỈNH ĐỒNG NAI",
        "Số: ......./BC-BVĐKLĐN",
        "Đồng Nai, ngày ...... tháng ...... năm",
        "BÁO CÁO",
        "Kết quả rà soát tài khoản giám định BHYT và bảo mật dữ liệu gửi cổng giám định BHYT",
        "Kính gửi: Sở Y tế tỉnh Đồng Nai",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT, CNTT.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "75901-latest",  # the scan id as evidence
    ):
        assert part in text, part
    rows = [line for line in text.splitlines() if re.match(r"\d+ \| CV ", line)]
    assert len(rows) == len(demands()) == 15
    assert any(r.startswith("1 | CV 5877/BYT-BH, mục (1):") for r in rows)
    assert any("CV 5970/SYT-NV, nội dung 5" in r for r in rows)
    assert any("CV 1898/BYT-BH, nội dung 2" in r for r in rows)
    assert any("CV 2234/SYT-KHTC, nội dung 2" in r for r in rows)
    # 5877 item (3), data sent to the portal: C11 is not among its checks, so nothing remains of it
    # from the scan; 1898 point 2 (never disclose) lists the open C11.
    never_disclose = next(r for r in rows if "CV 1898/BYT-BH, nội dung 2" in r)
    assert "1 phát hiện cần xử lý (C11)" in never_disclose
    manual = next(r for r in rows if "CV 5877/BYT-BH, mục (2)" in r)
    assert "Đơn vị ghi nội dung đã thực hiện" in manual


def test_review_report_breaks_findings_down_by_department(written: dict[str, Path]) -> None:
    text = word_text(written["bao-cao-ra-soat-75901.docx"])
    rows = {
        line.split(" | ")[1]: line.split(" | ")[2:] for line in text.splitlines() if line.count(" | ") == 7
    }
    # C11 names egw-his (Phòng Công nghệ thông tin in the register); H05.1 is on ws-01, owned by
    # Khoa Xét nghiệm; the hostile N03 names its own department; rogue-01 has no owner.
    assert rows["Phòng Công nghệ thông tin"] == ["1", "0", "0", "0", "0", "1"]
    assert rows["Khoa Xét nghiệm"] == ["0", "1", "0", "0", "0", "1"]
    assert rows["Chưa xác định khoa/phòng"] == ["0", "1", "0", "0", "0", "1"]
    assert "Khoa <b>Ngoại</b> {{ config }}" in "\n".join(rows)
    assert list(rows)[-1] == "Chưa xác định khoa/phòng"


def test_review_report_compares_with_the_previous_scan(written: dict[str, Path]) -> None:
    text = word_text(written["bao-cao-ra-soat-75901.docx"])
    assert "Đã khắc phục | 1" in text  # H02.1 on ws-02
    assert "Vẫn còn | 1" in text  # H05.1 on ws-01
    assert "Phát hiện mới | 3" in text
    assert "Nghiêm trọng | 1 | 0" in text and "Trung bình | 1 | 1" in text


def test_minutes_list_every_register_account_and_the_reviewers(written: dict[str, Path]) -> None:
    text = word_text(written["bien-ban-ra-soat-tai-khoan-75901.docx"])
    for part in (
        *NATION,
        "Số: ......./BB-BVĐKLĐN",
        "BIÊN BẢN",
        "Rà soát tài khoản giám định BHYT",
        "Nơi nhận:",
    ):
        assert part in text, part
    assert "- Như trên;" not in text  # a biên bản has no "Kính gửi" to point at
    egw = next(line for line in text.splitlines() if line.startswith("1 | egw-his (75901_BV)"))
    assert egw.split(" | ")[2:7] == [
        "Trần Văn Minh",
        "Phòng Công nghệ thông tin",
        "tra cứu, gửi hồ sơ",
        "15/QĐ-BVĐKLĐN, 10/01/2025, Giám đốc Lê Thị Hoa",
        "máy chủ HIS",
    ]
    assert "đang dùng; giữ nguyên (01/03/2025, Phạm Quốc Bảo)" in egw
    old = next(line for line in text.splitlines() if line.startswith("2 | giamdinh-cu (75901_XN01)"))
    assert "Khoa Xét nghiệm" in old and "đã thu hồi" in old
    assert "egw-his: C11" in text
    for reviewer in ("Phạm Quốc Bảo", "Nguyễn Thị Lan", "TRƯỞNG PHÒNG CÔNG NGHỆ THÔNG TIN", "NGƯỜI RÀ SOÁT"):
        assert reviewer in text


def test_pdf_text_keeps_the_diacritics(written: dict[str, Path]) -> None:
    report = pdf_text(written["bao-cao-ra-soat-75901.pdf"])
    for part in (
        *NATION,
        "Kính gửi: Sở Y tế tỉnh Đồng Nai",
        "Phòng Công nghệ thông tin",
        "Chưa xác định khoa/phòng",
    ):
        assert part in report, part
    minutes = pdf_text(written["bien-ban-ra-soat-tai-khoan-75901.pdf"])
    for part in (*NATION, "Trần Văn Minh", "Khoa Xét nghiệm", "Phạm Quốc Bảo"):
        assert part in " ".join(minutes.split()), part


def test_hostile_values_are_text_and_the_vault_is_never_printed(written: dict[str, Path]) -> None:
    report = word_text(written["bao-cao-ra-soat-75901.docx"])
    minutes = word_text(written["bien-ban-ra-soat-tai-khoan-75901.docx"])
    assert "BỆNH VIỆN {{ 7*7 }} <B>LAB</B>" in report  # the issuer, upper-cased, never evaluated
    assert HOSTILE_HOLDER.strip() in minutes
    assert "evil<script>alert(1)</script>{{ 7*7 }}{% if x %}AAAA" in report
    assert "A" * 1000 not in report  # the 3000-character host name is cut, and says so
    for text in (report, minutes):
        assert "\x1b" not in text and "\x00" not in text and "\u202e" not in text
    pdf = " ".join(pdf_text(written["bao-cao-ra-soat-75901.pdf"]).split())
    assert "<script>alert(1)</script>" in pdf.replace(" ", "") or "alert(1)" in pdf
    assert "{{ config }}" in pdf
    for path in written.values():
        raw = path.read_bytes()
        assert CANARY.encode() not in raw
        if path.suffix == ".docx":
            with zipfile.ZipFile(io.BytesIO(raw)) as pack:
                assert all(CANARY.encode() not in pack.read(name) for name in pack.namelist())
        else:
            assert CANARY not in pdf_text(path)
            assert "<script>" not in raw.decode("latin-1")


def test_english_documents(store_url: str, inventory: Path, tmp_path: Path) -> None:
    files = write(store_url, inventory, tmp_path / "en", "--lang", "en", "--date", "2026-02-05")
    report = word_text(files["bao-cao-ra-soat-75901.docx"])
    for part in (
        "SOCIALIST REPUBLIC OF VIETNAM",
        "Independence - Freedom - Happiness",
        "No.: ......./BC-BVĐKLĐN",
        "Đồng Nai, 5 February 2026",
        "Recipients:",
        "Letter 5877/BYT-BH, item (1)",
        "No department",
    ):
        assert part in report, part
    vi = write(store_url, inventory, tmp_path / "vi", "--date", "2026-02-05")
    assert "Đồng Nai, ngày 05 tháng 02 năm 2026" in word_text(vi["bao-cao-ra-soat-75901.docx"])


def test_a_facility_template_directory_replaces_the_layout(
    store_url: str, inventory: Path, tmp_path: Path
) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "document.css").write_text("body { color: #00ff00; }", encoding="utf-8")
    files = write(store_url, inventory, tmp_path / "own", "--templates", str(own))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pdf_text(files["bao-cao-ra-soat-75901.pdf"])
    bad = tmp_path / "bad-templates"
    bad.mkdir()
    (bad / "document.html.j2").write_text("{{ doc.missing_field }}", encoding="utf-8")
    broken = invoke(
        "--store", store_url, "--facility", "75901", "--templates", str(bad), "--out", str(tmp_path / "x")
    )
    assert "--templates: the template does not render" in str(broken.exception)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from scanners.cli import main; main()", "documents", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
    )


def test_bad_input_is_one_line_and_exit_2(store_url: str, inventory: Path, tmp_path: Path) -> None:
    inventory = Path(shutil.copytree(inventory, tmp_path / "bad-inventory"))
    path = inventory / "group_vars" / "facility_75901.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('short_name: "BVĐKLĐN"', 'short_name: "bv lab"'),
        encoding="utf-8",
    )
    cases = [
        (["--store", store_url, "--facility", "7590"], "is not a 5-digit facility code"),
        (["--store", store_url, "--facility", "75902"], "no scan of facility 75902"),
        (["--store", store_url, "--templates", str(tmp_path / "none")], "not a directory"),
        (
            [
                "--store",
                store_url,
                "-i",
                str(inventory),
                "--vault-password-file",
                str(LAB / "vault-password.txt"),
            ],
            "facility_75901: hisguard_documents.short_name: must be upper-case",
        ),
    ]
    for args, message in cases:
        done = _cli(*args, "--out", str(tmp_path / "out"))
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        # A usage error comes with click's usage line; any other error is one line.
        lines = [line for line in done.stderr.splitlines() if line.startswith(("Error:", "hisguard: error:"))]
        assert len(lines) == 1 and message in lines[0], done.stderr
        if lines[0].startswith("hisguard"):
            assert done.stderr.strip() == lines[0]


def test_registered_in_the_hisguard_command(store_url: str, tmp_path: Path) -> None:
    done = _cli("--store", store_url, "--out", str(tmp_path / "plain"))
    assert done.returncode == 0, done.stderr
    names = sorted(Path(line).name for line in done.stdout.splitlines())
    assert names == [
        "bao-cao-ra-soat-75901.docx",
        "bao-cao-ra-soat-75901.pdf",
        "bien-ban-ra-soat-tai-khoan-75901.docx",
        "bien-ban-ra-soat-tai-khoan-75901.pdf",
    ]
    # Without an inventory: blanks to fill in, never a crash.
    text = word_text(tmp_path / "plain" / "bao-cao-ra-soat-75901.docx")
    assert "Số: ......./BC-......" in text and "Kính gửi: ......" in text
