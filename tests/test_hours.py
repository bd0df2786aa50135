"""The hours rules: what may be logged, the status machine, the rollups kept in step with every
decision, milestones recorded exactly once, and hours from attended shifts."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.factories import (
    make_hours,
    make_organisation,
    make_placement,
    make_role,
    make_staff,
    make_user,
)
from tests.helpers import (
    approved_sums,
    hours_rollups,
    outbox,
    run_together,
    slow_statements,
)
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db as _db
from volunteer_hub.hours import services
from volunteer_hub.hours.models import (
    HoursEntry,
    HoursStatus,
    Milestone,
    hours_words,
)
from volunteer_hub.hours.rollup import approved_quarters
from volunteer_hub.hours.totals import hub_total, totals_by, totals_by_month, volunteer_totals
from volunteer_hub.privacy import erase_account
from volunteer_hub.reference.models import Setting
from volunteer_hub.shifts import services as shifts
from volunteer_hub.shifts.models import BookingStatus, Shift, ShiftBooking

NOW = datetime.fromisoformat("2026-11-20T12:00:00+00:00")
TODAY = date(2026, 11, 20)


@pytest.fixture
def frozen(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def setting(db):
    """Store an admin setting's value, as the settings page would."""

    def store(key: str, value: str) -> None:
        _db.session.merge(Setting(key=key, value=value))
        _db.session.commit()

    return store


def hours_of(entry: HoursEntry) -> HoursEntry:
    _db.session.refresh(entry)
    return entry


# What may be logged


@pytest.mark.parametrize(
    ("typed", "quarters"),
    [("2", 8), ("1.5", 6), ("0.25", 1), (" 24 ", 96), ("7.75", 31), ("03.50", 14)],
)
def test_hours_are_typed_in_quarter_hour_steps(typed, quarters):
    assert services.parse_hours(typed) == quarters


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("1.1", "quarter-hour steps"),
        ("0.2", "quarter-hour steps"),
        ("0", "from 0.25 to 24"),
        ("-1", "as a number"),
        ("24.25", "from 0.25 to 24"),
        ("abc", "as a number"),
        ("NaN", "as a number"),
        ("Infinity", "as a number"),
        ("", "as a number"),
        ("1e3", "as a number"),
        ("1e1000000", "as a number"),
        ("1_5", "as a number"),
        ("1.5 hours", "as a number"),
        ("1,5", "as a number"),
        ("9" * 400, "as a number"),
        ("999", "from 0.25 to 24"),
        ("0.000001", "quarter-hour steps"),
    ],
)
def test_other_hours_are_refused_in_words(typed, words):
    with pytest.raises(services.EntryInvalid, match=words) as refused:
        services.parse_hours(typed)
    assert refused.value.field == "hours"


def test_hours_words():
    assert hours_words(4) == "1 hour"
    assert hours_words(6) == "1.5 hours"
    assert hours_words(1) == "0.25 hours"
    assert hours_words(4937) == "1,234.25 hours"
    assert hours_words(0) == "0 hours"


def test_a_volunteer_logs_between_approval_and_today_only(frozen):
    placement = make_placement(approved_at=NOW - timedelta(days=30))
    volunteer = placement.volunteer
    refusals = {
        TODAY + timedelta(days=1): "cannot be in the future",
        TODAY - timedelta(days=31): "on or after 21 October 2026",
    }
    for day, words in refusals.items():
        with pytest.raises(services.EntryInvalid, match=words) as refused:
            services.log_hours(placement, day, 8, "", volunteer, TODAY)
        assert refused.value.field == "worked_on"
    entry = services.log_hours(
        placement, TODAY - timedelta(days=30), 8, " Stacked ", volunteer, TODAY
    )
    assert entry.status == HoursStatus.PENDING and entry.note == "Stacked"
    assert [event.action for event in entry.events] == ["logged"]


def test_hours_stop_at_the_end_of_an_ended_placement(frozen):
    placement = make_placement(approved_at=NOW - timedelta(days=60), status="ended")
    placement.status_changed_at = NOW - timedelta(days=10)
    _db.session.commit()
    staff = make_staff()
    with pytest.raises(services.EntryInvalid, match="on or before 10 November 2026"):
        services.log_hours(placement, TODAY - timedelta(days=5), 8, "", staff, TODAY)
    # The volunteer no longer logs against it; the deciders may, within the window.
    with pytest.raises(services.EntryInvalid, match="once your place is approved") as refused:
        services.log_hours(placement, TODAY - timedelta(days=20), 8, "", placement.volunteer, TODAY)
    assert refused.value.field == "placement"
    entry = services.log_hours(placement, TODAY - timedelta(days=20), 8, "", staff, TODAY)
    assert entry.status == HoursStatus.APPROVED


