"""Turn what the judge saw on one host into findings: check ids, severity, redacted evidence.

One finding per check, file and secret (the same token repeated down a log is one problem; its
lines are listed in ``details.lines``). The raw secret only reaches :func:`fingerprint` and the
keyed, truncated fingerprint of :mod:`scanners.credentials.redact`.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from hisguard.scanners.credentials.judge import Observation
from hisguard.scanners.credentials.places import Places
from hisguard.scanners.credentials.redact import evidence, length_class, secret_fingerprint, username_label
from hisguard.scanners.credentials.rules import RuleSet
from hisguard.scanners.credentials.weak import WeakPasswords
from hisguard.scanners.findings import Finding, Severity, Text, display_path

SCANNER = "credentials"
# Every line of a secret repeated down a log is listed (a reader goes to each), up to a bound that
# keeps one finding of a huge log readable; past it ``lines_truncated`` says how many were left out.
MAX_LINES = 5000
FACILITY_USER = re.compile(r"^(\d{5})_[A-Za-z]{2,6}$")


@dataclass
class HostResult:
    """What one host gave: observations of the judge plus the collector's other records."""

    host: str
    observations: list[Observation] = field(default_factory=list)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> mode/uid/size/mtime
    claims: list[dict[str, Any]] = field(default_factory=list)
    stores: list[dict[str, Any]] = field(default_factory=list)
    confs: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)


def _displayable(value: Any) -> Any:
    """``value`` with every string (paths in details, folder names as keys) made valid text."""
    if isinstance(value, str):
        return display_path(value)
    if isinstance(value, Mapping):
        return {_displayable(k): _displayable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_displayable(v) for v in value)
    return value


