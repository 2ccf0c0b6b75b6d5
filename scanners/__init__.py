"""hisguard: scanners for BHYT facility fleets (credentials, configuration, network)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hisguard")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+source"
