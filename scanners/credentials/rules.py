"""The credential rules: the catalog in ``rules/catalog.yml`` plus a facility's extra rules files.

Every check's metadata goes through :func:`scanners.catalog.parse_metadata`. The detection part
(key names, portal hosts, placeholders...) is plain lists that extra files extend: a facility
adds its HIS vendor's key names with a file such as::

    detection:
      portal_keys:
        password: [MatKhauCongBH]
        username: [TenTruyCapCongBH]
      anchors: [congbh]

given with ``--rules FILE`` or the inventory variable ``hisguard_credential_rules`` (a list of
files, or that mapping inline). Key names are compared lower-cased without separators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from hisguard.scanners.catalog import CheckMeta, ids, parse_metadata
from hisguard.scanners.credentials.fastre import FastPattern
from hisguard.scanners.errors import CatalogError

KINDS = ("password", "password_hash", "token", "session", "username", "userpass", "staff")
LIST_KEYS = (
    "anchors",
    "small_file_anchors",
    "portal_tokens",
    "other_system_words",
    "not_secret_words",
    "neutral_words",
    "endpoints",
    "placeholders",
    "placeholder_patterns",
    "reads",
    "tls_disabled",
    "automation",
    "history_files",
    "cron_paths",
    "web_roots",
    "bundle_dirs",
    "bundle_suffixes",
    "log_suffixes",
    "log_dirs",
    "session_names",
    "claim_roots",
    "hiv_record_roots",
    "setting_name_columns",
    "setting_value_columns",
    "username_forms",
    "raise_when",
    "lower_for_kinds",
)
MAPPING_KEYS = ("portal_keys", "key_words", "browser_stores")
SCALAR_KEYS = ("cccd_form", "hiv_record_type")


def normalize_key(name: str) -> str:
    """A key name compared the way the rules compare it: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


@dataclass(frozen=True)
class Host:
    host: str
    kind: str


@dataclass(frozen=True)
class RuleSet:
    """Everything the engine needs, validated and compiled once."""

    checks: Mapping[str, CheckMeta]
    anchors: tuple[str, ...]
    small_file_anchors: tuple[str, ...]
    portal_tokens: frozenset[str]
    portal_keys: Mapping[str, str]
    words: Mapping[str, tuple[str, str]]  # word -> (category, kind)
    placeholders: frozenset[str]
    placeholder_re: re.Pattern[str]
    reads_re: re.Pattern[str]
    hosts: tuple[Host, ...]
    host_re: re.Pattern[str]
    endpoint_re: re.Pattern[str]
    username_re: re.Pattern[str]
    cccd_re: re.Pattern[str]
    tls_disabled_re: re.Pattern[str]
    automation_re: re.Pattern[str]
    history_files: frozenset[str]
    cron_paths: tuple[str, ...]
    web_roots: tuple[str, ...]
    bundle_dirs: tuple[str, ...]
    bundle_suffixes: tuple[str, ...]
    log_suffixes: tuple[str, ...]
    log_dirs: tuple[str, ...]
    session_names: tuple[str, ...]
    browser_stores: Mapping[str, str]
    claim_roots: tuple[str, ...]
    hiv_record_roots: frozenset[str]
    setting_name_columns: tuple[str, ...]  # in order of preference (mathamso before tenthamso)
    setting_value_columns: frozenset[str]
    hiv_record_type: str
    raise_when: frozenset[str]
    lower_for_kinds: frozenset[str]
    # The same pattern lists, searched faster (same answers): see scanners/credentials/fastre.py.
    host_fast: FastPattern
    endpoint_fast: FastPattern
    reads_fast: FastPattern
    placeholder_fast: FastPattern
    tls_disabled_fast: FastPattern
    automation_fast: FastPattern
    common_passwords: tuple[str, ...] = field(default=(), repr=False)
    sources: tuple[str, ...] = ()

    def check(self, check_id: str) -> CheckMeta:
        try:
            return self.checks[check_id]
        except KeyError:
            raise CatalogError(f"credential rules: no check {check_id}") from None


def _read_yaml(path: Path) -> Any:
    """A user's rules file: bounded (size, aliases, depth), UTF-8 text, regular file only."""
    from hisguard.scanners.safeload import InputError, load_yaml_file

    try:
        return load_yaml_file(path, MAX_RULES_FILE_BYTES)
    except InputError as exc:
        raise CatalogError(f"rules file {exc}") from None


MAX_RULES_FILE_BYTES = 4 * 1024 * 1024


