"""Where the lab keeps its state, cache and data (outside the repository, except the profiles)."""

from __future__ import annotations

import os
from pathlib import Path

STATE_DIR = Path(os.environ.get("HISGUARD_LAB_STATE", "/var/lib/hisguard-lab"))
CACHE_DIR = Path(os.environ.get("HISGUARD_LAB_CACHE", "/var/cache/hisguard-lab"))

STATE_FILE = STATE_DIR / "state.json"
LOCK_FILE = STATE_DIR / "lock"
SSH_DIR = STATE_DIR / "ssh"
CLIENT_KEY = SSH_DIR / "id_ed25519"
KNOWN_HOSTS = SSH_DIR / "known_hosts"
HOST_KEYS_DIR = STATE_DIR / "hostkeys"
IMAGES_DIR = STATE_DIR / "images"
HOSTS_DIR = STATE_DIR / "hosts"
LOG_DIR = STATE_DIR / "logs"
APT_REPO_DIR = STATE_DIR / "apt-repo"

PACKAGE_DIR = Path(__file__).resolve().parent
PROFILES_DIR = PACKAGE_DIR / "profiles"
FILES_DIR = PROFILES_DIR / "files"
# The lab inventory (vault with the planted credentials) sits beside the package in a source tree.
INVENTORY_DIR = Path(
    os.environ.get("HISGUARD_LAB_INVENTORY", str(PACKAGE_DIR.parent / "inventories" / "lab"))
)
