"""Writes of the command app (it owns no records: only audit records of what was read)."""
