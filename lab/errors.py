"""Errors of the lab: one-line messages, printed by the CLI, exit status 2."""

from hisguard.scanners.errors import HisguardError


class LabError(HisguardError):
    """The lab could not be built, booted, reached or removed."""


class ProfileError(LabError):
    """A lab profile (facility, host, planted weakness) is malformed."""
