"""Training and checks that run out: reminders at 60, 30 and 7 days and on the day, each sent
once; the staff lists of training running out and of training missing for active roles."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.factories import (
    PASSWORD,
    make_admin,
    make_check,
    make_course,
    make_organisation,
    make_record,
    make_role,
    make_staff,
    make_user,
)
from tests.helpers import outbox, run_together
from tests.test_query_counts import assert_flat, measure_twice, sign_in
from volunteer_hub.auth.models import AccessLevel, User
from volunteer_hub.auth.passwords import hash_password
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db as _db
from volunteer_hub.placements.models import Placement, PlacementStatus
from volunteer_hub.reminders import ReminderClaim
from volunteer_hub.roles.models import Role
from volunteer_hub.training.expiry_jobs import remind_expiring
from volunteer_hub.training.models import RecordStatus, TrainingRecord
from volunteer_hub.volunteers.models import CheckLevel

EXPIRES = date(2027, 3, 1)  # a year's course completed on 1 March 2026
STAGE_DAYS = {
    60: date(2026, 12, 31),
    30: date(2027, 1, 30),
    7: date(2027, 2, 22),
    0: date(2027, 3, 1),
}


def at(day: date) -> time_machine.travel:
    """07:30 in London on `day` (GMT all winter), when the daily job runs."""
    return time_machine.travel(datetime.combine(day, time(7, 30), tzinfo=UTC), tick=False)


def run_on(day: date) -> str:
    with at(day):
        return remind_expiring()


def active_on(role: Role, volunteer: User, status: str = PlacementStatus.ACTIVE) -> Placement:
    placement = Placement(role=role, volunteer=volunteer, status=status)
    _db.session.add(placement)
    _db.session.commit()
    return placement


def subjects(user: User) -> list[str]:
    return [message.subject for message in outbox(user.email)]


@pytest.fixture
def hub(db):
    """A volunteer active on a role of organisation A that requires a year's course, with a
    verified record running out on 1 March 2027; coordinators of A, of B (whose role the
    volunteer is active on does not need the course) and of C (whose role needs it, but the
    volunteer is only approved there)."""
    course = make_course(title="Food hygiene", validity_months=12)
    people = {}
    for key, needs in (("a", [course]), ("b", []), ("c", [course])):
        coordinator = make_user(name=f"Coordinator {key.upper()}", profile=False)
        organisation = make_organisation(
            name=f"Organisation {key.upper()}", coordinators=(coordinator,)
        )
        role = make_role(
            organisation, title=f"Kitchen helper {key.upper()}", required_courses=needs
        )
        people[key] = (coordinator, role)
    volunteer = make_user(name="Vera Volunteer")
    active_on(people["a"][1], volunteer)
    active_on(people["b"][1], volunteer)
    active_on(people["c"][1], volunteer, PlacementStatus.APPROVED)
    record = make_record(volunteer, course, completed_on=date(2026, 3, 1))
    assert record.expires_on == EXPIRES
    return volunteer, course, record, {key: value[0] for key, value in people.items()}


# --- Training reminders ------------------------------------------------------------------------


def test_each_stage_is_sent_once_as_the_days_pass(hub):
    volunteer, _, _, coordinators = hub
    sent_on = []
    day = date(2026, 12, 20)
    while day <= EXPIRES + timedelta(days=3):
        before = len(outbox(volunteer.email))
        run_on(day)
        run_on(day)  # a second run the same day sends nothing more
        if len(outbox(volunteer.email)) > before:
            sent_on.append(day)
        day += timedelta(days=1)
    assert sent_on == [STAGE_DAYS[60], STAGE_DAYS[30], STAGE_DAYS[7], STAGE_DAYS[0]]
    assert subjects(volunteer) == [
        "Your “Food hygiene” training runs out on 1 March 2027",
        "Your “Food hygiene” training runs out on 1 March 2027",
        "Your “Food hygiene” training runs out on 1 March 2027",
        "Your “Food hygiene” training runs out today",
    ]
    first = outbox(volunteer.email)[0].body_text
    assert "in 60 days" in first and "Kitchen helper A (Organisation A)" in first
    assert "Kitchen helper B" not in first and "Kitchen helper C" not in first
    assert "http://localhost/me/training" in first
    told = outbox(coordinators["a"].email)
    assert [message.subject for message in told][-1] == (
        "Vera Volunteer's “Food hygiene” training runs out today"
    )
    assert len(told) == 4
    assert "/placements/" in told[0].body_text and "Kitchen helper A" in told[0].body_text
    assert outbox(coordinators["b"].email) == []  # the role there does not need the course
    assert outbox(coordinators["c"].email) == []  # not active there
    claims = _db.session.scalars(sa.select(ReminderClaim.period).order_by(ReminderClaim.id))
    assert list(claims) == ["2027-03-01/60", "2027-03-01/30", "2027-03-01/7", "2027-03-01/0"]


def test_a_job_that_missed_days_sends_only_the_most_urgent_stage(hub):
    volunteer, course, _, _ = hub
    assert run_on(date(2026, 11, 30)) == "reminded about 0 training records and 0 checks"
    assert run_on(EXPIRES - timedelta(days=3)) == "reminded about 1 training records and 0 checks"
    assert "in 3 days" in outbox(volunteer.email)[0].body_text
    assert run_on(EXPIRES - timedelta(days=2)).startswith("reminded about 0 training")
    assert run_on(EXPIRES).startswith("reminded about 1 training")  # the day itself
    assert run_on(EXPIRES + timedelta(days=1)).startswith("reminded about 0 training")
    late = make_user()
    make_record(late, course, completed_on=date(2026, 2, 27))  # ran out yesterday
    assert run_on(EXPIRES + timedelta(days=1)).startswith("reminded about 0 training")
    assert outbox(late.email) == []
    periods = _db.session.scalars(sa.select(ReminderClaim.period).order_by(ReminderClaim.id))
    assert list(periods) == ["2027-03-01/7", "2027-03-01/0"]


def test_a_renewed_record_is_not_reminded(hub):
    volunteer, course, _, coordinators = hub
    forever = make_user()
    make_record(forever, course, completed_on=date(2026, 3, 2))  # runs out 2 March 2027
    make_record(forever, course, completed_on=date(2026, 9, 1), expires_on=None)
    assert run_on(date(2027, 1, 1)).startswith("reminded about 1 training")  # Vera's only
    assert outbox(forever.email) == []
    make_record(volunteer, course, completed_on=date(2027, 1, 2), status=RecordStatus.PENDING)
    assert run_on(STAGE_DAYS[30]).startswith("reminded about 1 training")  # not checked yet
    make_record(volunteer, course, completed_on=date(2027, 1, 5))  # verified: lasts to 2028
    assert run_on(STAGE_DAYS[7]).startswith("reminded about 0 training")
    assert run_on(STAGE_DAYS[0]).startswith("reminded about 0 training")
    assert len(outbox(volunteer.email)) == 2
    assert len(outbox(coordinators["a"].email)) == 2


def test_erased_and_inactive_accounts_are_not_reminded(hub):
    volunteer, course, record, coordinators = hub
    volunteer.active = False
    erased = make_record(make_user(), course, completed_on=date(2026, 3, 1))
    erased.volunteer_id = None
    _db.session.commit()
    assert run_on(STAGE_DAYS[30]) == "reminded about 0 training records and 0 checks"
    assert outbox() == []


def test_simultaneous_runs_send_each_reminder_once(app, hub):
    """Four scheduler processes fire at once: each training and check reminder is claimed by
    one of them, with its emails; the others send nothing."""
    volunteer, _, _, coordinators = hub
    make_staff(name="Sam Staff")
    make_check(volunteer, issued_on=date(2024, 1, 30), update_service=False)  # due 30 Jan 2027
    with at(STAGE_DAYS[30]):
        outcomes = run_together(app, lambda _: remind_expiring(), workers=4)
    assert sorted(outcomes)[0] == "reminded about 0 training records and 0 checks"
    training = sum(int(outcome.split()[2]) for outcome in outcomes)
    checks = sum(int(outcome.split()[6]) for outcome in outcomes)
    assert (training, checks) == (1, 1)
    assert sorted(subjects(volunteer)) == [
        "Your DBS check is due for renewal today",
        "Your “Food hygiene” training runs out on 1 March 2027",
    ]
    assert len(outbox(coordinators["a"].email)) == 1
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ReminderClaim)) == 2


# --- Check renewals ----------------------------------------------------------------------------


@pytest.fixture
def dbs_role(db):
    coordinator = make_user(name="Cora Coordinator", profile=False)
    organisation = make_organisation(coordinators=(coordinator,))
    role = make_role(organisation, title="Youth club helper", dbs_level=CheckLevel.ENHANCED)
    other = make_user(name="Otto Other", profile=False)
    elsewhere = make_role(make_organisation(coordinators=(other,)), title="Litter picker")
    return coordinator, role, other, elsewhere


def test_a_certificate_is_due_for_renewal_36_months_after_issue(dbs_role):
    coordinator, role, other, elsewhere = dbs_role
    staff = make_staff(name="Sam Staff")
    volunteer = make_user(name="Dev Volunteer")
    active_on(role, volunteer)
    active_on(elsewhere, volunteer)
    check = make_check(
        volunteer,
        issued_on=date(2024, 1, 30),
        update_service=False,
        certificate_number="009876543210",
    )
    assert run_on(date(2026, 11, 30)) == "reminded about 0 training records and 0 checks"
    assert run_on(date(2026, 12, 1)) == "reminded about 0 training records and 1 checks"
    assert run_on(date(2026, 12, 1)) == "reminded about 0 training records and 0 checks"
    assert run_on(date(2026, 12, 2)) == "reminded about 0 training records and 0 checks"
    assert subjects(volunteer) == ["Your DBS check is due for renewal on 30 January 2027"]
    assert "arrange a new check" in outbox(volunteer.email)[0].body_text
    (to_staff,) = outbox(staff.email)
    assert to_staff.subject == "Check due for renewal 30 January 2027: Dev Volunteer"
    assert "(Enhanced)" in to_staff.body_text
    assert "issued on 30 January 2024" in to_staff.body_text
    assert f"/staff/volunteers/{volunteer.id}" in to_staff.body_text
    (to_coordinator,) = outbox(coordinator.email)
    body = to_coordinator.body_text
    assert "The DBS check that meets this role's requirement" in body
    assert "30 January 2027" in body and "Youth club helper" in body
    assert check.certificate_number not in body and "nhanced" not in body
    assert outbox(other.email) == []  # that role needs no DBS check
    assert run_on(date(2027, 1, 30)) == "reminded about 0 training records and 1 checks"
    assert run_on(date(2027, 1, 31)) == "reminded about 0 training records and 0 checks"


def test_an_update_service_check_is_due_36_months_after_its_last_status_check(dbs_role):
    coordinator, role, _, _ = dbs_role
    staff = make_staff()
    volunteer = make_user(name="Uma Update")
    active_on(role, volunteer)
    make_check(
        volunteer,
        issued_on=date(2019, 5, 1),
        update_service=True,
        last_status_check_on=date(2024, 2, 28),
    )
    never_checked = make_user()
    make_check(never_checked, issued_on=date(2024, 2, 1), update_service=True)  # due 1 Feb 2027
    assert run_on(date(2026, 12, 3)) == "reminded about 0 training records and 1 checks"
    assert outbox(volunteer.email) == []
    assert run_on(date(2026, 12, 29)) == "reminded about 0 training records and 0 checks"
    assert run_on(date(2026, 12, 30)) == "reminded about 0 training records and 1 checks"
    assert run_on(date(2026, 12, 30)) == "reminded about 0 training records and 0 checks"
    (reminder,) = outbox(volunteer.email)
    assert reminder.subject == "Your DBS check is due for renewal on 28 February 2027"
    assert "Update Service" in reminder.body_text
    assert "last status check was on 28 February 2024" in outbox(staff.email)[-1].body_text
    assert len(outbox(coordinator.email)) == 1


def test_a_check_replaced_by_a_later_one_is_not_reminded(dbs_role):
    coordinator, role, _, _ = dbs_role
    volunteer = make_user()
    active_on(role, volunteer)
    make_check(volunteer, issued_on=date(2024, 1, 30), update_service=False)
    make_check(
        volunteer,
        level=CheckLevel.ENHANCED_BARRED_BOTH,
        issued_on=date(2026, 10, 1),
        update_service=False,
        certificate_number="005555555555",
    )
    assert run_on(date(2026, 12, 1)) == "reminded about 0 training records and 0 checks"


# --- Staff lists -------------------------------------------------------------------------------


@pytest.fixture
def lists(db):
    """Running out: one shown, and others that must not be (too late, renewed, already run
    out, unverified, erased); missing: one volunteer without one of two required courses."""
    first_aid = make_course(title="First aid", validity_months=36)
    hygiene = make_course(title="Food hygiene", validity_months=12)
    coordinator = make_user(profile=False)
    organisation = make_organisation(name="Park Friends", coordinators=(coordinator,))
    role = make_role(organisation, title="Cafe helper", required_courses=[first_aid, hygiene])
    soon = make_user(name="=Sonia Soon")  # a name a spreadsheet would read as a formula
    active_on(role, soon)
    make_record(soon, first_aid, completed_on=date(2024, 1, 20))  # runs out 20 January 2027
    make_record(soon, hygiene, completed_on=date(2026, 9, 1))  # runs out 1 September 2027
    later = make_user(name="Larry Later")
    make_record(later, first_aid, completed_on=date(2024, 6, 1))
    renewed = make_user(name="Rita Renewed")
    make_record(renewed, first_aid, completed_on=date(2024, 1, 25))
    make_record(renewed, first_aid, completed_on=date(2026, 12, 1))
    gone = make_user(name="Gwen Gone")
    active_on(role, gone)
    make_record(gone, first_aid, completed_on=date(2023, 12, 20))  # ran out 20 December 2026
    unverified = make_user(name="Una Unverified")
    make_record(unverified, first_aid, completed_on=date(2024, 1, 21), status=RecordStatus.PENDING)
    approved = make_user(name="April Approved")
    active_on(role, approved, PlacementStatus.APPROVED)
    return coordinator, role


@pytest.fixture
def frozen():
    with at(date(2027, 1, 10)):
        yield


def test_staff_see_training_running_out_soonest_first(client, login_as, lists, frozen):
    login_as(make_staff())
    page = client.get("/staff/training/expiring")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "=Sonia Soon" in text and "First aid" in text and "20 January 2027" in text
    assert "<td>10</td>" in text and "Cafe helper" in text
    for hidden in ("Larry Later", "Rita Renewed", "Gwen Gone", "Una Unverified"):
        assert hidden not in text
    assert "Food hygiene" not in text  # not for 8 months
    exported = client.get("/staff/training/expiring.csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1:] == [
        [
            "'=Sonia Soon",
            _db.session.scalar(sa.select(User.email).where(User.name == "=Sonia Soon")),
            "First aid",
            "2024-01-20",
            "2027-01-20",
            "10",
            "Cafe helper (Park Friends)",
        ]
    ]


def test_staff_see_who_lacks_training_their_role_needs(client, login_as, lists, frozen):
    login_as(make_staff())
    text = client.get("/staff/training/gaps").get_data(as_text=True)
    assert "Gwen Gone" in text and "Park Friends" in text
    assert "April Approved" not in text  # not active yet
    rows = list(
        csv.reader(io.StringIO(client.get("/staff/training/gaps.csv").get_data(as_text=True)[1:]))
    )
    assert [(row[0], row[2], row[4]) for row in rows[1:]] == [
        ("Gwen Gone", "Cafe helper", "First aid"),  # ran out
        ("Gwen Gone", "Cafe helper", "Food hygiene"),  # never done
    ]


def test_the_staff_dashboard_counts_both_lists(client, login_as, lists, frozen):
    login_as(make_staff())
    text = client.get("/staff/").get_data(as_text=True)
    assert '<strong>1</strong> <a href="/staff/training/expiring">' in text
    assert '<strong>2</strong> <a href="/staff/training/gaps">' in text


def test_empty_lists_say_so(client, login_as, db):
    login_as(make_admin())
    assert "nothing to follow up" in client.get("/staff/training/expiring").get_data(as_text=True)
    assert "nothing missing" in client.get("/staff/training/gaps").get_data(as_text=True)


URLS = [
    "/staff/training/expiring",
    "/staff/training/expiring.csv",
    "/staff/training/gaps",
    "/staff/training/gaps.csv",
]


def test_only_staff_see_the_training_lists(app, client, login_as, lists):
    coordinator, _ = lists
    for url in URLS:
        response = app.test_client().get(url)
        assert response.status_code == 302 and "/login" in response.location
    for user, status in (
        (make_user(), 403),
        (coordinator, 403),
        (make_staff(), 200),
        (make_admin(), 200),
    ):
        login_as(user)
        assert [client.get(url).status_code for url in URLS] == [status] * 4, user.name


# --- Query counts ------------------------------------------------------------------------------


def many_volunteers(organisations: int) -> None:
    """Per organisation, a role requiring two courses and two active volunteers: one with a
    first-aid record running out within 90 days (one gap), one with nothing (two gaps)."""
    first_aid = make_course(title="First aid")
    hygiene = make_course(title="Food hygiene")
    password_hash = hash_password(PASSWORD)
    today = date(2027, 1, 10)
    for number in range(organisations):
        role = make_role(make_organisation(), required_courses=[first_aid, hygiene])
        for kind in ("held", "none"):
            user = User(
                name=f"Volunteer {kind} {role.id} {number}",
                email=f"qc-{kind}-{role.id}@example.org",
                password_hash=password_hash,
                access_level=AccessLevel.MEMBER,
                email_verified_at=utcnow(),
                privacy_accepted_at=utcnow(),
            )
            _db.session.add(Placement(role=role, volunteer=user, status=PlacementStatus.ACTIVE))
            if kind == "held":
                _db.session.add(
                    TrainingRecord(
                        volunteer=user,
                        course=first_aid,
                        completed_on=date(2024, 1, 1),
                        expires_on=today + timedelta(days=1 + number % 80),
                        source="recorded",
                    )
                )
    _db.session.commit()


def test_the_training_lists_send_the_same_statements_however_many_rows(client, db, frozen):
    """110, then 220 organisations, each with an active volunteer whose training runs out
    and one who has none: the pages and the downloads send a fixed number of statements."""
    sign_in(client, make_staff())
    ceilings = {
        # The signed-in user, the page, its count, the roles needing its records; on the first
        # page, the re-check policy and the checks falling due (none here).
        "/staff/training/expiring": 6,
        "/staff/training/expiring?page=3": 4,
        # The signed-in user, the records, the roles needing them, and the checks as above.
        "/staff/training/expiring.csv": 5,
        # The signed-in user, the page, its count.
        "/staff/training/gaps": 3,
        "/staff/training/gaps?page=4": 3,
        # The signed-in user, the rows.
        "/staff/training/gaps.csv": 2,
        # The signed-in user, the hub's figures, the applications waiting, the three counts,
        # the hours waiting to be verified, the award nominations waiting for review, and the
        # period's figures: the hourly values, the hours total, new volunteers, applications,
        # placements started and training completed (`reports.report.build_report` without
        # its breakdowns).
        "/staff/": 19,
    }
    counts, statements = measure_twice(client, list(ceilings), lambda: many_volunteers(110))
    for url, ceiling in ceilings.items():
        assert_flat({url: counts[url]}, ceiling=ceiling, statements=statements)
    page = client.get("/staff/training/gaps?page=4").get_data(as_text=True)
    assert page.count('<th scope="row">') == 20 and "(660 in all)" in page