def test_only_the_volunteer_and_the_roles_deciders_log(frozen):
    manager = make_user()
    placement = make_placement(make_role(make_organisation(manager=manager)))
    outsider = make_user()
    other_manager = make_user()
    make_organisation(manager=other_manager)
    for person in (outsider, other_manager):
        with pytest.raises(services.HoursRefused, match="cannot log hours for this role"):
            services.log_hours(placement, TODAY, 8, "", person, TODAY)
    entry = services.log_hours(placement, TODAY, 8, "", manager, TODAY)
    assert entry.status == HoursStatus.APPROVED and entry.verified_by_id == manager.id
    applied = make_placement(status="applied")
    with pytest.raises(services.EntryInvalid, match="once your place is approved"):
        services.log_hours(applied, TODAY, 8, "", applied.volunteer, TODAY)


def test_a_coordinator_cannot_verify_another_organisations_hours_or_their_own(frozen):
    manager = make_user()
    organisation = make_organisation(manager=manager)
    entry = make_hours(make_placement(make_role(organisation)), TODAY)
    other_manager = make_user()
    make_organisation(manager=other_manager)
    with pytest.raises(services.HoursRefused, match="cannot verify"):
        services.decide(entry, "approve", other_manager)
    # A coordinator who also volunteers on their own organisation's role.
    own = make_hours(make_placement(make_role(organisation), manager), TODAY)
    with pytest.raises(services.HoursRefused, match="cannot verify"):
        services.decide(own, "approve", manager)
    assert services.bulk_approve([entry, own], other_manager) == 0
    assert services.bulk_approve([entry, own], manager) == 1
    assert hours_of(own).status == HoursStatus.PENDING


# The status machine


def test_query_correct_and_approve(frozen):
    placement = make_placement()
    volunteer = placement.volunteer
    staff = make_staff()
    entry = make_hours(placement, TODAY - timedelta(days=2), 9)
    with pytest.raises(services.HoursRefused, match="Say what the volunteer should check"):
        services.decide(entry, "query", staff, "  ")
    services.decide(entry, "query", staff, "Was it 2 hours, not 2.25?")
    _db.session.commit()
    assert entry.status == HoursStatus.QUERIED and entry.message == "Was it 2 hours, not 2.25?"
    (mail,) = outbox(volunteer.email)
    assert "Was it 2 hours, not 2.25?" in mail.body_text and "2.25 hours" in mail.body_text
    with pytest.raises(services.HoursRefused, match="only your own"):
        services.correct(entry, staff, TODAY, 8, "", TODAY)
    services.correct(entry, volunteer, TODAY - timedelta(days=2), 8, "Two hours", TODAY)
    _db.session.commit()
    assert entry.status == HoursStatus.PENDING and entry.quarters == 8
    services.decide(entry, "approve", staff)
    _db.session.commit()
    assert entry.status == HoursStatus.APPROVED and entry.verified_by_id == staff.id
    assert [e.action for e in entry.events] == ["logged", "queried", "resubmitted", "approved"]
    actions = _db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.subject_type == "HoursEntry")
    ).all()
    assert actions == ["hours.logged", "hours.queried", "hours.resubmitted", "hours.approved"]
    assert approved_quarters(volunteer.id) == 8
    with pytest.raises(services.HoursRefused, match="have been decided"):
        services.correct(entry, volunteer, TODAY, 4, "", TODAY)
    with pytest.raises(services.HoursRefused, match="cannot be approved"):
        services.decide(entry, "approve", staff)


def test_a_rejection_says_why_and_only_staff_reverse_it(frozen):
    manager = make_user()
    entry = make_hours(make_placement(make_role(make_organisation(manager=manager))), TODAY)
    with pytest.raises(services.HoursRefused, match="Say why"):
        services.decide(entry, "reject", manager, "")
    services.decide(entry, "reject", manager, "Not one of our sessions")
    _db.session.commit()
    with pytest.raises(services.HoursRefused, match="cannot be queried"):
        services.decide(entry, "query", manager, "Really?")
    with pytest.raises(services.HoursRefused, match="Only hub staff"):
        services.reverse(entry, manager, "Mistake")
    staff = make_staff()
    with pytest.raises(services.HoursRefused, match="Say why"):
        services.reverse(entry, staff, " ")
    services.reverse(entry, staff, "The session was moved: it was ours")
    _db.session.commit()
    assert entry.status == HoursStatus.PENDING
    with pytest.raises(services.HoursRefused, match="Only verified or rejected"):
        services.reverse(entry, staff, "Again")


