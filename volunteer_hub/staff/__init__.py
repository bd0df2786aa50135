"""Hub staff pages: volunteers and their checks, the outbox, the audit trail, users."""
