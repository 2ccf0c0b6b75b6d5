"""Portal-credential and patient-data exposure scanner (``hisguard scan credentials``).

collect (prefilter every file, keep candidate lines; runs locally or on a host over SSH)
  -> judge (context rules of the catalog on the candidate lines) -> hits
  -> report (check ids, severity, redacted evidence, fingerprints) + register + patient data.
"""
