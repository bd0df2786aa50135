"""Template filters and globals: local times, phone numbers, the hub's name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import Flask, current_app, request, url_for

from .clock import to_local
from .contact import display_phone


def local_datetime(value: datetime | None) -> str:
    """`22 November 2026, 3:05pm` in the hub's time zone."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{local.day} {local:%B %Y}, {local_time(value)}"


def local_time(value: datetime | None) -> str:
    """`3:05pm` in the hub's time zone."""
    if value is None:
        return ""
    local = to_local(value)
    hour = local.strftime("%I").lstrip("0")
    return f"{hour}:{local:%M}{local.strftime('%p').lower()}"


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{value.day} {value:%B %Y}"


def duration(minutes: int | None) -> str:
    """Minutes in words: 90 is "1 hour 30 minutes"."""
    hours, rest = divmod(minutes or 0, 60)
    parts = [f"{hours} {'hour' if hours == 1 else 'hours'}"] if hours else []
    if rest or not hours:
        parts.append(f"{rest} {'minute' if rest == 1 else 'minutes'}")
    return " ".join(parts)


def page_url(number: int) -> str:
    """This page's URL with the same query, at page `number`."""
    query = {k: v for k, v in request.args.to_dict(flat=False).items() if not k.startswith("_")}
    values: dict[str, Any] = {**(request.view_args or {}), **query}  # `_anchor` etc. are url_for's
    values["page"] = number
    return url_for(request.endpoint or "public.home", **values)


def page_links() -> Callable[[int], str]:
    """`page_url` for any page number, from one `url_for`: for a pagination's links. The
    page number is the only part of the URL that changes, and `url_for` encodes every
    parameter as `name=value` joined by `&` (which it encodes inside names and values)."""
    query = {k: v for k, v in request.args.to_dict(flat=False).items() if not k.startswith("_")}
    values: dict[str, Any] = {**(request.view_args or {}), **query}
    values["page"] = 0
    path, _, query_string = url_for(request.endpoint or "public.home", **values).partition("?")
    pairs = query_string.split("&")
    if "page=0" not in pairs:  # the page number is part of the path
        return page_url
    at = pairs.index("page=0")
    head = "&".join([*pairs[:at], "page="])
    tail = "".join("&" + pair for pair in pairs[at + 1 :])
    return lambda number: f"{path}?{head}{number}{tail}"


# A path segment as werkzeug's default converter writes it (`BaseConverter.to_url`).
PATH_SEGMENT_SAFE = "!$&'()*+,/:;=@"
SLUG_PLACEHOLDER = "slug-placeholder"


def role_links(external: bool = False) -> Callable[[str], str]:
    """`url_for("roles.detail", slug=slug, _external=external)` for any slug, from one
    `url_for`: for a list of role cards."""
    url = url_for("roles.detail", slug=SLUG_PLACEHOLDER, _external=external)
    head, _, tail = url.rpartition(SLUG_PLACEHOLDER)
    return lambda slug: head + quote(slug, safe=PATH_SEGMENT_SAFE) + tail


def hub_globals() -> dict[str, Any]:
    return {
        "hub_name": current_app.config["HUB_NAME"],
        "hub_contact_email": current_app.config["HUB_CONTACT_EMAIL"],
    }


def register_templating(app: Flask) -> None:
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_time)
    app.add_template_filter(long_date)
    app.add_template_filter(date.fromisoformat, "iso_date")
    app.add_template_filter(duration)
    app.add_template_filter(display_phone, "phone")
    app.context_processor(hub_globals)
    app.add_template_global(page_url)
    app.add_template_global(page_links)
    app.add_template_global(role_links)
