"""Placements: applying with the role's requirements, deciding, the timeline, places never
overbooked, and who sees what."""

from __future__ import annotations

import csv
import html
import io
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    make_check,
    make_organisation,
    make_role,
    make_staff,
    make_user,
)
from tests.helpers import outbox, row_counts, run_together
from tests.test_query_counts import assert_flat, measure_twice
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db as _db
from volunteer_hub.placements import services
from volunteer_hub.placements.eligibility import DbsStanding, dbs_standing
from volunteer_hub.placements.jobs import chase_applications, expire_offers_job
from volunteer_hub.placements.models import Placement, PlacementEvent, PlacementStatus
from volunteer_hub.placements.questions import questions_of
from volunteer_hub.reference.models import DeclineMessage
from volunteer_hub.roles.models import Role
from volunteer_hub.shifts import services as shift_services
from volunteer_hub.volunteers.models import CheckLevel

TODAY = date(2026, 11, 20)


@pytest.fixture
def frozen():
    with time_machine.travel("2026-11-20 10:00:00+00:00", tick=False):
        yield


@pytest.fixture
def setting(db, frozen):
    """A published role of an approved organisation managed by `manager`."""
    manager = make_user(name="Morgan Manager")
    organisation = make_organisation(manager=manager)
    role = make_role(organisation, places=2)
    return organisation, manager, role


def apply(client, role, **data):
    return client.post(f"/roles/{role.slug}/apply", data={"note": "I love parks"} | data)


def placement_of(volunteer) -> Placement:
    return _db.session.scalar(sa.select(Placement).where(Placement.volunteer_id == volunteer.id))


def test_a_volunteer_applies_and_sees_their_application(client, login_as, setting):
    _, manager, role = setting
    volunteer = make_user(date_of_birth=date(1990, 1, 1))
    login_as(volunteer)
    form = client.get(f"/roles/{role.slug}/apply")
    assert form.status_code == 200
    assert "Nothing in particular" in form.get_data(as_text=True)
    answer = apply(client, role)
    assert answer.status_code == 302
    placement = placement_of(volunteer)
    assert placement.status == PlacementStatus.APPLIED
    assert placement.note == "I love parks"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Applied" in page and "I love parks" in page
    assert [m.subject for m in outbox(manager.email)] == [f"New application for “{role.title}”"]
    assert [m.subject for m in outbox(volunteer.email)] == [
        f"Thank you for applying: “{role.title}”"
    ]
    assert "placement.applied" in _db.session.scalars(sa.select(AuditEvent.action)).all()
    me = client.get("/me").get_data(as_text=True)
    assert role.title in me


def test_applying_twice_is_refused_and_shows_the_first(client, login_as, setting):
    _, _, role = setting
    volunteer = make_user()
    login_as(volunteer)
    apply(client, role)
    again = client.get(f"/roles/{role.slug}/apply")
    assert again.status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Placement)) == 1


def test_no_date_of_birth_means_age_not_known_yet(client, login_as, setting):
    organisation, _, _ = setting
    role = make_role(organisation, minimum_age=18)
    volunteer = make_user()
    login_as(volunteer)
    page = client.get(f"/roles/{role.slug}/apply").get_data(as_text=True)
    assert "not known yet" in page
    assert "Add your date of birth to your profile" in page
    before = row_counts()
    refused = apply(client, role)
    assert refused.status_code == 422
    assert "Add your date of birth" in refused.get_data(as_text=True)
    assert row_counts() == before


def test_too_young_and_old_enough(client, login_as, setting):
    organisation, _, _ = setting
    role = make_role(organisation, minimum_age=18)
    young = make_user(date_of_birth=TODAY.replace(year=TODAY.year - 18) + timedelta(days=1))
    login_as(young)
    assert apply(client, role).status_code == 422
    of_age = make_user(date_of_birth=TODAY.replace(year=TODAY.year - 18))
    login_as(of_age)
    assert apply(client, role).status_code == 302


def test_the_dbs_level_blocks_until_a_check_that_covers_it_is_held(client, login_as, setting):
    organisation, _, _ = setting
    role = make_role(organisation, dbs_level=CheckLevel.ENHANCED_BARRED_CHILDREN)
    volunteer = make_user()
    make_check(volunteer, level=CheckLevel.ENHANCED_BARRED_ADULTS)  # the other list
    login_as(volunteer)
    refused = apply(client, role)
    assert refused.status_code == 422
    assert "hub staff will arrange one" in refused.get_data(as_text=True)
    make_check(volunteer, level=CheckLevel.ENHANCED_BARRED_BOTH)
    assert apply(client, role).status_code == 302


def test_a_check_due_for_renewal_does_not_count(app, setting):
    organisation, _, _ = setting
    role = make_role(organisation, dbs_level=CheckLevel.STANDARD)
    volunteer = make_user()
    make_check(
        volunteer, level=CheckLevel.ENHANCED, issued_on=date(2020, 1, 1), update_service=False
    )
    assert not dbs_standing(volunteer, role, TODAY).meets
    # On the Update Service, the re-check period runs from the last status check: none since
    # 2020 is as stale as the certificate; a status check last year renews it for three years.
    on_update_service = make_check(
        volunteer, level=CheckLevel.ENHANCED, issued_on=date(2020, 1, 1), update_service=True
    )
    assert not dbs_standing(volunteer, role, TODAY).meets
    on_update_service.last_status_check_on = date(2025, 6, 1)
    _db.session.commit()
    assert dbs_standing(volunteer, role, TODAY) == DbsStanding(True, date(2028, 6, 1))


