"""The three notices a suspected leak calls for, as Nghị định 30/2020 documents.

1. A report (báo cáo) to the provincial police and the Sở Y tế of a suspected disclosure
   (CV 5877/BYT-BH item 4, CV 5970/SYT-NV item 4): the timeline, the signals, the data classes
   and the patient estimates the evidence gives.
2. The personal-data breach notification (thông báo): deadline, recipient and form from the
   regulation catalog, with its confidence mark.
3. A letter (công văn) to the provincial BHXH asking it to lock the account and provide its
   access log.

Each is an :class:`AdminDocument` for ``reports/documents``' renderers. What the documents say
comes from the :class:`Timeline` (observations with their evidence, never conclusions); where
only a person can answer, a blank ("..........") is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from hisguard.reports.documents.details import document_details
from hisguard.reports.documents.model import (
    AdminDocument,
    Block,
    Heading,
    Letterhead,
    Paragraph,
    Signer,
    Table,
    clean,
)
from hisguard.reports.investigation.timeline import Observation, Timeline, _stamp
from hisguard.scanners.catalog import Regulation, breach_notices
from hisguard.scanners.findings import Text
from hisguard.scanners.inventory import Facility

BLANK = ".........."
MAX_ROWS = 60  # observations a notice lists; the rest are in the timeline itself
CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")


@dataclass(frozen=True)
class Notice:
    stem: str  # the file name without extension
    document: AdminDocument


@dataclass(frozen=True)
class Context:
    """What the notices need besides the timeline."""

    facility: Facility | None
    manifest_sha256: str = ""  # of the pack's manifest.json, so the notices name the pack exactly
    now: datetime | None = None


def _t(lang: str, vi: str, en: str) -> str:
    return en if lang == "en" else vi


def _province(facility: Facility | None) -> tuple[str, bool]:
    """The province's name without its prefix, and whether it is a centrally run city."""
    name = clean(facility.province if facility else "", 80)
    for prefix in ("TP. ", "TP ", "Thành phố ", "thành phố ", "Tỉnh ", "tỉnh "):
        name = name.removeprefix(prefix)
    return name, any(name == city for city in CITIES)


def _authority(kind: Text, facility: Facility | None, lang: str) -> str:
    """ "Công an tỉnh Đồng Nai" / "Sở Y tế thành phố Hà Nội" (blank when the province is unknown)."""
    name, city = _province(facility)
    if not name:
        return f"{kind.get(lang)} {BLANK}"
    if lang == "en":
        return f"{kind.en} of {name} {'city' if city else 'province'}"
    return f"{kind.vi} {'thành phố' if city else 'tỉnh'} {name}"


POLICE = Text("Công an", "Police")
HEALTH = Text("Sở Y tế", "Department of Health")
BHXH = Text("Bảo hiểm xã hội", "Social Security")


def _letterhead(facility: Facility | None) -> Letterhead:
    """The facility's letterhead as hisguard_documents gives it (the review documents' own), else
    its name and province; what neither gives is a blank, never guessed."""
    if facility is None:
        return Letterhead()
    return document_details(facility).letterhead


def _signer(facility: Facility | None, lang: str) -> Signer:
    given = document_details(facility).signer if facility is not None else Signer()
    return given if given.title else Signer(title=_t(lang, "Giám đốc", "Director"))


def _day(when: datetime | None, lang: str) -> str:
    """A date as its reader writes it: 01/03/2025 (vi), 2025-03-01 (en); a blank when unknown."""
    if when is None:
        return BLANK
    day = _stamp(when)[:10]
    return day if lang == "en" else f"{day[8:10]}/{day[5:7]}/{day[:4]}"


def _cites(o: Observation) -> str:
    return clean("; ".join(c.text() for c in o.cites), 300)


def _rows(observations: Sequence[Observation], lang: str) -> tuple[tuple[str, ...], ...]:
    rows = []
    for number, o in enumerate(observations[:MAX_ROWS], 1):
        when = _stamp(o.when) if o.when else _t(lang, "không ghi thời điểm", "no time recorded")
        rows.append((str(number), when, clean(o.host or "-", 60), clean(o.text.get(lang), 400), _cites(o)))
    return tuple(rows)


