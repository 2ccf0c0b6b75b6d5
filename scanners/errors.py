"""The project's own exception types.

Every error a user can cause or meet (bad inventory, unreachable host, bad store URL) is a
``HisguardError`` whose message is one line fit to print; the CLI prints it and exits 2.
Messages never contain a secret value: callers pass names and paths, never contents.
"""


class HisguardError(Exception):
    """An error with a one-line message meant for the user."""


class InventoryError(HisguardError):
    """The inventory is malformed or names something that does not exist."""


class StoreError(HisguardError):
    """The findings store cannot be opened, migrated or written."""


class TransportError(HisguardError):
    """A host could not be reached, refused us, or a command on it failed to run."""


class CatalogError(HisguardError):
    """A check, rule or regulation catalog entry is invalid."""


class ScopeError(HisguardError):
    """A scan target lies outside what the facility owns, or inside what it excludes."""
