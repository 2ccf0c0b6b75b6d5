"""The configuration checks: ``<id>.yml`` metadata here, code in one module per family.

Importing this package registers every check's code (see :func:`scanners.config.model.check`).
"""

from hisguard.scanners.config.checks import (  # noqa: F401  (imported to register their checks)
    accounts,
    audit,
    credstore,
    databases,
    filesystem,
    firewall,
    passwords,
    patches,
    remote_access,
    sessions,
    ssh,
    timesync,
)