def test_the_closing_date_blocks_and_availability_only_warns(client, login_as, setting):
    organisation, _, _ = setting
    closed = make_role(organisation, apply_by=TODAY - timedelta(days=1))
    volunteer = make_user()
    login_as(volunteer)
    assert apply(client, closed).status_code == 422
    weekend = make_role(organisation, periods=("saturday-morning",))
    from volunteer_hub.volunteers.models import Availability

    volunteer.profile.availability = [Availability(period="monday-evening")]
    _db.session.commit()
    page = client.get(f"/roles/{weekend.slug}/apply").get_data(as_text=True)
    assert "which your profile does not list" in page
    assert apply(client, weekend).status_code == 302


def test_unpublished_roles_take_no_applications(client, login_as, setting):
    organisation, _, _ = setting
    draft = make_role(organisation, status="draft")
    login_as(make_user())
    assert client.get(f"/roles/{draft.slug}/apply").status_code == 404
    assert apply(client, draft).status_code == 404


def test_a_full_role_offers_the_waiting_list(client, login_as, setting):
    _, manager, role = setting
    for _ in range(2):
        placement = services.apply(role, make_user(), services.Application(note=""), TODAY)
        services.decide(placement, "approve", manager)
    _db.session.commit()
    volunteer = make_user()
    login_as(volunteer)
    page = client.get(f"/roles/{role.slug}/apply").get_data(as_text=True)
    assert "Join the waiting list" in page
    assert apply(client, role, join_waiting_list="y").status_code == 302
    assert placement_of(volunteer).status == PlacementStatus.WAITLISTED
    (told,) = outbox(volunteer.email)
    assert told.subject == f"You are on the waiting list for “{role.title}”"


def test_groups_apply_with_a_headcount_up_to_the_maximum(client, login_as, setting):
    organisation, _, _ = setting
    role = make_role(organisation, groups_welcome=True, max_group_size=6, places=10)
    lead = make_user()
    login_as(lead)
    too_big = apply(client, role, as_group="group", group_name="Acme team", headcount="7")
    assert too_big.status_code == 422
    assert "at most 6" in too_big.get_data(as_text=True)
    no_name = apply(client, role, as_group="group", headcount="4")
    assert "Enter the name of the group" in no_name.get_data(as_text=True)
    assert (
        apply(client, role, as_group="group", group_name="Acme team", headcount="4").status_code
        == 302
    )
    placement = placement_of(lead)
    assert (placement.group_name, placement.headcount) == ("Acme team", 4)


def test_deciders_approve_decline_waitlist_and_ask(client, login_as, setting):
    _, manager, role = setting
    volunteer = make_user()
    placement = services.apply(role, volunteer, services.Application(note="Hi"), TODAY)
    _db.session.commit()
    login_as(manager)
    url = f"/placements/{placement.id}/decide"
    missing = client.post(url, data={"decision": "request_information"})
    assert missing.status_code == 422
    assert "Write a message for the volunteer" in missing.get_data(as_text=True)
    asked = client.post(
        url, data={"decision": "request_information", "message": "Can you do Saturdays?"}
    )
    assert asked.status_code == 302
    login_as(volunteer)
    page = client.get(f"/me/placements/{placement.id}").get_data(as_text=True)
    assert "Can you do Saturdays?" in page
    answered = client.post(f"/me/placements/{placement.id}/answer", data={"answer": "Yes!"})
    assert answered.status_code == 302
    login_as(manager)
    assert client.post(url, data={"decision": "approve", "reason": "Good fit"}).status_code == 302
    _db.session.expire_all()
    assert placement.status == PlacementStatus.APPROVED
    statuses = [event.status for event in placement.events]
    assert statuses == ["applied", "information-requested", "applied", "approved"]
    subjects = [m.subject for m in outbox(volunteer.email)]
    assert f"You have a place: “{role.title}”" in subjects
    # The volunteer sees the timeline, not the decider's own reason.
    login_as(volunteer)
    mine = client.get(f"/me/placements/{placement.id}").get_data(as_text=True)
    assert "Approved" in mine and "Good fit" not in mine


def test_an_illegal_move_is_refused_clearly(client, login_as, setting):
    _, manager, role = setting
    placement = services.apply(role, make_user(), services.Application(note=""), TODAY)
    services.decide(placement, "decline", manager, message="Sorry, not this time")
    _db.session.commit()
    login_as(manager)
    refused = client.post(f"/placements/{placement.id}/decide", data={"decision": "approve"})
    assert refused.status_code == 422
    assert "Reload the page to see what has changed" in refused.get_data(as_text=True)


def test_approval_never_exceeds_the_places(setting):
    _, manager, role = setting  # 2 places
    first = services.apply(role, make_user(), services.Application(note=""), TODAY)
    second = services.apply(role, make_user(), services.Application(note=""), TODAY)
    third = services.apply(role, make_user(), services.Application(note=""), TODAY)
    for placement in (first, second):
        services.decide(placement, "approve", manager)
    with pytest.raises(services.PlacementRefused, match="0 of 2 places free"):
        services.decide(third, "approve", manager)
    services.withdraw(first, first.volunteer)
    services.decide(third, "approve", manager)
    assert services.places_taken(role) == 2


