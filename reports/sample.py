"""Synthetic but realistic scan history, for the report tests, the bench and demos without a lab.

Facilities carry Vietnamese names and real province codes; hosts follow the lab's naming; the
checks (C, D, H, N families) carry the catalog's shape: severity, vi/en title, rationale and
remediation, the role and tags that fix them, and regulation keys from
``scanners/catalog/regulations.yml``. Each facility gets several scans a week apart in which
findings appear, persist, get fixed and come back, so every branch of the diff is exercised.

Everything is deterministic for a given seed, and fingerprints use a fixed sample key so
generating never creates an installation key.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hisguard.reports.model import FacilityInfo
from hisguard.scanners.findings import (
    Finding,
    Remediation,
    Run,
    ScanError,
    Severity,
    Status,
    Text,
    fingerprint,
)

SAMPLE_KEY = b"hisguard-sample-key-not-a-secret"
SAMPLE_NOW = datetime(2025, 6, 2, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội time
SCANNERS = ("credentials", "config", "network")


@dataclass(frozen=True)
class SampleCheck:
    id: str
    severity: Severity
    scanner: str
    title: Text
    rationale: Text
    remediation: Text
    role: str | None
    tags: tuple[str, ...]
    references: tuple[str, ...]
    where: str  # "server", "workstation", "any", "db"


def _check(
    check_id: str,
    severity: str,
    scanner: str,
    title: tuple[str, str],
    rationale: tuple[str, str],
    remediation: tuple[str, str],
    fix: tuple[str, tuple[str, ...]] | None,
    references: tuple[str, ...],
    where: str = "any",
) -> SampleCheck:
    return SampleCheck(
        id=check_id,
        severity=Severity(severity),
        scanner=scanner,
        title=Text(*title),
        rationale=Text(*rationale),
        remediation=Text(*remediation),
        role=fix[0] if fix else None,
        tags=fix[1] if fix else (),
        references=references,
        where=where,
    )


CHECKS: tuple[SampleCheck, ...] = (
    _check(
        "C01",
        "critical",
        "credentials",
        (
            "Tài khoản cổng giám định BHYT lưu trong tệp cấu hình",
            "BHXH portal credentials stored in a configuration file",
        ),
        (
            "Ai đọc được tệp này đều đăng nhập được cổng giám định BHYT dưới danh nghĩa cơ sở, "
            "xem và gửi hồ sơ của người bệnh.",
            "Anyone who can read this file can log in to the BHYT assessment portal as the "
            "facility and read or submit patients' records.",
        ),
        (
            "Chuyển mật khẩu vào kho bí mật do vai trò credential_store quản lý, đổi mật khẩu trên "
            "cổng giám định và xóa bản sao trong tệp.",
            "Move the password into the secret store managed by the credential_store role, change "
            "it on the portal and remove the copy from the file.",
        ),
        ("credential_store", ("credential_store",)),
        ("CV-1898-BYT-BH", "CV-5877-BYT-BH", "QD-326-BYT"),
        "server",
    ),
    _check(
        "C02",
        "critical",
        "credentials",
        (
            "Mật khẩu cổng giám định trong lịch sử lệnh hoặc tác vụ định kỳ",
            "Portal password in shell history or scheduled jobs",
        ),
        (
            "Lịch sử lệnh và tệp cron được nhiều người đọc và được sao lưu kèm máy; mật khẩu nằm ở "
            "đó tồn tại rất lâu.",
            "Shell history and cron files are read by many and copied into backups; a password "
            "there lives on for years.",
        ),
        (
            "Để tác vụ đọc mật khẩu từ kho bí mật, xóa các dòng lộ mật khẩu khỏi lịch sử lệnh và đổi "
            "mật khẩu.",
            "Make the job read the password from the secret store, remove the lines from the "
            "history and change the password.",
        ),
        ("credential_store", ("credential_store_rewrite",)),
        ("CV-1898-BYT-BH",),
        "server",
    ),
    _check(
        "C03",
        "critical",
        "credentials",
        ("Mật khẩu cổng giám định quá yếu", "Portal password is weak"),
        (
            "Mã MD5 tìm thấy trùng với một mật khẩu phổ biến hoặc đoán được từ mã cơ sở; kẻ gian thử "
            "ra trong vài giây.",
            "The MD5 found matches a common password or one guessed from the facility code; an "
            "attacker finds it in seconds.",
        ),
        (
            "Đổi mật khẩu trên cổng giám định thành một mật khẩu dài, ngẫu nhiên và lưu trong kho bí mật.",
            "Change the password on the portal to a long random one and keep it in the secret store.",
        ),
        None,
        ("CV-1898-BYT-BH", "QD-326-BYT"),
        "server",
    ),
    _check(
        "C04",
        "high",
        "credentials",
        (
            "Mã truy cập hoặc mật khẩu cổng giám định nằm trong URL ghi ở nhật ký",
            "Portal token or password in URLs written to logs",
        ),
        (
            "Các API cũ của BHXH đặt token, tên đăng nhập và MD5 mật khẩu trong chuỗi truy vấn, nên "
            "chúng bị ghi vào nhật ký máy chủ web và proxy mà nhiều người đọc được.",
            "Older BHXH API calls carry the token, username and password MD5 in the query string, "
            "so they land in web and proxy logs that many people can read.",
        ),
        (
            "Chuyển sang các API gửi thông tin xác thực trong header, xóa hoặc che các dòng nhật ký "
            "đã ghi và đổi mật khẩu tài khoản.",
            "Move to the API calls that send credentials in headers, purge or mask the logged lines "
            "and change the account's password.",
        ),
        None,
        ("CV-5877-BYT-BH", "QD-326-BYT"),
        "server",
    ),
    _check(
        "C05",
        "high",
        "credentials",
        ("Kết nối tới BHXH qua HTTP không mã hóa", "Plain HTTP to BHXH"),
        (
            "Mật khẩu và hồ sơ người bệnh đi qua mạng ở dạng đọc được; ai ở trên đường truyền cũng "
            "chép được.",
            "Passwords and patient records cross the network in clear text; anyone on the path can "
            "copy them.",
        ),
        (
            "Đổi địa chỉ trong cấu hình thành https://egw.baohiemxahoi.gov.vn.",
            "Change the address in the configuration to https://egw.baohiemxahoi.gov.vn.",
        ),
        None,
        ("CV-5877-BYT-BH", "TT-48-2017-BYT"),
        "server",
    ),
    _check(
        "C08",
        "high",
        "credentials",
        ("Phiên đăng nhập cổng giám định được lưu trên máy", "Portal session saved on disk"),
        (
            "Tệp phiên (cookie, storage state) cho phép vào cổng giám định không cần mật khẩu cho đến "
            "khi phiên hết hạn.",
            "A session file (cookies, storage state) lets anyone into the portal without the "
            "password until the session expires.",
        ),
        (
            "Xóa tệp phiên và tắt việc lưu mật khẩu cổng giám định trong trình duyệt.",
            "Delete the session file and stop browsers from saving the portal password.",
        ),
        ("workstation", ("browser_policy",)),
        ("CV-1898-BYT-BH",),
        "workstation",
    ),
    _check(
        "D01",
        "high",
        "credentials",
        ("Tệp XML hồ sơ giám định lưu lâu trên máy", "XML claim exports kept at rest"),
        (
            "Tệp XML theo QĐ 130 chứa họ tên, số CCCD, mã thẻ BHYT và chẩn đoán của người bệnh; để "
            "lâu trên máy là để lộ dữ liệu cá nhân.",
            "QĐ 130 XML files hold patients' names, citizen IDs, insurance card numbers and "
            "diagnoses; leaving them on a machine exposes personal data.",
        ),
        (
            "Xóa các tệp đã gửi thành công, chỉ giữ dữ liệu trong HIS; nếu bắt buộc lưu thì để trong "
            "thư mục mã hóa có phân quyền.",
            "Delete files already sent and keep the data in the HIS only; if they must be kept, use "
            "an encrypted folder with access control.",
        ),
        None,
        ("CV-5877-BYT-BH", "LUAT-91-2025"),
        "workstation",
    ),
    _check(
        "H01",
        "high",
        "config",
        (
            "Phần mềm điều khiển từ xa được cài đặt hoặc đang lắng nghe",
            "Remote-access tool installed or listening",
        ),
        (
            "TeamViewer, UltraViewer hay AnyDesk cho người ngoài điều khiển máy có tài khoản giám "
            "định; đây là con đường lộ tài khoản thường gặp.",
            "TeamViewer, UltraViewer or AnyDesk let outsiders drive a machine that holds portal "
            "accounts; a common way accounts leak.",
        ),
        (
            "Gỡ phần mềm điều khiển từ xa; hỗ trợ từ xa đi qua VPN và SSH của đơn vị.",
            "Remove the remote-access tool; remote support goes through the facility's VPN and SSH.",
        ),
        ("workstation", ("remote_access",)),
        ("QD-326-BYT",),
        "workstation",
    ),
    _check(
        "H02",
        "high",
        "config",
        ("SSH cho phép đăng nhập root hoặc bằng mật khẩu", "SSH allows root or password login"),
        (
            "Đăng nhập root và đăng nhập bằng mật khẩu qua SSH mở đường cho dò mật khẩu tự động; "
            "đoán trúng một lần là mất toàn quyền máy chủ.",
            "Root and password logins over SSH invite automated guessing; one right guess gives "
            "away the whole server.",
        ),
        (
            "Chỉ cho đăng nhập bằng khóa, tắt đăng nhập root và các thuật toán yếu.",
            "Allow key-based logins only; disable root login and weak algorithms.",
        ),
        ("ssh_hardening", ("ssh",)),
        ("QD-326-BYT", "ND-331-2026"),
    ),
    _check(
        "H03",
        "critical",
        "config",
        ("Cơ sở dữ liệu lắng nghe trên mọi địa chỉ", "Database listening on all interfaces"),
        (
            "Cơ sở dữ liệu HIS mở cho cả mạng, kể cả máy trạm và wifi khách: chỉ còn một mật khẩu "
            "chắn trước toàn bộ hồ sơ bệnh nhân.",
            "The HIS database is open to the whole network, guest Wi-Fi included: one password is "
            "all that stands before every patient record.",
        ),
        (
            "Chỉ cho máy chủ ứng dụng HIS kết nối tới cổng cơ sở dữ liệu, bằng tường lửa.",
            "Let only the HIS application servers reach the database port, with the firewall.",
        ),
        ("firewall", ("firewall",)),
        ("ND-331-2026",),
        "db",
    ),
    _check(
        "H05",
        "high",
        "config",
        ("Chính sách mật khẩu và khóa tài khoản chưa đạt", "Password and lockout policy too weak"),
        (
            "Quy chế của Bộ Y tế yêu cầu mật khẩu từ 8 ký tự, phức tạp, và khóa tài khoản khi đăng "
            "nhập sai nhiều lần.",
            "The Ministry's rules require complex passwords of 8 or more characters and locking "
            "accounts after repeated failed logins.",
        ),
        (
            "Áp dụng pwquality (tối thiểu 8 ký tự, đủ loại ký tự) và faillock (khóa sau 5 lần sai).",
            "Apply pwquality (8 characters minimum, all classes) and faillock (lock after 5 failures).",
        ),
        ("accounts", ("accounts_pwquality", "accounts_lockout")),
        ("QD-326-BYT",),
    ),
    _check(
        "H06",
        "medium",
        "config",
        (
            "Tài khoản dùng chung, mật khẩu rỗng hoặc sudo không cần mật khẩu",
            "Shared or empty-password accounts, or NOPASSWD sudo",
        ),
        (
            "Không truy được ai đã làm gì khi nhiều người dùng chung một tài khoản; sudo không mật "
            "khẩu biến một phiên bị chiếm thành quyền root.",
            "Nobody can tell who did what on a shared account; passwordless sudo turns one "
            "hijacked session into root.",
        ),
        (
            "Khóa tài khoản không dùng, đặt mật khẩu cho tài khoản rỗng, bỏ NOPASSWD trong sudoers.",
            "Lock unused accounts, set passwords on empty ones, remove NOPASSWD from sudoers.",
        ),
        ("accounts", ("accounts_sudo", "accounts_unsafe")),
        ("ND-331-2026",),
    ),
    _check(
        "H07",
        "medium",
        "config",
        ("Phiên làm việc không tự khóa khi rời máy", "Idle sessions are never locked"),
        (
            "Máy trạm để mở ở quầy tiếp đón cho người khác dùng phiên HIS và cổng giám định đang đăng nhập.",
            "A workstation left open at the front desk lets anyone use the logged-in HIS and portal "
            "sessions.",
        ),
        (
            "Đặt TMOUT cho shell và khóa màn hình sau 10 phút không dùng.",
            "Set TMOUT for shells and lock the screen after 10 idle minutes.",
        ),
        ("accounts", ("accounts_timeout",)),
        ("QD-326-BYT",),
    ),
    _check(
        "H08",
        "high",
        "config",
        (
            "Nhật ký kiểm toán chưa bật hoặc lưu không đủ 6 tháng",
            "Audit logging off or kept under 6 months",
        ),
        (
            "Khi lộ tài khoản, cơ quan công an và Sở Y tế cần nhật ký để biết ai đã đọc tệp mật khẩu; "
            "quy chế yêu cầu lưu nhật ký máy chủ ít nhất 6 tháng.",
            "After a leak the police and the Department of Health need logs showing who read the "
            "password file; the rules require 6 months of server logs.",
        ),
        (
            "Bật auditd với quy tắc theo dõi tệp chứa thông tin xác thực, để journald lưu bền và giữ "
            "nhật ký 6 tháng.",
            "Turn on auditd with rules on credential files, make journald persistent and keep "
            "6 months of logs.",
        ),
        ("audit_logging", ("audit_rules", "journald")),
        ("QD-326-BYT", "CV-5877-BYT-BH"),
        "server",
    ),
    _check(
        "H09",
        "low",
        "config",
        ("Đồng hồ hệ thống không được đồng bộ", "Clock not synchronised"),
        (
            "Giờ lệch làm nhật ký các máy không khớp nhau, khó dựng lại diễn biến một sự cố.",
            "Skewed clocks make the machines' logs disagree and incidents hard to reconstruct.",
        ),
        (
            "Bật systemd-timesyncd hoặc chrony với máy chủ thời gian của đơn vị.",
            "Enable systemd-timesyncd or chrony against the facility's time server.",
        ),
        ("audit_logging", ("time_sync",)),
        ("ND-331-2026",),
    ),
    _check(
        "H10",
        "high",
        "config",
        ("Tường lửa máy chưa chặn theo mặc định", "Host firewall does not drop by default"),
        (
            "Không có tường lửa thì mọi dịch vụ vô tình mở trên máy đều lộ ra toàn mạng bệnh viện.",
            "Without a firewall every service left open by mistake is exposed to the whole hospital network.",
        ),
        (
            "Bật nftables với chính sách mặc định chặn, chỉ mở các cổng nhóm máy được phép.",
            "Enable nftables with a default-drop policy, opening only the group's allowed ports.",
        ),
        ("firewall", ("firewall",)),
        ("ND-331-2026",),
    ),
    _check(
        "H12",
        "high",
        "config",
        ("Chưa bật cập nhật bảo mật tự động", "Automatic security updates are off"),
        (
            "Lỗ hổng đã có bản vá vẫn bị khai thác hàng loạt trên những máy không cập nhật.",
            "Vulnerabilities that already have a fix are exploited en masse on unpatched machines.",
        ),
        (
            "Bật unattended-upgrades cho kho bảo mật và cài các bản vá đang chờ.",
            "Enable unattended-upgrades for the security archive and install pending fixes.",
        ),
        ("patch_baseline", ("patch_auto",)),
        ("ND-331-2026",),
    ),
    _check(
        "H13",
        "high",
        "config",
        (
            "Tệp chứa thông tin xác thực có quyền truy cập quá rộng",
            "Credential file owner or mode too open",
        ),
        (
            "Tệp mật khẩu mà mọi tài khoản trên máy đều đọc được thì phần mềm hay người dùng nào cũng "
            "lấy được.",
            "A password file every account can read is one any program or user can take.",
        ),
        (
            "Đặt chủ sở hữu là tài khoản dịch vụ HIS và quyền 0600.",
            "Make the HIS service account its owner, with mode 0600.",
        ),
        ("credential_store", ("credential_store",)),
        ("CV-1898-BYT-BH", "QD-326-BYT"),
        "server",
    ),
    _check(
        "H14",
        "medium",
        "config",
        ("Tệp ghi được bởi mọi người trong thư mục hệ thống", "World-writable file in a system path"),
        (
            "Người dùng bất kỳ có thể sửa tệp hệ thống này để chiếm quyền cao hơn.",
            "Any user can change this system file to gain higher privileges.",
        ),
        (
            "Bỏ quyền ghi của nhóm other (chmod o-w) sau khi xác nhận tệp không cần quyền đó.",
            "Remove the write bit for others (chmod o-w) once you confirm the file does not need it.",
        ),
        None,
        ("CIS-DEBIAN",),
    ),
    _check(
        "N01",
        "critical",
        "network",
        ("Dịch vụ rủi ro cao truy cập được qua mạng", "Risky service reachable on the network"),
        (
            "Telnet, FTP, SMB, RDP, VNC hay cổng cơ sở dữ liệu mở ra mạng là mục tiêu đầu tiên của mã "
            "độc tống tiền.",
            "Telnet, FTP, SMB, RDP, VNC or database ports open to the network are ransomware's "
            "first targets.",
        ),
        (
            "Tắt dịch vụ hoặc chặn cổng bằng tường lửa, chỉ cho phép từ mạng quản trị.",
            "Stop the service or block its port with the firewall, allowing only the management network.",
        ),
        ("firewall", ("firewall",)),
        ("ND-331-2026",),
    ),
    _check(
        "N02",
        "high",
        "network",
        ("Cổng mở ngoài danh sách cho phép của nhóm máy", "Port open outside the group's allow-list"),
        (
            "Mỗi cổng mở ngoài danh sách là một dịch vụ không ai theo dõi và vá.",
            "Every port open outside the list is a service nobody watches or patches.",
        ),
        (
            "Đóng cổng trên máy, hoặc thêm vào hisguard_allowed_tcp_ports nếu thật sự cần.",
            "Close the port on the host, or add it to hisguard_allowed_tcp_ports if it is needed.",
        ),
        ("firewall", ("firewall",)),
        ("ND-331-2026",),
    ),
    _check(
        "N03",
        "medium",
        "network",
        ("Máy lạ trong mạng của cơ sở", "Unmanaged host on a facility subnet"),
        (
            "Máy không có trong danh mục thì không được vá, không được quét và có thể là thiết bị "
            "của người ngoài.",
            "A machine missing from the inventory is never patched or scanned and may belong to an outsider.",
        ),
        (
            "Xác định chủ của máy, đưa vào inventory hoặc ngắt khỏi mạng.",
            "Find the machine's owner, then add it to the inventory or disconnect it.",
        ),
        None,
        ("CV-5877-BYT-BH",),
        "scan",
    ),
)
CHECKS_BY_ID = {check.id: check for check in CHECKS}
REPEATABLE = ("H14", "N02")

PROVINCES = (
    ("75", "Đồng Nai", ("Biên Hòa", "Long Khánh", "Long Thành", "Nhơn Trạch", "Trảng Bom", "Định Quán")),
    ("74", "Bình Dương", ("Thủ Dầu Một", "Dĩ An", "Thuận An", "Bến Cát", "Tân Uyên")),
    ("79", "TP. Hồ Chí Minh", ("Thủ Đức", "Bình Thạnh", "Gò Vấp", "Tân Bình", "Củ Chi", "Hóc Môn")),
    ("77", "Bà Rịa - Vũng Tàu", ("Vũng Tàu", "Bà Rịa", "Phú Mỹ", "Xuyên Mộc", "Châu Đức")),
)
KINDS_OF_FACILITY = (
    "Bệnh viện Đa khoa khu vực {place}",
    "Trung tâm Y tế {place}",
    "Bệnh viện Nhi đồng {place}",
    "Phòng khám Đa khoa Tâm Đức {place}",
    "Bệnh viện Y học cổ truyền {place}",
    "Bệnh viện Phục hồi chức năng {place}",
)

CREDENTIAL_FILES = (
    ("/opt/his/appsettings.json", "BHXH.Password", "password", "hisapp", "0644"),
    ("/var/www/his/.env", "BHXH_EGW_PASSWORD", "password_md5", "www-data", "0644"),
    ("/opt/his/config/web.config", "PasswordBHXH", "password", "hisapp", "0640"),
    ("/root/backup/his_20250301.sql", "api_bhxh_password", "password_md5", "root", "0644"),
    ("/home/ketoan/tra_cuu_the.py", "PASSWORD_THONG_TUYEN_BHYT", "password", "ketoan", "0664"),
)
LOG_FILES = ("/var/log/nginx/access.log", "/var/log/squid/access.log", "/opt/his/logs/egw.log")
HISTORY_FILES = ("/root/.bash_history", "/etc/cron.d/gui-ho-so", "/home/hisadmin/.bash_history")
WRITABLE_FILES = ("/usr/local/bin/backup.sh", "/opt/his/bin/start.sh", "/etc/cron.daily/his-export")
EXPORT_DIRS = ("/home/tiepdon/Desktop/XML", "/home/ketoan/Downloads/ExportXml3176", "/srv/share/XML130")


def facilities(count: int, seed: int = 7) -> list[FacilityInfo]:
    """``count`` facilities with distinct codes and Vietnamese names, spread over provinces."""
    rng = random.Random(seed)
    result: list[FacilityInfo] = []
    used: set[str] = set()
    index = 0
    while len(result) < count:
        prefix, province, places = PROVINCES[index % len(PROVINCES)]
        place = places[(index // len(PROVINCES)) % len(places)]
        kind = KINDS_OF_FACILITY[index % len(KINDS_OF_FACILITY)]
        code = f"{prefix}{rng.randrange(1000):03d}"
        index += 1
        if code in used:
            continue
        used.add(code)
        result.append(FacilityInfo(code=code, name=kind.format(place=place), province=province))
    return result


def host_names(count: int) -> list[str]:
    """Servers first, like the lab: two HIS servers, a database, a scan host, then workstations."""
    servers = ["his-app-01", "his-app-02", "his-db-01", "scan-01"][: max(1, min(4, count))]
    return servers + [f"ws-{n:03d}" for n in range(1, count - len(servers) + 1)]


def _role_of(host: str) -> str:
    if host.startswith("ws-"):
        return "workstation"
    if host.startswith("his-db"):
        return "db"
    if host.startswith("scan-"):
        return "scan"
    return "server"


def _applies(check: SampleCheck, role: str) -> bool:
    return check.where in ("any", role) or (check.where == "server" and role == "db")


def _nth(paths: Sequence[str], index: int) -> str:
    """The index-th of a list of paths, numbered copies once the list is used up."""
    path = paths[index % len(paths)]
    return path if index < len(paths) else f"{path}.{index // len(paths)}"


@dataclass(frozen=True)
class _Candidate:
    """A problem that may exist on a host, and in which scans it shows."""

    finding: Finding
    present: tuple[bool, ...]  # one flag per scan, oldest first


def _evidence_and_details(
    check: SampleCheck, host: str, index: int, code: str, rng: random.Random, when: datetime
) -> tuple[str, int | None, str, dict[str, Any]]:
    """(resource, line, evidence, details) for one occurrence; evidence is redacted as scanners do."""
    account = f"{code}_BV"
    mtime = (when - timedelta(days=rng.randrange(3, 400), minutes=rng.randrange(1440))).isoformat()
    if check.id == "C01":
        _, key, kind, owner, mode = CREDENTIAL_FILES[index % len(CREDENTIAL_FILES)]
        path = _nth([entry[0] for entry in CREDENTIAL_FILES], index)
        length = 32 if kind == "password_md5" else rng.randrange(6, 11)
        details = {"kind": kind, "account": account, "owner": owner, "mode": mode, "mtime": mtime}
        return path, rng.randrange(2, 120), f'{key}="{rng.choice("BvAbTt")}…" ({length} ký tự)', details
    if check.id == "C02":
        path = _nth(HISTORY_FILES, index)
        details = {"kind": "password", "account": account, "owner": "root", "mode": "0600", "mtime": mtime}
        return path, rng.randrange(1, 900), 'curl -d {"username":…,"password":"e1…" (32 ký tự)}', details
    if check.id == "C03":
        path = _nth([entry[0] for entry in CREDENTIAL_FILES], index)
        return path, rng.randrange(2, 120), "MD5 khớp danh sách mật khẩu phổ biến", {"account": account}
    if check.id == "C04":
        path = _nth(LOG_FILES, index)
        evidence = f"GET /api/egw/KQNhanLichSuKCB2019?token=ey…(412)&username={account}&password=(32 hex)"
        details = {"kind": "token", "account": account, "owner": "www-data", "mode": "0640", "mtime": mtime}
        return path, rng.randrange(1, 200000), evidence, details
    if check.id == "C05":
        return "/opt/his/appsettings.json", rng.randrange(2, 80), "http://egw.baohiemxahoi.gov.vn", {}
    if check.id == "C08":
        path = f"/home/tiepdon/.config/tra-cuu/storage_state_{index}.json"
        details = {"kind": "session", "account": account, "owner": "tiepdon", "mode": "0644", "mtime": mtime}
        return path, None, "cookie gdbhyt.baohiemxahoi.gov.vn (3 cookie)", details
    if check.id == "D01":
        path = _nth(EXPORT_DIRS, index)
        return path, None, f"{rng.randrange(20, 4000)} tệp XML, cũ nhất {rng.randrange(30, 700)} ngày", {}
    if check.id == "N01":
        port = rng.choice((21, 23, 445, 3389, 5900, 1433, 3306))
        return f"tcp/{port}", None, f"cổng {port} mở", {}
    if check.id == "N02":
        port = (8080, 8443, 9000, 10050, 5000, 8888)[index % 6] + 10 * (index // 6)
        return f"tcp/{port}", None, f"cổng {port} mở, không có trong danh sách cho phép", {}
    if check.id == "H14":
        return _nth(WRITABLE_FILES, index), None, "quyền 0777", {}
    if check.id == "N03":
        return f"198.18.{rng.randrange(256)}.{rng.randrange(2, 250)}", None, "máy lạ trả lời ping/ARP", {}
    resources = {
        "H01": ("/usr/bin/teamviewer", "teamviewerd đang chạy"),
        "H02": ("/etc/ssh/sshd_config", "PermitRootLogin yes; PasswordAuthentication yes"),
        "H03": ("tcp/5432", "postgres lắng nghe 0.0.0.0:5432"),
        "H05": ("/etc/security/pwquality.conf", "minlen=6; không có faillock"),
        "H06": ("/etc/sudoers.d/his", "hisadmin ALL=(ALL) NOPASSWD: ALL"),
        "H07": ("/etc/profile.d", "TMOUT chưa đặt"),
        "H08": ("auditd", "auditd không chạy; journald Storage=volatile"),
        "H09": ("systemd-timesyncd", "NTP tắt; lệch 214 s"),
        "H10": ("nftables", "chính sách input: accept"),
        "H12": ("unattended-upgrades", "tắt; 37 bản vá bảo mật đang chờ"),
        "H13": ("/etc/hisguard/credentials.yml", "quyền 0644, chủ ketoan"),
    }
    resource, evidence = resources[check.id]
    line = 12 if resource.startswith("/etc/ssh") else None
    return resource, line, evidence, {}


def _finding(
    check: SampleCheck,
    code: str,
    host: str,
    resource: str,
    line: int | None,
    evidence: str,
    details: dict[str, Any],
) -> Finding:
    return Finding(
        check_id=check.id,
        status=Status.FAIL,
        severity=check.severity,
        facility=code,
        host=host,
        resource=resource,
        title=check.title,
        fingerprint=fingerprint(check.id, host, resource, evidence, key=SAMPLE_KEY),
        scanner=check.scanner,
        evidence=evidence,
        rationale=check.rationale,
        remediation=Remediation(text=check.remediation, role=check.role, tags=check.tags),
        references=check.references,
        line=line,
        details=details,
    )


def _presence(rng: random.Random, scans: int, now: bool) -> tuple[bool, ...]:
    """When a problem shows, ending present (``now``) or fixed: persistent, new, regressed..."""
    roll = rng.random()
    if not now:
        start = 0 if roll < 0.7 else rng.randrange(scans - 1)
        return tuple(start <= i < scans - 1 for i in range(scans))  # fixed by the latest scan
    if scans == 1 or roll < 0.78:
        return (True,) * scans
    if roll < 0.90:
        return (False,) * (scans - 1) + (True,)  # new
    if roll < 0.95 and scans >= 3:
        return (True,) * (scans - 2) + (False, True)  # regressed
    start = rng.randrange(scans)
    return tuple(i >= start for i in range(scans))  # appeared some scans ago


def _candidates(
    info: FacilityInfo,
    hosts: Sequence[str],
    per_host: int,
    scans: int,
    rng: random.Random,
    must_fail: Sequence[str] = (),
) -> Iterator[_Candidate]:
    # Facilities differ: each fails its own subset of the checks (so scores spread out). H14 and
    # N02 always fail somewhere and may repeat (many files, many ports), so every host can get
    # ``per_host`` findings whatever the subset.
    keep = rng.uniform(0.1, 0.9)
    failing = [c for c in CHECKS if rng.random() < keep or c.id in (*REPEATABLE, *must_fail)]
    for host in hosts:
        applicable = [c for c in failing if _applies(c, _role_of(host))]
        # ``per_host`` problems open now, and a tenth more that earlier scans saw and are fixed.
        wanted = per_host + (per_host // 10 if scans > 1 else 0)
        produced = 0
        index = 0
        while produced < wanted:
            check = applicable[index % len(applicable)]
            occurrence = index // len(applicable)
            index += 1
            if occurrence and check.scanner != "credentials" and check.id not in REPEATABLE:
                continue  # most configuration checks fail at most once per host
            resource, line, evidence, details = _evidence_and_details(
                check, host, occurrence, info.code, rng, SAMPLE_NOW
            )
            # The network scanner reports an unmanaged machine under its own address.
            where = resource if check.id == "N03" else host
            produced += 1
            yield _Candidate(
                _finding(check, info.code, where, resource, line, evidence, details),
                _presence(rng, scans, now=produced <= per_host),
            )


def facility_runs(
    info: FacilityInfo,
    *,
    hosts: int = 8,
    findings_per_host: int = 6,
    scans: int = 4,
    seed: int = 1,
    now: datetime = SAMPLE_NOW,
    unreachable: int = 1,
    waived_ratio: float = 0.04,
    passed_per_host: int = 3,
    must_fail: Sequence[str] = (),
) -> list[Run]:
    """A week-spaced history of ``scans`` runs of one facility, oldest first.

    The newest run has about ``hosts * findings_per_host`` failing or waived findings, plus
    ``passed_per_host`` passing ones per host (coverage), and ``unreachable`` hosts it could not
    scan; the checks in ``must_fail`` fail somewhere whatever the facility's luck. Runs share
    Finding objects between scans, as a real rescan finds equal findings.
    """
    rng = random.Random(f"{seed}-{info.code}")
    names = host_names(hosts)
    candidates = list(_candidates(info, names, findings_per_host, scans, rng, must_fail))
    passing = [
        replace(
            _finding(check, info.code, host, "-", None, "", {}),
            status=Status.PASS,
            fingerprint=fingerprint(check.id, host, "pass", key=SAMPLE_KEY),
        )
        for host in names
        for check in [c for c in CHECKS if c.scanner == "config" and _applies(c, _role_of(host))][
            :passed_per_host
        ]
    ]
    down = names[-unreachable:] if 0 < unreachable < len(names) else []
    waived = {id(c) for c in candidates if rng.random() < waived_ratio}
    runs = []
    for scan in range(scans):
        finished = now - timedelta(days=7 * (scans - 1 - scan))
        latest = scan == scans - 1
        skipped = set(down) if latest else set()
        found: list[Finding] = []
        for cand in candidates:
            if not cand.present[scan] or cand.finding.host in skipped:
                continue
            if latest and id(cand) in waived:
                found.append(_waive(cand.finding, rng, now))
            else:
                found.append(cand.finding)
        found += [f for f in passing if f.host not in skipped]
        if latest and len(names) > 2:
            found.append(_errored(info.code, names[1]))
        runs.append(
            Run(
                id=f"{info.code}-{scan:03d}-{seed}",
                started_at=finished - timedelta(minutes=4 + len(names) // 10),
                finished_at=finished,
                scanners=SCANNERS,
                facility=info.code,
                hosts=tuple(h for h in names if h not in skipped),
                errors=tuple(
                    ScanError(
                        scanner="config",
                        target=host,
                        message="SSH: connection timed out after 10 s (port 22)",
                        facility=info.code,
                    )
                    for host in sorted(skipped)
                ),
                findings=tuple(found),
            )
        )
    return runs


def _waive(finding: Finding, rng: random.Random, now: datetime) -> Finding:
    expires = (now + timedelta(days=rng.randrange(10, 180))).date().isoformat()
    waiver = {
        "reason": "Máy chờ thay thế trong quý 3; đã cô lập khỏi mạng khách",
        "approver": "Nguyễn Văn An (Phó Giám đốc)",
        "ticket": f"YC-2025-{rng.randrange(100, 999)}",
        "expires": expires,
    }
    return replace(finding, status=Status.WAIVED, details={**finding.details, "waiver": waiver})


def _errored(code: str, host: str) -> Finding:
    check = CHECKS_BY_ID["H08"]
    return replace(
        _finding(check, code, host, "auditd", None, "auditctl -s: permission denied", {}),
        status=Status.ERROR,
        fingerprint=fingerprint(check.id, host, "auditd-error", key=SAMPLE_KEY),
    )