def _observation_table(observations: Sequence[Observation], lang: str, caption: Text) -> list[Block]:
    header = (
        _t(lang, "STT", "No."),
        _t(lang, "Thời điểm (giờ Việt Nam)", "Time (Vietnam)"),
        _t(lang, "Máy", "Host"),
        _t(lang, "Quan sát", "Observation"),
        _t(lang, "Chứng cứ", "Evidence"),
    )
    if not observations:
        return [Paragraph(_t(lang, "Không có.", "None."))]
    blocks: list[Block] = [
        Table(header, _rows(observations, lang), widths=(0.5, 1.6, 1.2, 4.2, 2.3), caption=caption.get(lang))
    ]
    if len(observations) > MAX_ROWS:
        rest = len(observations) - MAX_ROWS
        blocks.append(
            Paragraph(
                _t(
                    lang,
                    f"Còn {rest} quan sát khác: xem dòng thời gian đầy đủ (hisguard evidence timeline).",
                    f"{rest} more observations: see the full timeline (hisguard evidence timeline).",
                ),
                italic=True,
            )
        )
    return blocks


def _pack_line(timeline: Timeline, context: Context, lang: str) -> Paragraph:
    if not timeline.pack_id:
        return Paragraph(
            _t(
                lang,
                "Chưa thu thập gói chứng cứ; các quan sát dưới đây chỉ lấy từ kết quả quét.",
                "No evidence pack was collected; the observations below come from the scans only.",
            )
        )
    sha = context.manifest_sha256 or BLANK
    created = _stamp(timeline.pack_created) if timeline.pack_created else BLANK
    return Paragraph(
        _t(
            lang,
            f"Chứng cứ được thu thập chỉ đọc bằng hisguard thành gói {clean(timeline.pack_id, 60)} lúc "
            f"{created} "
            f"(bản kê manifest.json, SHA-256 {sha}); mỗi mục chứng cứ có mã (E0001, ...) và SHA-256 riêng, "
            "bản kê được ký bằng khóa của hệ thống. Các trích đoạn nhật ký đã được che giá trị bí mật; chỉ "
            "các "
            "tệp sao chép nguyên trạng có thể chứa mật khẩu và phải được bảo quản, chuyển giao có kiểm soát.",
            f"The evidence was collected read-only by hisguard into pack {clean(timeline.pack_id, 60)} at "
            f"{created} (manifest.json SHA-256 {sha}); every item has its id (E0001, ...) and SHA-256, and "
            "the manifest is signed with the installation key. Log excerpts have every secret redacted; only "
            "the files copied as they were may hold a password and must be kept and handed over under "
            "control.",
        )
    )


def _account_lines(timeline: Timeline, facility: Facility | None, lang: str) -> list[Block]:
    a = timeline.account
    code = a.facility or (facility.code if facility else BLANK)
    allowed = ", ".join(a.allowed_hosts) or _t(lang, "không máy nào", "none")
    lines = [
        _t(lang, f"- Mã cơ sở khám bệnh, chữa bệnh: {code}.", f"- Facility code: {code}."),
        _t(
            lang,
            f"- Tài khoản cổng giám định BHYT: tên đăng nhập {clean(a.username, 80)}"
            f"{' (sổ đăng ký: ' + clean(a.name, 80) + ')' if a.name else ''}.",
            f"- Account of the BHYT assessment portal: username {clean(a.username, 80)}"
            f"{' (register: ' + clean(a.name, 80) + ')' if a.name else ''}.",
        ),
        _t(
            lang,
            f"- Người được giao quản lý tài khoản: {clean(a.holder, 80) or BLANK}.",
            f"- Holder of the account: {clean(a.holder, 80) or BLANK}.",
        ),
    ]
    if a.in_register:
        lines.append(
            _t(
                lang,
                f"- Máy được phép giữ tài khoản theo sổ đăng ký: {allowed}.",
                f"- Hosts the register allows to hold it: {allowed}.",
            )
        )
    return [Paragraph(line, indent=False) for line in lines]