def _builtin() -> Any:
    text = (
        resources.files("hisguard.scanners.credentials")
        .joinpath("rules/catalog.yml")
        .read_text(encoding="utf-8")
    )
    # libyaml's loader when PyYAML has it: the catalog loads in a few ms instead of a tenth of a second.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def _common_passwords() -> tuple[str, ...]:
    text = (
        resources.files("hisguard.scanners.credentials")
        .joinpath("rules/common-passwords.txt")
        .read_text(encoding="utf-8")
    )
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


def _merge_detection(base: dict[str, Any], extra: Any, where: str) -> None:
    if not isinstance(extra, Mapping):
        raise CatalogError(f"{where}: detection must be a mapping")
    for key, value in extra.items():
        if key in LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
                raise CatalogError(f"{where}: detection.{key} must be a list of strings")
            base.setdefault(key, []).extend(str(v) for v in value)
        elif key in MAPPING_KEYS:
            if not isinstance(value, Mapping):
                raise CatalogError(f"{where}: detection.{key} must be a mapping")
            target = base.setdefault(key, {})
            for sub, items in value.items():
                if key == "browser_stores":
                    target[str(sub)] = str(items)
                    continue
                if sub not in KINDS:
                    raise CatalogError(f"{where}: detection.{key}.{sub}: kind must be one of {KINDS}")
                if not isinstance(items, list):
                    raise CatalogError(f"{where}: detection.{key}.{sub} must be a list")
                target.setdefault(sub, []).extend(str(v) for v in items)
        elif key == "hosts":
            if not isinstance(value, list):
                raise CatalogError(f"{where}: detection.hosts must be a list")
            for item in value:
                if not isinstance(item, Mapping) or not item.get("host"):
                    raise CatalogError(f"{where}: detection.hosts entries need a host")
            base.setdefault("hosts", []).extend(dict(item) for item in value)
        elif key in SCALAR_KEYS:
            base[key] = str(value)
        else:
            raise CatalogError(f"{where}: unknown detection key {key!r}")


def _compile(patterns: Iterable[str], where: str, flags: int = re.I) -> re.Pattern[str]:
    items = [p for p in patterns if p]
    for item in items:
        try:
            re.compile(item)
        except re.error as exc:
            raise CatalogError(f"{where}: bad pattern {item!r} ({exc})") from None
    if not items:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(f"(?:{p})" for p in items), flags)


