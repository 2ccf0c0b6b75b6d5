"""Windows hosts without an agent: disks over SMB, protocol facts from the network, and a PowerShell
facts script judged by a pure catalog (see docs/windows.md for what is verified against what)."""
