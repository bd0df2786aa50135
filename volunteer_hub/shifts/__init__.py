"""Shifts: dated sessions of a role that approved volunteers book; rosters, calendars."""
