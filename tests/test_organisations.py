"""Organisations: registering (with or without an account), staff decisions, members and
invitations, the public directory, the insurance reminders, export and erasure."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import is_postgresql
from tests.factories import (
    PASSWORD,
    make_category,
    make_locality,
    make_organisation,
    make_role,
    make_staff,
    make_user,
)
from tests.helpers import link_in, outbox, row_counts, run_together
from tests.test_query_counts import assert_flat, measure_twice
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.extensions import db as _db
from volunteer_hub.organisations import membership
from volunteer_hub.organisations.jobs import remind_insurance_expiry
from volunteer_hub.organisations.models import Invitation, Membership, Organisation
from volunteer_hub.reference.models import Concept


def cause(label: str) -> Concept:
    concept = Concept(
        scheme="cause", iri=f"https://ns.volunteeringdata.io/{label.replace(' ', '')}", label=label
    )
    _db.session.add(concept)
    _db.session.commit()
    return concept


def organisation_data(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Friends of Reddish Vale",
        "kind": "charity",
        "charity_number": "1 123 456",
        "description": "We look after Reddish Vale Country Park.\nVolunteers plant trees.",
        "website": "https://reddishvale.example.org",
        "locality": "",
        "contact_email": "Hello@ReddishVale.example.org",
        "contact_phone": "0161 496 0000",
        "safeguarding_policy": "yes",
        "safeguarding_lead_name": "Priya Shah",
        "safeguarding_lead_email": "priya@reddishvale.example.org",
        "insurance_held": "yes",
        "insurance_expires_on": (date.today() + timedelta(days=200)).isoformat(),
    } | overrides


def account_data(**overrides: Any) -> dict[str, Any]:
    return (
        organisation_data(
            your_name="Siobhan O'Brien",
            your_email="siobhan@example.org",
            password="plum kettle harbour",
            agree_privacy="y",
        )
        | overrides
    )


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def the_organisation(db) -> Organisation:
    return db.session.scalar(sa.select(Organisation))


# --- Registering -----------------------------------------------------------------------------


def test_a_newcomer_registers_an_organisation_and_an_account_in_one_go(client, db):
    area, trees = make_locality("Reddish"), cause("Environment")
    data = account_data(locality=str(area.id), causes=[str(trees.id)])
    response = client.post("/organisations/register", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/register/next-steps"
    founder = db.session.scalar(sa.select(User))
    assert founder.email == "siobhan@example.org" and not founder.email_verified
    organisation = the_organisation(db)
    assert organisation.status == "pending"
    assert organisation.charity_number == "1123456"
    assert organisation.contact_email == "hello@reddishvale.example.org"
    assert organisation.contact_phone == "+441614960000"
    assert organisation.locality.name == "Reddish"
    assert [c.label for c in organisation.causes] == ["Environment"]
    assert organisation.safeguarding_policy and organisation.insurance_held
    (membership,) = db.session.scalars(sa.select(Membership))
    assert (membership.user_id, membership.level) == (founder.id, "manage")
    (message,) = outbox("siobhan@example.org")
    assert "/verify/" in message.body_text
    assert events(db, "organisation.registered")[0].actor_id == founder.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hub staff review the organisation" in page
    assert "Friends of Reddish Vale" not in client.get("/organisations").get_data(as_text=True)


def test_an_address_with_an_account_registers_nothing_and_its_owner_is_told(client, db):
    make_user(email="siobhan@example.org", name="Siobhan")
    before = row_counts()
    response = client.post("/organisations/register", data=account_data())
    assert response.headers["Location"] == "/organisations/register/next-steps"
    after = row_counts()
    assert after["users"] == before["users"] and after["organisations"] == 0
    (message,) = outbox("siobhan@example.org")
    assert message.template == "account_exists"


def test_a_signed_in_person_fills_in_only_the_organisation(client, login_as, db):
    user = make_user()
    login_as(user)
    form = client.get("/organisations/register").get_data(as_text=True)
    assert 'name="password"' not in form
    response = client.post("/organisations/register", data=organisation_data(kind="business"))
    organisation = the_organisation(db)
    assert response.headers["Location"] == f"/org/{organisation.slug}"
    assert db.session.scalar(sa.select(Membership.user_id)) == user.id
    page = client.get(f"/org/{organisation.slug}").get_data(as_text=True)
    assert "Status: Waiting for review" in page
    assert "Add a role" not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "", "Select the kind of organisation"),
        ("charity_number", "", "Enter the registered charity number"),
        ("charity_number", "12A456", "6 to 8 digits"),
        ("charity_number", "12345", "6 to 8 digits"),
        ("website", "ftp://example.org", "full address"),
        ("website", "javascript:alert(1)", "full address"),
        ("contact_email", "not an email", "right format"),
        ("safeguarding_policy", "", "safeguarding policy"),
        ("safeguarding_lead_name", "", "name of the safeguarding lead"),
        ("insurance_held", "", "public liability insurance"),
        ("insurance_expires_on", "", "date the insurance expires"),
        ("insurance_expires_on", "2026-02-30", "real date"),
        ("insurance_expires_on", "2020-01-01", "must be in the future"),
        ("password", "password123", "too common"),
        ("agree_privacy", "", "agree to the privacy notice"),
    ],
)
def test_bad_details_give_422_with_the_error_and_write_nothing(client, db, field, value, message):
    before = row_counts()
    response = client.post("/organisations/register", data=account_data(**{field: value}))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "<title>Error: Register your organisation" in page
    assert message in page
    assert 'value="Friends of Reddish Vale"' in page  # input kept
    assert "plum kettle harbour" not in page
    assert row_counts() == before


def test_a_community_group_needs_no_charity_number(client, login_as, db):
    login_as(make_user())
    data = organisation_data(kind="community-group", charity_number="", insurance_held="no")
    assert client.post("/organisations/register", data=data).status_code == 302
    assert the_organisation(db).insurance_expires_on is None


# --- Staff decisions -------------------------------------------------------------------------


@pytest.fixture
def pending(db):
    manager = make_user(name="Mo Manager", email="mo@group.example")
    organisation = make_organisation(name="Brinnington Pantry", status="pending", manager=manager)
    return organisation, manager


def decide(client, organisation, decision: str, reason: str = ""):
    return client.post(
        f"/staff/organisations/{organisation.slug}/decision",
        data={"decision": decision, "reason": reason},
    )


def test_staff_approve_and_the_managers_are_emailed_and_it_is_audited(
    client, login_as, db, pending
):
    organisation, _ = pending
    login_as(make_staff())
    assert decide(client, organisation, "approve").status_code == 302
    (message,) = outbox("mo@group.example")
    assert "is approved" in message.subject
    assert link_in(message) == f"/org/{organisation.slug}"
    (event,) = events(db, "organisation.approved")
    assert event.subject_id == organisation.id and event.detail["previous"] == "pending"
    assert organisation.status == "approved"
    assert client.get(f"/organisations/{organisation.slug}").status_code == 200


def test_declining_needs_a_reason_which_the_managers_read(client, login_as, db, pending):
    organisation, _ = pending
    login_as(make_staff())
    refused = decide(client, organisation, "decline", "   ")
    assert refused.status_code == 422
    assert "Give a reason" in refused.get_data(as_text=True)
    assert organisation.status == "pending" and outbox() == []
    assert decide(client, organisation, "decline", "No safeguarding lead named.").status_code == 302
    (message,) = outbox("mo@group.example")
    assert "No safeguarding lead named." in message.body_text
    assert events(db, "organisation.declined")[0].detail["reason"] == "No safeguarding lead named."
    review = client.get(f"/staff/organisations/{organisation.slug}").get_data(as_text=True)
    assert "No safeguarding lead named." in review and "Declined" in review


@pytest.mark.parametrize(
    ("status", "decision", "message"),
    [
        ("pending", "suspend", "cannot suspend an organisation that is pending"),
        ("approved", "approve", "cannot approve an organisation that is approved"),
        ("approved", "reinstate", "cannot reinstate an organisation that is approved"),
        ("declined", "approve", "cannot approve an organisation that is declined"),
        ("suspended", "decline", "cannot decline an organisation that is suspended"),
        ("pending", "close", "Select a decision"),
    ],
)
def test_illegal_decisions_are_refused_with_a_clear_422(
    client, login_as, status, decision, message
):
    organisation = make_organisation(status=status, manager=make_user())
    login_as(make_staff())
    response = decide(client, organisation, decision, "A reason")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert organisation.status == status and outbox() == []


def test_suspend_hides_the_organisation_and_reinstate_brings_it_back(app, client, login_as, db):
    organisation = make_organisation(manager=make_user(email="m@x.example"))
    public = app.test_client()
    login_as(make_staff())
    assert decide(client, organisation, "suspend", "Insurance lapsed.").status_code == 302
    assert public.get(f"/organisations/{organisation.slug}").status_code == 404
    assert decide(client, organisation, "reinstate").status_code == 302
    assert public.get(f"/organisations/{organisation.slug}").status_code == 200
    suspended, reinstated = outbox("m@x.example")
    assert "suspended" in suspended.subject and "Insurance lapsed." in suspended.body_text
    assert "approved" in reinstated.subject
    assert organisation.status == "approved" and organisation.status_reason == ""
    assert [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))][
        -2:
    ] == ["organisation.suspended", "organisation.approved"]


def test_a_declined_organisation_edited_by_its_manager_goes_back_to_review(
    client, login_as, db, pending
):
    organisation, manager = pending
    organisation.status, organisation.status_reason = "declined", "Tell us more."
    db.session.commit()
    login_as(manager)
    assert "Tell us more." in client.get(f"/org/{organisation.slug}/edit").get_data(as_text=True)
    response = client.post(f"/org/{organisation.slug}/edit", data=organisation_data())
    assert response.status_code == 302
    assert organisation.status == "pending" and organisation.name == "Friends of Reddish Vale"
    (event,) = events(db, "organisation.pending")
    assert event.actor_id == manager.id and event.detail["previous"] == "declined"


def test_staff_add_an_approved_organisation_with_no_members(client, login_as, db):
    staff = make_staff()
    login_as(staff)
    response = client.post("/staff/organisations/new", data=organisation_data())
    organisation = the_organisation(db)
    assert response.headers["Location"] == f"/org/{organisation.slug}/members"
    assert organisation.status == "approved"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 0
    assert events(db, "organisation.created")[0].actor_id == staff.id
    assert client.get(f"/organisations/{organisation.slug}").status_code == 200


def test_the_queue_lists_pending_first_then_the_longest_waiting(client, login_as, db):
    with time_machine.travel(datetime(2026, 1, 5, tzinfo=UTC)):
        old_approved = make_organisation(name="Aardvark Trust", status="approved")
        old_pending = make_organisation(name="Zebra Club", status="pending")
    with time_machine.travel(datetime(2026, 2, 5, tzinfo=UTC)):
        new_pending = make_organisation(name="Mole Society", status="pending")
    login_as(make_staff())
    page = client.get("/staff/organisations").get_data(as_text=True)
    names = [old_pending.name, new_pending.name, old_approved.name]
    assert [page.index(name) for name in names] == sorted(page.index(name) for name in names)
    only_approved = client.get("/staff/organisations?status=approved").get_data(as_text=True)
    assert "Aardvark Trust" in only_approved and "Zebra Club" not in only_approved
    assert client.get("/staff/organisations?status=<script>").status_code == 200


# --- Members and invitations -----------------------------------------------------------------


def invite(client, organisation, email: str = "new.person@example.org", level: str = "coordinate"):
    return client.post(
        f"/org/{organisation.slug}/members/invite", data={"email": email, "level": level}
    )


def test_an_invitation_is_accepted_once_by_a_signed_in_person(app, client, login_as, db):
    manager = make_user(name="Mo Manager")
    organisation = make_organisation(name="Marple Library Friends", manager=manager)
    login_as(manager)
    assert invite(client, organisation, "New.Person@Example.org").status_code == 302
    (message,) = outbox("new.person@example.org")
    url = link_in(message)
    assert url.startswith("/invitations/") and "Mo Manager" in message.subject
    assert db.session.scalar(sa.select(Invitation.token_hash)) not in message.body_text
    stranger = app.test_client().get(url).get_data(as_text=True)
    assert "Marple Library Friends" in stranger and f"/login?next={url}" in stranger
    assert app.test_client().post(url).headers["Location"].startswith("/login")
    newcomer = make_user(email="new.person@example.org")
    login_as(newcomer)
    response = client.post(url)
    assert response.headers["Location"] == f"/org/{organisation.slug}"
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == newcomer.id))
    assert membership.level == "coordinate"
    assert events(db, "organisation.member_joined")[0].actor_id == newcomer.id
    assert client.get(url).status_code == 400  # used up
    assert client.post(url).status_code == 400


def test_an_invitation_expires_after_fourteen_days(client, login_as, db):
    manager = make_user()
    organisation = make_organisation(manager=manager)
    login_as(manager)
    invite(client, organisation)
    url = link_in(outbox("new.person@example.org")[0])
    with time_machine.travel(datetime.now(UTC) + timedelta(days=14, minutes=1)):
        response = client.get(url)
    assert response.status_code == 400
    assert "expired or has already been used" in response.get_data(as_text=True)


def test_an_invitation_to_manage_never_takes_a_level_away(client, login_as, db):
    manager = make_user()
    organisation = make_organisation(manager=manager)
    login_as(manager)
    invite(client, organisation, manager.email, "coordinate")
    client.post(link_in(outbox(manager.email)[0]))
    assert db.session.scalar(sa.select(Membership.level)) == "manage"


def test_bad_invitations_give_422_and_send_nothing(client, login_as, db):
    manager = make_user()
    organisation = make_organisation(manager=manager)
    login_as(manager)
    before = row_counts()
    for data in ({"email": "nope", "level": "coordinate"}, {"email": "a@b.org", "level": "own"}):
        response = client.post(f"/org/{organisation.slug}/members/invite", data=data)
        assert response.status_code == 422
        assert "There is a problem" in response.get_data(as_text=True)
    assert row_counts() == before


def test_member_removal_rules(client, login_as, db):
    manager, helper = make_user(name="Mo Manager"), make_user(name="Cat Coordinator")
    organisation = make_organisation(manager=manager, coordinators=(helper,))
    other = make_organisation(manager=make_user())
    ids = {m.user_id: m.id for m in organisation.memberships}
    remove = f"/org/{organisation.slug}/members/{{}}/remove"
    login_as(helper)  # coordinators see the members but cannot remove them
    assert client.get(f"/org/{organisation.slug}/members").status_code == 200
    assert client.post(remove.format(ids[manager.id])).status_code == 403
    login_as(manager)
    refused = client.post(remove.format(ids[manager.id]))
    assert refused.status_code == 422
    assert "at least one member who manages it" in refused.get_data(as_text=True)
    assert client.post(remove.format(other.memberships[0].id)).status_code == 404
    assert client.post(remove.format(ids[helper.id])).status_code == 302
    assert [
        m.user_id
        for m in db.session.scalars(
            sa.select(Membership).where(Membership.organisation_id == organisation.id)
        )
    ] == [manager.id]
    assert events(db, "organisation.member_removed")[0].detail["user_id"] == helper.id
    staff = make_staff()
    login_as(staff)  # staff cannot remove the last manager either
    assert client.post(remove.format(ids[manager.id])).status_code == 422


def test_a_manager_may_leave_once_someone_else_manages(client, login_as, db):
    first, second = make_user(), make_user()
    organisation = make_organisation(manager=first)
    db.session.add(Membership(organisation=organisation, user=second, level="manage"))
    db.session.commit()
    login_as(first)
    mine = db.session.scalar(sa.select(Membership.id).where(Membership.user_id == first.id))
    response = client.post(f"/org/{organisation.slug}/members/{mine}/remove")
    assert response.headers["Location"] == "/account"
    assert client.get(f"/org/{organisation.slug}").status_code == 403


# --- The directory and who sees what ---------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "declined", "suspended"])
def test_an_unapproved_organisation_is_never_public(app, client, login_as, db, status):
    member = make_user()
    hidden = make_organisation(name="Hidden Helpers", status=status, manager=member)
    make_organisation(name="Open Arms")
    for who in (None, make_user(), make_organisation(manager=make_user()).memberships[0].user):
        viewer = app.test_client()
        if who is not None:
            with viewer.session_transaction() as session:
                session["_user_id"] = who.get_id()
        directory = viewer.get("/organisations").get_data(as_text=True)
        assert "Open Arms" in directory and "Hidden Helpers" not in directory
        assert "0 organisations" in viewer.get("/organisations?q=hidden").get_data(as_text=True)
        assert viewer.get(f"/organisations/{hidden.slug}").status_code == 404
    login_as(member)
    page = client.get(f"/organisations/{hidden.slug}")
    assert page.status_code == 200
    assert "only its members and hub staff" in page.get_data(as_text=True) or status == "suspended"
    login_as(make_staff())
    assert client.get(f"/organisations/{hidden.slug}").status_code == 200


def test_the_directory_filters_by_kind_area_and_name_twenty_a_page(client, db):
    reddish, marple = make_locality("Reddish"), make_locality("Marple")
    food = cause("Food poverty")
    for number in range(23):
        make_organisation(
            name=f"Reddish Group {number:02d}", kind="community-group", locality=reddish
        )
    make_organisation(name="Marple Food Bank", kind="charity", locality=marple, causes=[food])
    make_organisation(name="Marple Rotary", kind="business", locality=marple)
    first = client.get("/organisations").get_data(as_text=True)
    assert first.count('href="/organisations/organisation-') == 20 and "(25 in all)" in first
    assert "Reddish Group 00" in first
    assert "Page 2 of 2" in client.get("/organisations?page=2").get_data(as_text=True)
    by_kind = client.get("/organisations?kind=charity").get_data(as_text=True)
    assert "Marple Food Bank" in by_kind and "Rotary" not in by_kind
    assert "Food poverty" in by_kind and "Registered charity" in by_kind
    for area in (marple.slug, str(marple.id)):
        in_area = client.get(f"/organisations?locality={area}").get_data(as_text=True)
        assert "2 organisations" in in_area and "Reddish Group" not in in_area
    named = client.get("/organisations?q=ROTARY").get_data(as_text=True)
    assert "Marple Rotary" in named and "Food Bank" not in named
    nothing = client.get("/organisations?q=100%25_").get_data(as_text=True)
    assert "0 organisations" in nothing
    odd = client.get("/organisations?kind=nope&locality=nowhere&locality=99999999999&page=-4")
    assert odd.status_code == 200


def test_the_public_page_shows_what_a_volunteer_needs_and_hides_due_diligence(client, db):
    organisation = make_organisation(
        name="Stockport Samaritans",
        charity_number="219432",
        website="https://sam.example.org",
        contact_phone="+441614960000",
        safeguarding_lead_name="Secret Lead",
    )
    page = client.get(f"/organisations/{organisation.slug}").get_data(as_text=True)
    assert "regid=219432" in page and "https://sam.example.org" in page
    assert "0161 496 0000" in page or "+44 161 496 0000" in page
    assert "Secret Lead" not in page


# --- Insurance reminders ---------------------------------------------------------------------


def test_insurance_reminders_go_once_per_expiry_date_to_managers_then_staff(db):
    manager = make_user(email="mo@group.example")
    make_staff(email="sam@hub.example")
    gone = make_staff(email="gone@hub.example")
    gone.active = False
    organisation = make_organisation(manager=manager, insurance_expires_on=date(2026, 7, 2))
    make_organisation(status="pending", manager=make_user(), insurance_expires_on=date(2026, 7, 2))
    make_organisation(insurance_held=False, insurance_expires_on=None, manager=make_user())
    # 23:30 on 1 June in UTC is already 2 June in London: 30 days before the expiry date.
    with time_machine.travel(datetime(2026, 6, 1, 22, 30, tzinfo=UTC)):
        assert remind_insurance_expiry().startswith("reminded the managers of 0 ")
    with time_machine.travel(datetime(2026, 6, 1, 23, 30, tzinfo=UTC)):
        assert remind_insurance_expiry().startswith("reminded the managers of 1 ")
        assert remind_insurance_expiry().startswith("reminded the managers of 0 ")
    (reminder,) = outbox()
    assert reminder.to_address == "mo@group.example" and "2 July 2026" in reminder.subject
    assert link_in(reminder) == f"/org/{organisation.slug}/edit"
    with time_machine.travel(datetime(2026, 6, 25, 9, tzinfo=UTC)):
        assert remind_insurance_expiry().endswith("hub staff about 1")
        assert remind_insurance_expiry().endswith("hub staff about 0")
    assert [m.to_address for m in outbox()[1:]] == ["sam@hub.example"]
    assert link_in(outbox()[1]) == f"/staff/organisations/{organisation.slug}"
    organisation.insurance_expires_on = date(2027, 7, 2)  # renewed: new reminders next year
    db.session.commit()
    with time_machine.travel(datetime(2026, 7, 10, 9, tzinfo=UTC)):
        assert (
            remind_insurance_expiry()
            == "reminded the managers of 0 organisations and hub staff about 0"
        )
    with time_machine.travel(datetime(2027, 6, 28, 9, tzinfo=UTC)):
        assert remind_insurance_expiry().startswith("reminded the managers of 1 ")
    assert len(outbox("mo@group.example")) == 2


def test_staff_hear_about_insurance_that_has_already_expired(db):
    make_staff(email="sam@hub.example")
    make_organisation(name="Lapsed Ltd", insurance_expires_on=date(2026, 1, 1))  # no members
    with time_machine.travel(datetime(2026, 3, 1, 9, tzinfo=UTC)):
        remind_insurance_expiry()
    (message,) = outbox()
    assert message.subject == "Insurance expired: Lapsed Ltd"


# --- The person's data -----------------------------------------------------------------------


def test_memberships_are_exported_and_removed_on_erasure(client, login_as, db):
    person = make_user(name="Zoë Quennell", email="zoe@example.org")
    colleague = make_user()
    organisation = make_organisation(name="Heaton Moor Library", manager=colleague)
    db.session.add(Membership(organisation=organisation, user=person, level="coordinate"))
    db.session.commit()
    login_as(colleague)
    invite(client, organisation, "zoe@example.org", "manage")  # not yet accepted
    login_as(person)
    exported = client.get("/account/export").get_json()["organisations"]
    assert exported["memberships"][0]["organisation"] == "Heaton Moor Library"
    assert exported["memberships"][0]["level"] == "coordinate"
    assert exported["invitations"][0]["email"] == "zoe@example.org"
    response = client.post("/account/delete", data={"confirm": "y", "password": PASSWORD})
    assert response.status_code == 302
    assert db.session.scalars(sa.select(Membership.user_id)).all() == [colleague.id]
    assert db.session.scalars(sa.select(Invitation.email)).all() == []
    (event,) = events(db, "organisation.member_removed")
    assert event.detail == {"user_id": person.id, "reason": "account erased"}


def test_an_accepted_invitation_keeps_no_address_after_erasure(client, login_as, db):
    manager, person = make_user(), make_user(email="joiner@example.org")
    organisation = make_organisation(manager=manager)
    login_as(manager)
    invite(client, organisation, "joiner@example.org")
    login_as(person)
    client.post(link_in(outbox("joiner@example.org")[0]))
    client.post("/account/delete", data={"confirm": "y", "password": PASSWORD})
    assert db.session.scalars(sa.select(Invitation.email)).all() == ["erased@invalid"]


# --- Query counts ----------------------------------------------------------------------------


def spread_organisations(count: int, members_of: Organisation | None = None) -> None:
    """`count` approved organisations over new localities, each with two causes and a manager;
    `members_of` gains a coordinator and a role for every ten of them."""
    places = [make_locality() for _ in range(10)]
    causes = [cause(f"Cause {places[0].id} {n}") for n in range(6)]
    people = [make_user(profile=False) for _ in range(count // 10)]
    for number in range(count):
        organisation = Organisation(
            name=f"Spread {number:04d} {people[number // 10].id}",
            slug=f"spread-{people[number // 10].id}-{number}",
            kind=["charity", "business", "community-group"][number % 3],
            status="approved",
            contact_email=f"org{number}@example.org",
            locality=places[number % 10],
            causes=[causes[number % 6], causes[(number + 1) % 6]],
        )
        organisation.memberships = [Membership(user=people[number // 10], level="manage")]
        _db.session.add(organisation)
    if members_of is not None:
        _db.session.add_all(
            Membership(organisation=members_of, user=person, level="coordinate")
            for person in people
        )
    _db.session.commit()
    if members_of is not None:
        category = make_category()
        for _ in range(count // 10):
            make_role(members_of, category=category, status="draft")


def test_directory_queries_do_not_grow_with_organisations(client, db):
    urls = ["/organisations", "/organisations?page=3", "/organisations?kind=charity&q=spread"]
    counts, statements = measure_twice(client, urls, lambda: spread_organisations(220))
    # Localities for the filter, the count, the page, its localities, its causes.
    assert_flat(counts, ceiling=5, statements=statements)
    page = client.get("/organisations").get_data(as_text=True)
    assert page.count('href="/organisations/spread-') == 20 and "Causes: Cause" in page


def test_organisation_page_queries_do_not_grow_with_members_and_roles(client, login_as, db):
    manager = make_user()
    organisation = make_organisation(
        name="Busy Library", manager=manager, locality=make_locality(), causes=[cause("Reading")]
    )
    login_as(manager)
    urls = [f"/org/{organisation.slug}", f"/org/{organisation.slug}/members"]
    counts, statements = measure_twice(
        client, urls, lambda: spread_organisations(200, organisation)
    )
    # The signed-in user, the organisation (its locality and causes on the first page), the
    # membership, the members and their accounts, then the roles or the count and invitations.
    assert_flat(counts, ceiling=8, statements=statements)
    assert "Add a role" in client.get(urls[0]).get_data(as_text=True)


# --- Hostile input ---------------------------------------------------------------------------

HOSTILE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)


@HOSTILE
@given(text=st.text(max_size=300), other=st.text(max_size=40))
def test_any_text_in_the_directory_or_the_forms_never_gives_a_500(
    client, login_as, db, text, other
):
    response = client.get("/organisations", query_string={"q": text, "kind": other})
    assert response.status_code in (200, 400)  # 400 only for a NUL character
    login_as(make_user())
    data = organisation_data(
        name=text, charity_number=other, website=text, insurance_expires_on=other, causes=[other]
    )
    assert client.post("/organisations/register", data=data).status_code in (302, 400, 422)


def test_the_public_page_lists_the_organisations_published_roles(client, db):
    organisation = make_organisation(name="Friends of Vernon Park")
    make_role(organisation, title="Bulb planting volunteer")
    make_role(organisation, title="Secret draft role", status="draft")
    page = client.get(f"/organisations/{organisation.slug}").get_data(as_text=True)
    assert "Bulb planting volunteer" in page
    assert "Secret draft role" not in page
    quiet = make_organisation(name="Quiet Society")
    assert "not advertising any roles" in client.get(f"/organisations/{quiet.slug}").get_data(
        as_text=True
    )


def test_the_public_page_query_count_does_not_grow_with_its_roles(client, db):
    organisation = make_organisation()
    category = make_category()

    def add_roles() -> None:
        for _ in range(25):
            make_role(organisation, category=category)

    counts, statements = measure_twice(client, [f"/organisations/{organisation.slug}"], add_roles)
    assert_flat(counts, ceiling=8, statements=statements)


def test_only_the_invited_address_can_accept(client, login_as, db):
    manager = make_user()
    organisation = make_organisation(manager=manager)
    login_as(manager)
    invite(client, organisation, "invited@example.org", "manage")
    url = link_in(outbox("invited@example.org")[0])
    login_as(make_user(email="forwarded.to@example.org"))
    response = client.post(url)
    assert response.status_code == 422
    assert "was sent to invited@example.org" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Membership)) == 1
    login_as(make_user(email="invited@example.org"))
    assert client.post(url).status_code == 302


def test_a_pending_organisation_cannot_send_invitations(client, login_as, db):
    manager = make_user()
    organisation = make_organisation(manager=manager, status="pending")
    login_as(manager)
    response = invite(client, organisation)
    assert response.status_code == 422
    assert "once the hub has approved" in response.get_data(as_text=True)
    assert outbox("new.person@example.org") == []


def test_a_removed_members_open_invitations_are_withdrawn(client, login_as, db):
    manager, leaver = make_user(), make_user()
    organisation = make_organisation(manager=manager)
    db.session.add(Membership(organisation=organisation, user=leaver, level="manage"))
    db.session.commit()
    login_as(leaver)
    invite(client, organisation, "spare.address@example.org", "manage")
    url = link_in(outbox("spare.address@example.org")[0])
    login_as(manager)
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == leaver.id))
    client.post(f"/org/{organisation.slug}/members/{membership.id}/remove")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    assert client.get(url).status_code == 400


def test_two_clicks_on_one_invitation_at_once_join_once(app, client, login_as, db):
    """Races need real concurrent connections: PostgreSQL only (SQLite serialises writers)."""
    if not is_postgresql(app):
        pytest.skip("race test runs on PostgreSQL only: SQLite serialises all writers")
    manager = make_user()
    organisation = make_organisation(manager=manager)
    login_as(manager)
    invite(client, organisation, "twice@example.org", "manage")
    token = link_in(outbox("twice@example.org")[0]).rsplit("/", 1)[1]
    invited_id = make_user(email="twice@example.org").id

    def look(_: int) -> tuple[Invitation, User | None]:
        """Both clicks find the invitation unused before either takes it up."""
        return membership.invitation_for(token), _db.session.get(User, invited_id)

    def click(looked: tuple[Invitation, User | None]) -> str:
        invitation, user = looked
        assert user is not None
        try:
            membership.accept_invitation(invitation, user)
            _db.session.commit()
            return "joined"
        except membership.InvitationInvalid:  # a clean 400, never a clash of inserts (500)
            _db.session.rollback()
            return "refused"
        except sa.exc.IntegrityError:
            _db.session.rollback()
            return "clash"

    outcomes = run_together(app, click, prepare=look)
    assert sorted(outcomes) == ["joined", "refused"]
    count = (
        sa.select(sa.func.count()).select_from(Membership).where(Membership.user_id == invited_id)
    )
    assert db.session.scalar(count) == 1


def test_changing_checked_due_diligence_sends_an_approved_organisation_back(
    client, login_as, db, pending
):
    organisation, manager = pending
    login_as(manager)
    client.post(f"/org/{organisation.slug}/edit", data=organisation_data())  # while pending
    organisation.status = "approved"
    db.session.commit()
    reworded = client.post(
        f"/org/{organisation.slug}/edit",
        data=organisation_data(description="We plant trees in Reddish Vale."),
    )
    assert reworded.status_code == 302 and organisation.status == "approved"
    client.post(
        f"/org/{organisation.slug}/edit",
        data=organisation_data(safeguarding_policy="no", safeguarding_lead_name=""),
    )
    assert organisation.status == "pending"
    assert "safeguarding policy" in organisation.status_reason
    assert client.get(f"/organisations/{organisation.slug}").status_code == 200  # a member
    anonymous = client.application.test_client()
    assert anonymous.get(f"/organisations/{organisation.slug}").status_code == 404
