"""Accounts: sign-up, email verification, sign-in and out, password reset and changes."""
