"""The fleet lab: real Debian 12 hosts in systemd-nspawn containers, with planted weaknesses.

Hosts, facilities and what is planted on each host are data (``lab/profiles/``); this package
builds the image, wires the network, plants the weaknesses and boots, reports and removes the fleet.
"""