def test_only_the_roles_deciders_decide(client, login_as, setting):
    organisation, manager, _ = setting
    hub_role = make_role(organisation, decided_by="hub")
    placement = services.apply(hub_role, make_user(), services.Application(note=""), TODAY)
    _db.session.commit()
    login_as(manager)
    assert client.get(f"/placements/{placement.id}").status_code == 200
    refused = client.post(f"/placements/{placement.id}/decide", data={"decision": "approve"})
    assert refused.status_code == 422
    login_as(make_staff())
    assert (
        client.post(f"/placements/{placement.id}/decide", data={"decision": "approve"}).status_code
        == 302
    )


def test_nobody_else_sees_a_volunteers_placement(client, login_as, setting):
    _, _, role = setting
    placement = services.apply(role, make_user(), services.Application(note="private"), TODAY)
    _db.session.commit()
    login_as(make_user())
    assert client.get(f"/me/placements/{placement.id}").status_code == 404
    assert client.get(f"/placements/{placement.id}").status_code == 404
    other = make_user()
    make_organisation(manager=other)
    login_as(other)
    assert client.get(f"/placements/{placement.id}").status_code == 404
    assert client.get(f"/roles/{role.slug}/applicants").status_code == 404


def test_coordinators_see_only_whether_the_dbs_requirement_is_met(client, login_as, setting):
    organisation, manager, _ = setting
    role = make_role(organisation, dbs_level=CheckLevel.ENHANCED)
    volunteer = make_user()
    make_check(volunteer, certificate_number="009988776655")
    placement = services.apply(role, volunteer, services.Application(note=""), TODAY)
    _db.session.commit()
    login_as(manager)
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "Meets this role's requirement" in page
    assert "009988776655" not in page and "2025" not in page


def test_withdrawing_an_approved_place_frees_it(client, login_as, setting):
    _, manager, role = setting
    volunteer = make_user()
    placement = services.apply(role, volunteer, services.Application(note=""), TODAY)
    services.decide(placement, "approve", manager)
    _db.session.commit()
    login_as(volunteer)
    answer = client.post(
        f"/me/placements/{placement.id}/withdraw", data={"message": "Moving", "confirm": "yes"}
    )
    assert answer.status_code == 302
    assert services.places_taken(role) == 0


def test_start_and_end_a_placement(client, login_as, setting):
    _, manager, role = setting
    placement = services.apply(role, make_user(), services.Application(note=""), TODAY)
    services.decide(placement, "approve", manager)
    _db.session.commit()
    login_as(manager)
    url = f"/placements/{placement.id}/decide"
    assert client.post(url, data={"decision": "start"}).status_code == 302
    no_reason = client.post(url, data={"decision": "end"})
    assert no_reason.status_code == 422
    assert client.post(url, data={"decision": "end", "reason": "completed"}).status_code == 302
    _db.session.expire_all()
    assert placement.status == PlacementStatus.ENDED
    assert placement.events[-1].reason == "completed"


def test_fifty_simultaneous_approvals_fill_ten_places_exactly(app, setting):
    """Each worker has its own connection, on PostgreSQL and on SQLite's file: the lock on
    the role is taken before the places are counted on both."""
    organisation, manager, _ = setting
    role = make_role(organisation, places=10)
    ids = [
        services.apply(role, make_user(), services.Application(note=""), TODAY).id
        for _ in range(50)
    ]
    _db.session.commit()
    manager_id = manager.id

    def approve(placement_id: int) -> str:
        placement = _db.session.get(Placement, placement_id)
        actor = _db.session.get(User, manager_id)
        try:
            services.decide(placement, "approve", actor)
            _db.session.commit()
            return "approved"
        except services.PlacementRefused:
            _db.session.rollback()
            return "refused"

    outcomes = run_together(app, approve, workers=50, prepare=lambda n: ids[n])
    assert sorted(outcomes).count("approved") == 10
    assert sorted(outcomes).count("refused") == 40
    _db.session.expire_all()
    assert services.places_taken(role) == 10


def test_the_timeline_holds_who_when_and_why(setting):
    _, manager, role = setting
    placement = services.apply(role, make_user(), services.Application(note=""), TODAY)
    services.decide(placement, "waitlist", manager, reason="Waiting for a second team lead")
    _db.session.commit()
    event = _db.session.scalars(
        sa.select(PlacementEvent).order_by(PlacementEvent.id.desc())
    ).first()
    assert (event.status, event.previous, event.actor_id) == ("waitlisted", "applied", manager.id)
    assert event.reason == "Waiting for a second team lead"
    assert event.created_at.isoformat().startswith("2026-11-20T10:00")


def test_placement_pages_send_a_fixed_number_of_statements(client, login_as, setting):
    """/me, a role's applicants and an application's page: the volunteer's applications
    spread over 100 organisations, then 200."""
    _, _, role = setting
    role.places = 1_000
    volunteer, staff = make_user(), make_staff()
    first = services.apply(role, volunteer, services.Application(note=""), TODAY)
    _db.session.commit()
    ids = {"role": role.id, "volunteer": volunteer.id, "staff": staff.id, "first": first.id}
    slug = role.slug

    def add_data() -> None:
        role = _db.session.get(Role, ids["role"])
        volunteer = _db.session.get(User, ids["volunteer"])
        staff = _db.session.get(User, ids["staff"])
        for _ in range(100):
            other_role = make_role(make_organisation(), places=50)
            services.apply(other_role, volunteer, services.Application(note=""), TODAY)
            placement = services.apply(role, make_user(), services.Application(note=""), TODAY)
            services.decide(placement, "waitlist", staff, reason="busy")
        _db.session.commit()

    login_as(volunteer)
    urls = ["/me", f"/me/placements/{ids['first']}"]
    counts, statements = measure_twice(client, urls, add_data)
    # /me: two for training, two for the hours card (the total and milestones, the setting),
    # one for the newest certificates.
    assert_flat(counts, ceiling=11, statements=statements)
    login_as(_db.session.get(User, ids["staff"]))
    urls = [f"/roles/{slug}/applicants?status=all", f"/placements/{ids['first']}"]
    counts, statements = measure_twice(client, urls, add_data)
    assert_flat(counts, ceiling=9, statements=statements)  # the review: one for training


