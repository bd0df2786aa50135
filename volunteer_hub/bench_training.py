"""Bench training: forty bench courses (most of them the bench organisations' own, the rest
the hub's), each kept under one or two kinds of volunteering, and training records of the
bench volunteers over the last three years, for `bench/reports.py` (the report's training
completed).

Staff recorded about half the records (verified as entered); the volunteers submitted the
rest, and staff verified most of those within ten days and rejected a few; the latest still
wait. Each record is completed after its volunteer signed up. Verified records get their
certificates, as verifying them would have given (and as `seed-demo`, which every load runs
first, would give them on the next load). No evidence files are stored: the report never
reads them. PostgreSQL loads with COPY, SQLite with executemany, in batches with a commit
each.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from .auth.models import AccessLevel, User
from .bench_data import BENCH_DOMAIN, bench_rows
from .bench_hours import DAYS, Say, load_rows
from .certificates.services import issue_missing_training
from .clock import add_months, hub_zone, local_today
from .database import utcnow
from .extensions import db
from .organisations.models import Organisation
from .reference.models import Category
from .training.models import (
    Course,
    Delivery,
    RecordSource,
    RecordStatus,
    TrainingRecord,
    course_categories,
)

BATCH = 50_000
COURSE_PREFIX = "Bench course"
ORGANISATION_COURSES = 24  # of the forty; the others are the hub's
TOPICS = (
    "Safeguarding adults",
    "Safeguarding children",
    "First aid",
    "Food hygiene",
    "Manual handling",
    "Fire safety",
    "Data protection",
    "Mental health awareness",
    "Dementia friends",
    "Equality and inclusion",
    "Lone working",
    "Minibus driving",
    "Befriending skills",
    "Conflict resolution",
    "Welcoming visitors",
    "Health and safety",
    "Working with young people",
    "Tool safety in the garden",
    "Handling money",
    "Digital skills for helpers",
)
RECORD_COLUMNS = (
    "volunteer_id",
    "course_id",
    "completed_on",
    "expires_on",
    "source",
    "status",
    "note",
    "reject_reason",
    "recorded_by_id",
    "decided_by_id",
    "decided_at",
    "created_at",
)
REJECTED = "The certificate does not name the course or the date it was done."


def seed_bench_training(total: int, progress: Say | None = None) -> int:
    """Top the bench volunteers' training records up to `total` (adding the bench courses
    first); returns how many records were added."""
    say = progress or (lambda message: None)
    volunteers = db.session.execute(
        select(User.id, User.created_at)
        .where(User.email.like(f"%@{BENCH_DOMAIN}"))
        .order_by(User.created_at, User.id)
    ).all()
    staff = db.session.scalar(
        select(User.id).where(User.access_level == AccessLevel.STAFF).order_by(User.id)
    )
    have = bench_rows(TrainingRecord, TrainingRecord.volunteer_id)
    if not volunteers or staff is None or have >= total:
        return 0
    courses = _courses()
    db.session.commit()
    rng = random.Random(have)  # noqa: S311 - bench data, not secrets
    signed_up = [row.created_at for row in volunteers]
    ids = [row.id for row in volunteers]
    now, today = utcnow(), local_today()
    weights = [1 if organisation else 3 for _, _, organisation in courses]  # the hub's: more
    for first in range(have, total, BATCH):
        count = min(BATCH, total - first)
        rows = []
        for course in rng.choices(courses, weights, k=count):
            completed_on = today - timedelta(days=rng.randint(1, DAYS))
            done = datetime.combine(completed_on, time(), UTC)
            volunteer = ids[rng.randrange(max(bisect.bisect_right(signed_up, done), 1))]
            rows.append(_record(volunteer, course, completed_on, staff, now, rng))
        load_rows(TrainingRecord.__table__, RECORD_COLUMNS, rows)  # type: ignore[arg-type]
        db.session.commit()
        say(f"Bench training: {first + count:,} of {total:,} records")
    issued = issue_missing_training()  # as verifying each record would have
    db.session.commit()
    say(f"Bench training: {issued:,} certificates issued")
    return total - have


def _courses() -> list[tuple[int, int | None, int | None]]:
    """The bench courses (id, validity in months, organisation), added where missing: the
    first `ORGANISATION_COURSES` belong to bench organisations spread over their list (the
    first organisation, whose roles have the most hours, among them)."""
    found = db.session.execute(
        select(Course.id, Course.validity_months, Course.organisation_id)
        .where(Course.title.like(f"{COURSE_PREFIX} %"))
        .order_by(Course.id)
    ).all()
    if found:
        return [tuple(row) for row in found]  # type: ignore[misc]
    rng = random.Random(40)  # noqa: S311 - bench data, not secrets
    organisations = db.session.scalars(
        select(Organisation.id).where(Organisation.slug.like("bench-%")).order_by(Organisation.id)
    ).all()
    categories = db.session.scalars(select(Category.id).order_by(Category.id)).all()
    now = utcnow()
    rows = [_course_row(number, organisations, rng, now) for number in range(len(TOPICS) * 2)]
    ids = db.session.scalars(
        insert(Course).returning(Course.id, sort_by_parameter_order=True), rows
    ).all()
    if categories:
        db.session.execute(
            insert(course_categories),
            [
                {"course_id": course, "category_id": category}
                for course in ids
                for category in rng.sample(
                    list(categories), k=min(rng.choice((1, 2)), len(categories))
                )
            ],
        )
    return [
        (course, row["validity_months"], row["organisation_id"])
        for course, row in zip(ids, rows, strict=True)
    ]


def _course_row(
    number: int, organisations: Sequence[int], rng: random.Random, now: datetime
) -> dict[str, Any]:
    owner = None
    if number < ORGANISATION_COURSES and organisations:
        owner = organisations[number * len(organisations) // ORGANISATION_COURSES]
    return {
        "title": f"{COURSE_PREFIX} {number + 1}: {TOPICS[number % len(TOPICS)]}",
        "description": "A bench course.",
        "organisation_id": owner,
        "delivery": rng.choice(list(Delivery)).value,
        "duration_minutes": rng.choice((60, 90, 120, 180, 360)),
        "validity_months": rng.choice((None, 12, 24, 36)),
        "archived": False,
        "created_at": now,
        "updated_at": now,
    }


def _record(
    volunteer: int,
    course: tuple[int, int | None, int | None],
    completed_on: date,
    staff: int,
    now: datetime,
    rng: random.Random,
) -> tuple[Any, ...]:
    course_id, validity, _ = course
    sent_on = completed_on + timedelta(days=rng.randint(0, 14))
    minute = rng.randrange(9 * 60)
    sent = datetime.combine(sent_on, time(9 + minute // 60, minute % 60), hub_zone())
    created_at = min(sent.astimezone(UTC), now)
    expires_on = add_months(completed_on, validity) if validity else None
    if rng.random() < 0.5:  # recorded by staff: verified as it is entered
        source, status, decided_at = RecordSource.RECORDED, RecordStatus.VERIFIED, created_at
    else:
        source = RecordSource.SUBMITTED
        decided_at = created_at + timedelta(days=rng.uniform(0.1, 10))
        if decided_at > now:
            status, decided_at = RecordStatus.PENDING, None
        else:
            status = RecordStatus.REJECTED if rng.random() < 0.08 else RecordStatus.VERIFIED
    return (
        volunteer,
        course_id,
        completed_on,
        expires_on,
        source.value,
        status.value,
        "",
        REJECTED if status == RecordStatus.REJECTED else "",
        staff if source == RecordSource.RECORDED else None,
        staff if decided_at is not None else None,
        decided_at,
        created_at,
    )