def _data_blocks(timeline: Timeline, lang: str) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(f"- {clean(t.get(lang), 300)}.", indent=False) for t in timeline.data_classes
    ]
    if timeline.estimates:
        blocks.append(
            Paragraph(
                _t(
                    lang,
                    "Ước tính số người bệnh bị ảnh hưởng (theo chứng cứ):",
                    "Estimated affected patients:",
                ),
                indent=False,
                italic=True,
            )
        )
        for estimate in timeline.estimates:
            cites = ", ".join(c.text() for c in estimate.cites[:6])
            blocks.append(
                Paragraph(f"- {clean(estimate.method.get(lang), 400)} [{clean(cites, 200)}].", indent=False)
            )
        blocks.append(
            Paragraph(
                _t(
                    lang,
                    f"Số người bệnh thực tế bị ảnh hưởng do đơn vị xác định: {BLANK}",
                    f"The real number of affected patients, as the facility establishes it: {BLANK}",
                ),
                indent=False,
            )
        )
    else:
        blocks.append(
            Paragraph(
                _t(
                    lang,
                    f"Chứng cứ chưa cho phép ước tính số người bệnh bị ảnh hưởng; số do đơn vị xác định: "
                    f"{BLANK}",
                    f"The evidence gives no estimate of the affected patients; the facility's figure: "
                    f"{BLANK}",
                ),
                indent=False,
            )
        )
    return blocks


def _first_sighting(timeline: Timeline) -> datetime | None:
    seen = [o.when for o in timeline.observations if o.kind == "first_seen" and o.when]
    return min(seen) if seen else None


def _observations_note(lang: str) -> Paragraph:
    return Paragraph(
        _t(
            lang,
            "Các nội dung dưới đây là quan sát từ kết quả quét và nhật ký, mỗi quan sát ghi kèm chứng cứ; "
            "chúng không phải là kết luận về nguyên nhân hay người chịu trách nhiệm.",
            "What follows are observations from the scans and the logs, each with its evidence; they are not "
            "conclusions about the cause or about who is responsible.",
        ),
        italic=True,
    )


def police_report(timeline: Timeline, context: Context, lang: str) -> AdminDocument:
    facility = context.facility
    police, health = _authority(POLICE, facility, lang), _authority(HEALTH, facility, lang)
    first = _first_sighting(timeline)
    body: list[Block] = [
        Paragraph(
            _t(
                lang,
                "Thực hiện Công văn số 5877/BYT-BH ngày 22/07/2021 của Bộ Y tế (mục 4: tìm nguyên nhân để lộ "
                "dữ liệu, "
                "báo cáo cơ quan công an, đồng thời báo cáo Sở Y tế), đơn vị báo cáo việc nghi lộ lọt tài "
                "khoản "
                "cổng giám định BHYT và dữ liệu người bệnh như sau:",
                "Under Ministry of Health letter 5877/BYT-BH of 22 July 2021 (item 4: find the cause of the "
                "leak, "
                "report to the police and to the Department of Health), the facility reports a suspected "
                "disclosure of its BHYT assessment portal account and of patient data as follows:",
            )
        ),
        Heading(_t(lang, "I. TÀI KHOẢN VÀ THỜI ĐIỂM PHÁT HIỆN", "I. THE ACCOUNT AND WHEN IT WAS FOUND")),
        *_account_lines(timeline, facility, lang),
        Paragraph(
            _t(
                lang,
                f"- Lần quét đầu tiên phát hiện: {_stamp(first) if first else BLANK}; thời điểm đơn vị biết "
                f"sự việc: "
                f"{BLANK}; người phát hiện: {BLANK}.",
                f"- First scan that found it: {_stamp(first) if first else BLANK}; when the facility learnt "
                f"of it: "
                f"{BLANK}; found by: {BLANK}.",
            ),
            indent=False,
        ),
        Heading(_t(lang, "II. CHỨNG CỨ ĐÃ THU THẬP", "II. THE EVIDENCE KEPT")),
        _pack_line(timeline, context, lang),
        Heading(_t(lang, "III. DIỄN BIẾN (QUAN SÁT)", "III. TIMELINE (OBSERVATIONS)")),
        _observations_note(lang),
        *_observation_table(timeline.observations, lang, Text("Bảng 1. Dòng thời gian", "Table 1. Timeline")),
        Heading(
            _t(
                lang,
                "IV. DẤU HIỆU CẦN CƠ QUAN CHỨC NĂNG XEM XÉT",
                "IV. SIGNALS FOR THE AUTHORITIES TO LOOK AT",
            )
        ),
        *_observation_table(
            timeline.signals, lang, Text("Bảng 2. Dấu hiệu cần xem xét", "Table 2. Signals to look at")
        ),
        Heading(_t(lang, "V. DỮ LIỆU CÓ THỂ BỊ ẢNH HƯỞNG", "V. DATA THAT MAY BE AFFECTED")),
        *_data_blocks(timeline, lang),
        Heading(_t(lang, "VI. BIỆN PHÁP ĐÃ THỰC HIỆN VÀ ĐỀ NGHỊ", "VI. MEASURES TAKEN AND REQUESTS")),
        Paragraph(
            _t(
                lang,
                "- Thu thập chứng cứ (chỉ đọc) trước khi khắc phục: gói chứng cứ nêu tại mục II.",
                "- Evidence collected (read-only) before any repair: the pack in section II.",
            ),
            indent=False,
        ),
        Paragraph(
            _t(
                lang,
                f"- Đề nghị Bảo hiểm xã hội khóa tài khoản và cung cấp nhật ký truy cập: công văn số {BLANK} "
                f"ngày {BLANK}.",
                f"- Social Security asked to lock the account and provide its access log: letter no. {BLANK} "
                f"of {BLANK}.",
            ),
            indent=False,
        ),
        Paragraph(_t(lang, f"- Biện pháp khác: {BLANK}", f"- Other measures: {BLANK}"), indent=False),
        Paragraph(
            _t(
                lang,
                f"Đề nghị {police} xem xét, điều tra theo thẩm quyền; đơn vị sẵn sàng bàn giao chứng cứ và "
                f"phối hợp. "
                f"Người liên hệ: {BLANK}, điện thoại: {BLANK}.",
                f"The facility asks the {police} to investigate within its powers and stands ready to hand "
                f"over "
                f"the evidence. Contact: {BLANK}, telephone: {BLANK}.",
            )
        ),
    ]
    for note in timeline.notes:
        body.append(Paragraph(f"{_t(lang, 'Ghi chú', 'Note')}: {clean(note.get(lang), 300)}", italic=True))
    return AdminDocument(
        lang=lang,
        letterhead=_letterhead(facility),
        kind_code="BC",
        kind_title=_t(lang, "BÁO CÁO", "REPORT"),
        summary=_t(
            lang,
            "Về việc nghi lộ lọt tài khoản cổng giám định BHYT và dữ liệu người bệnh",
            "On a suspected disclosure of the BHYT assessment portal account and of patient data",
        ),
        body=tuple(body),
        recipients=(police, health),
        distribution=(
            _t(lang, "Như trên", "As above"),
            _authority(BHXH, facility, lang),
            _t(lang, "Lưu: VT, CNTT", "File: VT, CNTT"),
        ),
        signers=(_signer(facility, lang),),
        year=(context.now.year if context.now else 0),
    )