def test_the_role_page_says_the_volunteer_has_applied(client, login_as, setting):
    _, _, role = setting
    volunteer = make_user()
    login_as(volunteer)
    page = client.get(f"/roles/{role.slug}").get_data(as_text=True)
    assert "Apply for this role" in page
    placement = services.apply(role, volunteer, services.Application(note=""), TODAY)
    _db.session.commit()
    page = client.get(f"/roles/{role.slug}").get_data(as_text=True)
    assert "Apply for this role" not in page
    assert f"/me/placements/{placement.id}" in page


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)
@given(
    note=st.text(max_size=2_100),
    group_name=st.text(max_size=210),
    headcount=st.text(max_size=6),
    decision=st.text(max_size=20),
)
def test_hostile_input_never_breaks_applying_or_deciding(
    client, login_as, setting, note, group_name, headcount, decision
):
    organisation, manager, _ = setting
    role = make_role(organisation, groups_welcome=True, max_group_size=5)
    volunteer = make_user()
    login_as(volunteer)
    data = {"note": note, "as_group": "group", "group_name": group_name, "headcount": headcount}
    assert apply(client, role, **data).status_code in (302, 400, 422)  # 400: a NUL character
    placement = services.apply(role, make_user(), services.Application(note=""), TODAY)
    _db.session.commit()
    login_as(manager)
    answer = client.post(
        f"/placements/{placement.id}/decide",
        data={"decision": decision, "message": note, "reason": group_name},
    )
    assert answer.status_code in (302, 400, 422)


def test_two_open_applications_to_one_role_cannot_both_be_stored(setting):
    """The database itself refuses a second open application (a form sent twice at once)."""
    _, _, role = setting
    volunteer = make_user()
    for _ in range(2):
        _db.session.add(Placement(role=role, volunteer=volunteer, note=""))
    with pytest.raises(sa.exc.IntegrityError):
        _db.session.commit()
    _db.session.rollback()
    _db.session.add(Placement(role=role, volunteer=volunteer, note="", status="withdrawn"))
    _db.session.add(Placement(role=role, volunteer=volunteer, note=""))
    _db.session.commit()  # a withdrawn application does not stop a new one


def test_a_group_too_big_for_the_places_is_refused_and_a_full_role_offers_the_list(
    client, login_as, setting
):
    organisation, manager, _ = setting
    role = make_role(organisation, groups_welcome=True, places=4)  # no maximum group size
    lead = make_user()
    login_as(lead)
    too_big = apply(client, role, as_group="group", group_name="Big team", headcount="5")
    assert "at most 4 people" in too_big.get_data(as_text=True)
    taken = services.apply(role, make_user(), services.Application(note=""), TODAY)
    services.decide(taken, "approve", manager)
    _db.session.commit()
    refused = apply(client, role, as_group="group", group_name="Team", headcount="4")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "not enough places free" in page and "Join the waiting list" in page
    joined = apply(
        client, role, as_group="group", group_name="Team", headcount="4", join_waiting_list="y"
    )
    assert joined.status_code == 302
    assert placement_of(lead).status == PlacementStatus.WAITLISTED


def test_groups_on_roles_with_checks_or_ages(setting):
    organisation, _, _ = setting
    checked = make_role(organisation, groups_welcome=True, dbs_level=CheckLevel.BASIC)
    lead = make_user(date_of_birth=date(1980, 1, 1))
    make_check(lead)
    group = services.Application(note="", headcount=3, group_name="Team")
    with pytest.raises(services.PlacementRefused, match="each person in the group"):
        services.apply(checked, lead, group, TODAY)
    adults = make_role(organisation, groups_welcome=True, minimum_age=18)
    with pytest.raises(services.PlacementRefused, match="aged 18 or over"):
        services.apply(adults, lead, group, TODAY)
    confirmed = services.Application(note="", headcount=3, group_name="Team", group_of_age=True)
    assert services.apply(adults, lead, confirmed, TODAY).status == PlacementStatus.APPLIED


def test_nobody_decides_their_own_application(setting):
    _, manager, role = setting
    own = services.apply(role, manager, services.Application(note=""), TODAY)
    with pytest.raises(services.PlacementRefused, match="Someone else must decide"):
        services.decide(own, "approve", manager)


def test_leaving_tells_the_deciders_and_an_active_volunteer_moves_on(setting):
    _, manager, role = setting
    volunteer = make_user()
    placement = services.apply(role, volunteer, services.Application(note=""), TODAY)
    services.decide(placement, "approve", manager)
    services.decide(placement, "start", manager)
    services.withdraw(placement, volunteer, "Moving to Leeds")
    _db.session.commit()
    assert (placement.status, placement.events[-1].reason) == ("ended", "moved-on")
    assert f"A volunteer has left “{role.title}”" in [m.subject for m in outbox(manager.email)]


