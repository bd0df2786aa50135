"""Cross-origin reads: any website may fetch the API and the feeds from a browser.

Everything shared this way is public and read-only, and no cookie or credential is honoured
for it, so `*` is safe; `Vary: Origin` keeps caches honest should that ever change.
"""

from __future__ import annotations

from typing import TypeVar

from werkzeug.wrappers import Response

AnyResponse = TypeVar("AnyResponse", bound=Response)


def allow_any_origin(response: AnyResponse) -> AnyResponse:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Origin")
    return response