# Rollups and totals


def test_the_rollups_equal_the_raw_sums_after_any_sequence_of_decisions(frozen):
    """Three volunteers on two roles log, and staff, coordinators and the volunteers approve,
    query, reject, correct and reverse at random; after every step the rollups hold exactly
    the sums of the approved entries."""
    chance = random.Random(6)
    manager = make_user()
    organisation = make_organisation(manager=manager)
    roles = [make_role(organisation), make_role(organisation)]
    placements = [
        make_placement(chance.choice(roles), approved_at=NOW - timedelta(days=400))
        for _ in range(3)
    ]
    staff = make_staff()
    entries: list[HoursEntry] = []
    for step in range(150):
        move = chance.choice(
            ["log", "log", "approve", "query", "reject", "correct", "reverse", "log many"]
        )
        day = TODAY - timedelta(days=chance.randrange(0, 400))
        quarters = chance.randrange(1, 97)
        try:
            if move == "log" or not entries:
                placement = chance.choice(placements)
                logger = chance.choice([placement.volunteer, placement.volunteer, manager])
                entries.append(services.log_hours(placement, day, quarters, "", logger, TODAY))
            elif move == "log many":
                rows = [
                    (chance.choice(placements), day - timedelta(days=n), quarters, "Team day")
                    for n in range(chance.randrange(1, 4))
                ]
                entries.extend(services.log_many(rows, manager, TODAY))
            elif move == "correct":
                entry = chance.choice(entries)
                services.correct(entry, entry.volunteer, day, quarters, "", TODAY)
            elif move == "reverse":
                services.reverse(chance.choice(entries), staff, "Second thoughts")
            elif move == "approve" and chance.random() < 0.3:
                services.bulk_approve(chance.sample(entries, min(3, len(entries))), manager)
            else:
                services.decide(
                    chance.choice(entries), move, chance.choice([staff, manager]), "Why"
                )
        except services.HoursRefused:
            _db.session.rollback()
        else:
            _db.session.commit()
        assert hours_rollups() == approved_sums(), f"after step {step} ({move})"
    statuses = {entry.status for entry in entries}
    assert statuses == set(HoursStatus), "the sequence should reach every status"
    erase_account(placements[0].volunteer, staff)  # her waiting hours are closed; none move
    _db.session.commit()
    assert hours_rollups() == approved_sums()
    by_volunteer, _ = approved_sums()
    for placement in placements:
        volunteer_id = placement.volunteer_id
        expected = sum(q for (v, _, _), q in by_volunteer.items() if v == volunteer_id)
        assert volunteer_totals(volunteer_id, TODAY).lifetime == expected


def test_only_approved_hours_count_anywhere(frozen):
    manager = make_user()
    role = make_role(make_organisation(manager=manager))
    placement = make_placement(role)
    for status in ("pending", "queried", "rejected"):
        make_hours(placement, TODAY - timedelta(days=3), 96, status=status)
    make_hours(placement, TODAY - timedelta(days=40), 6, status="approved")
    volunteer_id = placement.volunteer_id
    totals = volunteer_totals(volunteer_id, TODAY)
    assert (totals.lifetime, totals.this_year) == (6, 6)
    assert [(t.role_id, t.quarters) for t in totals.by_role] == [(role.id, 6)]
    assert sum(month.quarters for month in totals.by_month) == 6
    assert totals.progress.quarters == 6 and totals.progress.next_hours == 50
    assert [(t.key, t.quarters) for t in totals_by("role")] == [(role.id, 6)]
    assert [(t.key, t.quarters) for t in totals_by("organisation")] == [(role.organisation_id, 6)]
    assert [(t.key, t.quarters) for t in totals_by("category")] == [(role.category_id, 6)]
    assert [(t.label, t.quarters) for t in totals_by("locality")] == [("Not set", 6)]
    assert [(m.month, m.quarters) for m in totals_by_month()] == [(date(2026, 10, 1), 6)]
    assert hub_total() == 6
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Milestone)) == 0


