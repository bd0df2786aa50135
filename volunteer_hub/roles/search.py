"""Finding roles: the full-text index and the search query behind `/roles`, the feeds, the
embed and the API.

Indexing: `refresh_search_entry` writes a role's words to the table `role_search`, made by the
migrations outside the models (SQLite: FTS5; PostgreSQL: a weighted tsvector). It holds every
role whatever its status; queries join it to the roles the public may see.

Querying: the parsed search parameters (`discover.filters`) have a shape (`search_shape`: the
filters in use and the order) and values (`search_values`). `shape_statement(shape)` is one
SELECT of public roles with the values as named parameters, and the keys of their order, built
once per shape; `search_roles` orders it with the values bound for the API and the feeds, and
`roles.cards.search_page` reads one page of it as role cards. `keyword_search` is the one
place that knows how each database matches and ranks keywords.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import QueryableAttribute, selectinload

from ..extensions import db
from ..organisations.models import Organisation
from ..reference.models import Category, Locality, Skill
from .models import Attendance, Role, RolePeriod, role_skills

if TYPE_CHECKING:
    from ..discover.filters import RoleFilters

ADULT_AGE = 18
# What a role card (`templates/roles/_card.html`) shows, loaded in one query each: for the
# feeds and the API, which need more of the role (`roles.cards` reads only what a card shows).
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


def keyword_search(query: Select[Role], database: str) -> tuple[Select[Role], SortKey]:
    """Narrow a query of roles to those matching the keywords bound as `q` (`search_values`),
    and give the sort key that puts the best match first (title counts most, then summary and
    organisation name, then description). SQLite: FTS5 MATCH ranked by bm25; PostgreSQL:
    `websearch_to_tsquery` ranked by `ts_rank`."""
    keywords = bindparam("q", type_=String)
    if database == "sqlite":
        index: ColumnElement[Any] = literal_column("role_search")
        query = query.join(SQLITE_INDEX, SQLITE_INDEX.c.rowid == Role.id).where(
            index.op("MATCH")(keywords)
        )
        return query, (func.bm25(index, *SQLITE_WEIGHTS), ascending)
    words = func.websearch_to_tsquery(literal_column("'english'"), keywords)
    document = POSTGRES_INDEX.c.document
    query = query.join(POSTGRES_INDEX, POSTGRES_INDEX.c.role_id == Role.id).where(
        document.op("@@")(words)
    )
    return query, (func.ts_rank(document, words), descending)


# The filters a search can use, and those of them that carry values (bound by name).
VALUE_FILTERS = ("category", "locality", "organisation", "skill", "period", "commitment")
FILTER_NAMES = ("q", *VALUE_FILTERS, "remote", "groups", "no_dbs", "under18")
NO_WORDS = "no words"  # keywords with no word in them: they match no role


class Shape(NamedTuple):
    """What a search's statements depend on apart from the values searched for: the database,
    the filters in use and the order. Each shape's statements are built once per process, with
    the values as named parameters bound at each execution (`search_values`): building a
    statement and working out its cache key cost more than a filtered page's SQL. Only
    statements are kept, never what they return."""

    database: str
    used: tuple[str, ...]
    order: str


def search_shape(filters: RoleFilters) -> Shape:
    used = tuple(name for name in FILTER_NAMES if getattr(filters, name))
    if filters.q and not _words(filters.q):
        used = (NO_WORDS, *used[1:])
    return Shape(dialect(), used, filters.order)


def search_values(filters: RoleFilters, database: str) -> dict[str, Any]:
    """The values of `filters` under the parameter names of their shape's statements."""
    values: dict[str, Any] = {}
    for name in VALUE_FILTERS:
        value = getattr(filters, name)
        if value:
            values[name] = list(value) if isinstance(value, tuple) else value
    words = _words(filters.q)
    if words:
        values["q"] = fts5_query(words) if database == "sqlite" else words
    return values


def _words(keywords: str) -> str:
    return " ".join(keywords.split()[:MAX_TERMS])


@lru_cache(maxsize=512)
def shape_statement(shape: Shape) -> tuple[Select[Role], tuple[SortKey, ...]]:
    """The published roles (of approved organisations) of a search's shape, unordered, and
    the keys of its order (the last key is always the role's id). Kept for the life of the
    process: anything that changes (a search's values, today's date) must be a parameter bound
    at execution, never a value written into the statement."""
    from .services import published_roles  # services imports this module for indexing

    query = _filtered(published_roles(), shape.used)
    keys = CLOSING if shape.order == "closing" else NEWEST
    if NO_WORDS in shape.used:
        query = query.where(false())
    elif "q" in shape.used:
        query, relevance = keyword_search(query, shape.database)
        if shape.order == "relevance":
            keys = (relevance, *NEWEST)
    return query, keys


def search_roles(filters: RoleFilters) -> Select[Role]:
    """The published roles (of approved organisations) that match `filters`, in its order,
    with what a role card shows loaded. Paginate it with `db.paginate`; for a page of cards
    `roles.cards.search_page` is cheaper."""
    shape = search_shape(filters)
    query, keys = shape_statement(shape)
    ordered = query.order_by(*(order(value) for value, order in keys)).options(*CARD_OPTIONS)
    return ordered.params(search_values(filters, shape.database))


def _filtered(query: Select[Role], used: tuple[str, ...]) -> Select[Role]:
    """Every filter in `used` but the keywords, its values bound by the filter's name;
    repeated values of one parameter match any of them."""
    if "category" in used:
        query = query.where(Role.category_id.in_(_ids_of(Category, "category")))
    if "locality" in used:
        query = query.where(Role.locality_id.in_(_ids_of(Locality, "locality")))
    if "organisation" in used:
        query = query.where(Organisation.slug.in_(_each("organisation")))
    if "skill" in used:
        with_skill = select(role_skills.c.role_id).where(
            role_skills.c.skill_id.in_(_ids_of(Skill, "skill"))
        )
        query = query.where(Role.id.in_(with_skill))
    if "period" in used:
        in_period = select(RolePeriod.role_id).where(RolePeriod.period.in_(_each("period")))
        query = query.where(Role.id.in_(in_period))
    if "commitment" in used:
        query = query.where(Role.commitment == bindparam("commitment", type_=String))
    if "remote" in used:
        query = query.where(Role.attendance.in_((Attendance.REMOTE, Attendance.HYBRID)))
    if "groups" in used:
        query = query.where(Role.groups_welcome.is_(True))
    if "no_dbs" in used:
        query = query.where(or_(Role.dbs_level.is_(None), Role.dbs_level == ""))
    if "under18" in used:
        # a role with no recorded minimum age is treated as adults only: never shown to children
        query = query.where(Role.minimum_age < ADULT_AGE)
    return query


def _each(name: str) -> BindParameter[Any]:
    """The values of the repeatable parameter `name`, as a list bound at execution."""
    return bindparam(name, expanding=True)


def _ids_of(model: type[Category | Locality | Skill], name: str) -> Select[Any]:
    return select(model.id).where(model.slug.in_(_each(name)))