def test_approval_checks_the_dbs_check_again(setting):
    organisation, manager, _ = setting
    role = make_role(organisation, dbs_level=CheckLevel.ENHANCED)
    volunteer = make_user()
    check = make_check(volunteer)
    placement = services.apply(role, volunteer, services.Application(note=""), TODAY)
    _db.session.delete(check)
    _db.session.commit()
    with pytest.raises(services.PlacementRefused, match="no longer holds a DBS check"):
        services.decide(placement, "approve", manager)


def test_the_response_clock_pauses_for_an_answer_and_stops_at_a_decision(setting):
    """Applied on Friday 20 November 2026 with 5 working days: due Friday 27th. Asked on
    Monday 23rd (4 days left), answered on Thursday 26th: due Wednesday 2 December."""
    _, manager, role = setting
    volunteer = make_user()
    placement = services.apply(role, volunteer, services.Application(note=""), TODAY)
    assert placement.due_on == date(2026, 11, 27)
    with time_machine.travel("2026-11-23 09:00:00+00:00", tick=False):
        services.decide(placement, "request_information", manager, message="Which days?")
    assert (placement.due_on, placement.days_left) == (None, 4)
    with time_machine.travel("2026-11-26 09:00:00+00:00", tick=False):
        services.answer(placement, volunteer, "Mondays")
    assert (placement.due_on, placement.days_left) == (date(2026, 12, 2), None)
    services.decide(placement, "waitlist", manager)
    assert placement.due_on is None and placement.decided_at is not None


def test_a_group_of_four_and_six_people_racing_for_eight_places_never_exceed_eight(app, setting):
    organisation, manager, _ = setting
    role = make_role(organisation, places=8, groups_welcome=True, max_group_size=4)
    group = services.Application(note="", headcount=4, group_name="Acme volunteers")
    ids = [services.apply(role, make_user(), group, TODAY).id]
    ids += [
        services.apply(role, make_user(), services.Application(note=""), TODAY).id for _ in range(6)
    ]
    _db.session.commit()
    manager_id = manager.id

    def approve(placement_id: int) -> int:
        placement = _db.session.get(Placement, placement_id)
        try:
            services.decide(placement, "approve", _db.session.get(User, manager_id))
            _db.session.commit()
            return placement.headcount
        except services.PlacementRefused:
            _db.session.rollback()
            return 0

    taken = run_together(app, approve, workers=7, prepare=lambda n: ids[n])
    assert sum(taken) <= 8
    _db.session.expire_all()
    assert services.places_taken(role) == sum(taken)


def run_chase(moment: str) -> str:
    with time_machine.travel(moment, tick=False):
        return chase_applications()


def test_deciders_are_nudged_on_the_last_working_day_and_staff_told_the_next(setting):
    """Applied on Tuesday 22 December 2026, 5 working days: Christmas Day and the Boxing Day
    substitute (Monday 28th) are skipped, so the last day is Thursday 31 December. The nudge
    goes that morning, once; staff hear on Monday 4 January (New Year's Day, then a weekend)."""
    _, manager, role = setting
    staff = make_staff()
    with time_machine.travel("2026-12-22 10:00:00+00:00", tick=False):
        placement = services.apply(
            role, make_user(), services.Application(note=""), date(2026, 12, 22)
        )
        _db.session.commit()
    assert placement.due_on == date(2026, 12, 31)
    assert run_chase("2026-12-30 07:00:00+00:00") == "nudged 0, escalated 0"
    assert run_chase("2026-12-31 07:00:00+00:00") == "nudged 1, escalated 0"
    assert run_chase("2026-12-31 12:00:00+00:00") == "nudged 0, escalated 0"  # once
    assert run_chase("2027-01-01 07:00:00+00:00") == "not a working day"
    assert run_chase("2027-01-02 07:00:00+00:00") == "not a working day"
    assert run_chase("2027-01-04 07:00:00+00:00") == "nudged 0, escalated 1"
    assert run_chase("2027-01-05 07:00:00+00:00") == "nudged 0, escalated 0"
    assert [m.subject for m in outbox(manager.email)][-1] == (
        f"Please answer today: an application for “{role.title}”"
    )
    (overdue,) = outbox(staff.email)
    assert "1 working day late" in overdue.body_text


def test_a_request_for_information_pauses_the_chase(setting):
    _, manager, role = setting
    volunteer = make_user()
    placement = services.apply(role, volunteer, services.Application(note=""), TODAY)
    services.decide(placement, "request_information", manager, message="Which days?")
    _db.session.commit()
    assert run_chase("2026-11-27 07:00:00+00:00") == "nudged 0, escalated 0"  # paused
    with time_machine.travel("2026-11-30 09:00:00+00:00", tick=False):
        services.answer(placement, volunteer, "Mondays")  # 5 working days were left
        _db.session.commit()
    assert placement.due_on == date(2026, 12, 7)
    assert run_chase("2026-12-07 07:00:00+00:00") == "nudged 1, escalated 0"


def test_two_chases_at_once_nudge_once(app, setting):
    _, _, role = setting
    services.apply(role, make_user(), services.Application(note=""), TODAY)
    _db.session.commit()

    def chase(_: int) -> str:
        return run_chase("2026-11-27 07:00:00+00:00")

    outcomes = run_together(app, chase)
    assert sorted(outcomes) == ["nudged 0, escalated 0", "nudged 1, escalated 0"]


