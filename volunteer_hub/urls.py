"""Absolute links for emails, feeds and documents, always built on `HUB_BASE_URL`.

Building them from the configured base (never the request's Host header) keeps a forged
Host out of password-reset links, and works the same in a scheduled job as in a request.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    base = urlsplit(current_app.config["HUB_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)
