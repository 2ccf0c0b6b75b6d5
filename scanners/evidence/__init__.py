"""Evidence packs: what a leak left on the hosts, copied read-only, hashed and signed.

- ``pack.py``: the pack on disk (items, manifest, keyed signature) and ``verify_pack``.
- ``redaction.py``: log excerpts lose every secret value before they are written.
- ``remote.py``: the read-only shell commands a collection runs on a host, and the marker it leaves.
- ``collect.py``: one collection: which hosts and paths, from the findings the store holds.
"""
