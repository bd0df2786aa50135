"""Hours verification: coordinators and staff approve, query and reject entries (one at a time
or in bulk), staff reverse decisions, coordinators log hours for one volunteer or a whole team
day, and the totals pages count verified hours only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.factories import (
    make_category,
    make_hours,
    make_organisation,
    make_placement,
    make_role,
    make_staff,
    make_user,
)
from tests.helpers import outbox, row_counts
from tests.test_query_counts import assert_flat, measure_twice
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db as _db
from volunteer_hub.hours.models import HoursEntry, HoursEvent, Milestone
from volunteer_hub.hours.rollup import approved_quarters
from volunteer_hub.organisations.forms import form_data
from volunteer_hub.organisations.models import Organisation
from volunteer_hub.placements.models import Placement
from volunteer_hub.roles.models import Role
from volunteer_hub.shifts.models import Shift, ShiftBooking

NOW = "2026-11-20 10:00:00+00:00"
TODAY = date(2026, 11, 20)


@dataclass
class Hub:
    coordinator: User
    organisation: Organisation
    role: Role
    ann: User
    ann_placement: Placement
    bea: User
    bea_placement: Placement
    outsider: User  # coordinates another organisation
    other_placement: Placement
    staff: User


@pytest.fixture
def hub(db):
    with time_machine.travel(NOW, tick=False):
        coordinator = make_user(name="Cora Coordinator", email="cora@library.example")
        outsider = make_user(name="Otto Other", email="otto@rotary.example")
        organisation = make_organisation(name="Reddish Library", manager=coordinator)
        other = make_organisation(name="Marple Rotary", manager=outsider)
        role = make_role(organisation, title="Story time reader")
        ann = make_user(name="Ann Able", email="ann@example.org")
        bea = make_user(name="Bea Baker", email="bea@example.org")
        yield Hub(
            coordinator=coordinator,
            organisation=organisation,
            role=role,
            ann=ann,
            ann_placement=make_placement(role, ann),
            bea=bea,
            bea_placement=make_placement(role, bea),
            outsider=outsider,
            other_placement=make_placement(make_role(other, title="Litter pick"), make_user()),
            staff=make_staff(name="Sam Staff"),
        )


def entry(id_: int) -> HoursEntry:
    found = _db.session.get(HoursEntry, id_)
    assert found is not None
    return found


def events(entry_id: int, action: str) -> list[AuditEvent]:
    return list(
        _db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.action == action,
                AuditEvent.subject_type == "HoursEntry",
                AuditEvent.subject_id == entry_id,
            )
        )
    )


def decided_emails(to: str) -> list[str]:
    return [message.body_text for message in outbox(to) if message.template == "hours_decided"]


# --- Deciding one entry -------------------------------------------------------------------------


def test_a_coordinator_approves_queries_and_rejects_hours(hub, client, login_as):
    approve = make_hours(hub.ann_placement, TODAY - timedelta(days=3), 6)
    query = make_hours(hub.ann_placement, TODAY - timedelta(days=2))
    reject = make_hours(hub.bea_placement, TODAY - timedelta(days=1))
    login_as(hub.coordinator)

    done = client.post(f"/hours/{approve.id}/decide", data={"decision": "approve"})
    assert done.status_code == 302 and done.headers["Location"] == f"/hours/{approve.id}"
    assert entry(approve.id).status == "approved"
    assert entry(approve.id).verified_by_id == hub.coordinator.id
    assert len(events(approve.id, "hours.approved")) == 1
    assert approved_quarters(hub.ann.id) == 6
    assert decided_emails("ann@example.org") == []  # approval is not emailed

    silent = client.post(f"/hours/{query.id}/decide", data={"decision": "query", "message": " "})
    assert silent.status_code == 422
    assert 'id="message-error"' in silent.text
    assert "Say what the volunteer should check." in silent.text
    assert entry(query.id).status == "pending" and events(query.id, "hours.queried") == []
    asked = client.post(
        f"/hours/{query.id}/decide",
        data={"decision": "query", "message": "Was it 2 hours or 3?", "next": "/org/x/hours"},
    )
    assert asked.status_code == 302 and asked.headers["Location"] == "/org/x/hours"
    assert entry(query.id).status == "queried"
    assert entry(query.id).message == "Was it 2 hours or 3?"
    assert len(events(query.id, "hours.queried")) == 1
    assert [(e.action, e.message) for e in entry(query.id).events][-1] == (
        "queried",
        "Was it 2 hours or 3?",
    )
    (email,) = decided_emails("ann@example.org")
    assert "Was it 2 hours or 3?" in email and f"/hours/{query.id}" in email

    no_reason = client.post(f"/hours/{reject.id}/decide", data={"decision": "reject"})
    assert no_reason.status_code == 422
    assert "Say why these hours are not accepted." in no_reason.text
    refused = client.post(
        f"/hours/{reject.id}/decide",
        data={
            "decision": "reject",
            "message": "You were on holiday that day",
            "next": "https://evil.example/",
        },
    )
    assert refused.headers["Location"] == f"/hours/{reject.id}"  # not off the site
    assert entry(reject.id).status == "rejected"
    assert len(events(reject.id, "hours.rejected")) == 1
    assert "You were on holiday that day" in decided_emails("bea@example.org")[0]
    assert approved_quarters(hub.bea.id) == 0


def test_a_decision_the_entry_no_longer_allows_is_refused(hub, client, login_as):
    queried = make_hours(hub.ann_placement, TODAY - timedelta(days=2), status="queried")
    approved = make_hours(hub.bea_placement, TODAY - timedelta(days=2), status="approved")
    login_as(hub.coordinator)
    late = client.post(f"/hours/{queried.id}/decide", data={"decision": "approve"})
    assert late.status_code == 409
    assert "cannot be approved" in late.text
    again = client.post(
        f"/hours/{approved.id}/decide", data={"decision": "reject", "message": "Too many"}
    )
    assert again.status_code == 409 and "cannot be rejected" in again.text
    assert entry(approved.id).status == "approved" and approved_quarters(hub.bea.id) == 8
    nonsense = client.post(f"/hours/{queried.id}/decide", data={"decision": "delete"})
    assert nonsense.status_code == 422
    # A queried entry the volunteer has not corrected may still be rejected.
    closed = client.post(
        f"/hours/{queried.id}/decide", data={"decision": "reject", "message": "No answer"}
    )
    assert closed.status_code == 302 and entry(queried.id).status == "rejected"


def test_nobody_verifies_another_organisations_hours_or_their_own(hub, client, login_as):
    pending = make_hours(hub.ann_placement, TODAY - timedelta(days=2))
    own_placement = make_placement(hub.role, hub.coordinator)
    own = make_hours(own_placement, TODAY - timedelta(days=2))

    login_as(hub.outsider)
    assert client.post(f"/hours/{pending.id}/decide", data={"decision": "approve"}).status_code == (
        404
    )
    login_as(hub.coordinator)
    mine = client.post(f"/hours/{own.id}/decide", data={"decision": "approve"})
    assert mine.status_code == 403 and "You cannot verify your own hours." in mine.text
    assert 'name="decision"' not in mine.text
    login_as(hub.ann)
    assert client.post(f"/hours/{pending.id}/decide", data={"decision": "approve"}).status_code == (
        403
    )
    bea_entry = make_hours(hub.bea_placement, TODAY - timedelta(days=1))
    before = row_counts()
    assert client.post(
        f"/hours/{bea_entry.id}/decide", data={"decision": "approve"}
    ).status_code == (404)
    assert row_counts() == before
    assert {entry(pending.id).status, entry(own.id).status, entry(bea_entry.id).status} == {
        "pending"
    }


# --- Reversal -----------------------------------------------------------------------------------


def test_staff_reverse_a_decision_and_the_totals_and_milestone_follow(hub, client, login_as):
    first = make_hours(hub.ann_placement, TODAY - timedelta(days=40), 96, status="approved")
    make_hours(hub.ann_placement, TODAY - timedelta(days=39), 96, status="approved")
    make_hours(hub.ann_placement, TODAY - timedelta(days=38), 16, status="approved")
    milestones = sa.select(sa.func.count()).select_from(Milestone)
    assert approved_quarters(hub.ann.id) == 208 and _db.session.scalar(milestones) == 1
    thanked = [m for m in outbox("ann@example.org") if m.template == "milestone_reached"]
    assert len(thanked) == 1

    login_as(hub.coordinator)
    refused = client.post(f"/hours/{first.id}/reverse", data={"reason": "Wrong day"})
    assert refused.status_code == 403 and entry(first.id).status == "approved"

    login_as(hub.staff)
    totals = client.get("/staff/hours/totals").text
    assert "<strong>52 hours</strong>" in totals
    blank = client.post(f"/hours/{first.id}/reverse", data={"reason": ""})
    assert blank.status_code == 422 and 'id="reason-error"' in blank.text
    reversed_ = client.post(
        f"/hours/{first.id}/reverse", data={"reason": "Logged twice by mistake"}
    )
    assert reversed_.status_code == 302
    assert entry(first.id).status == "pending"
    assert approved_quarters(hub.ann.id) == 112
    assert len(events(first.id, "hours.reversed")) == 1
    assert [(e.action, e.message) for e in entry(first.id).events][-1] == (
        "reversed",
        "Logged twice by mistake",
    )
    assert "Logged twice by mistake" in decided_emails("ann@example.org")[-1]
    assert "<strong>28 hours</strong>" in client.get("/staff/hours/totals").text
    assert "28 hours" in client.get(f"/org/{hub.organisation.slug}/hours/totals").text
    assert client.post(f"/hours/{first.id}/reverse", data={"reason": "Again"}).status_code == 409

    again = client.post(f"/hours/{first.id}/decide", data={"decision": "approve"})
    assert again.status_code == 302
    assert approved_quarters(hub.ann.id) == 208
    assert "<strong>52 hours</strong>" in client.get("/staff/hours/totals").text
    assert _db.session.scalar(milestones) == 1
    thanked = [m for m in outbox("ann@example.org") if m.template == "milestone_reached"]
    assert len(thanked) == 1
    actions = _db.session.scalars(
        sa.select(HoursEvent.action).where(HoursEvent.entry_id == first.id).order_by(HoursEvent.id)
    ).all()
    assert actions == ["logged", "approved", "reversed", "approved"]


# --- Bulk approval ------------------------------------------------------------------------------


def test_bulk_approval_approves_only_chosen_pending_hours_the_user_may_verify(
    hub, client, login_as
):
    chosen = make_hours(hub.ann_placement, TODAY - timedelta(days=5))
    left = make_hours(hub.ann_placement, TODAY - timedelta(days=4))
    queried = make_hours(hub.bea_placement, TODAY - timedelta(days=4), status="queried")
    own = make_hours(make_placement(hub.role, hub.coordinator), TODAY - timedelta(days=4))
    sneaked = make_hours(hub.other_placement, TODAY - timedelta(days=4))
    login_as(hub.coordinator)
    url = f"/org/{hub.organisation.slug}/hours"
    page = client.get(url).text
    assert f'value="{chosen.id}"' in page and f'value="{left.id}"' in page
    assert f'value="{own.id}"' not in page  # no box for the coordinator's own hours
    assert "Litter pick" not in page

    empty = client.post(f"{url}/approve", data={})
    assert empty.status_code == 422 and "Choose the hours to approve" in empty.text
    done = client.post(
        f"{url}/approve",
        data={"entry_ids": [chosen.id, queried.id, own.id, sneaked.id], "back": f"{url}?page=1"},
    )
    assert done.status_code == 302 and done.headers["Location"] == f"{url}?page=1"
    statuses = {e.id: entry(e.id).status for e in (chosen, left, queried, own, sneaked)}
    assert statuses == {
        chosen.id: "approved",
        left.id: "pending",
        queried.id: "queried",
        own.id: "pending",
        sneaked.id: "pending",
    }
    shown = client.get(url).text
    assert "Approved 1 entry" in shown and "3 not approved" in shown

    login_as(hub.staff)
    staff = client.post(
        "/staff/hours/approve", data={"entry_ids": [left.id, sneaked.id, own.id, 999_999]}
    )
    assert staff.status_code == 302 and staff.headers["Location"] == "/staff/hours"
    assert {entry(e.id).status for e in (left, sneaked, own)} == {"approved"}
    assert len(events(sneaked.id, "hours.approved")) == 1


# --- The lists ----------------------------------------------------------------------------------


def test_the_organisations_list_filters_and_shows_queries(hub, client, login_as):
    for day in range(25):
        make_hours(hub.ann_placement, TODAY - timedelta(days=30 - day))
    make_hours(
        hub.bea_placement,
        TODAY - timedelta(days=2),
        status="queried",
        message="Which session was this?",
    )
    login_as(hub.coordinator)
    url = f"/org/{hub.organisation.slug}/hours"
    first = client.get(url).text
    assert first.count('name="entry_ids"') == 20 and "Page 1 of 2" in first
    assert "Bea Baker" not in first  # queried: not waiting to be verified
    assert client.get(f"{url}?page=2").text.count('name="entry_ids"') == 5
    queried = client.get(f"{url}?status=queried").text
    assert "Which session was this?" in queried and "Ann Able" not in queried
    named = client.get(f"{url}?status=all&volunteer=bea").text
    assert "Bea Baker" in named and "Ann Able" not in named
    dated = client.get(f"{url}?start={TODAY - timedelta(days=7)}&end={TODAY - timedelta(days=6)}")
    assert dated.text.count('name="entry_ids"') == 2
    other_role = make_role(hub.organisation, title="Homework club")
    by_role = client.get(f"{url}?role={other_role.id}").text
    assert "No hours match" in by_role
    backwards = client.get(f"{url}?start=2026-11-10&end=2026-11-01")
    assert backwards.status_code == 200 and "on or after the start date" in backwards.text
    assert client.get(f"{url}?role=nonsense").status_code == 200


def test_staff_queue_and_dashboard_count_hours_waiting(hub, client, login_as):
    libraries = make_category("Libraries")
    reading = make_role(hub.organisation, title="Reading buddy", category=libraries)
    make_hours(make_placement(reading, hub.ann), TODAY - timedelta(days=9))
    make_hours(hub.bea_placement, TODAY - timedelta(days=3))
    make_hours(hub.other_placement, TODAY - timedelta(days=6))
    make_hours(hub.ann_placement, TODAY - timedelta(days=2), status="approved")
    login_as(hub.staff)
    dashboard = client.get("/staff/").text
    assert re.search(
        r"<strong>3</strong> <a href=\"/staff/hours\">hours entries to verify", dashboard
    )
    queue = client.get("/staff/hours").text
    rows = re.findall(r"<td>(Reading buddy|Story time reader|Litter pick)</td>", queue)
    assert rows == ["Reading buddy", "Litter pick", "Story time reader"]  # the oldest first
    only_rotary = client.get("/staff/hours?organisation=rotary").text
    assert "Litter pick" in only_rotary and "Story time reader" not in only_rotary
    by_kind = client.get(f"/staff/hours?category={libraries.id}").text
    assert "Reading buddy" in by_kind and "Litter pick" not in by_kind
    by_title = client.get("/staff/hours?role=story").text
    assert "Story time reader" in by_title and "Reading buddy" not in by_title


@pytest.mark.parametrize(
    ("who", "ceilings"),
    [
        ("coordinator", {"/org/{slug}/hours?status=all": 6, "/org/{slug}/hours/totals": 5}),
        # /staff/ counts the award nominations waiting for review too, and the period's
        # figures (see test_training_expiry): 19.
        ("staff", {"/staff/hours": 4, "/staff/hours/totals": 6, "/staff/": 19}),
    ],
)
def test_the_lists_send_as_many_statements_as_entries_grow(hub, client, login_as, who, ceilings):
    """Data over 200 organisations; each round adds rows to the page shown (up to 20 a page),
    and the number of statements stays the same."""
    organisations = [
        Organisation(
            name=f"Club {number}",
            slug=f"club-{number}",
            kind="charity",
            status="approved",
            contact_email=f"club{number}@example.org",
        )
        for number in range(200)
    ]
    _db.session.add_all(organisations)
    _db.session.commit()
    role_ids = [make_role(organisation).id for organisation in organisations[::20]]
    ours, slug = hub.role.id, hub.organisation.slug
    rounds = iter(range(2))

    def add_data() -> None:
        start = next(rounds) * 5
        for number in range(start, start + 5):
            volunteer = make_user()
            day = TODAY - timedelta(days=number + 1)
            make_hours(make_placement(_db.session.get(Role, ours), volunteer), day)
            theirs = make_placement(_db.session.get(Role, role_ids[number]), volunteer)
            make_hours(theirs, day)
            make_hours(theirs, day - timedelta(days=1), status="approved")
        group = make_placement(_db.session.get(Role, ours), make_user())
        group.group_name, group.headcount = "Acme volunteering team", 6
        _db.session.commit()
        make_hours(group, TODAY - timedelta(days=30))

    login_as(hub.staff if who == "staff" else hub.coordinator)
    pages = {url.format(slug=slug): ceiling for url, ceiling in ceilings.items()}
    counts, statements = measure_twice(client, list(pages), add_data)
    for url, ceiling in pages.items():
        assert_flat({url: counts[url]}, ceiling=ceiling, statements=statements)
    assert "Acme volunteering team" in client.get(next(iter(pages))).text


# --- Logging for volunteers ---------------------------------------------------------------------


def test_a_coordinator_logs_hours_for_one_volunteer(hub, client, login_as):
    login_as(hub.coordinator)
    url = f"/org/{hub.organisation.slug}/hours/log"
    form = client.get(url).text
    assert "Ann Able: Story time reader" in form and "Litter pick" not in form
    data = {"placement": str(hub.ann_placement.id), "worked_on": "2026-11-21", "hours": "2.5"}
    future = client.post(url, data=data)
    assert future.status_code == 422
    assert 'id="worked_on-error"' in future.text and "cannot be in the future" in future.text
    assert 'value="2.5"' in future.text  # what was typed is kept
    odd = client.post(url, data=data | {"worked_on": "2026-11-18", "hours": "1.1"})
    assert odd.status_code == 422 and 'id="hours-error"' in odd.text
    theirs = client.post(url, data=data | {"placement": str(hub.other_placement.id)})
    assert theirs.status_code == 422 and 'id="placement-error"' in theirs.text
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(HoursEntry)) == 0
    logged = client.post(url, data=data | {"worked_on": "2026-11-18", "note": "Book fair"})
    assert logged.status_code == 302
    made = _db.session.scalar(sa.select(HoursEntry))
    assert (made.status, made.quarters, made.note) == ("approved", 10, "Book fair")
    assert made.logged_by_id == hub.coordinator.id and approved_quarters(hub.ann.id) == 10
    assert "Logged 2.5 hours for Ann Able." in client.get(url).text


def test_the_grid_logs_every_volunteer_or_nobody(hub, client, login_as):
    group = make_placement(hub.role, make_user(name="Gil Group"))
    group.group_name, group.headcount = "Acme volunteering team", 8
    late = make_placement(hub.role, make_user(name="Lee Late"), approved_at=utcnow())
    make_placement(hub.role, make_user(name="Wes Waiting"), status="applied")
    _db.session.commit()
    login_as(hub.coordinator)
    base = f"/org/{hub.organisation.slug}/hours/grid"
    assert "Choose the role" in client.get(base).text
    future = client.get(f"{base}?role={hub.role.id}&day=2026-12-01")
    assert "The date cannot be in the future" in future.text and "hours_" not in future.text
    url = f"{base}?role={hub.role.id}&day=2026-11-14"
    page = client.get(url).text
    assert "Acme volunteering team (group of 8, led by Gil Group)" in page
    assert "Lee Late" in page and "Wes Waiting" not in page
    before = row_counts()
    bad_hours = {
        f"hours_{hub.ann_placement.id}": "3",
        f"hours_{hub.bea_placement.id}": "30",
        f"hours_{group.id}": "4",
    }
    refused = client.post(url, data=bad_hours)
    assert refused.status_code == 422
    assert f'id="hours_{hub.bea_placement.id}-error"' in refused.text
    assert "Enter from 0.25 to 24 hours" in refused.text
    assert 'value="30"' in refused.text
    too_early = client.post(
        url, data=bad_hours | {f"hours_{hub.bea_placement.id}": "2", f"hours_{late.id}": "2"}
    )
    assert too_early.status_code == 422
    assert f'id="hours_{late.id}-error"' in too_early.text
    assert "on or after 20 November 2026" in too_early.text
    assert row_counts() == before
    assert client.post(url, data={}).status_code == 422
    assert client.post(base, data=bad_hours).status_code == 422  # no role or day chosen

    done = client.post(
        url,
        data=bad_hours | {f"hours_{hub.bea_placement.id}": "2", "note": "Library open day"},
    )
    assert done.status_code == 302
    entries = _db.session.scalars(sa.select(HoursEntry).order_by(HoursEntry.quarters)).all()
    assert [(e.placement_id, e.quarters, e.status) for e in entries] == [
        (hub.bea_placement.id, 8, "approved"),
        (hub.ann_placement.id, 12, "approved"),
        (group.id, 16, "approved"),
    ]
    assert {e.worked_on for e in entries} == {date(2026, 11, 14)}
    assert {e.note for e in entries} == {"Library open day"}
    assert (
        "Logged hours for 3 volunteers on 14 November 2026"
        in client.get(done.headers["Location"]).text
    )


# --- Totals -------------------------------------------------------------------------------------


def test_totals_count_only_verified_hours(hub, client, login_as):
    make_hours(hub.ann_placement, date(2026, 10, 5), 8, status="approved")  # 2 hours
    make_hours(hub.ann_placement, date(2026, 11, 5), 4, status="approved")  # 1 hour
    make_hours(hub.ann_placement, date(2026, 11, 6), 20)  # pending: 5 hours
    make_hours(hub.bea_placement, date(2026, 11, 6), 28, status="queried")  # 7 hours
    make_hours(hub.bea_placement, date(2026, 11, 7), 44, status="rejected")  # 11 hours
    login_as(hub.coordinator)
    page = client.get(f"/org/{hub.organisation.slug}/hours/totals").text
    assert "<strong>3 hours</strong>" in page
    assert "<caption>Verified hours by role, largest first</caption>" in page
    assert "October 2026" in page and "November 2026" in page
    for left_out in ("5 hours", "7 hours", "11 hours", "8 hours"):
        assert left_out not in page
    november = client.get(
        f"/org/{hub.organisation.slug}/hours/totals?start=2026-11&end=2026-11"
    ).text
    assert "<strong>1 hour</strong>" in november and "October 2026" not in november
    wrong = client.get(f"/org/{hub.organisation.slug}/hours/totals?start=2026-12&end=2026-11")
    assert "on or after the first" in wrong.text
    login_as(hub.staff)
    hub_page = client.get("/staff/hours/totals").text
    assert "<strong>3 hours</strong>" in hub_page and "Reddish Library" in hub_page
    for caption in ("organisation", "kind of volunteering", "area", "month"):
        assert f"Verified hours by {caption}" in hub_page
    for left_out in ("5 hours", "7 hours", "11 hours"):
        assert left_out not in hub_page


# --- The organisation's choice ------------------------------------------------------------------


def test_an_organisation_chooses_to_approve_shift_hours_at_once(hub, client, login_as):
    login_as(hub.coordinator)
    url = f"/org/{hub.organisation.slug}/edit"
    assert "Approve hours from attended shifts at once" in client.get(url).text
    data = {
        key: value
        for key, value in form_data(hub.organisation).items()
        if value not in (None, False) and key != "causes"
    } | {"charity_number": "1234567"}
    assert client.post(url, data=data | {"approves_shift_hours": "y"}).status_code == 302
    _db.session.refresh(hub.organisation)
    assert hub.organisation.approves_shift_hours
    attended = _attend_a_shift(hub, client, days_ago=2)
    assert attended.status == "approved" and approved_quarters(hub.ann.id) == 12

    assert client.post(url, data=data).status_code == 302
    _db.session.refresh(hub.organisation)
    assert not hub.organisation.approves_shift_hours
    assert _attend_a_shift(hub, client, days_ago=1).status == "pending"
    assert approved_quarters(hub.ann.id) == 12


def _attend_a_shift(hub: Hub, client, days_ago: int) -> HoursEntry:
    """A three-hour shift Ann booked, marked attended on its register by the coordinator."""
    starts = utcnow() - timedelta(days=days_ago)
    shift = Shift(role=hub.role, starts_at=starts, ends_at=starts + timedelta(hours=3), places=4)
    booking = ShiftBooking(shift=shift, placement=hub.ann_placement, volunteer=hub.ann)
    _db.session.add_all([shift, booking])
    _db.session.commit()
    marked = client.post(
        f"/shifts/{shift.id}/attendance", data={"booking_id": booking.id, "status": "attended"}
    )
    assert marked.status_code == 302
    found = _db.session.scalar(
        sa.select(HoursEntry).where(HoursEntry.shift_booking_id == booking.id)
    )
    assert found is not None and found.quarters == 12
    return found
