"""Network exposure scanner: what a facility's hosts expose on the LAN, judged against policy.

One job per module: ``scope`` (what may be touched), ``ports`` and ``settings`` (what and how
politely to probe), ``driver`` (nmap through python-nmap), ``xmlreport`` (nmap's XML, read
defensively), ``risks`` and ``judge`` (the risk table and the findings), ``runner`` (facilities
in parallel under a cap on nmap processes) and ``command`` (the ``hisguard scan network`` CLI).
"""