def breach_regulation() -> Regulation:
    found = breach_notices()
    if not found:  # the catalog is the project's own: a missing entry is a bug, said plainly
        raise LookupError("the regulation catalog records no breach-notification duty")
    return found[0]


def confidence_mark(regulation: Regulation, lang: str) -> str:
    if regulation.confidence == "secondary":
        return _t(
            lang,
            "độ tin cậy: chưa đối chiếu văn bản gốc, cần kiểm tra lại",
            "confidence: not yet checked against the official text, to be verified",
        )
    if regulation.confidence == "verified":
        return _t(
            lang, "độ tin cậy: đã đối chiếu văn bản gốc", "confidence: checked against the official text"
        )
    return _t(lang, "độ tin cậy: văn bản gốc", "confidence: the letter itself")


def breach_notification(timeline: Timeline, context: Context, lang: str) -> AdminDocument:
    facility = context.facility
    regulation = breach_regulation()
    duty = regulation.breach_notice
    assert duty is not None
    first = _first_sighting(timeline)
    deadline = (
        _t(
            lang,
            f"Nếu thời điểm phát hiện là lần quét đầu tiên ({_stamp(first)}), hạn chậm nhất là "
            f"{_stamp(first + timedelta(hours=duty.deadline_hours))}.",
            f"If detection is the first scan ({_stamp(first)}), the latest date is "
            f"{_stamp(first + timedelta(hours=duty.deadline_hours))}.",
        )
        if first
        else ""
    )
    mark = confidence_mark(regulation, lang)
    body: list[Block] = [
        Paragraph(
            _t(
                lang,
                f"Căn cứ {regulation.document.vi} ({mark}): vi phạm quy định bảo vệ dữ liệu cá nhân được "
                f"thông báo "
                f"trong {duty.deadline_hours} giờ tới {duty.recipient.vi}, theo {duty.form.vi}.",
                f"Under {regulation.document.en} ({mark}): a personal-data breach is notified within "
                f"{duty.deadline_hours} hours to the {duty.recipient.en}, on {duty.form.en}.",
            )
        ),
        Paragraph(
            _t(
                lang,
                f"Thời điểm phát hiện vi phạm: {BLANK}. {deadline} Thời điểm gửi thông báo này: {BLANK}; "
                f"nếu quá hạn, lý do: {BLANK}.",
                f"When the breach was detected: {BLANK}. {deadline} When this notice is sent: {BLANK}; "
                f"if late, why: {BLANK}.",
            )
        ),
        Heading(_t(lang, "I. BÊN KIỂM SOÁT VÀ XỬ LÝ DỮ LIỆU", "I. THE DATA CONTROLLER AND PROCESSOR")),
        Paragraph(
            _t(
                lang,
                f"- Tên: {clean(facility.name, 120) if facility else BLANK}; mã cơ sở: "
                f"{facility.code if facility else BLANK}; địa chỉ: {BLANK}.",
                f"- Name: {clean(facility.name, 120) if facility else BLANK}; facility code: "
                f"{facility.code if facility else BLANK}; address: {BLANK}.",
            ),
            indent=False,
        ),
        Paragraph(
            _t(
                lang,
                f"- Người phụ trách bảo vệ dữ liệu cá nhân, người liên hệ: {BLANK}; điện thoại, thư điện tử: "
                f"{BLANK}.",
                f"- Data-protection officer, contact: {BLANK}; telephone, e-mail: {BLANK}.",
            ),
            indent=False,
        ),
        Heading(_t(lang, "II. MÔ TẢ VI PHẠM", "II. THE BREACH")),
        *_account_lines(timeline, facility, lang),
        _pack_line(timeline, context, lang),
        _observations_note(lang),
        *_observation_table(
            [
                *timeline.signals,
                *[
                    o
                    for o in timeline.observations
                    if o.kind in ("first_seen", "not_allowed", "bundle", "web_root")
                ],
            ],
            lang,
            Text("Bảng 1. Quan sát chính", "Table 1. Main observations"),
        ),
        Heading(_t(lang, "III. LOẠI VÀ SỐ LƯỢNG DỮ LIỆU CÁ NHÂN", "III. KINDS AND AMOUNT OF PERSONAL DATA")),
        *_data_blocks(timeline, lang),
        Heading(_t(lang, "IV. HẬU QUẢ CÓ THỂ XẢY RA", "IV. POSSIBLE CONSEQUENCES")),
        Paragraph(BLANK),
        Heading(_t(lang, "V. BIỆN PHÁP ĐÃ VÀ SẼ THỰC HIỆN", "V. MEASURES TAKEN AND PLANNED")),
        Paragraph(
            _t(
                lang,
                "- Thu thập chứng cứ trước khi khắc phục; đề nghị Bảo hiểm xã hội khóa tài khoản và cung cấp "
                "nhật ký "
                "truy cập; báo cáo cơ quan công an và Sở Y tế.",
                "- Evidence kept before repair; Social Security asked to lock the account and provide its "
                "access "
                "log; the police and the Department of Health informed.",
            ),
            indent=False,
        ),
        Paragraph(
            _t(
                lang,
                f"- Đổi mật khẩu, gỡ bản sao tài khoản khỏi các máy, thông báo cho người bệnh: {BLANK}.",
                f"- Password changed, copies removed from the hosts, patients informed: {BLANK}.",
            ),
            indent=False,
        ),
    ]
    recipient = clean(duty.recipient.get(lang), 200)
    return AdminDocument(
        lang=lang,
        letterhead=_letterhead(facility),
        kind_code="TB",
        kind_title=_t(lang, "THÔNG BÁO", "NOTICE"),
        summary=_t(lang, "Vi phạm quy định về bảo vệ dữ liệu cá nhân", "Personal-data protection breach"),
        body=tuple(body),
        recipients=(recipient,),
        distribution=(
            _t(lang, "Như trên", "As above"),
            _authority(HEALTH, facility, lang) + _t(lang, " (để báo cáo)", " (for information)"),
            _t(lang, "Lưu: VT, CNTT", "File: VT, CNTT"),
        ),
        signers=(_signer(facility, lang),),
        year=(context.now.year if context.now else 0),
    )