def test_totals_keep_to_a_date_range_and_an_organisation(frozen):
    first, second = make_organisation(), make_organisation()
    one = make_placement(make_role(first), approved_at=NOW - timedelta(days=400))
    two = make_placement(make_role(second), approved_at=NOW - timedelta(days=400))
    make_hours(one, date(2025, 12, 31), 4, status="approved")
    make_hours(one, date(2026, 1, 1), 8, status="approved")
    make_hours(two, date(2026, 3, 5), 12, status="approved")
    assert hub_total() == 24
    assert hub_total(start=date(2026, 1, 15)) == 20
    assert hub_total(end=date(2025, 12, 1)) == 4
    assert [t.quarters for t in totals_by("role", organisation_id=first.id)] == [12]
    assert [(m.month, m.quarters) for m in totals_by_month(organisation_id=second.id)] == [
        (date(2026, 3, 1), 12)
    ]
    assert volunteer_totals(one.volunteer_id, TODAY).this_year == 8


# Milestones


def test_a_milestone_is_recorded_and_celebrated_once(frozen, setting):
    setting("milestone_hours", "10, 20")
    placement = make_placement()
    volunteer = placement.volunteer
    entry = make_hours(placement, TODAY - timedelta(days=5), 40, status="approved")
    (milestone,) = _db.session.scalars(sa.select(Milestone)).all()
    assert (milestone.volunteer_id, milestone.hours) == (volunteer.id, 10)
    (mail,) = outbox(volunteer.email)
    assert "10 verified hours" in mail.body_text and "/me/hours" in mail.body_text
    staff = make_staff()
    services.reverse(entry, staff, "Logged twice")
    _db.session.commit()
    assert approved_quarters(volunteer.id) == 0
    services.decide(entry, "approve", staff)
    _db.session.commit()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Milestone)) == 1
    assert len([m for m in outbox(volunteer.email) if "Thank you" in m.subject]) == 1
    totals = volunteer_totals(volunteer.id, TODAY)
    assert totals.progress.reached == [10] and totals.progress.next_hours == 20
    assert totals.progress.percent == 0 and totals.progress.quarters_to_go == 40
    make_hours(placement, TODAY - timedelta(days=4), 96, status="approved")
    assert volunteer_totals(volunteer.id, TODAY).progress.reached == [10, 20]
    assert volunteer_totals(volunteer.id, TODAY).progress.percent == 100


def test_twenty_approvals_crossing_a_milestone_together_record_it_once(app, frozen, setting):
    placement = make_placement(approved_at=NOW - timedelta(days=800))
    volunteer_id = placement.volunteer_id
    # 19 hours approved; twenty entries of 2 hours each wait, each in a month of its own (so
    # no rollup row orders them): any of them crosses 20 hours, and together they cross 50.
    setting("milestone_hours", "20, 50")
    make_hours(placement, TODAY - timedelta(days=700), 76, status="approved")
    entry_ids = [make_hours(placement, TODAY - timedelta(days=31 * n), 8).id for n in range(20)]
    staff_id = make_staff().id

    def approve(entry_id: int) -> str:
        entry = _db.session.get(HoursEntry, entry_id)
        services.decide(entry, "approve", _db.session.get(User, staff_id))
        _db.session.commit()
        return entry.status

    with slow_statements("INSERT INTO milestones"):  # without the user's row lock: many
        outcomes = run_together(app, approve, workers=20, prepare=lambda n: entry_ids[n])
    assert outcomes == ["approved"] * 20
    reached = _db.session.scalars(
        sa.select(Milestone.hours).where(Milestone.volunteer_id == volunteer_id)
    ).all()
    assert sorted(reached) == [20, 50]
    assert approved_quarters(volunteer_id) == 76 + 160
    assert hours_rollups() == approved_sums()


def test_twenty_approvals_of_the_same_entry_approve_it_once(app, frozen):
    entry_id = make_hours(make_placement(), TODAY).id
    staff_ids = [make_staff().id for _ in range(20)]

    def approve(staff_id: int) -> str:
        entry = _db.session.get(HoursEntry, entry_id)
        try:
            services.decide(entry, "approve", _db.session.get(User, staff_id))
        except services.HoursRefused:
            _db.session.rollback()
            return "refused"
        _db.session.commit()
        return "approved"

    with slow_statements("INSERT INTO hours_role_months"):
        outcomes = run_together(app, approve, workers=20, prepare=lambda n: staff_ids[n])
    assert outcomes.count("approved") == 1
    assert hours_rollups() == approved_sums() and hub_total() == 8


