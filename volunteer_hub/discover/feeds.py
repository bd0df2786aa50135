"""The open-data feeds of published roles: an Atom feed of the newest (with the search
parameters of `/roles`) and every published role in the UK volunteering data standard's shape.

Both read only what `roles.services.published_roles` gives (published roles of approved
organisations). The standard's document is produced in pieces, a batch of organisations at a
time, each batch in a fixed number of queries, so it can be streamed however many roles there
are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import groupby
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..database import utcnow
from ..extensions import db
from ..organisations.models import Organisation
from ..roles.jsonld import CONFORMS_TO, CONTEXT, organisation_jsonld
from ..roles.models import Role
from ..roles.search import search_roles
from ..roles.services import published_roles
from ..urls import external_url
from .filters import RoleFilters

ATOM_ENTRIES = 50
ORGANISATIONS_PER_BATCH = 500
DEFAULT_LICENCE = "OGL-UK-3.0"  # SPDX: the Open Government Licence v3.0

# Characters XML 1.0 forbids even when escaped (most C0 controls, lone surrogates, U+FFFE/F).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def open_data_licence() -> str:
    """The SPDX identifier the feeds and the API are published under (`OPEN_DATA_LICENCE`)."""
    return str(current_app.config.get("OPEN_DATA_LICENCE") or DEFAULT_LICENCE)


def xml_text(value: str) -> str:
    """Text that is safe in an XML document once escaped: forbidden characters dropped."""
    return NOT_XML.sub("", value)


def atom_date(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class AtomEntry:
    id: str
    title: str
    url: str
    published: str
    updated: str
    summary: str
    author: str
    author_url: str
    category_term: str
    category_label: str


@dataclass(frozen=True)
class AtomFeed:
    id: str
    title: str
    self_url: str
    html_url: str
    updated: str
    entries: list[AtomEntry]


def entry_id(role: Role) -> str:
    """A tag URI (RFC 4151) naming the role for good: `tag:<hub host>,<created on>:role/<id>`.

    It survives a change of the role's title or slug; it changes only if the hub moves to
    another domain, as every other link would."""
    host = urlsplit(current_app.config["HUB_BASE_URL"]).hostname or "localhost"
    return f"tag:{host},{role.created_at.date().isoformat()}:role/{role.id}"


def atom_entry(role: Role) -> AtomEntry:
    published = role.published_at or role.created_at
    return AtomEntry(
        id=entry_id(role),
        title=xml_text(role.title),
        url=external_url("roles.detail", slug=role.slug),
        published=atom_date(published),
        updated=atom_date(max(published, role.updated_at)),
        summary=xml_text(role.summary),
        author=xml_text(role.organisation.name),
        author_url=external_url("organisations.detail", slug=role.organisation.slug),
        category_term=role.category.slug,
        category_label=xml_text(role.category.name),
    )


def atom_feed(filters: RoleFilters) -> AtomFeed:
    """The newest published roles that match `filters` (whatever sort was asked for)."""
    newest = replace(filters, sort="newest", page=1)
    roles = db.session.scalars(search_roles(newest).limit(ATOM_ENTRIES))
    entries = [atom_entry(role) for role in roles]
    args = replace(filters, sort=None, page=1).to_args()
    hub = current_app.config["HUB_NAME"]
    self_url = external_url("discover.roles_atom", **args)
    return AtomFeed(
        id=self_url,
        title=xml_text(f"Volunteering roles at {hub}"),
        self_url=self_url,
        html_url=external_url("discover.roles", **args),
        updated=max((entry.updated for entry in entries), default=atom_date(utcnow())),
        entries=entries,
    )


# --- The volunteering data standard -------------------------------------------------------------

ROLE_LOADS = (
    selectinload(Role.skills),
    selectinload(Role.concepts),
    selectinload(Role.periods),
    selectinload(Role.locality),
)


def feed_metadata() -> dict[str, Any]:
    """The document's own properties: what it conforms to, its licence, who publishes it."""
    latest = db.session.scalar(published_roles().with_only_columns(func.max(Role.updated_at)))
    return {
        "@context": CONTEXT,
        "conformsTo": CONFORMS_TO,
        "license": open_data_licence(),
        "publisher": {
            "type": "Organisation",
            "name": current_app.config["HUB_NAME"],
            "website": external_url("public.home"),
        },
        "modified": (latest or utcnow()).date().isoformat(),
    }


def _organisation_batches(size: int) -> Iterator[Sequence[Organisation]]:
    """Approved organisations with a published role, by id, `size` at a time."""
    with_roles = published_roles().with_only_columns(Role.organisation_id)
    after = 0
    while True:
        batch = db.session.scalars(
            select(Organisation)
            .where(Organisation.id > after, Organisation.id.in_(with_roles))
            .order_by(Organisation.id)
            .limit(size)
            .options(selectinload(Organisation.causes))
        ).all()
        if batch:
            yield batch
        if len(batch) < size:
            return
        after = batch[-1].id


def _roles_of(organisations: Sequence[Organisation]) -> Iterator[tuple[int, list[Role]]]:
    """Each organisation's id with its published roles, newest first."""
    roles = db.session.scalars(
        published_roles()
        .where(Role.organisation_id.in_([o.id for o in organisations]))
        .order_by(Role.organisation_id, Role.published_at.desc(), Role.id.desc())
        .options(*ROLE_LOADS)
    )
    for organisation_id, group in groupby(roles, key=lambda role: role.organisation_id):
        yield organisation_id, list(group)


def volunteeringdata_head() -> str:
    """The document up to the start of its `graph`: `@context` and the feed's metadata."""
    return json.dumps(feed_metadata(), ensure_ascii=False)[:-1] + ', "graph": ['


def volunteeringdata_graph(batch_size: int = ORGANISATIONS_PER_BATCH) -> Iterator[str]:
    """The rest of the document after `volunteeringdata_head`: an `Organisation` node (with
    one activity per published role) for each organisation, in pieces.

    Run it in a database session of its own: the session is emptied after each batch, so
    memory stays flat however many roles there are."""
    first = True
    for organisations in _organisation_batches(batch_size):
        by_id = {organisation.id: organisation for organisation in organisations}
        for organisation_id, roles in _roles_of(organisations):
            node = organisation_jsonld(by_id[organisation_id], roles)
            yield ("" if first else ", ") + json.dumps(node, ensure_ascii=False)
            first = False
        db.session.expunge_all()
    yield "]}"
