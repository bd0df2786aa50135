"""Organisations that involve volunteers: registration, due diligence, moderation, members."""
