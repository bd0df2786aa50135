"""Roles (volunteering opportunities): writing, moderation, search, pages and open data."""
