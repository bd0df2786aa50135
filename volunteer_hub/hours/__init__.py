"""Volunteer hours: logging, verification, rollups, totals and milestones."""
