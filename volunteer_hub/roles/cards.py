"""Pages of role cards: the search results of `/roles` and the embed, an organisation's
roles and the home page's newest. A page is read in one statement of plain columns (no `Role`
objects), built once for each shape of search (`roles.search.Shape`); the matches are counted
in that statement or apart, whichever the database does faster."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, FromClause, Integer, Join, Select, bindparam, func, select

from ..extensions import db
from ..organisations.models import Organisation, OrganisationStatus
from ..reference.models import Category, Locality
from .models import Role
from .search import Shape, SortKey, dialect, search_shape, search_values, shape_statement

if TYPE_CHECKING:
    from ..discover.filters import RoleFilters

PER_PAGE = 20


class Named(NamedTuple):
    """The name of an organisation, category or locality, as a card shows it."""

    name: str


class RoleCard(NamedTuple):
    """A role as its card shows it (`templates/roles/_card.html`), read as plain columns
    rather than loaded as a `Role`; the card reads either the same way."""

    slug: str
    title: str
    summary: str
    attendance: str
    commitment: str
    commitment_text: str
    apply_by: date | None
    organisation: Named
    category: Named
    locality: Named | None


def _card_columns() -> tuple[list[ColumnElement[Any]], Callable[[FromClause], Join]]:
    """What a role card shows, as plain columns of the tables (no ORM entities to load), and
    how to join the tables they come from to a page of role ids."""
    roles, organisations = Role.__table__, Organisation.__table__
    categories, localities = Category.__table__, Locality.__table__
    columns: list[ColumnElement[Any]] = [
        *(roles.c[name] for name in RoleCard._fields[:7]),
        organisations.c.name.label("organisation"),
        categories.c.name.label("category"),
        localities.c.name.label("locality"),
    ]

    def tables(page: FromClause) -> Join:
        return (
            page.join(roles, roles.c.id == page.c.id)
            .join(organisations, organisations.c.id == roles.c.organisation_id)
            .join(categories, categories.c.id == roles.c.category_id)
            .outerjoin(localities, localities.c.id == roles.c.locality_id)
        )

    return columns, tables


CARD_COLUMNS, CARD_TABLES = _card_columns()


def _card(row: Sequence[Any]) -> RoleCard:
    """A row of `CARD_COLUMNS` as a card."""
    slug, title, summary, attendance, commitment, commitment_text, apply_by = row[:7]
    organisation, category, locality = row[7:10]
    return RoleCard(
        slug,
        title,
        summary,
        attendance,
        commitment,
        commitment_text,
        apply_by,
        Named(organisation),
        Named(category),
        None if locality is None else Named(locality),
    )


@lru_cache(maxsize=1024)
def page_statement(shape: Shape, count: bool) -> Select[Any]:
    """The cards of a page of the roles of a search's shape, in its order, `:limit` of them
    from `:offset`. The page's roles are picked in a subquery on the sort keys alone, then
    joined to what their cards show. With `count`, each row ends with how many roles match in
    all, from a window count; the keys are then worked out in a subquery of their own, as
    SQLite allows FTS5's `bm25` only in the query of the full-text table itself."""
    query, keys = shape_statement(shape)
    labels = [f"key{n}" for n in range(len(keys) - 1)] + ["id"]
    ranked = query.with_only_columns(
        *(key.label(label) for (key, _), label in zip(keys, labels, strict=True))
    )
    if count:
        inner = ranked.subquery("ranked")
        picked = select(*inner.c, func.count().over().label("total")).order_by(
            *_in_order(inner, keys, labels)
        )
    else:
        picked = ranked.order_by(*(how(key) for key, how in keys))
    limit, offset = bindparam("limit", type_=Integer), bindparam("offset", type_=Integer)
    page = picked.limit(limit).offset(offset).subquery("page")
    columns = [*CARD_COLUMNS, page.c.total] if count else CARD_COLUMNS
    return select(*columns).select_from(CARD_TABLES(page)).order_by(*_in_order(page, keys, labels))


def _in_order(
    keys_of: FromClause, keys: tuple[SortKey, ...], labels: list[str]
) -> list[ColumnElement[Any]]:
    """The order of `keys`, put on the columns of a subquery that has them as `labels`."""
    return [how(keys_of.c[label]) for (_, how), label in zip(keys, labels, strict=True)]


@lru_cache(maxsize=512)
def count_statement(shape: Shape) -> Select[Any]:
    """How many roles a search's shape has: a count of their ids, with nothing else loaded."""
    query, _ = shape_statement(shape)
    return query.with_only_columns(func.count(Role.id))


def page_cards(
    shape: Shape, values: dict[str, Any], limit: int, offset: int = 0, *, count: bool = False
) -> tuple[list[RoleCard], int | None]:
    """The cards of `limit` roles of a search in its order, from `offset`, and how many roles
    the search has in all when that is known without a count of its own: a page that is not
    full (and not past the end) ends the list. With `count` it is always known but past the
    end, from the window count of `page_statement`."""
    statement = page_statement(shape, count)
    rows = db.session.execute(statement, {**values, "limit": limit, "offset": offset}).all()
    cards = [_card(row) for row in rows]
    if count and rows:
        return cards, rows[0][-1]
    ends_the_list = len(rows) < limit and (bool(rows) or offset == 0)
    return cards, offset + len(rows) if ends_the_list else None


class CardPagination(Pagination):
    """A page of `RoleCard`s of the roles that match some filters. They are counted by a
    statement of their own only when the page does not tell how many there are (`page_cards`)."""

    def _query_items(self) -> list[Any]:
        shape, values, with_count = self._query_args["search"]
        cards, self._total = page_cards(
            shape, values, self.per_page, self._query_offset, count=with_count
        )
        return cards

    def _query_count(self) -> int:
        if self._total is not None:
            return self._total
        shape, values, _ = self._query_args["search"]
        return int(db.session.execute(count_statement(shape), values).scalar_one())


def counted_with_page(shape: Shape) -> bool:
    """Whether to count the matches in the page's own statement. On SQLite a search by
    keywords, times of the week or skills is driven by those indexes: every match is visited
    and sorted before the page is cut, so a window count saves a second pass over them. Other
    searches walk the newest-first index and stop after a page, and are counted apart; so is
    every search on PostgreSQL, whose plans for the window count were slower in every case
    measured (`bench/README.md`)."""
    driven_by_index = any(name in shape.used for name in ("q", "period", "skill"))
    return driven_by_index and shape.database == "sqlite"


def search_page(filters: RoleFilters, per_page: int = PER_PAGE) -> Pagination:
    """One page of role cards matching `filters`, at `filters.page`; past the end it is
    empty (its total still counted)."""
    shape = search_shape(filters)
    values = search_values(filters, shape.database)
    return CardPagination(
        page=filters.page,
        per_page=per_page,
        error_out=False,
        search=(shape, values, counted_with_page(shape)),
    )


def newest_roles(limit: int) -> list[RoleCard]:
    """The cards of the most recently published roles (the home page's)."""
    cards, _ = page_cards(Shape(dialect(), (), "newest"), {}, limit)
    return cards


def headline_numbers() -> tuple[int, int]:
    """How many roles are published (and public) and how many organisations are approved."""
    from .services import published_roles

    roles = published_roles().with_only_columns(func.count(Role.id)).scalar_subquery()
    organisations = (
        select(func.count(Organisation.id))
        .where(Organisation.status == OrganisationStatus.APPROVED)
        .scalar_subquery()
    )
    row = db.session.execute(select(roles, organisations)).one()
    return int(row[0]), int(row[1])
