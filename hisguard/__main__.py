"""``python -m hisguard`` runs the hisguard command."""

from hisguard.scanners.cli import main

main()
