"""The "Biên bản rà soát tài khoản": the delegation register as reviewed, signed by the reviewers.

One row per account (holder, department, scope, decision, where held, status, review outcome)
and, beside it, the latest scan's open findings that name the account. Never a password: the
register's ``password`` field is not read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hisguard.reports.documents.details import DocumentDetails
from hisguard.reports.documents.model import AdminDocument, Block, Heading, Paragraph, Signer, Table, clean
from hisguard.reports.documents.register import account_row, register_state
from hisguard.reports.facts import account_of
from hisguard.reports.i18n import Translator
from hisguard.reports.scans import FacilityHistory
from hisguard.scanners.findings import Finding, Status
from hisguard.scanners.inventory import Facility, PortalAccount


def _t(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def _names(account: PortalAccount, finding: Finding) -> bool:
    """The finding names this register account (by register name or portal username)."""
    name, username = account_of(finding.details)
    return (bool(name) and name in (account.name, account.username)) or (
        bool(username) and username.casefold() == account.username.casefold()
    )


def _findings_of(account: PortalAccount, failing: Sequence[Finding]) -> str:
    return ", ".join(sorted({f.check_id for f in failing if _names(account, f)}))


def build_account_minutes(
    history: FacilityHistory | None,
    details: DocumentDetails,
    facility: Facility | None,
    lang: str,
    today: date,
    issued: date | None = None,
) -> AdminDocument:
    tr = Translator(lang)
    accounts = facility.portal_accounts if facility else ()
    failing = [f for f in history.current.findings if f.status == Status.FAIL] if history else []
    issuer = clean(details.letterhead.issuer) or "......"
    reviewers = details.reviewers or (Signer(), Signer())
    members = [
        Paragraph(
            f"- {clean(r.name) or '......................'}, {clean(r.title) or '......................'};",
            indent=True,
        )
        for r in reviewers
    ]
    preamble = (
        Paragraph(
            _t(
                lang,
                "Hôm nay, vào lúc ...... giờ ...... ngày ...... tháng ...... năm {0}, tại {1}, chúng tôi "
                "gồm:",
                "Today, at ...... on ...... {0}, at {1}, we the undersigned:",
            ).format(today.year, issuer)
        ),
        *members,
        Paragraph(
            _t(
                lang,
                "đã rà soát sổ đăng ký tài khoản cổng giám định BHYT của đơn vị (người được giao, "
                "khoa/phòng, phạm "
                "vi quyền, quyết định giao, nơi lưu giữ) theo Công văn 1898/BYT-BH và Công văn 5877/BYT-BH "
                "của "
                "Bộ Y tế; kết quả như sau:",
                "reviewed the facility's register of BHYT assessment portal accounts (holder, department, "
                "permission scope, authorising decision, where held) under Ministry of Health letters "
                "1898/BYT-BH and 5877/BYT-BH, with the following results:",
            )
        ),
    )
    header = tuple(
        _t(
            lang,
            "STT|Tài khoản|Người được giao|Khoa/phòng|Phạm vi quyền|Quyết định giao|Nơi lưu giữ|"
            "Trạng thái, kết quả rà soát",
            "No.|Account|Holder|Department|Scope|Decision|Where held|Status, review outcome",
        ).split("|")
    )
    rows = tuple((str(i), *account_row(a, lang, tr.format_date)) for i, a in enumerate(accounts, 1))
    seen = [(a.name, found) for a in accounts if (found := _findings_of(a, failing))]
    state = register_state(accounts, facility.review_period_months if facility else 6, today)
    body: list[Block] = [Heading(_t(lang, "I. KẾT QUẢ RÀ SOÁT TỪNG TÀI KHOẢN", "I. EACH ACCOUNT"))]
    if rows:
        body.append(Table(header, rows, widths=(0.9, 1.9, 1.6, 1.6, 1.3, 2.0, 1.3, 2.1)))
        if history is not None:
            body.append(
                Paragraph(
                    _t(
                        lang,
                        "Phát hiện về các tài khoản trong lần quét gần nhất: {0}.",
                        "Findings about these accounts in the latest scan: {0}.",
                    ).format(
                        "; ".join(f"{clean(n, 60)}: {c}" for n, c in seen) or _t(lang, "không có", "none")
                    )
                )
            )
    else:
        body.append(
            Paragraph(_t(lang, "Sổ đăng ký chưa có tài khoản nào.", "The register holds no account."))
        )
    unattributed = [
        f for f in failing if f.check_id.startswith("C") and not any(_names(a, f) for a in accounts)
    ]
    body += [
        Heading(_t(lang, "II. KẾT LUẬN", "II. CONCLUSION")),
        Paragraph(
            _t(
                lang,
                "Sổ đăng ký có {0} tài khoản; {1} tài khoản đã rà soát trong {2} tháng; {3} tài khoản có "
                "quyết "
                "định giao. Tài khoản cần rà soát lại: {4}. Tài khoản đang dùng chưa có quyết định giao: "
                "{5}.",
                "The register holds {0} accounts; {1} reviewed within {2} months; {3} with an authorising "
                "decision. To review again: {4}. In use without a decision: {5}.",
            ).format(
                state.total,
                state.reviewed_in_period,
                state.period_months,
                state.with_decision,
                ", ".join(clean(n, 60) for n in state.overdue) or _t(lang, "không", "none"),
                ", ".join(clean(n, 60) for n in state.without_decision) or _t(lang, "không", "none"),
            )
        ),
    ]
    if history is not None:
        body.append(
            Paragraph(
                _t(
                    lang,
                    "Đối chiếu với lần quét kết thúc lúc {0}: {1} phát hiện về tài khoản giám định BHYT "
                    "chưa gắn "
                    "được với tài khoản nào trong sổ đăng ký.",
                    "Against the scan that finished at {0}: {1} findings about BHYT assessment accounts "
                    "match "
                    "no account of the register.",
                ).format(tr.format_datetime(history.current.finished_at), len(unattributed))
            )
        )
    body.append(
        Paragraph(
            _t(
                lang,
                "Biên bản kết thúc vào lúc ...... giờ ...... cùng ngày, đã được đọc lại cho những người có "
                "mặt "
                "cùng nghe và thống nhất ký tên.",
                "The review closed at ...... the same day; these minutes were read out to those present, who "
                "agreed and signed them.",
            )
        )
    )
    signers = tuple(
        Signer(caption=_t(lang, "Người rà soát", "Reviewer"), title=r.title, name=r.name) for r in reviewers
    )
    head = details.signer if details.signer != Signer() else Signer(title=_t(lang, "Giám đốc", "Director"))
    return AdminDocument(
        lang=lang,
        letterhead=details.letterhead,
        kind_code="BB",
        kind_title=_t(lang, "Biên bản", "Minutes"),
        summary=_t(lang, "Rà soát tài khoản giám định BHYT", "Review of the BHYT assessment accounts"),
        preamble=preamble,
        body=tuple(body),
        # A biên bản has no "Kính gửi": the báo cáo's "Như trên" has nothing to point at here.
        distribution=tuple(d for d in details.distribution if not d.startswith(("Như trên", "As above")))
        or (_t(lang, "Lưu: VT", "File: Records office"),),
        signers=(
            Signer(
                caption=_t(lang, "Xác nhận của đơn vị", "Approved by"),
                authority=head.authority,
                title=head.title,
                name=head.name,
            ),
            *signers,
        ),
        issued=issued,
        year=today.year,
    )
