"""Where a Windows disk keeps the leaks, as known paths: no scan walks a whole disk over the LAN.

Each :class:`Root` is a folder (relative to a drive or share), how deep to go and which file names
are worth reading there. Vendor folders under Program Files and ProgramData, user profiles and
browser profiles are found by listing one level and picking names, never by walking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Names worth reading, by place. Configuration and scripts: where HIS clients and add-ons keep logins.
CONFIG_SUFFIXES = (
    ".config", ".json", ".xml", ".ini", ".txt", ".env", ".ps1", ".psm1", ".bat", ".cmd", ".vbs", ".js",
    ".properties", ".yml", ".yaml", ".conf", ".cfg", ".udl", ".dsn", ".sql", ".py", ".reg", ".settings",
)  # fmt: skip
# What staff keep on a Desktop or in Documents: office files, exports, notes, archives.
DOCUMENT_SUFFIXES = (
    *CONFIG_SUFFIXES, ".xlsx", ".xlsm", ".xls", ".docx", ".docm", ".doc", ".csv", ".tsv", ".zip",
    ".rar", ".7z", ".md", ".rtf", ".odt", ".ods", ".bak", ".log",
)  # fmt: skip
CLAIM_SUFFIXES = (".xml", ".zip", ".csv", ".xlsx", ".txt", ".json")
# Folders a drive's root uses for claim exports and backups (Vietnamese and English, any case).
EXPORT_HINTS = re.compile(
    r"xml|bhyt|bhxh|giam ?dinh|gdbhyt|xuat|export|du ?lieu|dulieu|data|backup|sao ?luu|his", re.I
)
# Program Files / ProgramData folders that belong to Windows or common runtimes, not to a HIS vendor.
SYSTEM_FOLDERS = frozenset(
    name.lower()
    for name in (
        "Common Files", "Internet Explorer", "Microsoft", "Microsoft.NET", "Microsoft Office",
        "Microsoft Office 15", "Microsoft OneDrive", "Microsoft Update Health Tools", "Microsoft SQL Server",
        "Microsoft Visual Studio", "MSBuild", "Reference Assemblies", "Windows Defender",
        "Windows Defender Advanced Threat Protection", "Windows Mail", "Windows Media Player",
        "Windows Multimedia Platform", "Windows NT", "Windows Photo Viewer", "Windows Portable Devices",
        "Windows Security", "Windows Sidebar", "WindowsApps", "WindowsPowerShell", "ModifiableWindowsApps",
        "dotnet", "Package Cache", "Packages", "regid.1991-06.com.microsoft", "ssh", "USOPrivate",
        "USOShared", "Intel", "NVIDIA Corporation", "Google", "Mozilla Firefox",
        "Mozilla Maintenance Service",
        "Uninstall Information", "Application Data", "Desktop", "Documents", "Start Menu", "Templates",
    )
)  # fmt: skip
# Not real profiles (or junctions to others).
SKIP_USERS = frozenset({"default", "default user", "all users", "desktop.ini"})
BROWSERS = (
    ("Chrome", "AppData/Local/Google/Chrome/User Data"),
    ("Edge", "AppData/Local/Microsoft/Edge/User Data"),
    ("Cốc Cốc", "AppData/Local/CocCoc/Browser/User Data"),
)
BROWSER_FILES = ("Login Data", "Login Data For Account", "Cookies", "Network/Cookies")
FIREFOX_PROFILES = "AppData/Roaming/Mozilla/Firefox/Profiles"
FIREFOX_FILES = ("logins.json", "cookies.sqlite")
PSREADLINE = "AppData/Roaming/Microsoft/Windows/PowerShell/PSReadLine/ConsoleHost_history.txt"
# Remote-control tools keep their settings (and sometimes unattended-access passwords) here.
REMOTE_TOOL_DIRS = ("AppData/Roaming/AnyDesk", "AppData/Roaming/UltraViewer", "AppData/Roaming/TeamViewer")
USER_FOLDERS = ("Desktop", "Documents", "Downloads")
VENDOR_PARENTS = ("Program Files", "Program Files (x86)", "ProgramData")
WEB_ROOTS = ("inetpub/wwwroot",)


@dataclass(frozen=True)
class Root:
    path: str  # relative to the share, "/" separators, no leading slash
    depth: int  # levels of folders below ``path`` that are listed
    suffixes: tuple[str, ...]
    why: str  # what the place is, for the run's record of what was read


def wanted(name: str, suffixes: tuple[str, ...]) -> bool:
    low = name.lower()
    return low.endswith(suffixes) or name in BROWSER_FILES or name in FIREFOX_FILES


def is_vendor_folder(name: str) -> bool:
    return name.lower() not in SYSTEM_FOLDERS and not name.lower().startswith(("microsoft", "windows"))


def is_profile(name: str) -> bool:
    return name == "Default" or name.startswith("Profile ")


def is_export_folder(name: str) -> bool:
    return bool(EXPORT_HINTS.search(name))
