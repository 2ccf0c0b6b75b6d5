"""``hisguard ingest RUN.json ...``: scan documents fetched from facility scan hosts, into one store.

Every file is read and validated before anything is written; each run is then written in its own
transaction, so a failure never leaves half a run. A run already in the store (ingested before,
or by another ingest at the same moment) is reported and left alone.
"""

from hisguard.scanners.ingest.documents import DocumentError, LoadedRun, load_document
from hisguard.scanners.ingest.writer import Outcome, ingest_runs

__all__ = ["DocumentError", "LoadedRun", "Outcome", "ingest_runs", "load_document"]