class Reporter:
    def __init__(
        self, rules: RuleSet, facility: str, weak: WeakPasswords, now: datetime | None = None
    ) -> None:
        self.rules = rules
        self.facility = facility
        self.weak = weak
        self.now = now or datetime.now(UTC)

    def finding(
        self,
        check_id: str,
        host: str,
        resource: str,
        material: str | bytes,
        *,
        severity: Severity | None = None,
        evidence_text: str = "",
        evidence_vi: str = "",
        line: int | None = None,
        column: int | None = None,
        details: Mapping[str, Any] | None = None,
        title: Text | None = None,
    ) -> Finding:
        details = dict(details or {})
        if evidence_vi:
            # A sentence rather than redacted data: the report shows it in its own language.
            details["evidence_text"] = {"vi": evidence_vi, "en": evidence_text}
        return self.rules.check(check_id).finding(
            scanner=SCANNER,
            facility=self.facility,
            host=host,
            # A path is bytes: the fingerprint keeps them all, what is shown escapes non-UTF-8 ones.
            resource=resource,
            shown_resource=display_path(resource),
            material=material,
            severity=severity,
            title=title,
            evidence=display_path(evidence_text),
            line=line,
            column=column,
            details=_displayable(dict(details or {})),
        )

    # --- secrets ---------------------------------------------------------------------------------

    def secret_check(self, obs: Observation, places: Places) -> str:
        path = obs.path
        if obs.secret_kind == "session" or obs.syntax == "cookie" or places.is_session_file(path):
            return "C08"
        if places.is_history(path) or places.is_cron(path):
            return "C02"
        if places.is_bundle(path):
            return "C07"
        if obs.syntax in ("query", "userinfo") or places.is_log(path):
            return "C04"
        return "C01"

    def exposure(self, path: str, meta: Mapping[str, Any], places: Places) -> list[str]:
        found = []
        mode = meta.get("mode")
        if isinstance(mode, int) and mode & 0o004:
            found.append("world_readable")
        if places.under_web_root(path):
            found.append("web_root")
        if places.is_history(path):
            found.append("history")
        if places.is_bundle(path):
            found.append("bundle")
        return found

    def secrets(self, result: HostResult, places: Places, account_of: Any = None) -> list[Finding]:
        groups: dict[tuple[str, str, str], list[Observation]] = defaultdict(list)
        for obs in result.observations:
            if obs.kind != "secret" or obs.value is None:
                continue
            value = obs.value.reveal()
            digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
            checks = [self.secret_check(obs, places)]
            if checks[0] == "C07":
                # A credential in a served bundle is also a credential stored in a file: C07 says
                # every browser gets it, C01 that it must leave the file (rebuilt without it).
                checks.append("C01")
            if obs.secret_kind in ("password", "password_hash") and self.weak.is_weak(value):
                checks.append("C03")
            for check_id in checks:
                groups[(check_id, obs.path, digest)].append(obs)
        findings = []
        for (check_id, path, _), items in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[1][0].line)):
            first = min(items, key=lambda o: (o.line, o.column))
            assert first.value is not None
            value = first.value.reveal()
            meta = result.files.get(path, {})
            exposed = self.exposure(path, meta, places)
            severity = self.rules.check(check_id).severity
            if any(e in self.rules.raise_when for e in exposed):
                severity = severity.shifted(1)
            if first.secret_kind in self.rules.lower_for_kinds:
                severity = severity.shifted(-1)
            if check_id == "C03":
                severity = Severity.CRITICAL
            account = account_of(first) if account_of else None
            details: dict[str, Any] = {
                "kind": first.secret_kind,
                # No character of the secret: a length class and a keyed fingerprint that matches
                # the same secret in other findings of this installation.
                "length": length_class(value),
                "secret_fingerprint": secret_fingerprint(value),
                "key": first.key,
                "syntax": first.syntax,
                "portal": first.portal_class,
                "occurrences": len(items),
                "lines": sorted({o.line for o in items})[:MAX_LINES],
                "exposure": exposed,
            }
            left_out = len({o.line for o in items}) - MAX_LINES
            if left_out > 0:
                details["lines_truncated"] = left_out
            if first.username:
                details["username"] = username_label(first.username)
            if account:
                details["account"] = account
            details.update(_file_facts(meta))
            findings.append(
                self.finding(
                    check_id,
                    result.host,
                    path,
                    value,
                    severity=severity,
                    evidence_text=evidence(first.key, first.secret_kind, value),
                    line=first.line,
                    column=first.column,
                    details=details,
                )
            )
        return findings

    # --- other observations of the judge ---------------------------------------------------------

    def per_file(self, result: HostResult) -> list[Finding]:
        mapping = {"plain_http": "C05", "tls_disabled": "C06", "automation": "C09", "staff": "C10"}
        groups: dict[tuple[str, str], list[Observation]] = defaultdict(list)
        for obs in result.observations:
            if obs.kind in mapping:
                groups[(mapping[obs.kind], obs.path)].append(obs)
        findings = []
        for (check_id, path), items in sorted(groups.items()):
            first = min(items, key=lambda o: (o.line, o.column))
            details = {"occurrences": len(items), "lines": sorted({o.line for o in items})[:MAX_LINES]}
            details.update(_file_facts(result.files.get(path, {})))
            # (English, Vietnamese); the key is what matched: a setting's name, or "http://".
            label, label_vi = {
                "C05": ("the portal's address starts with", "địa chỉ cổng giám định BHYT bắt đầu bằng"),
                "C06": ("TLS certificate check off", "tắt kiểm tra chứng chỉ TLS"),
                "C09": ("portal automation", "tự động hóa thao tác trên cổng giám định BHYT"),
                "C10": ("fixed staff identity for look-ups", "tra cứu bằng danh tính cán bộ cố định"),
            }[check_id]
            findings.append(
                self.finding(
                    check_id,
                    result.host,
                    path,
                    f"{check_id}:{path}",
                    evidence_text=f"{label}: {first.key}",
                    evidence_vi=f"{label_vi}: {first.key}",
                    line=first.line,
                    column=first.column,
                    details=details,
                )
            )
        return findings

    def stores(self, result: HostResult) -> list[Finding]:
        """C08 for saved logins and cookies of the portal, C09 for add-ons with access to it."""
        findings = []
        for record in result.stores:
            path = str(record["path"])
            store = str(record.get("store"))
            count = int(record.get("count") or 0)
            details: dict[str, Any] = {"store": store, "count": count}
            origins = [str(o) for o in record.get("origins") or ()]
            if origins:
                details["origins"] = origins
            users = [username_label(str(u)) for u in record.get("usernames") or ()]
            if users:
                details["usernames"] = users
            if record.get("name"):
                details["name"] = str(record["name"])[:100]
            details.update(_file_facts(record))
            where = (
                ", ".join(sorted({o.split("://")[-1].split("/")[0] for o in origins}))
                or "baohiemxahoi.gov.vn"
            )
            if store in ("extension", "userscript"):
                what, what_vi = (
                    ("browser extension", "tiện ích trình duyệt")
                    if store == "extension"
                    else ("user script", "đoạn mã người dùng (user script)")
                )
                label = f" {details['name']!r}" if details.get("name") else ""
                check_id, text = "C09", f"{what}{label} has access to {where} ({count} pattern(s))"
                text_vi = f"{what_vi}{label} được truy cập {where} ({count} mẫu địa chỉ)"
            else:
                what, what_vi = (
                    ("saved logins", "thông tin đăng nhập đã lưu")
                    if store == "logins"
                    else ("cookies", "cookie")
                )
                text = f"browser store: {count} {what} for {where}"
                text_vi = f"kho trình duyệt: {count} {what_vi} của {where}"
                if users:
                    text += f" (user {', '.join(users[:3])})"
                    text_vi += f" (người dùng {', '.join(users[:3])})"
                check_id = "C08"
            findings.append(
                self.finding(
                    check_id,
                    result.host,
                    path,
                    f"{check_id}:{path}",
                    evidence_text=text,
                    evidence_vi=text_vi,
                    details=details,
                )
            )
        return findings

    # --- patient data ----------------------------------------------------------------------------

    def claims(self, result: HostResult, places: Places) -> list[Finding]:
        findings = []
        folders: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in result.claims:
            path = str(record["path"])
            folders[str(PurePosixPath(path).parent)].append(record)
            standalone_hiv = str(record.get("root") or "").upper() in self.rules.hiv_record_roots
            if record.get("xml6") or standalone_hiv:
                what = "is" if standalone_hiv else "embeds"
                what_vi = "là" if standalone_hiv else "chứa"
                findings.append(
                    self.finding(
                        "D02",
                        result.host,
                        path,
                        f"D02:{path}",
                        evidence_text=f"{record.get('root')} {what} an XML6 (HIV/AIDS) record",
                        evidence_vi=f"{record.get('root')} {what_vi} bảng XML6 (HIV/AIDS)",
                        details=_file_facts(record),
                    )
                )
        for folder, records in sorted(folders.items()):
            times = [int(r.get("mtime") or 0) for r in records]
            now = self.now.timestamp()
            oldest = max(0, int((now - min(times)) // 86400))
            newest = max(0, int((now - max(times)) // 86400))
            roots = Counter(str(r.get("root")) for r in records)
            details = {
                "files": len(records),
                "roots": dict(sorted(roots.items())),
                "oldest_days": oldest,
                "newest_days": newest,
                "world_readable": sum(1 for r in records if int(r.get("mode") or 0) & 0o004),
            }
            text = f"{len(records)} claim XML file(s), oldest {oldest} days"
            text_vi = f"{len(records)} tệp XML hồ sơ đề nghị thanh toán BHYT, tệp cũ nhất {oldest} ngày"
            findings.append(
                self.finding(
                    "D01",
                    result.host,
                    folder,
                    f"D01:{folder}",
                    evidence_text=text,
                    evidence_vi=text_vi,
                    details=details,
                )
            )
            web_root = places.under_web_root(folder + "/x")
            where = "web root" if web_root else places.open_share(folder)
            if where:
                where_vi = "thư mục web" if web_root else f"thư mục chia sẻ {where}"
                findings.append(
                    self.finding(
                        "D03",
                        result.host,
                        folder,
                        f"D03:{folder}",
                        evidence_text=f"{text}, on {where}",
                        evidence_vi=f"{text_vi}, nằm trong {where_vi}",
                        details={**details, "exposed_by": where},
                    )
                )
        return findings


def _file_facts(meta: Mapping[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    if isinstance(meta.get("mode"), int):
        facts["mode"] = f"{meta['mode']:04o}"
    for key in ("uid", "size"):
        if key in meta:
            facts[key] = meta[key]
    if meta.get("mtime"):
        facts["modified"] = datetime.fromtimestamp(int(meta["mtime"]), UTC).isoformat()
    return facts


def facility_codes(observations: Iterable[Observation]) -> set[str]:
    """Facility codes seen in portal usernames (75901_BV, 75901_TYT -> 75901), for weak-password
    guesses."""
    codes = set()
    for obs in observations:
        match = FACILITY_USER.match(obs.username)
        if match:
            codes.add(match.group(1))
    return codes


def all_findings(
    reporter: Reporter, result: HostResult, places: Places, account_of: Any = None
) -> list[Finding]:
    return [
        *reporter.secrets(result, places, account_of),
        *reporter.per_file(result),
        *reporter.stores(result),
        *reporter.claims(result, places),
    ]


def sorted_errors(messages: Sequence[str]) -> list[str]:
    return sorted(set(messages))