def build(
    data: Mapping[str, Any], extras: Sequence[tuple[str, Any]] = (), where: str = "catalog.yml"
) -> RuleSet:
    """Validate the catalog (and merge extra detection data) into a RuleSet."""
    checks_raw = data.get("checks")
    if not isinstance(checks_raw, Mapping) or not checks_raw:
        raise CatalogError(f"{where}: no checks")
    checks = {
        key: parse_metadata(entry, f"{where}: {key}", expected_id=str(key))
        for key, entry in checks_raw.items()
    }
    detection: dict[str, Any] = {}
    _merge_detection(detection, data.get("detection") or {}, where)
    for source, extra in extras:
        if not isinstance(extra, Mapping):
            raise CatalogError(f"{source}: a rules file must be a mapping with a detection part")
        unknown = set(extra) - {"detection"}
        if unknown:
            raise CatalogError(f"{source}: unknown top-level key(s) {sorted(unknown)} (only detection)")
        _merge_detection(detection, extra.get("detection") or {}, source)

    words: dict[str, tuple[str, str]] = {}
    for word in detection.get("neutral_words", []):
        words[normalize_key(word)] = ("neutral", "")
    for word in detection.get("not_secret_words", []):
        words[normalize_key(word)] = ("not_secret", "")
    for word in detection.get("other_system_words", []):
        words[normalize_key(word)] = ("other", "")
    for word in detection.get("portal_tokens", []):
        words[normalize_key(word)] = ("portal", "")
    for kind, items in (detection.get("key_words") or {}).items():
        for word in items:
            words[normalize_key(word)] = ("cred", kind)
    portal_keys: dict[str, str] = {}
    anchors = [a.lower() for a in detection.get("anchors", [])]
    for kind, items in (detection.get("portal_keys") or {}).items():
        for name in items:
            portal_keys[normalize_key(name)] = kind
            # A vendor key name that no anchor covers becomes an anchor itself.
            low = str(name).lower()
            small = [a.lower() for a in detection.get("small_file_anchors", [])]
            if not any(anchor in low for anchor in anchors + small):
                anchors.append(low)
    hosts = tuple(
        Host(host=str(h["host"]).lower(), kind=str(h.get("class") or "facility"))
        for h in detection.get("hosts", [])
    )
    host_re = re.compile(
        "|".join(re.escape(h.host) for h in sorted(hosts, key=lambda h: -len(h.host))) or r"(?!x)x", re.I
    )
    endpoint_re = re.compile(
        "|".join(re.escape(e) for e in detection.get("endpoints", [])) or r"(?!x)x", re.I
    )
    host_patterns = [re.escape(h.host) for h in sorted(hosts, key=lambda h: -len(h.host))]
    endpoint_patterns = [re.escape(e) for e in detection.get("endpoints", [])]
    return RuleSet(
        checks=checks,
        anchors=tuple(dict.fromkeys(anchors)),
        small_file_anchors=tuple(
            a.lower() for a in detection.get("small_file_anchors", []) if a.lower() not in anchors
        ),
        portal_tokens=frozenset(normalize_key(t) for t in detection.get("portal_tokens", [])),
        portal_keys=portal_keys,
        words=words,
        placeholders=frozenset(p.lower() for p in detection.get("placeholders", [])),
        placeholder_re=_compile(
            detection.get("placeholder_patterns", []), f"{where}: placeholder_patterns", 0
        ),
        reads_re=_compile(detection.get("reads", []), f"{where}: reads"),
        hosts=hosts,
        host_re=host_re,
        endpoint_re=endpoint_re,
        username_re=_compile(detection.get("username_forms", []), f"{where}: username_forms", 0),
        cccd_re=_compile([detection.get("cccd_form", r"^\d{12}$")], f"{where}: cccd_form", 0),
        tls_disabled_re=_compile(detection.get("tls_disabled", []), f"{where}: tls_disabled"),
        automation_re=_compile(detection.get("automation", []), f"{where}: automation"),
        history_files=frozenset(detection.get("history_files", [])),
        cron_paths=tuple(detection.get("cron_paths", [])),
        web_roots=tuple(detection.get("web_roots", [])),
        bundle_dirs=tuple(detection.get("bundle_dirs", [])),
        bundle_suffixes=tuple(detection.get("bundle_suffixes", [])),
        log_suffixes=tuple(detection.get("log_suffixes", [])),
        log_dirs=tuple(detection.get("log_dirs", [])),
        session_names=tuple(s.lower() for s in detection.get("session_names", [])),
        browser_stores=dict(detection.get("browser_stores") or {}),
        claim_roots=tuple(detection.get("claim_roots", [])),
        hiv_record_roots=frozenset(r.upper() for r in detection.get("hiv_record_roots", [])),
        setting_name_columns=tuple(
            dict.fromkeys(normalize_key(c) for c in detection.get("setting_name_columns", []))
        ),
        setting_value_columns=frozenset(normalize_key(c) for c in detection.get("setting_value_columns", [])),
        hiv_record_type=str(detection.get("hiv_record_type", "XML6")),
        raise_when=frozenset(detection.get("raise_when", [])),
        lower_for_kinds=frozenset(detection.get("lower_for_kinds", [])),
        host_fast=FastPattern(host_patterns, re.I),
        endpoint_fast=FastPattern(endpoint_patterns, re.I),
        reads_fast=FastPattern(detection.get("reads", []), re.I),
        placeholder_fast=FastPattern(detection.get("placeholder_patterns", []), 0),
        tls_disabled_fast=FastPattern(detection.get("tls_disabled", []), re.I),
        automation_fast=FastPattern(detection.get("automation", []), re.I),
        common_passwords=_common_passwords(),
        sources=(where, *(source for source, _ in extras)),
    )


@cache
def default_rules() -> RuleSet:
    """The built-in catalog, loaded once per process (and its checks registered: catalog.ids)."""
    rules = build(_builtin())
    ids.register("credentials", rules.checks.values())
    return rules


def load_rules(files: Sequence[str | Path] = (), inline: Sequence[tuple[str, Any]] = ()) -> RuleSet:
    """The built-in catalog plus extra rules files (and inline mappings from the inventory)."""
    if not files and not inline:
        return default_rules()
    extras: list[tuple[str, Any]] = []
    for item in files:
        path = Path(item)
        if not path.is_file():
            raise CatalogError(f"{path}: rules file not found")
        extras.append((str(path), _read_yaml(path)))
    extras.extend(inline)
    return build(_builtin(), extras)


def rules_from_variable(value: Any, where: str) -> tuple[list[str], list[tuple[str, Any]]]:
    """Split the inventory variable ``hisguard_credential_rules`` into files and inline mappings."""
    if value is None:
        return [], []
    if isinstance(value, str):
        return [value], []
    if isinstance(value, Mapping):
        return [], [(where, dict(value))]
    if isinstance(value, list):
        files: list[str] = []
        inline: list[tuple[str, Any]] = []
        for item in value:
            sub_files, sub_inline = rules_from_variable(item, where)
            files.extend(sub_files)
            inline.extend(sub_inline)
        return files, inline
    raise CatalogError(f"{where}: hisguard_credential_rules must be a file, a list of files or a mapping")
