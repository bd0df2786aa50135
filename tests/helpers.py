"""Small helpers the tests share: reading the outbox, counting rows, finding links, racing,
and real little files to upload."""

from __future__ import annotations

import io
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask
from PIL import Image
from pypdf import PdfWriter

from volunteer_hub.extensions import db
from volunteer_hub.hours.models import (
    HoursEntry,
    HoursStatus,
    RoleMonthHours,
    VolunteerMonthHours,
)
from volunteer_hub.mail import OutboxEmail

T = TypeVar("T")


def outbox(to: str | None = None) -> list[OutboxEmail]:
    query = sa.select(OutboxEmail).order_by(OutboxEmail.id)
    if to is not None:
        query = query.where(OutboxEmail.to_address == to)
    return list(db.session.scalars(query))


def link_in(message: OutboxEmail) -> str:
    """The path of the first link to this hub in an email's body."""
    match = re.search(r"http://localhost(/\S+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def row_counts() -> dict[str, int]:
    """How many rows every table holds: to prove an action wrote nothing."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }


def run_together(
    app: Flask,
    work: Callable[[Any], T],
    workers: int = 2,
    prepare: Callable[[int], Any] = lambda n: n,
) -> list[T]:
    """Run `work(prepare(n))` in `workers` threads, each in its own app context, releasing
    every `work` at once after every `prepare` (the reads a race begins with) has finished.

    Each worker gets its own session and connection, as separate app servers would. Read
    anything the workers need (ids, tokens) before calling: ORM objects belong to the test's
    session, which no two threads may use at once. A worker's exception is raised here, and
    a stuck worker breaks the barrier after 30 seconds instead of hanging the suite.
    """
    barrier = threading.Barrier(workers, timeout=30)
    results: list[T] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        with app.app_context():
            try:
                prepared = prepare(n)
                barrier.wait()
                results.append(work(prepared))
            except BaseException as error:  # noqa: BLE001 - handed to the test's thread
                barrier.abort()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    assert len(results) == workers, "a worker did not finish within a minute"
    return results


@contextmanager
def slow_statements(start: str, seconds: float = 0.05) -> Iterator[None]:
    """Delay every statement beginning `start` (an INSERT or UPDATE a race ends with), as a
    busy database would: the requests of a race test then overlap between their checks and
    their writes, so the test fails if the lock that orders them is taken away."""

    def delay(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().startswith(start):
            time.sleep(seconds)

    sa.event.listen(db.engine, "before_cursor_execute", delay)
    try:
        yield
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", delay)


def tiny_pdf(title: str = "Certificate") -> bytes:
    """A real one-page PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def tiny_image(kind: str = "PNG") -> bytes:
    """A real small picture, as `kind` (PNG or JPEG)."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (29, 79, 145)).save(buffer, kind)
    return buffer.getvalue()


def hours_rollups() -> tuple[dict[Any, int], dict[Any, int]]:
    """Both hours rollups, by (volunteer, role, month) and (role, month), leaving out rows the
    decisions took back to nothing."""
    by_volunteer = {
        (row.volunteer_id, row.role_id, row.month): row.quarters
        for row in db.session.scalars(sa.select(VolunteerMonthHours))
        if row.quarters
    }
    by_role = {
        (row.role_id, row.month): row.quarters
        for row in db.session.scalars(sa.select(RoleMonthHours))
        if row.quarters
    }
    return by_volunteer, by_role


def approved_sums() -> tuple[dict[Any, int], dict[Any, int]]:
    """What the rollups must hold: the approved quarter-hours summed from every entry."""
    by_volunteer: Counter[Any] = Counter()
    by_role: Counter[Any] = Counter()
    approved = sa.select(HoursEntry).where(HoursEntry.status == HoursStatus.APPROVED)
    for entry in db.session.scalars(approved):
        month = entry.worked_on.replace(day=1)
        by_volunteer[(entry.volunteer_id, entry.role_id, month)] += entry.quarters
        by_role[(entry.role_id, month)] += entry.quarters
    return dict(by_volunteer), dict(by_role)
