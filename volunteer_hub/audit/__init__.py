"""The audit trail: one table and one helper for every decision and security event."""
