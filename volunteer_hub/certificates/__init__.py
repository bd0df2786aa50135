"""Certificates of every kind: issued, checked by code, drawn as PDFs, revoked."""
