"""Small helpers every blueprint's views share: form pages, safe redirects, the client address."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import render_template, request
from flask_wtf import FlaskForm
from werkzeug.wrappers.response import Response

# What a view returns: a response, a page, or a page with its status.
PageResult = Response | str | tuple[str, int]


def render_form(template: str, form: FlaskForm, **context: Any) -> tuple[str, int]:
    """Render a page holding `form`; 422 when it was submitted with errors, else 200."""
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this site (no scheme, no host, no `//`), else `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(char) < 32 for char in target):
        return default
    return target


def client_ip() -> str | None:
    return request.remote_addr
