"""Finding roles: the full-text index and the search query behind `/roles`, the feeds, the
embed and the API.

Indexing: `refresh_search_entry` writes a role's words to the table `role_search`, made by the
migrations outside the models (SQLite: FTS5; PostgreSQL: a weighted tsvector). It holds every
role whatever its status; queries join it to the roles the public may see.

Querying: `matching_roles(filters)` turns the parsed search parameters (`discover.filters`)
into one SELECT of public roles and the keys of their order; `search_roles` orders it for the
API and the feeds, and `search_page` reads one page of it as role cards. `keyword_search` is
the one place that knows how each database matches and ranks keywords.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    bindparam,
    column,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import QueryableAttribute, selectinload

from ..extensions import db
from ..organisations.models import Organisation, OrganisationStatus
from ..reference.models import Category, Locality, Skill
from .models import Attendance, Role, RolePeriod, role_skills

if TYPE_CHECKING:
    from ..discover.filters import RoleFilters

PER_PAGE = 20
ADULT_AGE = 18
# What a role card (`templates/roles/_card.html`) shows, loaded in one query each: for the
# feeds and the API, which need more of the role (`cards_of` reads only what a card shows).
CARD_OPTIONS = (
    selectinload(Role.organisation),
    selectinload(Role.locality),
    selectinload(Role.category),
)

SQLITE_DELETE = text("DELETE FROM role_search WHERE rowid = :id")
SQLITE_INSERT = text(
    "INSERT INTO role_search (rowid, title, summary, description, organisation) "
    "VALUES (:id, :title, :summary, :description, :organisation)"
)
POSTGRES_UPSERT = text(
    "INSERT INTO role_search (role_id, document) VALUES (:id, "
    "setweight(to_tsvector('english', :title), 'A') || "
    "setweight(to_tsvector('english', :summary), 'B') || "
    "setweight(to_tsvector('english', :organisation), 'B') || "
    "setweight(to_tsvector('english', :description), 'C')) "
    "ON CONFLICT (role_id) DO UPDATE SET document = EXCLUDED.document"
)


def dialect() -> str:
    return db.session.get_bind().dialect.name


def refresh_search_entry(role: Role) -> None:
    """Write the role's words to the index, in the caller's transaction."""
    values = {
        "id": role.id,
        "title": role.title,
        "summary": role.summary,
        "description": role.description,
        "organisation": role.organisation.name,
    }
    if dialect() == "sqlite":
        db.session.execute(SQLITE_DELETE, {"id": role.id})
        db.session.execute(SQLITE_INSERT, values)
    else:
        db.session.execute(POSTGRES_UPSERT, values)


def refresh_organisation_entries(organisation: Organisation) -> None:
    """After an organisation is renamed, its roles are found by the new name."""
    for role in db.session.scalars(select(Role).where(Role.organisation_id == organisation.id)):
        refresh_search_entry(role)


# --- Querying -----------------------------------------------------------------------------------

MAX_TERMS = 24  # keywords beyond this add nothing a person meant
SQLITE_INDEX = table("role_search", column("rowid", Integer))
POSTGRES_INDEX = table("role_search", column("role_id", Integer), column("document", TSVECTOR))
# bm25 weights of the FTS5 columns, in order: title, summary, description, organisation.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0, 4.0)

# A sort key: a value of each role, and the direction it orders in. Keeping the two apart
# lets the same order be put on the roles or on the columns of a subquery of them.
SortValue = ColumnElement[Any] | QueryableAttribute[Any]
Direction = Callable[[SortValue], ColumnElement[Any]]
SortKey = tuple[SortValue, Direction]


def ascending(value: SortValue) -> ColumnElement[Any]:
    return value.asc()


def descending(value: SortValue) -> ColumnElement[Any]:
    return value.desc()


def soonest_first(value: SortValue) -> ColumnElement[Any]:
    return value.asc().nulls_last()


NEWEST: tuple[SortKey, ...] = ((Role.published_at, descending), (Role.id, descending))
CLOSING: tuple[SortKey, ...] = ((Role.apply_by, soonest_first), (Role.id, descending))


def fts5_query(keywords: str) -> str:
    """Keywords as an FTS5 query of quoted terms (all must match), so that whatever was typed
    (quotes, `-`, `NOT`, `NEAR(`, `title:x`, brackets) is read as words, never as syntax."""
    terms = keywords.split()[:MAX_TERMS]
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def keyword_search(query: Select[Role], keywords: str) -> tuple[Select[Role], SortKey]:
    """Narrow a query of roles to those matching `keywords`, and give the sort key that puts
    the best match first (title counts most, then summary and organisation name, then
    description). SQLite: FTS5 MATCH ranked by bm25; PostgreSQL: `websearch_to_tsquery`
    ranked by `ts_rank`. Any text is safe; text with no words matches no role."""
    keywords = " ".join(keywords.split()[:MAX_TERMS])
    if not keywords:
        return query.where(false()), (literal(0), ascending)
    if dialect() == "sqlite":
        index: ColumnElement[Any] = literal_column("role_search")
        query = query.join(SQLITE_INDEX, SQLITE_INDEX.c.rowid == Role.id).where(
            index.op("MATCH")(fts5_query(keywords))
        )
        return query, (func.bm25(index, *SQLITE_WEIGHTS), ascending)
    words = func.websearch_to_tsquery(literal_column("'english'"), keywords)
    document = POSTGRES_INDEX.c.document
    query = query.join(POSTGRES_INDEX, POSTGRES_INDEX.c.role_id == Role.id).where(
        document.op("@@")(words)
    )
    return query, (func.ts_rank(document, words), descending)


def matching_roles(filters: RoleFilters) -> tuple[Select[Role], tuple[SortKey, ...]]:
    """The published roles (of approved organisations) that match `filters`, unordered, and
    the keys of the order they were asked for in (the last key is always the role's id)."""
    from .services import published_roles  # services imports this module for indexing

    query = _filtered(published_roles(), filters)
    keys = CLOSING if filters.order == "closing" else NEWEST
    if filters.q:
        query, relevance = keyword_search(query, filters.q)
        if filters.order == "relevance":
            keys = (relevance, *NEWEST)
    return query, keys


def search_roles(filters: RoleFilters) -> Select[Role]:
    """The published roles (of approved organisations) that match `filters`, in its order,
    with what a role card shows loaded. Paginate it with `db.paginate`; for a page of cards
    `search_page` is cheaper."""
    query, keys = matching_roles(filters)
    return query.order_by(*(order(value) for value, order in keys)).options(*CARD_OPTIONS)


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


def _cards_by_id() -> Select[Any]:
    """What the cards of some roles show, by the roles' ids: plain columns of the tables (no
    ORM entities to load), built once."""
    roles, organisations = Role.__table__.c, Organisation.__table__.c
    categories, localities = Category.__table__.c, Locality.__table__.c
    tables = (
        Role.__table__.join(Organisation.__table__, organisations.id == roles.organisation_id)
        .join(Category.__table__, categories.id == roles.category_id)
        .outerjoin(Locality.__table__, localities.id == roles.locality_id)
    )
    return (
        select(
            roles.id,
            roles.slug,
            roles.title,
            roles.summary,
            roles.attendance,
            roles.commitment,
            roles.commitment_text,
            roles.apply_by,
            organisations.name,
            categories.name,
            localities.name,
        )
        .select_from(tables)
        .where(roles.id.in_(bindparam("ids", expanding=True)))
    )


CARDS_BY_ID = _cards_by_id()


def cards_of(ids: list[int]) -> list[RoleCard]:
    """The cards of the roles with these ids, in the same order."""
    if not ids:
        return []
    found = {}
    for row in db.session.execute(CARDS_BY_ID, {"ids": ids}).all():
        id_, slug, title, summary, attendance, commitment, commitment_text, apply_by = row[:8]
        organisation, category, locality = row[8:]
        found[id_] = RoleCard(
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
    return [found[id_] for id_ in ids]


def page_ids(
    query: Select[Role],
    keys: tuple[SortKey, ...],
    limit: int,
    offset: int = 0,
    *,
    count: bool = False,
) -> tuple[list[int], int | None]:
    """The ids of `limit` roles of `query` in the order of `keys`, from `offset`, and how many
    roles `query` has in all when that is known without a count of its own: a page that is
    not full (and not past the end) ends the list. With `count` it is always known but past the
    end, from a window count in the same statement; the keys are then worked out in a
    subquery, as SQLite allows FTS5's `bm25` only in the query of the full-text table itself."""
    if count:
        ranked = query.with_only_columns(*(key.label(f"key{n}") for n, (key, _) in enumerate(keys)))
        columns = list(ranked.subquery("ranked").c)
        ordered = select(columns[-1], func.count().over()).order_by(
            *(how(column) for column, (_, how) in zip(columns, keys, strict=True))
        )
    else:
        ordered = query.with_only_columns(Role.id).order_by(*(how(key) for key, how in keys))
    rows = db.session.execute(ordered.limit(limit).offset(offset)).all()
    ids = [row[0] for row in rows]
    if count and rows:
        return ids, rows[0][1]
    ends_the_list = len(rows) < limit and (bool(rows) or offset == 0)
    return ids, offset + len(rows) if ends_the_list else None


def count_roles(query: Select[Role]) -> int:
    """How many roles `query` has: a count of their ids, with nothing else loaded."""
    return int(db.session.execute(query.with_only_columns(func.count(Role.id))).scalar_one())


class CardPagination(Pagination):
    """A page of `RoleCard`s of the roles that match some filters. They are counted by a
    statement of their own only when the page does not tell how many there are (`page_ids`)."""

    def _query_items(self) -> list[Any]:
        query, keys, with_count = self._query_args["matching"]
        ids, self._total = page_ids(
            query, keys, self.per_page, self._query_offset, count=with_count
        )
        return cards_of(ids)

    def _query_count(self) -> int:
        if self._total is not None:
            return self._total
        query, _, _ = self._query_args["matching"]
        return count_roles(query)


def counted_with_page(filters: RoleFilters) -> bool:
    """Whether to count the matches in the page's own statement. On SQLite a search by
    keywords, times of the week or skills is driven by those indexes: every match is visited
    and sorted before the page is cut, so a window count saves a second pass over them. Other
    searches walk the newest-first index and stop after a page, and are counted apart; so is
    every search on PostgreSQL, whose plans for the window count were slower in every case
    measured (`bench/README.md`)."""
    driven_by_index = bool(filters.q or filters.period or filters.skill)
    return driven_by_index and dialect() == "sqlite"


def search_page(filters: RoleFilters, per_page: int = PER_PAGE) -> Pagination:
    """One page of role cards matching `filters`, at `filters.page`; past the end it is
    empty (its total still counted)."""
    query, keys = matching_roles(filters)
    return CardPagination(
        page=filters.page,
        per_page=per_page,
        error_out=False,
        matching=(query, keys, counted_with_page(filters)),
    )


def _filtered(query: Select[Role], filters: RoleFilters) -> Select[Role]:
    """Every filter but the keywords; repeated values of one parameter match any of them."""
    if filters.category:
        query = query.where(Role.category_id.in_(_ids_of(Category, filters.category)))
    if filters.locality:
        query = query.where(Role.locality_id.in_(_ids_of(Locality, filters.locality)))
    if filters.organisation:
        query = query.where(Organisation.slug.in_(filters.organisation))
    if filters.skill:
        with_skill = select(role_skills.c.role_id).where(
            role_skills.c.skill_id.in_(_ids_of(Skill, filters.skill))
        )
        query = query.where(Role.id.in_(with_skill))
    if filters.period:
        in_period = select(RolePeriod.role_id).where(RolePeriod.period.in_(filters.period))
        query = query.where(Role.id.in_(in_period))
    if filters.commitment:
        query = query.where(Role.commitment == filters.commitment)
    if filters.remote:
        query = query.where(Role.attendance.in_((Attendance.REMOTE, Attendance.HYBRID)))
    if filters.groups:
        query = query.where(Role.groups_welcome.is_(True))
    if filters.no_dbs:
        query = query.where(or_(Role.dbs_level.is_(None), Role.dbs_level == ""))
    if filters.under18:
        # a role with no recorded minimum age is treated as adults only: never shown to children
        query = query.where(Role.minimum_age < ADULT_AGE)
    return query


def _ids_of(model: type[Category | Locality | Skill], slugs: tuple[str, ...]) -> Select[Any]:
    return select(model.id).where(model.slug.in_(slugs))


def newest_roles(limit: int) -> list[RoleCard]:
    """The cards of the most recently published roles (the home page's)."""
    from .services import published_roles

    ids, _ = page_ids(published_roles(), NEWEST, limit)
    return cards_of(ids)


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
