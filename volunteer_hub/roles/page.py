"""What the role page (`roles.detail`, `/roles/<slug>`) shows: the role with everything loaded
in a fixed number of queries, who may see it, its share links and its JSON-LD."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..clock import local_today
from ..extensions import db
from ..organisations.models import Organisation
from ..organisations.services import can_coordinate
from ..periods import PERIODS
from ..richtext import render_markdown
from ..urls import external_url
from ..volunteers.models import CHECK_LEVEL_LABELS, CheckLevel
from . import services
from .jsonld import commitment_words, role_jsonld
from .models import Role

PAGE_OPTIONS = (
    selectinload(Role.organisation).selectinload(Organisation.causes),
    selectinload(Role.organisation).selectinload(Organisation.locality),
    selectinload(Role.category),
    selectinload(Role.locality),
    selectinload(Role.skills),
    selectinload(Role.concepts),
    selectinload(Role.periods),
)


@dataclass(frozen=True)
class ShareLink:
    name: str
    url: str


def viewable_role(slug: str, viewer: User | None) -> Role | None:
    """The role at `slug` if `viewer` may see it, else None (the page answers 404).

    A published role of an approved organisation is public, as in search. Any other role
    (a draft, one waiting for review, a suspended organisation's) only for the organisation's
    members and hub staff (`services.can_view`, `can_coordinate`)."""
    role = db.session.scalar(select(Role).where(Role.slug == slug).options(*PAGE_OPTIONS))
    if role is None or not services.can_view(viewer, role):
        return None
    if role.is_published and not role.organisation.is_approved:
        return role if can_coordinate(viewer, role.organisation) else None
    return role


def organisers_role(slug: str, user: User | None) -> Role:
    """The role for the pages its organisation runs (applicants, shifts): its members and
    hub staff only; anyone else is told it does not exist (404)."""
    role = db.session.scalar(
        select(Role).where(Role.slug == slug).options(selectinload(Role.organisation))
    )
    if role is None or not can_coordinate(user, role.organisation):
        abort(404)
    return role


def share_links(title: str, url: str) -> list[ShareLink]:
    """Plain links that share the role by email and on social sites; no scripts, no
    tracking, nothing loaded from those sites until the person follows a link."""
    return [
        ShareLink("Email", f"mailto:?subject={quote(title)}&body={quote(url)}"),
        ShareLink("WhatsApp", "https://wa.me/?" + urlencode({"text": f"{title} {url}"})),
        ShareLink(
            "Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})
        ),
        ShareLink(
            "X (Twitter)", "https://x.com/intent/tweet?" + urlencode({"text": title, "url": url})
        ),
        ShareLink(
            "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})
        ),
    ]


def period_words(role: Role) -> list[str]:
    """`Saturday morning`, ... in week order."""
    return [period.label for period in PERIODS if period.slug in role.period_slugs]


def dbs_words(role: Role) -> str | None:
    """`Enhanced with children's barred list`, or None when no check is needed."""
    if not role.dbs_level:
        return None
    try:
        return CHECK_LEVEL_LABELS[CheckLevel(role.dbs_level)]
    except ValueError:
        return role.dbs_level


def page_context(role: Role) -> dict[str, Any]:
    """Everything `templates/roles/detail.html` needs."""
    url = external_url("roles.detail", slug=role.slug)
    public = role.is_published and role.organisation.is_approved
    return {
        "role": role,
        "url": url,
        "public": public,
        "deadline_passed": role.apply_by is not None and role.apply_by < local_today(),
        "dbs": dbs_words(role),
        "description": render_markdown(role.description),
        "share_links": share_links(role.title, url),
        "periods": period_words(role),
        "commitment": commitment_words(role),
        "jsonld": role_jsonld(role) if public else None,
    }
