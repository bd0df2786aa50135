"""The declarative base, the UTC datetime column type and shared column helpers."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, DateTime, Dialect, Engine, MetaData, event, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored as UTC on every backend.

    SQLite hands back naive values; they are read as UTC. Naive values are refused on the
    way in, so local wall-clock times can never be stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


class Base(DeclarativeBase):
    """The base of every model: a naming convention so migrations name constraints alike."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Tables the migrations create by hand for full-text search, outside the models: SQLite's FTS5
# virtual table and its shadow tables, or PostgreSQL's tsvector table. Alembic's comparison of
# models and database leaves them out.
SEARCH_TABLE = "role_search"


def include_in_migrations(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's `include_object` hook: everything but the search tables."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_TABLE))


def refresh_statistics(session: scoped_session[Any]) -> None:
    """Count rows and the spread of values afresh for the query planner, and commit. SQLite
    keeps no statistics until ANALYZE runs, and without them it can choose a plan a thousand
    times slower (a keyword search at 10,000 roles took 1.4 s, not 7 ms); PostgreSQL's
    autovacuum analyses too, this makes it timely after a bulk load. On PostgreSQL it then
    vacuums, which marks pages all-visible, so that reports read the rollup's months from the
    index alone (a year at bench scale: 0.84 s before, 0.57 s after)."""
    session.execute(text("ANALYZE"))
    session.commit()
    engine = session.get_bind().engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM"))


class TimestampMixin:
    """`created_at` and `updated_at`, set by the database session, in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """Enforce foreign keys and wait for locks on SQLite, as PostgreSQL always does; write
    ahead to a log, as PostgreSQL does."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages, not the default 2 MiB
        # Readers never wait for the writer, and a commit appends to the log instead of
        # syncing the whole file: a commit took 5 to 16 ms, now under 1 ms.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        dbapi_connection.create_function("hub_local_day", 2, _local_day, deterministic=True)


def _local_day(stored: str | None, zone: str) -> str | None:
    """SQLite's `hub_local_day(utc, zone)`: the local day, as text, of a stored UTC time
    ('2026-03-29 00:30:00.000000'); PostgreSQL does this itself (`local_day`)."""
    return None if stored is None else _local_day_of_hour(stored[:13], zone)


@lru_cache(maxsize=8192)
def _local_day_of_hour(hour: str, zone: str) -> str:
    """The local day of a UTC hour ('2026-03-29 00'): the UK's offsets (and most zones') are
    whole hours, so the hour decides the day."""
    moment = datetime.fromisoformat(f"{hour}:00:00+00:00")
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def local_day(column: Any, zone: str, dialect: str) -> Any:
    """The local calendar day in `zone` of a `UTCDateTime` column, worked out by the database,
    so that rows can be grouped by day without reading each one."""
    if dialect == "postgresql":
        return func.date(func.timezone(zone, column))
    return func.hub_local_day(column, zone, type_=Date)
