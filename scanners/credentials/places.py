"""Where a file sits, as far as severity and check ids care: history, cron, web root, bundle, log.

Web roots and open shares come from three places: the catalog's usual locations, the host's
settings (``hisguard_credential_web_roots``) and the server configurations found on the host
(nginx ``root``/``alias``, Apache ``DocumentRoot``, Samba ``guest ok``, NFS exports to ``*``).
A configuration found inside a copied disk (``/mnt/disk/etc/samba/smb.conf``) applies under the
same prefix (``/mnt/disk/srv/share``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from hisguard.scanners.credentials.rules import RuleSet

SMB_SECTION = re.compile(r"^\s*\[([^\]]+)\]")
SMB_OPTION = re.compile(r"^\s*([\w ]+?)\s*=\s*(.*?)\s*$")
WEB_LINE = re.compile(r"^\s*(?:root|alias|DocumentRoot|Alias\s+\S+)\s+[\"']?(/[^\s;\"']*)", re.I)
CONF_TAILS = ("/etc/samba/smb.conf", "/etc/exports", "/etc/nginx/", "/etc/apache2/", "/etc/httpd/")


def _prefix(conf_path: str) -> str:
    for tail in CONF_TAILS:
        at = conf_path.find(tail)
        if at >= 0:
            return conf_path[:at]
    return ""


def _rooted(prefix: str, path: str) -> list[str]:
    """A configured path as seen on a live host and under a copied disk's mount point."""
    return [path] if not prefix or path.startswith(prefix + "/") else [path, prefix + path]


def _under(path: str, roots: Iterable[str]) -> bool:
    for root in roots:
        root = root.rstrip("/")
        if root and (path == root or path.startswith(root + "/")):
            return True
    return False


@dataclass
class Places:
    rules: RuleSet
    web_roots: list[str] = field(default_factory=list)
    open_shares: list[tuple[str, str]] = field(default_factory=list)  # (path, how it is open)

    def learn(self, conf: Mapping[str, Any]) -> None:
        """Take the web roots and open shares out of one collected server configuration."""
        prefix = _prefix(str(conf["path"]))
        lines = [str(text) for _, text in conf.get("lines") or ()]
        kind = conf.get("kind")
        if kind == "web":
            for text in lines:
                match = WEB_LINE.match(text)
                if match and match.group(1) not in ("/",):
                    self.web_roots.extend(_rooted(prefix, match.group(1).rstrip("/")))
        elif kind == "smb":
            for path, how in _smb_open(lines):
                self.open_shares.extend((where, how) for where in _rooted(prefix, path))
        elif kind == "exports":
            for text in lines:
                parts = text.split()
                if len(parts) >= 2 and any(
                    client.split("(")[0] in ("*", "0.0.0.0/0", "::/0") for client in parts[1:]
                ):
                    for where in _rooted(prefix, parts[0].rstrip("/")):
                        self.open_shares.append((where, "NFS export to *"))

    def add_web_roots(self, roots: Sequence[str]) -> None:
        self.web_roots.extend(r.rstrip("/") for r in roots if r)

    def under_web_root(self, path: str) -> bool:
        if _under(path, self.web_roots):
            return True
        return any(
            marker.rstrip("/") + "/" in path or path.startswith(marker) for marker in self.rules.web_roots
        )

    def open_share(self, path: str) -> str | None:
        for share, how in self.open_shares:
            if _under(path, [share]):
                return how
        return None

    # --- file classes ----------------------------------------------------------------------------

    def is_history(self, path: str) -> bool:
        return PurePosixPath(path).name in self.rules.history_files

    def is_cron(self, path: str) -> bool:
        return any(marker in path for marker in self.rules.cron_paths)

    def is_bundle(self, path: str) -> bool:
        low = path.lower()
        if not low.endswith(self.rules.bundle_suffixes):
            return False
        return self.under_web_root(path) or any(d in low for d in self.rules.bundle_dirs)

    def is_log(self, path: str) -> bool:
        low = path.lower()
        name = PurePosixPath(low).name
        return (
            low.endswith(self.rules.log_suffixes)
            or ".log." in name
            or any(d in low for d in self.rules.log_dirs)
        )

    def is_session_file(self, path: str) -> bool:
        name = PurePosixPath(path).name.lower()
        return any(marker in name for marker in self.rules.session_names)


def _smb_open(lines: list[str]) -> list[tuple[str, str]]:
    shares: list[tuple[str, str]] = []
    section = ""
    options: dict[str, str] = {}

    def close() -> None:
        if section and section.lower() not in ("global", "printers", "print$") and options.get("path"):
            guest = options.get("guest ok", options.get("public", "no")).lower() in ("yes", "true", "1")
            if guest:
                shares.append((options["path"].rstrip("/"), f"Samba share [{section}] guest ok"))

    for text in lines:
        match = SMB_SECTION.match(text)
        if match:
            close()
            section, options = match.group(1).strip(), {}
            continue
        option = SMB_OPTION.match(text)
        if option:
            options[option.group(1).strip().lower()] = option.group(2)
    close()
    return shares
