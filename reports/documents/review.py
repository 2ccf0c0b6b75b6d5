"""The "Báo cáo kết quả rà soát" a facility sends its Sở Y tế, built from the store's scans.

What was reviewed (facility, hosts, scanners) and when (the scans' dates), the open findings
by severity and by department, the changes since the previous scan, and the checklist: each
numbered demand of the four letters (``demands.yml``) with what was done, the evidence (scan
ids and dates, the register's review) and what remains. Only titles, check ids, host names
and counts are shown: never a finding's evidence, so never any part of a secret.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from hisguard.reports.diff import compare
from hisguard.reports.documents import citations
from hisguard.reports.documents.demands import Demand, demands
from hisguard.reports.documents.departments import UNATTRIBUTED, breakdown
from hisguard.reports.documents.details import DocumentDetails
from hisguard.reports.documents.model import AdminDocument, Block, Heading, Paragraph, Signer, Table, clean
from hisguard.reports.documents.register import RegisterState, register_state
from hisguard.reports.i18n import Translator
from hisguard.reports.scans import FacilityHistory, Scan
from hisguard.scanners.catalog import ids
from hisguard.scanners.findings import Finding, Severity, Status
from hisguard.scanners.inventory import Facility, PortalAccount

ROMAN = ("I", "II", "III", "IV", "V", "VI")


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def build_review_report(
    history: FacilityHistory,
    details: DocumentDetails,
    facility: Facility | None,
    lang: str,
    today: date,
    issued: date | None = None,
) -> AdminDocument:
    tr = Translator(lang)
    scan = history.current
    failing = [f for f in scan.findings if f.status == Status.FAIL]
    accounts = facility.portal_accounts if facility else ()
    state = register_state(accounts, facility.review_period_months if facility else 6, today)
    issuer = details.letterhead.issuer or (facility.name if facility else "")
    code = history.facility

    body: list[Block] = [Paragraph(_intro(lang, issuer))]
    body += _scope(lang, tr, history, facility, details, code, issuer)
    body += _results(lang, tr, history, failing, accounts, details)
    body += _checklist(lang, tr, scan, state)
    body += _next_steps(lang)
    keys = [*citations.LETTER_ORDER, *(k for f in failing for k in f.references)]
    distribution = details.distribution or (
        (_t(lang, "Như trên", "As above"), _t(lang, "Lưu: VT", "File: Records office"))
    )
    return AdminDocument(
        lang=lang,
        letterhead=details.letterhead,
        kind_code="BC",
        kind_title=_t(lang, "Báo cáo", "Report"),
        summary=_t(
            lang,
            "Kết quả rà soát tài khoản giám định BHYT và bảo mật dữ liệu gửi cổng giám định BHYT",
            "Results of the review of the BHYT assessment accounts and of the security of the data sent "
            "to the BHYT assessment portal",
        ),
        recipients=(details.recipient or "......................................",),
        body=tuple(body),
        distribution=distribution,
        signers=(
            details.signer if details.signer != Signer() else Signer(title=_t(lang, "Giám đốc", "Director")),
        ),
        issued=issued,
        year=today.year,
        appendix=citations.appendix(
            keys, lang, _t(lang, "PHỤ LỤC: VĂN BẢN VIỆN DẪN", "APPENDIX: DOCUMENTS CITED")
        ),
    )


def _intro(lang: str, issuer: str) -> str:
    letters = "; ".join(citations.document_name(k, lang) for k in citations.LETTER_ORDER)
    who = clean(issuer) or "......"
    if lang == "vi":
        return f"Thực hiện {letters}, {who} báo cáo kết quả rà soát như sau:"
    return f"Pursuant to {letters}, {who} reports the results of its review as follows:"


def _scope(
    lang: str,
    tr: Translator,
    history: FacilityHistory,
    facility: Facility | None,
    details: DocumentDetails,
    code: str,
    issuer: str,
) -> list[Block]:
    scan = history.current
    blocks: list[Block] = [
        Heading(_t(lang, "I. PHẠM VI VÀ THỜI GIAN RÀ SOÁT", "I. SCOPE AND TIME OF THE REVIEW")),
        Paragraph(
            _t(
                lang,
                "1. Đơn vị: {0} (mã cơ sở khám bệnh, chữa bệnh {1}).",
                "1. Facility: {0} (facility code {1}).",
            ).format(clean(issuer) or "......", code)
        ),
        Paragraph(
            _t(
                lang,
                "2. Thời gian: lần rà soát gần nhất từ {0} đến {1} (giờ Việt Nam); lần rà soát trước: {2}.",
                "2. Time: the latest review ran from {0} to {1} (Vietnam time); the previous one: {2}.",
            ).format(
                tr.format_datetime(scan.started_at),
                tr.format_datetime(scan.finished_at),
                tr.format_datetime(history.previous.finished_at)
                if history.previous
                else _t(lang, "chưa có", "none"),
            )
        ),
        Paragraph(
            _t(lang, "3. Trình quét đã chạy: {0}.", "3. Scanners run: {0}.").format(
                ", ".join(tr.scanner(s) for s in scan.scanners)
            )
        ),
    ]
    runs = tuple(
        (
            str(i),
            run.id,
            ", ".join(tr.scanner(s) for s in run.scanners),
            tr.format_datetime(run.started_at),
            tr.format_datetime(run.finished_at),
        )
        for i, run in enumerate(scan.runs, 1)
    )
    blocks.append(
        Table(
            _t(
                lang, "STT|Mã lần quét|Trình quét|Bắt đầu|Kết thúc", "No.|Scan id|Scanners|Started|Finished"
            ).split("|"),  # type: ignore[arg-type]
            runs,
            widths=(0.9, 4.4, 2.4, 1.8, 1.8),
            caption=_t(lang, "Bảng 1. Các lần quét", "Table 1. Scan runs"),
        )
    )
    groups = {h.name: h.groups for h in facility.hosts} if facility else {}
    unreachable = {e.target for e in scan.errors}
    hosts = tuple(
        (
            str(i),
            clean(host),
            ", ".join(g for g in groups.get(host, ()) if not g.startswith("facility_")),
            clean(details.department_of_host(host)),
            _t(lang, "Có lỗi khi quét", "Scan errors")
            if host in unreachable
            else _t(lang, "Đã quét", "Scanned"),
        )
        for i, host in enumerate(sorted(scan.hosts), 1)
    )
    blocks.append(
        Paragraph(_t(lang, "4. Máy đã rà soát: {0} máy.", "4. Hosts reviewed: {0}.").format(len(scan.hosts)))
    )
    if hosts:
        blocks.append(
            Table(
                tuple(
                    _t(
                        lang,
                        "STT|Máy|Chức năng|Khoa/phòng quản lý|Kết quả",
                        "No.|Host|Role|Owning department|Result",
                    ).split("|")
                ),
                hosts,
                widths=(0.9, 3.0, 2.6, 2.8, 1.8),
                caption=_t(lang, "Bảng 2. Máy đã rà soát", "Table 2. Hosts reviewed"),
            )
        )
    return blocks


def _severity_table(lang: str, tr: Translator, scan: Scan) -> Table:
    open_ = Counter(f.severity for f in scan.findings if f.status == Status.FAIL)
    waived = Counter(f.severity for f in scan.findings if f.status == Status.WAIVED)
    rows = tuple((tr.severity(s), str(open_[s]), str(waived[s])) for s in Severity)
    rows += ((_t(lang, "Tổng cộng", "Total"), str(sum(open_.values())), str(sum(waived.values()))),)
    return Table(
        tuple(
            _t(
                lang,
                "Mức độ|Phát hiện cần xử lý|Đã chấp nhận rủi ro",
                "Severity|Open findings|Accepted risks",
            ).split("|")
        ),
        rows,
        widths=(3, 3, 3),
        caption=_t(lang, "Bảng 3. Phát hiện theo mức độ", "Table 3. Findings by severity"),
    )


def _results(
    lang: str,
    tr: Translator,
    history: FacilityHistory,
    failing: Sequence[Finding],
    accounts: Sequence[PortalAccount],
    details: DocumentDetails,
) -> list[Block]:
    blocks: list[Block] = [
        Heading(_t(lang, "II. KẾT QUẢ RÀ SOÁT", "II. RESULTS")),
        Paragraph(_t(lang, "1. Phát hiện theo mức độ nghiêm trọng:", "1. Findings by severity:")),
        _severity_table(lang, tr, history.current),
        Paragraph(_t(lang, "2. Phát hiện theo khoa/phòng:", "2. Findings by department:")),
        Paragraph(
            _t(
                lang,
                "Một phát hiện được tính cho khoa/phòng của tài khoản giám định BHYT mà nó nêu (theo sổ "
                "đăng ký "
                "tài khoản); nếu không nêu tài khoản, cho khoa/phòng quản lý máy (biến "
                "hisguard_host_departments "
                "của đơn vị); phát hiện không xác định được khoa/phòng được tính ở dòng riêng.",
                "A finding counts for the department of the BHYT assessment account it names (from the "
                "account "
                "register); one that names no account counts for the department that owns its host (the "
                "facility's hisguard_host_departments); the others are counted in a row of their own.",
            ),
            italic=True,
        ),
    ]
    rows = []
    for i, row in enumerate(breakdown(failing, accounts, details.host_departments or {}), 1):
        name = (
            clean(row.department)
            if row.department != UNATTRIBUTED
            else _t(lang, "Chưa xác định khoa/phòng", "No department")
        )
        rows.append((str(i), name, *(str(row.counts[s]) for s in Severity), str(row.total)))
    if rows:
        blocks.append(
            Table(
                (
                    _t(lang, "STT", "No."),
                    _t(lang, "Khoa/phòng", "Department"),
                    *(tr.severity(s) for s in Severity),
                    _t(lang, "Tổng", "Total"),
                ),
                tuple(rows),
                widths=(0.9, 3.6, 1.2, 1.0, 1.2, 1.0, 1.1, 1.0),
                caption=_t(
                    lang,
                    "Bảng 4. Phát hiện cần xử lý theo khoa/phòng",
                    "Table 4. Open findings by department",
                ),
            )
        )
    else:
        blocks.append(Paragraph(_t(lang, "Không có phát hiện cần xử lý.", "No open finding.")))
    blocks += _changes(lang, tr, history)
    blocks += _open_checks(lang, tr, failing)
    return blocks


def _changes(lang: str, tr: Translator, history: FacilityHistory) -> list[Block]:
    title = Paragraph(
        _t(lang, "3. Thay đổi so với lần rà soát trước:", "3. Changes since the previous review:")
    )
    changes = compare(history).changes
    if not changes.compared:
        return [
            title,
            Paragraph(
                _t(
                    lang,
                    "Đây là lần rà soát đầu tiên có trong dữ liệu; chưa có lần trước để so sánh.",
                    "This is the first review on record; there is no earlier one to compare with.",
                )
            ),
        ]
    rows = (
        (_t(lang, "Phát hiện mới", "New"), str(changes.new)),
        (_t(lang, "Vẫn còn", "Still open"), str(changes.still_open)),
        (_t(lang, "Tái diễn", "Regressed"), str(changes.regressed)),
        (_t(lang, "Đã khắc phục", "Fixed"), str(changes.fixed)),
        (_t(lang, "Chưa kiểm tra lại", "Not rechecked"), str(changes.not_rechecked)),
        (_t(lang, "Đã chấp nhận rủi ro", "Accepted risk"), str(changes.waived)),
    )
    return [
        title,
        Paragraph(
            _t(lang, "So với lần rà soát ngày {0}:", "Compared with the review of {0}:").format(
                tr.format_datetime(changes.previous_at)
            )
        ),
        Table(
            tuple(_t(lang, "Thay đổi|Số phát hiện", "Change|Findings").split("|")),
            rows,
            widths=(4, 2),
            caption=_t(
                lang, "Bảng 5. Thay đổi so với lần trước", "Table 5. Changes since the previous review"
            ),
        ),
    ]


def _open_checks(lang: str, tr: Translator, failing: Sequence[Finding]) -> list[Block]:
    if not failing:
        return []
    by_check: dict[str, list[Finding]] = {}
    for finding in failing:
        by_check.setdefault(finding.check_id, []).append(finding)
    ordered = sorted(by_check.items(), key=lambda item: (-max(f.severity.rank for f in item[1]), item[0]))
    rows = tuple(
        (
            str(i),
            check_id,
            clean(found[0].title.get(lang)),
            tr.severity(max((f.severity for f in found), key=lambda s: s.rank)),
            str(len({f.host for f in found})),
        )
        for i, (check_id, found) in enumerate(ordered, 1)
    )
    return [
        Paragraph(_t(lang, "4. Các phát hiện cần xử lý:", "4. Open findings:")),
        Table(
            tuple(_t(lang, "STT|Mã|Nội dung|Mức độ|Số máy", "No.|Check|Finding|Severity|Hosts").split("|")),
            rows,
            widths=(0.9, 2.0, 5.2, 1.6, 1.0),
            caption=_t(lang, "Bảng 6. Phát hiện cần xử lý theo kiểm tra", "Table 6. Open findings by check"),
        ),
    ]


def _checklist(lang: str, tr: Translator, scan: Scan, state: RegisterState) -> list[Block]:
    rows = []
    for i, demand in enumerate(demands(), 1):
        done, evidence, remains = _demand_state(lang, tr, demand, scan, state)
        rows.append((str(i), _demand_label(lang, demand), done, evidence, remains))
    note = _t(
        lang,
        "Công văn 5877/BYT-BH đánh số các nội dung (1) đến (5); với các công văn khác, thứ tự nội dung theo "
        "bản tóm tắt trong danh mục văn bản của hisguard, không phải số mục của công văn.",
        "Letter 5877/BYT-BH numbers its demands (1) to (5); for the other letters the order follows "
        "hisguard's catalog summary of the letter, not the letter's own numbering.",
    )
    return [
        Heading(_t(lang, "III. THỰC HIỆN CÁC YÊU CẦU CỦA CÁC CÔNG VĂN", "III. THE LETTERS' DEMANDS")),
        Paragraph(note, italic=True),
        Table(
            tuple(
                _t(
                    lang,
                    "STT|Yêu cầu|Đã thực hiện|Bằng chứng|Còn tồn tại",
                    "No.|Demand|Done|Evidence|Remaining",
                ).split("|")
            ),
            tuple(rows),
            widths=(0.9, 3.2, 2.6, 2.6, 2.4),
            caption=_t(lang, "Bảng 7. Danh mục yêu cầu", "Table 7. Checklist of the demands"),
        ),
    ]


def _demand_label(lang: str, demand: Demand) -> str:
    # CV-5877-BYT-BH -> 5877/BYT-BH: the letter's số/ký hiệu as it is written.
    number, _, symbol = demand.letter.removeprefix("CV-").partition("-")
    where = f"{number}/{symbol}"
    if demand.numbered:
        label = _t(lang, f"CV {where}, mục ({demand.item})", f"Letter {where}, item ({demand.item})")
    else:
        label = _t(lang, f"CV {where}, nội dung {demand.item}", f"Letter {where}, point {demand.item}")
    return f"{label}: {demand.text.get(lang)}"


def _covered_scanners(demand: Demand) -> set[str]:
    found = set()
    for check_id in ids.check_ids():
        if any(ids.covers(name, check_id) for name in demand.checks):
            found.add(ids.catalog_of(check_id))
    return found


def _demand_state(
    lang: str, tr: Translator, demand: Demand, scan: Scan, state: RegisterState
) -> tuple[str, str, str]:
    done: list[str] = []
    evidence: list[str] = []
    remains: list[str] = []
    if demand.checks:
        scanners = _covered_scanners(demand)
        ran = [r for r in scan.runs if scanners.intersection(r.scanners)]
        if not ran:
            done.append(_t(lang, "Chưa quét các kiểm tra liên quan.", "The related checks were not run."))
            remains.append(
                _t(lang, "Chạy trình quét: {0}.", "Run the scanners: {0}.").format(
                    ", ".join(tr.scanner(s) for s in sorted(scanners))
                )
            )
        else:
            open_ = [
                f
                for f in scan.findings
                if f.status == Status.FAIL and any(ids.covers(name, f.check_id) for name in demand.checks)
            ]
            hosts = {h for r in ran for h in r.hosts}
            done.append(
                _t(lang, "Đã quét {0} máy ({1}).", "Scanned {0} hosts ({1}).").format(
                    len(hosts),
                    ", ".join(tr.scanner(s) for s in sorted(scanners & {s for r in ran for s in r.scanners})),
                )
            )
            evidence += [
                _t(lang, "Lần quét {0} ngày {1}", "Scan {0} of {1}").format(
                    r.id, tr.format_date(r.finished_at)
                )
                for r in ran
            ]
            if open_:
                checks = sorted({f.check_id for f in open_})
                remains.append(
                    _t(lang, "{0} phát hiện cần xử lý ({1}).", "{0} open findings ({1}).").format(
                        len(open_), ", ".join(checks)
                    )
                )
    if "register" in demand.evidence:
        done.append(
            _t(
                lang,
                "Sổ đăng ký: {0} tài khoản; {1} đã rà soát trong {2} tháng; {3} có quyết định giao.",
                "Register: {0} accounts; {1} reviewed within {2} months; {3} with a decision.",
            ).format(state.total, state.reviewed_in_period, state.period_months, state.with_decision)
        )
        if state.last_review:
            evidence.append(
                _t(lang, "Sổ đăng ký tài khoản, rà soát ngày {0}", "Account register, reviewed {0}").format(
                    tr.format_date(state.last_review)
                )
            )
        if state.total == 0:
            remains.append(_t(lang, "Lập sổ đăng ký tài khoản.", "Write the account register."))
        if state.overdue:
            remains.append(
                _t(lang, "Rà soát lại: {0}.", "Review again: {0}.").format(
                    ", ".join(clean(n, 60) for n in state.overdue)
                )
            )
        if state.without_decision:
            remains.append(
                _t(lang, "Bổ sung quyết định giao: {0}.", "Add the decision: {0}.").format(
                    ", ".join(clean(n, 60) for n in state.without_decision)
                )
            )
    if "manual" in demand.evidence:
        done.append(
            _t(
                lang,
                "Đơn vị ghi nội dung đã thực hiện: ..................",
                "Done (the facility writes): ..................",
            )
        )
        evidence.append(_t(lang, "Văn bản số ........ ngày ........", "Document no. ........ of ........"))
        remains.append(
            _t(
                lang,
                "Đơn vị tự đánh giá: ..................",
                "The facility's own assessment: ..................",
            )
        )
    if not remains:
        remains.append(_t(lang, "Không còn tồn tại.", "Nothing remains."))
    return " ".join(done), "; ".join(evidence) or "-", " ".join(remains)


def _next_steps(lang: str) -> list[Block]:
    return [
        Heading(_t(lang, "IV. NHIỆM VỤ TIẾP THEO", "IV. NEXT STEPS")),
        Paragraph(
            _t(
                lang,
                "Đơn vị tiếp tục khắc phục các phát hiện còn tồn tại theo báo cáo khắc phục kèm theo, hoàn "
                "thành "
                "các nội dung còn lại của danh mục yêu cầu và báo cáo kết quả trong lần rà soát tiếp theo.",
                "The facility goes on fixing the open findings following the attached remediation report, "
                "completes the remaining demands of the checklist and reports the results at the next "
                "review.",
            )
        ),
    ]
