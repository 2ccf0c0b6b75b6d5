"""hisguard reports: turn stored scans into what a facility's IT team, its director and the
provincial Department of Health read.

Layout (pip-audit-like): sources/scans/diff/build turn runs into a typed model
(:mod:`reports.model`); each format in :mod:`reports.formats` builds a string or bytes from
that model; only :mod:`reports.cli` writes files or prints.
"""
