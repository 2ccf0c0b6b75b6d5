"""Investigating a leak: which account, where it was seen, the evidence pack, and what to send."""
