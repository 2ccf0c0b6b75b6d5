"""hisguard: hardening and scanning for the IT fleets of Vietnamese BHYT medical facilities.

The installed packages are ``hisguard.scanners`` (the command, inventory, store and scanners),
``hisguard.reports`` (reports and documents) and ``hisguard.lab`` (the fleet lab). In the source
tree they live in the top-level folders ``scanners/``, ``reports/`` and ``lab/``; the entries of
this folder are links to them, so one import name serves the tree and the installed wheel.
"""