def bhxh_request(timeline: Timeline, context: Context, lang: str) -> AdminDocument:
    facility = context.facility
    bhxh = _authority(BHXH, facility, lang)
    a = timeline.account
    first = _first_sighting(timeline)
    portal_dates = sorted(o.when for o in timeline.observations if o.kind == "portal_use" and o.when)
    since = min([d for d in (first, *portal_dates[:1]) if d is not None], default=None)
    body: list[Block] = [
        Paragraph(
            _t(
                lang,
                f"{clean(facility.name, 120) if facility else BLANK} (mã cơ sở "
                f"{facility.code if facility else BLANK}) "
                f"phát hiện dấu hiệu tài khoản cổng giám định BHYT tên đăng nhập {clean(a.username, 80)} của "
                f"đơn vị "
                "bị lộ lọt. Để ngăn việc khai thác dữ liệu người bệnh và phục vụ điều tra, đơn vị đề nghị "
                f"{bhxh}:",
                f"{clean(facility.name, 120) if facility else BLANK} (facility code "
                f"{facility.code if facility else BLANK}) has found signs that its BHYT assessment portal "
                f"account, "
                f"username {clean(a.username, 80)}, was disclosed. To stop the mining of patient data and "
                f"for the "
                f"investigation, the facility asks {bhxh}:",
            )
        ),
        Paragraph(
            _t(
                lang,
                f"1. Khóa (tạm khóa) ngay tài khoản {clean(a.username, 80)} trên cổng giám định BHYT và các "
                f"dịch vụ "
                "liên thông (egw).",
                f"1. To lock (suspend) account {clean(a.username, 80)} on the portal and its API (egw) at "
                f"once.",
            )
        ),
        Paragraph(
            _t(
                lang,
                f"2. Cung cấp nhật ký truy cập của tài khoản từ ngày {_day(since, lang)} "
                f"(hoặc từ ngày {BLANK}) đến nay: thời điểm, địa chỉ IP, chức năng và số lượt tra cứu, số "
                f"thẻ BHYT "
                "đã tra cứu.",
                f"2. To provide the account's access log from {_day(since, lang)} (or from "
                f"{BLANK}) until now: times, IP addresses, functions and number of look-ups, the cards "
                f"looked up.",
            )
        ),
        Paragraph(
            _t(
                lang,
                f"3. Cấp tài khoản mới cho người được phân công: {BLANK} (quyết định phân công số {BLANK}).",
                f"3. To issue a new account to the person assigned: {BLANK} (assignment decision no. "
                f"{BLANK}).",
            )
        ),
        Paragraph(
            _t(
                lang,
                "Các quan sát về việc dùng tài khoản mà đơn vị đã ghi nhận (chi tiết và chứng cứ trong báo "
                "cáo gửi "
                "cơ quan công an và Sở Y tế):",
                "What the facility observed about the account's use (details and evidence in its report to "
                "the "
                "police and the Department of Health):",
            )
        ),
        *_observation_table(
            timeline.signals, lang, Text("Bảng 1. Dấu hiệu cần xem xét", "Table 1. Signals to look at")
        ),
        Paragraph(
            _t(
                lang,
                f"Người liên hệ: {BLANK}; điện thoại: {BLANK}; thư điện tử: {BLANK}.",
                f"Contact: {BLANK}; telephone: {BLANK}; e-mail: {BLANK}.",
            )
        ),
    ]
    return AdminDocument(
        lang=lang,
        letterhead=_letterhead(facility),
        kind_code="CV",
        kind_title="",
        summary=_t(
            lang,
            "đề nghị khóa tài khoản cổng giám định BHYT và cung cấp nhật ký truy cập",
            "request to lock the BHYT assessment portal account and provide its access log",
        ),
        body=tuple(body),
        recipients=(bhxh,),
        distribution=(
            _t(lang, "Như trên", "As above"),
            _authority(HEALTH, facility, lang) + _t(lang, " (để báo cáo)", " (for information)"),
            _t(lang, "Lưu: VT, CNTT", "File: VT, CNTT"),
        ),
        signers=(_signer(facility, lang),),
        year=(context.now.year if context.now else 0),
    )


def build_notices(timeline: Timeline, context: Context, lang: str) -> list[Notice]:
    return [
        Notice("bao-cao-cong-an-so-y-te", police_report(timeline, context, lang)),
        Notice("thong-bao-vi-pham-du-lieu-ca-nhan", breach_notification(timeline, context, lang)),
        Notice("cong-van-bhxh-khoa-tai-khoan", bhxh_request(timeline, context, lang)),
    ]
