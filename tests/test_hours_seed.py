"""Demo hours (`flask hub seed-demo`) and the rollups rebuilt from approved entries, which the
demo and bench data load in bulk."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
import time_machine

from tests.factories import make_hours, make_placement, make_staff
from tests.helpers import approved_sums, hours_rollups
from volunteer_hub.auth.models import User
from volunteer_hub.clock import local_today
from volunteer_hub.database import utcnow
from volunteer_hub.hours import services
from volunteer_hub.hours.models import (
    HoursEntry,
    HoursEvent,
    HoursStatus,
    Milestone,
    RoleMonthHours,
    VolunteerMonthHours,
)
from volunteer_hub.hours.rollup import milestone_hours, rebuild_rollups
from volunteer_hub.mail import OutboxEmail
from volunteer_hub.placements.models import Placement

HOURS_TABLES = (HoursEntry, HoursEvent, Milestone, VolunteerMonthHours, RoleMonthHours)


def milestones(db) -> set[tuple[int, int, object]]:
    return {
        (row.volunteer_id, row.hours, row.reached_at)
        for row in db.session.scalars(sa.select(Milestone))
    }


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_rebuilt_rollups_and_milestones_are_what_the_decisions_gave(db):
    """Decisions over several days, a reversal among them, in every status: rebuilding from
    the approved entries gives the same rollups and the same milestones, each dated by the
    approval that crossed it."""
    staff = make_staff()
    first = make_placement(approved_at=utcnow() - timedelta(days=400))
    second = make_placement(approved_at=utcnow() - timedelta(days=400))
    start = utcnow() - timedelta(days=300)
    plan = [  # placement, days after start, quarters, status
        (first, 0, 80, "approved"),
        (first, 10, 32, "approved"),  # reversed below, before 50 hours are reached
        (first, 40, 80, "approved"),
        (second, 41, 96, "approved"),
        (first, 70, 64, "approved"),  # 56 hours: the first volunteer reaches 50
        (second, 75, 12, "queried"),
        (second, 76, 16, "rejected"),
        (second, 80, 8, "pending"),
        (second, 100, 96, "approved"),
        (second, 101, 96, "approved"),  # 72 hours: the second reaches 50
    ]
    entries = []
    for placement, days, quarters, status in plan:
        with time_machine.travel(start + timedelta(days=days), tick=False):
            worked_on = local_today() - timedelta(days=1)
            entries.append(make_hours(placement, worked_on, quarters, status=status))
        if days == 10:
            with time_machine.travel(start + timedelta(days=12), tick=False):
                services.reverse(entries[-1], staff, "Logged against the wrong role")
                db.session.commit()
    decided = hours_rollups(), milestones(db)
    assert {hours for _, hours, _ in decided[1]} == {50}
    assert len(decided[1]) == 2

    db.session.execute(sa.delete(Milestone))
    assert rebuild_rollups() == 2
    db.session.commit()
    db.session.expire_all()

    assert (hours_rollups(), milestones(db)) == decided
    assert hours_rollups() == approved_sums()


def test_rebuild_keeps_milestones_reached_and_adds_none_twice(db):
    """A milestone stays recorded once its hours are taken back (as the decisions keep it),
    and rebuilding again records nothing new."""
    staff = make_staff()
    placement = make_placement()
    entry = make_hours(placement, local_today() - timedelta(days=3), 96, status="approved")
    for days in (4, 5):
        make_hours(placement, local_today() - timedelta(days=days), 96, status="approved")
    assert {row.hours for row in db.session.scalars(sa.select(Milestone))} == {50}
    services.reverse(entry, staff, "Entered twice")
    db.session.commit()
    reached = milestones(db)

    assert rebuild_rollups() == 0
    assert rebuild_rollups() == 0
    db.session.commit()

    assert milestones(db) == reached
    assert sum(hours_rollups()[0].values()) == 2 * 96
    assert hours_rollups() == approved_sums()


def test_seed_demo_adds_two_years_of_hours_once(runner, db):
    result = runner.invoke(args=["hub", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Hours: " in result.output
    today = local_today()
    entries = db.session.scalars(sa.select(HoursEntry)).all()

    assert hours_rollups() == approved_sums()
    assert {entry.status for entry in entries} == set(HoursStatus)
    assert all(e.message for e in entries if e.status in (HoursStatus.QUERIED, "rejected"))
    assert min(entry.worked_on for entry in entries) <= today - timedelta(days=730)
    assert any(e.shift_booking_id and e.status == HoursStatus.APPROVED for e in entries)
    assert any(e.shift_booking_id and e.status == HoursStatus.PENDING for e in entries)
    assert_inside_windows(db, entries, today)
    assert_milestones(db)
    demo = db.session.scalar(sa.select(User).where(User.email.like("volunteer@%")))
    theirs = {entry.status for entry in entries if entry.volunteer_id == demo.id}
    assert {HoursStatus.APPROVED, HoursStatus.QUERIED, HoursStatus.PENDING} <= theirs

    counts = {model: count(db, model) for model in (*HOURS_TABLES, OutboxEmail, Placement)}
    again = runner.invoke(args=["hub", "seed-demo"])
    assert again.exit_code == 0, again.output
    assert {model: count(db, model) for model in counts} == counts


def assert_inside_windows(db, entries, today: date, history: bool = True) -> None:
    windows = {
        placement.id: services.logging_window(placement, today)
        for placement in db.session.scalars(sa.select(Placement))
    }
    for entry in entries:
        first, last = windows[entry.placement_id]
        assert first <= entry.worked_on <= last, entry.id
        if history:
            assert len(entry.events) >= 1 and entry.events[0].action == "logged"


def assert_milestones(db, every_level: bool = True) -> None:
    """Every milestone reached by someone, each exactly where the volunteer's hours stand,
    and volunteers part-way between them."""
    totals = dict(
        db.session.execute(
            sa.select(
                VolunteerMonthHours.volunteer_id, sa.func.sum(VolunteerMonthHours.quarters)
            ).group_by(VolunteerMonthHours.volunteer_id)
        ).all()
    )
    reached: dict[int, set[int]] = {}
    for row in db.session.scalars(sa.select(Milestone)):
        reached.setdefault(row.volunteer_id, set()).add(row.hours)
    levels = milestone_hours()
    for volunteer_id, quarters in totals.items():
        assert reached.get(volunteer_id, set()) == {h for h in levels if h * 4 <= quarters}
    if not every_level:
        return
    assert set().union(*reached.values()) == set(levels)
    assert any(quarters < levels[0] * 4 for quarters in totals.values())
    assert len({sum(h * 4 <= q for h in levels) for q in totals.values()}) == len(levels) + 1


def test_bench_data_loads_approved_hours_in_bulk_and_tops_them_up(runner, db):
    args = ["hub", "bench-data", "--volunteers", "40", "--organisations", "3", "--roles", "8"]
    args += ["--applications", "0", "--training", "0"]
    result = runner.invoke(args=[*args, "--hours", "3000"])
    assert result.exit_code == 0, result.output
    assert "Bench hours: 3,000 of 3,000 entries" in result.output
    bench = sa.select(HoursEntry).join(User, User.id == HoursEntry.volunteer_id)
    bench = bench.where(User.email.like("%@bench.volunteerhub.example"))
    entries = db.session.scalars(bench).all()
    assert len(entries) == 3000
    assert {entry.status for entry in entries} == {HoursStatus.APPROVED}
    assert len({entry.volunteer_id for entry in entries}) == 40
    assert hours_rollups() == approved_sums()
    assert_milestones(db, every_level=False)
    assert_inside_windows(db, entries[::50], local_today(), history=False)

    again = runner.invoke(args=[*args, "--hours", "3500"])
    assert again.exit_code == 0, again.output
    assert "Added 500 bench hours entries." in again.output
    placements = sa.select(sa.func.count()).select_from(Placement).join(User)
    assert db.session.scalar(placements.where(User.email.like("%@bench.%"))) == 2 * 40
    assert hours_rollups() == approved_sums()