def test_staff_see_overdue_applications_first_and_approve_in_bulk(client, login_as, setting):
    organisation, _, role = setting  # 2 places
    staff = make_staff()
    late = services.apply(role, make_user(name="Lena Late"), services.Application(note=""), TODAY)
    with time_machine.travel("2026-11-25 10:00:00+00:00", tick=False):
        later = services.apply(
            role, make_user(name="Omar Onward"), services.Application(note=""), date(2026, 11, 25)
        )
        third = services.apply(
            role, make_user(name="Tia Third"), services.Application(note=""), date(2026, 11, 25)
        )
    _db.session.commit()
    login_as(staff)
    with time_machine.travel("2026-11-30 10:00:00+00:00", tick=False):
        dashboard = client.get("/staff/").get_data(as_text=True)
        queue = client.get("/staff/placements").get_data(as_text=True)
        overdue = client.get("/staff/placements?overdue=y").get_data(as_text=True)
        empty = client.post("/staff/placements/approve", data={})
        answer = client.post(
            "/staff/placements/approve",
            data={"placement_ids": [late.id, later.id, third.id], "back": "/staff/placements"},
            follow_redirects=True,
        )
    assert "<strong>1</strong> <a" in dashboard and "applications overdue" in dashboard
    assert queue.index("Lena Late") < queue.index("Omar Onward")
    assert "Overdue:" in queue
    assert "Lena Late" in overdue and "Omar Onward" not in overdue
    assert empty.status_code == 422
    assert "Choose the applications to approve" in empty.get_data(as_text=True)
    page = answer.get_data(as_text=True)
    assert "Approved 2." in page and "Not approved" in page
    _db.session.expire_all()
    assert [late.status, later.status, third.status] == ["approved", "approved", "applied"]


def test_the_staff_queue_filters_by_organisation_category_and_locality(client, login_as, setting):
    from tests.factories import make_category, make_locality

    libraries, reddish = make_category("Libraries"), make_locality("Reddish")
    shelves = make_role(
        make_organisation(name="Reddish Library"), category=libraries, locality=reddish
    )
    services.apply(shelves, make_user(name="Sam Shelves"), services.Application(note=""), TODAY)
    _, _, role = setting
    services.apply(role, make_user(name="Pat Park"), services.Application(note=""), TODAY)
    _db.session.commit()
    login_as(make_staff())
    for query in (
        "organisation=reddish",
        f"category={libraries.id}",
        f"locality={reddish.id}",
    ):
        page = client.get(f"/staff/placements?{query}").get_data(as_text=True)
        assert "Sam Shelves" in page and "Pat Park" not in page, query
    assert client.get("/staff/placements?category=nonsense").status_code == 200


def fill(role, manager, count: int) -> list[Placement]:
    """`count` approved volunteers on the role."""
    taken = []
    for _ in range(count):
        placement = services.apply(role, make_user(), services.Application(note=""), TODAY)
        services.decide(placement, "approve", manager)
        taken.append(placement)
    return taken


def join_list(role, name: str, **fields) -> Placement:
    application = services.Application(note="", join_waiting_list=True, **fields)
    placement = services.apply(role, make_user(name=name), application, TODAY)
    assert placement.status == PlacementStatus.WAITLISTED
    return placement


def test_the_waiting_list_offers_in_order_and_moves_on_after_expiry(client, login_as, setting):
    _, manager, role = setting  # 2 places
    first_holder, _ = fill(role, manager, 2)
    with time_machine.travel("2026-11-20 11:00:00+00:00", tick=False):
        ada = join_list(role, "Ada First")
    with time_machine.travel("2026-11-20 12:00:00+00:00", tick=False):
        ben = join_list(role, "Ben Second")
    _db.session.commit()
    login_as(ben.volunteer)
    assert "number 2 on the waiting list" in client.get(f"/me/placements/{ben.id}").get_data(
        as_text=True
    )
    services.withdraw(first_holder, first_holder.volunteer)  # a place frees: Ada is offered
    _db.session.commit()
    assert (ada.status, ben.status) == ("offered", "waitlisted")
    assert ada.offer_expires_at.isoformat().startswith("2026-11-23T10:00")  # 72 hours
    (offer,) = [m for m in outbox(ada.volunteer.email) if "A place is free" in m.subject]
    assert "take it up by" in offer.body_text
    with time_machine.travel("2026-11-23 09:59:00+00:00", tick=False):
        assert expire_offers_job() == "expired 0 offers"
    with time_machine.travel("2026-11-23 10:00:00+00:00", tick=False):
        assert expire_offers_job() == "expired 1 offers"
    _db.session.expire_all()
    assert (ada.status, ben.status) == ("withdrawn", "offered")
    assert ada.events[-1].reason == "offer expired"
    with time_machine.travel("2026-11-23 10:01:00+00:00", tick=False):
        login_as(_db.session.get(User, ben.volunteer_id))
        page = client.get(f"/me/placements/{ben.id}").get_data(as_text=True)
        assert "A place is free for you" in page
        taken = client.post(f"/me/placements/{ben.id}/offer", data={"take": "yes"})
    assert taken.status_code == 302
    _db.session.expire_all()
    assert ben.status == "approved"
    assert services.places_taken(role) == 2


def test_turning_an_offer_down_passes_it_on(setting):
    _, manager, role = setting
    holder, _ = fill(role, manager, 2)
    ada, ben = join_list(role, "Ada"), join_list(role, "Ben")
    services.withdraw(holder, holder.volunteer)
    services.refuse_offer(ada, ada.volunteer)
    assert (ada.status, ben.status) == ("withdrawn", "offered")
    with pytest.raises(services.PlacementRefused, match="no offer"):
        services.accept_offer(ada, ada.volunteer)


