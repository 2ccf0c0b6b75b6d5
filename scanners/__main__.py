"""``python -m scanners`` runs the hisguard command."""

from scanners.cli import main

main()
