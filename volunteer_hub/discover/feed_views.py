"""Sharing roles with other websites: the Atom feed, the volunteering data standard's feed and
the embeddable list. All public, all read only published roles of approved organisations;
they take the search parameters of `/roles` (`discover.filters`), ignoring malformed ones.

Registered on the `discover` blueprint by importing this module (see the package).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import chain

from flask import Flask, Response, current_app, render_template, request

from ..api.cors import allow_any_origin
from ..roles.cards import search_page
from ..security import frameable
from .feeds import atom_feed, volunteeringdata_graph, volunteeringdata_head
from .filters import parse_filters
from .views import bp

EMBED_ROLES = 10


@bp.get("/feeds/roles.xml")
def roles_atom() -> Response:
    feed = atom_feed(parse_filters(request.args))
    body = render_template("feeds/roles.xml", feed=feed)
    return allow_any_origin(Response(body, mimetype="application/atom+xml"))


@bp.get("/feeds/volunteeringdata.jsonld")
def volunteeringdata() -> Response:
    """Every published role, grouped by organisation, streamed a batch at a time: the head
    is made during the request, the organisations as the server sends them."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    body = chain([volunteeringdata_head()], in_own_app_context(app, volunteeringdata_graph))
    return allow_any_origin(Response(body, mimetype="application/ld+json"))


def in_own_app_context(app: Flask, produce: Callable[[], Iterator[str]]) -> Iterator[str]:
    """Produce the rest of a streamed body in an app context (and so a database session) of
    its own: the request's has ended by the time the server reads it."""
    with app.app_context():
        yield from produce()


@bp.get("/embed/roles")
@frameable
def embed_roles() -> str:
    """Up to ten roles as a small page partner websites show in an iframe."""
    filters = replace(parse_filters(request.args), page=1)
    page = search_page(filters, per_page=EMBED_ROLES)
    one_organisation = len(filters.organisation) == 1 and page.items
    organisation = page.items[0].organisation if one_organisation else None
    return render_template(
        "embed/roles.html", page=page, filters=filters, organisation=organisation
    )