def test_an_expired_offer_cannot_be_taken_up(setting):
    _, manager, role = setting
    holder, _ = fill(role, manager, 2)
    ada = join_list(role, "Ada")
    services.withdraw(holder, holder.volunteer)
    with (
        time_machine.travel("2026-11-23 10:00:00+00:00", tick=False),
        pytest.raises(services.PlacementRefused, match="has run out"),
    ):
        services.accept_offer(ada, ada.volunteer)


def test_a_group_waits_while_too_few_places_are_free_and_those_who_fit_are_offered(setting):
    organisation, manager, _ = setting
    role = make_role(organisation, places=3, groups_welcome=True, max_group_size=3)
    holders = fill(role, manager, 3)
    team = join_list(role, "Lead", headcount=3, group_name="Team")
    ada = join_list(role, "Ada")
    services.withdraw(holders[0], holders[0].volunteer)
    assert (team.status, ada.status) == ("waitlisted", "offered")
    services.withdraw(holders[1], holders[1].volunteer)
    services.withdraw(holders[2], holders[2].volunteer)
    assert team.status == "waitlisted"  # Ada's offer holds one of the three places
    services.refuse_offer(ada, ada.volunteer)
    assert team.status == "offered"


def test_coordinators_download_the_applicants_as_csv(client, login_as, setting):
    organisation, manager, _ = setting
    role = make_role(organisation, dbs_level=CheckLevel.ENHANCED)
    with_check = make_user(name="Ciara Checked")
    make_check(with_check, certificate_number="001122334455")
    services.apply(role, with_check, services.Application(note="=HYPERLINK(evil)"), TODAY)
    _db.session.commit()
    login_as(manager)
    response = client.get(f"/roles/{role.slug}/applicants.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["Name", "Email"]
    assert rows[1][0] == "Ciara Checked" and rows[1][7] == "Meets"
    assert rows[1][8] == ""  # the role requires no training
    assert rows[1][9] == "'=HYPERLINK(evil)"  # a formula is kept as text
    assert "001122334455" not in response.get_data(as_text=True)

    ids = {"role": role.id}
    url = f"/roles/{role.slug}/applicants.csv"

    def more_applicants() -> None:
        needing = _db.session.get(Role, ids["role"])
        for _ in range(5):
            person = make_user()
            make_check(person)
            services.apply(needing, person, services.Application(note=""), TODAY)
        _db.session.commit()

    counts, statements = measure_twice(client, [url], more_applicants)
    # The user, the role, its organisation, the user's membership, the applicants, their
    # accounts, their answers, the re-check policy, their checks, the training required.
    assert_flat(counts, ceiling=10, statements=statements)


def test_applicants_answer_the_roles_questions(client, login_as, setting):
    _, manager, role = setting
    login_as(manager)
    page = client.get(f"/roles/{role.slug}/questions")
    assert page.status_code == 200
    saved = client.post(
        f"/roles/{role.slug}/questions",
        data={"question_1": "Can you lift boxes?", "question_2": "", "question_3": "Why us?"},
    )
    assert saved.status_code == 302
    assert [q.text for q in questions_of(role)] == ["Can you lift boxes?", "Why us?"]
    volunteer = make_user()
    login_as(volunteer)
    form = client.get(f"/roles/{role.slug}/apply").get_data(as_text=True)
    assert "Can you lift boxes?" in form and "Why us?" in form
    before = row_counts()
    missing = client.post(f"/roles/{role.slug}/apply", data={"answer_1": "Yes", "note": ""})
    assert missing.status_code == 422
    assert "Answer: Why us?" in missing.get_data(as_text=True)
    assert row_counts() == before
    sent = client.post(
        f"/roles/{role.slug}/apply", data={"answer_1": "Yes", "answer_2": "Near home"}
    )
    assert sent.status_code == 302
    placement = placement_of(volunteer)
    assert [(a.question, a.answer) for a in placement.answers] == [
        ("Can you lift boxes?", "Yes"),
        ("Why us?", "Near home"),
    ]
    login_as(manager)
    review = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "Near home" in review
    client.post(f"/roles/{role.slug}/questions", data={"question_1": "A new question"})
    _db.session.expire_all()
    assert placement.answers[0].question == "Can you lift boxes?"  # as it was asked


def test_saving_the_same_questions_changes_nothing(client, login_as, setting):
    _, manager, role = setting
    login_as(manager)
    before = row_counts()
    assert client.post(f"/roles/{role.slug}/questions", data={"probe": "1"}).status_code == 302
    assert row_counts() == before


def test_declining_with_a_ready_made_message(client, login_as, setting):
    _, manager, role = setting
    staff = make_staff()
    login_as(staff)
    missing = client.post("/staff/reference/decline-messages/new", data={"name": "Full"})
    assert missing.status_code == 422
    assert "Write the message" in missing.get_data(as_text=True)
    made = client.post(
        "/staff/reference/decline-messages/new",
        data={"name": "Full", "description": "Thank you! The places are all taken.", "active": "y"},
    )
    assert made.status_code == 302
    (message,) = _db.session.scalars(sa.select(DeclineMessage)).all()
    volunteer = make_user()
    placement = services.apply(role, volunteer, services.Application(note=""), TODAY)
    _db.session.commit()
    login_as(manager)
    page = client.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "To decline: start from a ready-made message" in page
    assert "The places are all taken" in page
    declined = client.post(
        f"/placements/{placement.id}/decide",
        data={"decision": "decline", "template": str(message.id)},
    )
    assert declined.status_code == 302
    _db.session.expire_all()
    assert placement.events[-1].message == "Thank you! The places are all taken."
    told = outbox(volunteer.email)[-1]
    assert "The places are all taken" in told.body_text


def test_an_absurd_id_in_a_url_or_a_form_is_not_found(client, login_as, setting):
    login_as(make_staff())
    huge = "111111111111111111111111111111"
    assert client.get(f"/me/placements/{huge}").status_code == 404
    assert client.get(f"/placements/{huge}").status_code == 404
    refused = client.post("/staff/placements/approve", data={"placement_ids": [huge]})
    assert refused.status_code == 422
    assert "Choose the applications from the list" in refused.get_data(as_text=True)


def test_a_ready_made_message_goes_only_with_a_decline(client, login_as, setting):
    _, manager, role = setting
    message = DeclineMessage(name="Full", slug="full", description="All places are taken.")
    _db.session.add(message)
    placement = services.apply(role, make_user(), services.Application(note=""), TODAY)
    _db.session.commit()
    login_as(manager)
    client.post(
        f"/placements/{placement.id}/decide",
        data={"decision": "approve", "template": str(message.id)},
    )
    _db.session.expire_all()
    assert placement.status == "approved"
    assert placement.events[-1].message == ""


def test_group_fields_give_one_clear_message(client, login_as, setting):
    organisation, _, _ = setting
    role = make_role(organisation, groups_welcome=True, max_group_size=6)
    login_as(make_user())
    for typed, message in (
        ("abc", "How many people must be a whole number"),
        ("", "Enter how many people are in the group"),
        ("1", "A group is at least 2 people"),
    ):
        answer = apply(client, role, as_group="group", group_name="Team", headcount=typed)
        assert answer.status_code == 422, typed
        page = html.unescape(answer.get_data(as_text=True))
        assert page.count(message) == 2, typed  # in the summary and beside the field
        assert "Enter how many" not in page or message.startswith("Enter"), typed


def test_the_applicants_page_opens_without_an_error(client, login_as, setting):
    _, manager, role = setting
    login_as(manager)
    page = client.get(f"/roles/{role.slug}/applicants").get_data(as_text=True)
    assert "There is a problem" not in page and "Error:" not in page


def test_a_started_volunteer_can_leave_and_an_answer_by_phone_can_be_approved(
    client, login_as, setting
):
    _, manager, role = setting
    started = make_user()
    placement = services.apply(role, started, services.Application(note=""), TODAY)
    services.decide(placement, "approve", manager)
    services.decide(placement, "start", manager)
    asked = services.apply(role, make_user(), services.Application(note=""), TODAY)
    services.decide(asked, "request_information", manager, message="Call us?")
    services.decide(asked, "approve", manager, reason="They phoned")
    _db.session.commit()
    assert asked.status == "approved" and asked.decided_at is not None
    login_as(started)
    page = client.get(f"/me/placements/{placement.id}").get_data(as_text=True)
    assert "Leave this role" in page
    left = client.post(f"/me/placements/{placement.id}/withdraw", data={"confirm": "yes"})
    assert left.status_code == 302
    _db.session.expire_all()
    assert placement.status == "ended"


def test_an_answer_reads_as_an_answer_in_the_timeline(client, login_as, setting):
    _, manager, role = setting
    volunteer = make_user()
    placement = services.apply(role, volunteer, services.Application(note=""), TODAY)
    services.decide(placement, "request_information", manager, message="Which days?")
    services.answer(placement, volunteer, "Tuesdays")
    _db.session.commit()
    login_as(volunteer)
    page = client.get(f"/me/placements/{placement.id}").get_data(as_text=True)
    assert "Answered the question" in page


def test_the_staff_queue_and_shift_pages_send_a_fixed_number_of_statements(
    client, login_as, setting
):
    """The staff queue over applications to roles of 100, then 200 organisations; a role's
    shifts page and an approved volunteer's page with 10, then 20 shifts booked."""
    _, manager, role = setting
    role.places = 1_000
    staff = make_staff()
    volunteer = make_user()
    mine = services.apply(role, volunteer, services.Application(note=""), TODAY)
    services.decide(mine, "approve", staff)
    _db.session.commit()
    ids = {"role": role.id, "volunteer": volunteer.id, "staff": staff.id, "mine": mine.id}
    slug = role.slug

    def add_data() -> None:
        role = _db.session.get(Role, ids["role"])
        staff = _db.session.get(User, ids["staff"])
        volunteer = _db.session.get(User, ids["volunteer"])
        for _ in range(100):
            other = make_role(make_organisation(), places=5)
            services.apply(other, make_user(), services.Application(note=""), TODAY)
        first = TODAY + timedelta(days=7 + 7 * len(shift_services.upcoming_shifts(role, utcnow())))
        pattern = shift_services.ShiftPattern(first, time(10), time(12), 5, 10)
        for shift in shift_services.create_shifts(role, pattern, staff, today=TODAY):
            shift_services.book(shift, volunteer, utcnow())
        _db.session.commit()

    login_as(_db.session.get(User, ids["staff"]))
    urls = ["/staff/placements?status=all", f"/roles/{slug}/shifts"]
    counts, statements = measure_twice(client, urls, add_data)
    assert_flat(counts, ceiling=6, statements=statements)
    login_as(_db.session.get(User, ids["volunteer"]))
    urls = ["/me", f"/me/placements/{ids['mine']}"]
    counts, statements = measure_twice(client, urls, add_data)
    # /me: two for the hours card, one for the newest certificates
    assert_flat(counts, ceiling=11, statements=statements)
