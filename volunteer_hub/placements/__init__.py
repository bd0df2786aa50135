"""Placements: applications to roles, decided on time, never overbooked."""
