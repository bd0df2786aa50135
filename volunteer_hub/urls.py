"""Absolute links for emails, feeds and documents, always built on `HUB_BASE_URL`.

Building them from the configured base (never the request's Host header) keeps a forged
Host out of password-reset links, and works the same in a scheduled job as in a request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import IntegerConverter, Map


def external_url(endpoint: str, **values: Any) -> str:
    base = urlsplit(current_app.config["HUB_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: only numbers a database integer column can hold, so an
    absurd id in a URL is a 404, not an overflow deep in the database driver."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is wider
