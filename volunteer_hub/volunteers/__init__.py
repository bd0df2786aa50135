"""Volunteer profiles, safeguarding checks and the account pages (export and deletion)."""