# Attended shifts


def attended_shift(organisation_approves: bool = False) -> tuple[ShiftBooking, User]:
    manager = make_user()
    organisation = make_organisation(manager=manager)
    organisation.approves_shift_hours = organisation_approves
    placement = make_placement(make_role(organisation))
    shift = Shift(
        role=placement.role,
        starts_at=utcnow() - timedelta(hours=4),
        ends_at=utcnow() - timedelta(hours=1, minutes=20),  # 2 h 40 m: 2.75 hours
        places=3,
    )
    booking = ShiftBooking(shift=shift, placement=placement, volunteer=placement.volunteer)
    _db.session.add(booking)
    _db.session.commit()
    return booking, manager


def test_an_attended_shift_logs_its_hours_once(frozen):
    booking, manager = attended_shift()
    shifts.mark_attendance(booking, BookingStatus.ATTENDED, manager)
    shifts.mark_attendance(booking, BookingStatus.ATTENDED, manager)
    _db.session.commit()
    (entry,) = _db.session.scalars(sa.select(HoursEntry)).all()
    assert (entry.quarters, entry.worked_on, entry.status) == (11, TODAY, HoursStatus.PENDING)
    assert entry.shift_booking_id == booking.id and entry.placement_id == booking.placement_id
    shifts.mark_attendance(booking, BookingStatus.NO_SHOW, manager)
    _db.session.commit()
    assert entry.status == HoursStatus.REJECTED and "not attending" in entry.message
    shifts.mark_attendance(booking, BookingStatus.ATTENDED, manager)
    _db.session.commit()
    assert entry.status == HoursStatus.PENDING
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(HoursEntry)) == 1


def test_marking_a_shift_attended_again_keeps_a_verifiers_rejection(frozen):
    booking, manager = attended_shift()
    shifts.mark_attendance(booking, BookingStatus.ATTENDED, manager)
    (entry,) = _db.session.scalars(sa.select(HoursEntry)).all()
    services.decide(entry, "reject", manager, "The shift was cut short: log the real hours")
    shifts.mark_attendance(booking, BookingStatus.ATTENDED, manager)
    _db.session.commit()
    assert entry.status == HoursStatus.REJECTED and entry.message.startswith("The shift was")


def test_an_organisation_may_approve_shift_hours_at_once(frozen):
    booking, manager = attended_shift(organisation_approves=True)
    shifts.mark_attendance(booking, BookingStatus.ATTENDED, manager)
    _db.session.commit()
    (entry,) = _db.session.scalars(sa.select(HoursEntry)).all()
    assert entry.status == HoursStatus.APPROVED and hub_total() == 11
    shifts.mark_attendance(booking, BookingStatus.NO_SHOW, manager)
    _db.session.commit()
    assert entry.status == HoursStatus.REJECTED and hub_total() == 0
    assert hours_rollups() == approved_sums()


def test_a_decision_is_undone_only_by_staff_reversal_and_never_on_ones_own_hours(frozen):
    manager = make_user()
    entry = make_hours(make_placement(make_role(make_organisation(manager=manager))), TODAY)
    services.decide(entry, "approve", manager)
    _db.session.commit()
    for decision in ("reject", "query", "approve"):
        with pytest.raises(services.HoursRefused, match="verified: they cannot be"):
            services.decide(entry, decision, manager, "Changed my mind")
    staff = make_staff()
    own = make_hours(make_placement(volunteer=staff), TODAY, status="approved")
    with pytest.raises(services.HoursRefused, match="your own hours"):
        services.reverse(own, staff, "Mine")
    assert hours_of(entry).status == hours_of(own).status == HoursStatus.APPROVED


def test_hours_stop_at_the_end_of_the_role(frozen):
    placement = make_placement(make_role(ends_on=TODAY - timedelta(days=7)))
    with pytest.raises(services.EntryInvalid, match="on or before 13 November 2026"):
        services.log_hours(placement, TODAY - timedelta(days=6), 8, "", placement.volunteer, TODAY)
    services.log_hours(placement, TODAY - timedelta(days=7), 8, "", placement.volunteer, TODAY)
