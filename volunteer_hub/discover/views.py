"""Finding roles: `/roles`, the search page. The same parameters (`discover.filters`) and the
same query (`roles.search.search_roles`) serve the feeds, the embed and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlalchemy import select

from ..extensions import db
from ..organisations.models import Organisation, OrganisationStatus
from ..periods import BY_SLUG
from ..roles.cards import search_page
from .filters import FLAG_PARAMETERS, RoleFilters, parse_filters
from .forms import (
    COMMITMENT_CHOICES,
    Choices,
    SearchForm,
    checkbox_lists,
    filter_choices,
    search_form,
)

bp = Blueprint("discover", __name__)


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, shown with a link to the same search without it."""

    label: str
    remove_url: str


PAGE_SIZES = (20, 50, 100)


def page_size(value: str | None) -> int:
    """Results a page: 20 unless the person chose 50 or 100."""
    return int(value) if value in {str(size) for size in PAGE_SIZES} else PAGE_SIZES[0]


@bp.get("/roles")
def roles() -> str:
    filters = parse_filters(request.args)
    form = search_form(filters)
    choices = filter_choices()
    per_page = page_size(request.args.get("per_page"))
    page = search_page(filters, per_page=per_page)
    return render_template(
        "discover/roles.html",
        page=page,
        page_sizes=page_size_links(per_page) if (page.total or 0) > PAGE_SIZES[0] else [],
        filters=filters,
        form=form,
        checkboxes=checkbox_lists(filters, choices),
        active=active_filters(filters, form, choices),
        clear_url=url_for("discover.roles"),
    )


def page_size_links(per_page: int) -> list[tuple[int, str | None]]:
    """Each page size with the link to this search at that size (None for the size shown).
    Parameters starting with `_` are left out, as `url_for` would take them for its own."""
    args: dict[str, Any] = {
        name: values
        for name, values in request.args.to_dict(flat=False).items()
        if not name.startswith("_")
    }
    links: list[tuple[int, str | None]] = []
    for size in PAGE_SIZES:
        at_size = {**args, "per_page": size, "page": 1}
        links.append((size, None if size == per_page else url_for("discover.roles", **at_size)))
    return links


PERIOD_NAMES = {slug: period.label for slug, period in BY_SLUG.items()}
COMMITMENT_NAMES = {str(choice.value): str(choice.label) for choice in COMMITMENT_CHOICES}


def active_filters(filters: RoleFilters, form: SearchForm, choices: Choices) -> list[ActiveFilter]:
    """Each keyword, filter value and flag in use, named in words, with its removal link."""
    names = {
        "category": dict(choices["category"]),
        "locality": dict(choices["locality"]),
        "skill": dict(choices["skill"]),
        "organisation": _organisation_names(filters.organisation),
        "period": PERIOD_NAMES,
        "commitment": COMMITMENT_NAMES,
    }
    labels = {name: str(getattr(form, name).label.text) for name in FLAG_PARAMETERS}
    found: list[ActiveFilter] = []
    for name, value in filters.pairs():
        if name == "sort":
            continue
        if name == "q":
            label = f"Keywords: {value}"
        elif name in labels:
            label = labels[name]
        else:
            label = names[name].get(value, value)
        remaining: dict[str, Any] = filters.without(name, value).to_args()
        url = url_for("discover.roles", **remaining)
        found.append(ActiveFilter(label, url))
    return found


def _organisation_names(slugs: tuple[str, ...]) -> dict[str, str]:
    if not slugs:
        return {}
    rows = db.session.execute(
        select(Organisation.slug, Organisation.name).where(
            Organisation.slug.in_(slugs), Organisation.status == OrganisationStatus.APPROVED
        )
    )
    return {row.slug: row.name for row in rows}
