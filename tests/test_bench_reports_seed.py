"""The bench data behind `bench/reports.py`: applications with their timelines, training
records over bench courses, sign-ups spread over the years and two hourly values, loaded in
bulk by `flask hub bench-data` and topped up on a second run."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import sqlalchemy as sa

from tests.helpers import approved_sums, hours_rollups
from volunteer_hub.auth.models import User
from volunteer_hub.bench_hours import bench_rates
from volunteer_hub.certificates.models import Certificate
from volunteer_hub.clock import add_months, local_today
from volunteer_hub.database import utcnow
from volunteer_hub.placements.models import (
    PLACEMENT_TRANSITIONS,
    Placement,
    PlacementEvent,
    PlacementStatus,
)
from volunteer_hub.reports.forms import financial_year_start
from volunteer_hub.reports.models import ValueRate
from volunteer_hub.training.models import Course, RecordStatus, TrainingRecord, course_categories
from volunteer_hub.volunteers.models import VolunteerProfile

BENCH = "%@bench.volunteerhub.example"
ARGS = ["hub", "bench-data", "--volunteers", "60", "--organisations", "4", "--roles", "12"]


def bench_count(db, model, column) -> int:
    query = sa.select(sa.func.count()).select_from(model).join(User, User.id == column)
    return db.session.scalar(query.where(User.email.like(BENCH)))


def applications(db) -> list[Placement]:
    applied = sa.select(PlacementEvent.placement_id).where(
        PlacementEvent.status == PlacementStatus.APPLIED
    )
    bench = sa.select(Placement).join(User, User.id == Placement.volunteer_id)
    bench = bench.where(User.email.like(BENCH), Placement.id.in_(applied))
    return list(db.session.scalars(bench))


def assert_timelines(db) -> None:
    """Each application starts applied, by its volunteer, after they signed up; every step
    is an allowed move, in order; the first decision is `decided_at`."""
    signed_up = dict(db.session.execute(sa.select(User.id, User.created_at)).all())
    made = applications(db)
    for placement in made:
        steps = placement.events
        assert steps[0].status == PlacementStatus.APPLIED and steps[0].previous is None
        assert steps[0].actor_id == placement.volunteer_id
        assert steps[0].created_at == placement.created_at
        assert placement.created_at >= signed_up[placement.volunteer_id]
        for before, after in pairwise(steps):
            assert after.status in PLACEMENT_TRANSITIONS[PlacementStatus(before.status)]
            assert after.previous == before.status and after.created_at >= before.created_at
        assert placement.status == steps[-1].status
        assert placement.decided_at == (steps[1].created_at if len(steps) > 1 else None)
        assert (placement.due_on is not None) == (placement.status == PlacementStatus.APPLIED)
    statuses = {placement.status for placement in made}
    assert statuses >= {"approved", "declined", "waitlisted", "withdrawn", "active", "ended"}
    earliest = utcnow() - timedelta(days=3 * 365 + 1)
    assert all(earliest < placement.created_at <= utcnow() for placement in made)


def assert_training(db, records: int) -> None:
    courses = list(db.session.scalars(sa.select(Course).where(Course.title.like("Bench course %"))))
    assert len(courses) == 40
    assert sum(course.organisation_id is not None for course in courses) == 24
    assert all(1 <= len(course.categories) <= 2 for course in courses)
    bench = sa.select(TrainingRecord).join(User, User.id == TrainingRecord.volunteer_id)
    made = list(db.session.scalars(bench.where(User.email.like(BENCH))))
    assert len(made) == records
    assert {record.status for record in made} >= {RecordStatus.VERIFIED, RecordStatus.REJECTED}
    certified = set(db.session.scalars(sa.select(Certificate.training_record_id)))
    verified = {record.id for record in made if record.status == RecordStatus.VERIFIED}
    assert verified <= certified
    by_id = {course.id: course for course in courses}
    for record in made:
        validity = by_id[record.course_id].validity_months
        assert record.expires_on == (
            add_months(record.completed_on, validity) if validity else None
        )
        assert (record.decided_at is None) == (record.status == RecordStatus.PENDING)
        assert record.completed_on < local_today()


def test_bench_data_loads_applications_training_and_rates_and_tops_them_up(runner, db):
    result = runner.invoke(
        args=[*ARGS, "--hours", "600", "--applications", "700", "--training", "500"]
    )
    assert result.exit_code == 0, result.output
    assert "Bench applications: 700 of 700 placements" in result.output
    assert "Added 580 bench applications." in result.output  # 120 are the hours' own
    assert bench_count(db, Placement, Placement.volunteer_id) == 700
    assert len(applications(db)) == 580
    assert_timelines(db)
    assert_training(db, 500)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(course_categories)) >= 40
    sign_ups = db.session.scalars(
        sa.select(VolunteerProfile.created_at)
        .join(User, User.id == VolunteerProfile.user_id)
        .where(User.email.like(BENCH))
    ).all()
    assert max(sign_ups) - min(sign_ups) > timedelta(days=2 * 365)
    assert min(sign_ups) > utcnow() - timedelta(days=4 * 365 + 1)
    rates = list(db.session.scalars(sa.select(ValueRate).order_by(ValueRate.valid_from)))
    year = financial_year_start(local_today())
    last_year = year.replace(year=year.year - 1)
    bench = [when for when, _, _ in bench_rates(local_today())]
    assert set(bench) <= {rate.valid_from for rate in rates}  # beside the demo's own values
    assert bench[0] <= last_year < bench[1] < year

    again = runner.invoke(
        args=[*ARGS, "--hours", "600", "--applications", "900", "--training", "650"]
    )
    assert again.exit_code == 0, again.output
    assert "Added 200 bench applications." in again.output
    assert "Added 150 bench training records." in again.output
    assert "Added 0 bench hourly values." in again.output
    assert bench_count(db, Placement, Placement.volunteer_id) == 900
    assert_timelines(db)
    assert_training(db, 650)
    assert hours_rollups() == approved_sums()
