"""Writing roles and moderating them: the role form, the status machine, the management page,
the staff queue and the two scheduled jobs."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import (
    make_category,
    make_locality,
    make_organisation,
    make_role,
    make_skill,
    make_staff,
    make_user,
)
from tests.helpers import link_in, outbox, row_counts
from tests.test_bad_input import HOSTILE, HOSTILE_TEXT, assert_survives, maybe
from tests.test_query_counts import sign_in, statements_for
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.auth.models import User
from volunteer_hub.extensions import db
from volunteer_hub.organisations.models import Organisation
from volunteer_hub.periods import PERIODS
from volunteer_hub.reference.models import Category, Concept, Skill
from volunteer_hub.roles.jobs import close_finished_roles, remind_stale_roles
from volunteer_hub.roles.models import Role, RolePeriod, RoleStatus

_serial = itertools.count(1)


@dataclass
class Setup:
    manager: User  # manages the organisation: gets the emails
    coordinator: User  # coordinates only
    outsider: User  # manages another organisation
    staff: User
    organisation: Organisation
    other_organisation: Organisation
    category: Category
    skill: Skill
    dbs_concept: Concept
    boots: Concept
    ramp: Concept


def concept(scheme: str, label: str) -> Concept:
    item = Concept(
        scheme=scheme, iri=f"https://ns.volunteeringdata.io/T{next(_serial)}", label=label
    )
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def setup(db: Any) -> Setup:
    manager = make_user(name="Mona Manager", email="mona@library.example")
    coordinator = make_user(name="Cody Coordinator", email="cody@library.example")
    outsider = make_user(name="Otto Other", email="otto@elsewhere.example")
    organisation = make_organisation(
        name="Reddish Community Library", manager=manager, coordinators=(coordinator,)
    )
    other_organisation = make_organisation(name="Marple Rotary", manager=outsider)
    return Setup(
        manager=manager,
        coordinator=coordinator,
        outsider=outsider,
        staff=make_staff(name="Sam Staff", email="sam@hub.example"),
        organisation=organisation,
        other_organisation=other_organisation,
        category=make_category("Community libraries"),
        skill=make_skill("Reading aloud"),
        dbs_concept=concept("requirement", "DBS Check"),
        boots=concept("requirement", "Sturdy footwear"),
        ramp=concept("accessibility", "Physical Accessibility"),
    )


def role_form(s: Setup, **changes: Any) -> dict[str, Any]:
    """A complete, valid role form; `changes` replace fields (None leaves one out)."""
    data: dict[str, Any] = {
        "title": "Reading buddy",
        "summary": "Read with children on Saturday mornings.",
        "description": "You will **read** with children.\n\n- stories\n- games",
        "category": str(s.category.id),
        "skills": [str(s.skill.id)],
        "attendance": "in-person",
        "address": "Reddish Library\nGorton Road",
        "postcode": "sk5 6ug",
        "commitment": "regular",
        "commitment_text": "2 hours a week",
        "periods": ["saturday-morning", "wednesday-evening"],
        "starts_on": "2030-01-01",
        "ends_on": "2030-12-31",
        "apply_by": "2030-11-30",
        "places": "4",
        "minimum_age": "16",
        "dbs_level": "",
        "requirements": [str(s.boots.id)],
        "decided_by": "organisation",
        "accessibility": [str(s.ramp.id)],
        "accessibility_notes": "Step-free entrance.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def only_role() -> Role:
    return db.session.scalars(select(Role)).one()


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def act(client: Any, role: Role, action: str, comment: str = "") -> Any:
    return client.post(f"/roles/{role.slug}/status", data={"action": action, "comment": comment})


# --- Writing a role ------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["manager", "coordinator", "staff"])
def test_a_member_or_staff_creates_a_draft(setup, login_as, member):
    client = login_as(getattr(setup, member))
    assert client.get(f"/org/{setup.organisation.slug}/roles/new").status_code == 200

    response = client.post(f"/org/{setup.organisation.slug}/roles/new", data=role_form(setup))

    role = only_role()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/roles/{role.slug}/manage"
    assert role.status == RoleStatus.DRAFT
    assert role.organisation_id == setup.organisation.id
    assert role.postcode == "SK5 6UG"
    assert role.address == "Reddish Library\nGorton Road"
    assert role.period_slugs == {"saturday-morning", "wednesday-evening"}
    assert role.ends_on == date(2030, 12, 31)
    assert role.places == 4 and role.minimum_age == 16 and role.dbs_level is None
    assert [skill.name for skill in role.skills] == ["Reading aloud"]
    assert {c.label for c in role.concepts} == {"Sturdy footwear", "Physical Accessibility"}
    assert [e.actor_id for e in events("role.created")] == [getattr(setup, member).id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft" in page and "<strong>read</strong>" in page  # the Markdown preview


def test_a_remote_role_needs_no_address_and_keeps_none(setup, login_as):
    client = login_as(setup.manager)
    form = role_form(setup, attendance="remote", postcode=None, address="Somewhere")
    assert client.post(f"/org/{setup.organisation.slug}/roles/new", data=form).status_code == 302
    role = only_role()
    assert (role.attendance, role.address, role.postcode) == ("remote", "", None)


def test_groups_and_a_dbs_level_and_14_year_olds_are_accepted(setup, login_as):
    client = login_as(setup.manager)
    form = role_form(
        setup, groups_welcome="y", max_group_size="12", minimum_age="14", dbs_level="enhanced"
    )
    assert client.post(f"/org/{setup.organisation.slug}/roles/new", data=form).status_code == 302
    role = only_role()
    assert (role.groups_welcome, role.max_group_size) == (True, 12)
    assert (role.minimum_age, role.dbs_level) == (14, "enhanced")


INVALID = [
    ({"title": ""}, "Enter a title"),
    ({"summary": "x" * 301}, "Summary must be 300 characters or fewer"),
    ({"description": "  "}, "Enter a description"),
    ({"category": ""}, "Choose a category"),
    ({"category": "999999"}, "Choose a category from the list"),
    ({"attendance": "teleport"}, "Choose where volunteers take part"),
    ({"address": ""}, "Enter the address where volunteers will go"),
    ({"attendance": "hybrid", "postcode": ""}, "Enter the postcode where volunteers will go"),
    ({"postcode": "NOT A CODE"}, "Enter a real UK postcode"),
    ({"commitment": None}, "Choose whether the role is one-off or regular"),
    ({"commitment_text": ""}, "Enter the time needed"),
    ({"periods": ["someday-never"]}, "Choose only from the boxes shown"),
    ({"starts_on": "2030-02-30"}, "Start date must be a real date"),
    ({"ends_on": "2029-12-31"}, "End date must be the same as or after the start date"),
    ({"apply_by": "2031-01-01"}, "Closing date must be on or before the end date"),
    ({"ends_on": "2001-01-01", "starts_on": ""}, "End date must be today or in the future"),
    ({"places": ""}, "Enter how many volunteers you need"),
    ({"places": "0"}, "between 1 and 500"),
    ({"places": "501"}, "between 1 and 500"),
    ({"places": "lots"}, "Number of volunteers needed must be a whole number"),
    ({"minimum_age": "13"}, "Minimum age must be between 14 and 99"),
    ({"minimum_age": "100"}, "Minimum age must be between 14 and 99"),
    ({"dbs_level": "the-strictest"}, "Choose a DBS check from the list"),
    ({"locality": "999999"}, "Choose an area from the list"),
    ({"groups_welcome": "y"}, "Enter the largest group you can take"),
    ({"groups_welcome": "y", "max_group_size": "1"}, "Largest group must be between 2 and 100"),
    ({"groups_welcome": "y", "max_group_size": "101"}, "Largest group must be between 2 and 100"),
    ({"decided_by": "the-volunteer"}, "Choose who decides on applications"),
    ({"requirements": ["999999"]}, "Choose only from the boxes shown"),
]


@pytest.mark.parametrize(("changes", "message"), INVALID)
def test_invalid_roles_are_refused_and_nothing_is_written(setup, login_as, changes, message):
    client = login_as(setup.manager)
    before = row_counts()

    response = client.post(
        f"/org/{setup.organisation.slug}/roles/new", data=role_form(setup, **changes)
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: " in page
    assert 'class="error-summary"' in page
    assert message in page
    assert "Reading buddy" in page or changes.get("title") == ""  # what was typed is kept
    assert row_counts() == before


def test_an_organisation_not_yet_approved_cannot_add_roles(setup, login_as):
    pending = make_organisation(name="New Friends", status="pending", manager=setup.manager)
    client = login_as(setup.manager)
    before = row_counts()
    for response in (
        client.get(f"/org/{pending.slug}/roles/new"),
        client.post(f"/org/{pending.slug}/roles/new", data=role_form(setup)),
    ):
        assert response.status_code == 403
        assert "once the hub has approved" in response.get_data(as_text=True)
    assert row_counts() == before


def test_another_organisations_coordinator_cannot_add_roles_here(setup, login_as):
    client = login_as(setup.outsider)
    before = row_counts()
    url = f"/org/{setup.organisation.slug}/roles/new"
    assert client.get(url).status_code == 403
    assert client.post(url, data=role_form(setup)).status_code == 403
    assert row_counts() == before


@HOSTILE
@given(data=st.data())
def test_hostile_role_forms_never_break_the_page(setup, login_as, data):
    """Random and hostile text in every field of the role form gives 302 or 422, never 500."""
    valid = role_form(setup)
    form = {
        name: data.draw(
            st.lists(maybe(value[0] if value else ""), max_size=3)
            if isinstance(value, list)
            else maybe(value),
            label=name,
        )
        for name, value in valid.items()
    }
    form["groups_welcome"] = data.draw(maybe("y"), label="groups_welcome")
    form["max_group_size"] = data.draw(maybe("8"), label="max_group_size")
    client = login_as(setup.manager)
    before = row_counts()
    assert_survives(client.post(f"/org/{setup.organisation.slug}/roles/new", data=form), before)


@HOSTILE
@given(action=maybe("reject"), comment=HOSTILE_TEXT)
def test_hostile_status_changes_never_break_the_page(setup, login_as, action, comment):
    role = make_role(setup.organisation, status="pending-review")
    client = login_as(setup.staff)
    before = row_counts()
    response = client.post(
        f"/roles/{role.slug}/status", data={"action": action, "comment": comment}
    )
    assert_survives(response, before)


# --- Editing -------------------------------------------------------------------------------------


def created_role(setup: Setup, client: Any, **changes: Any) -> Role:
    response = client.post(
        f"/org/{setup.organisation.slug}/roles/new", data=role_form(setup, **changes)
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(select(Role).order_by(Role.id.desc())).first()  # type: ignore[return-value]


def published_role(setup: Setup, client: Any, **changes: Any) -> Role:
    role = created_role(setup, client, **changes)
    role.status = RoleStatus.PUBLISHED
    role.published_at = datetime(2026, 1, 10, 9, tzinfo=UTC)
    db.session.commit()
    return role


def test_the_edit_form_shows_the_role_and_saves_changes(setup, login_as):
    client = login_as(setup.coordinator)
    role = created_role(setup, client)
    page = client.get(f"/roles/{role.slug}/edit").get_data(as_text=True)
    assert 'value="Reading buddy"' in page and "SK5 6UG" in page
    assert 'id="periods-15" value="saturday-morning" checked' in page
    assert "This role is published" not in page

    response = client.post(
        f"/roles/{role.slug}/edit", data=role_form(setup, title="Story time helper")
    )

    assert response.status_code == 302
    assert role.title == "Story time helper" and role.status == RoleStatus.DRAFT
    assert events("role.updated")[-1].detail["fields"] == ["title"]


def test_a_wording_edit_keeps_a_published_role_published(setup, login_as):
    client = login_as(setup.coordinator)
    role = published_role(setup, client)
    assert "This role is published" in client.get(f"/roles/{role.slug}/edit").get_data(as_text=True)
    changes = {"summary": "Read stories with children.", "places": "6", "ends_on": "2030-12-30"}

    response = client.post(f"/roles/{role.slug}/edit", data=role_form(setup, **changes))

    assert response.status_code == 302
    assert role.status == RoleStatus.PUBLISHED and role.places == 6
    assert "Your changes have been saved." in client.get(f"/roles/{role.slug}/manage").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"dbs_level": "enhanced"},
        {"minimum_age": "18"},
        {"requirements": []},
        {"groups_welcome": "y", "max_group_size": "10"},
        {"decided_by": "hub"},
        {"attendance": "remote", "address": "", "postcode": ""},
    ],
)
def test_a_safeguarding_edit_sends_a_published_role_back_to_review(setup, login_as, changes):
    client = login_as(setup.coordinator)
    role = published_role(setup, client)

    response = client.post(f"/roles/{role.slug}/edit", data=role_form(setup, **changes))

    assert response.status_code == 302
    assert role.status == RoleStatus.PENDING_REVIEW
    [event] = events("role.pending-review")
    assert event.actor_id == setup.coordinator.id and event.detail["previous"] == "published"
    page = client.get(f"/roles/{role.slug}/manage").get_data(as_text=True)
    assert "until the hub has reviewed it again" in page


def test_staff_edit_safeguarding_details_without_unpublishing(setup, login_as):
    role = published_role(setup, login_as(setup.manager))
    client = login_as(setup.staff)
    assert "This role is published" not in client.get(f"/roles/{role.slug}/edit").get_data(
        as_text=True
    )
    client.post(f"/roles/{role.slug}/edit", data=role_form(setup, dbs_level="enhanced"))
    assert (role.status, role.dbs_level) == (RoleStatus.PUBLISHED, "enhanced")


def test_a_stored_date_in_the_past_may_stay_but_a_new_one_may_not(setup, login_as):
    client = login_as(setup.manager)
    role = created_role(setup, client)
    role.starts_on, role.ends_on, role.apply_by = date(2020, 1, 1), date(2020, 6, 1), None
    db.session.commit()
    keep = role_form(setup, starts_on="2020-01-01", ends_on="2020-06-01", apply_by="")
    assert client.post(f"/roles/{role.slug}/edit", data=keep).status_code == 302
    move = role_form(setup, starts_on="2020-01-01", ends_on="2020-07-01", apply_by="")
    assert client.post(f"/roles/{role.slug}/edit", data=move).status_code == 422


@pytest.mark.parametrize("status", ["rejected", "archived"])
def test_rejected_and_archived_roles_cannot_be_edited(setup, login_as, status):
    role = make_role(setup.organisation, status=status)
    client = login_as(setup.manager)
    before = row_counts()
    for response in (
        client.get(f"/roles/{role.slug}/edit"),
        client.post(f"/roles/{role.slug}/edit", data=role_form(setup)),
    ):
        assert response.status_code == 403
        assert "can no longer be changed" in response.get_data(as_text=True)
    assert row_counts() == before


# --- Moderation ----------------------------------------------------------------------------------


def test_the_whole_journey_through_review_is_audited_and_emailed(setup, login_as):
    coordinator = login_as(setup.coordinator)
    role = created_role(setup, coordinator)
    page = coordinator.get(f"/roles/{role.slug}/manage").get_data(as_text=True)
    assert 'value="submit"' in page and 'value="publish"' not in page

    assert act(coordinator, role, "submit").status_code == 302
    assert role.status == RoleStatus.PENDING_REVIEW
    assert outbox() == []  # nobody is emailed of their own action

    staff = login_as(setup.staff)
    page = staff.get(f"/roles/{role.slug}/manage").get_data(as_text=True)
    assert all(f'value="{a}"' in page for a in ("publish", "request_changes", "reject"))
    assert (
        act(staff, role, "request_changes", "Please add the\nnearest bus stop.").status_code == 302
    )
    assert (role.status, role.status_comment) == (
        RoleStatus.CHANGES_REQUESTED,
        "Please add the\nnearest bus stop.",
    )
    [message] = outbox()  # to the manager only, not to the coordinate-level member
    assert message.to_address == "mona@library.example"
    assert "Please add the\nnearest bus stop." in message.body_text
    assert link_in(message) == f"/roles/{role.slug}/manage"

    coordinator = login_as(setup.coordinator)
    page = coordinator.get(f"/roles/{role.slug}/manage").get_data(as_text=True)
    assert "Comment from the hub" in page and "Please add the<br>nearest bus stop." in page
    assert act(coordinator, role, "submit").status_code == 302

    staff = login_as(setup.staff)
    assert act(staff, role, "publish").status_code == 302
    assert role.status == RoleStatus.PUBLISHED and role.published_at is not None
    assert "is published" in outbox()[-1].subject

    coordinator = login_as(setup.coordinator)
    for action, status in (
        ("close", RoleStatus.CLOSED),
        ("reopen", RoleStatus.PENDING_REVIEW),
    ):
        assert act(coordinator, role, action).status_code == 302
        assert role.status == status
    act(login_as(setup.staff), role, "publish")
    coordinator = login_as(setup.coordinator)
    act(coordinator, role, "close")
    assert act(coordinator, role, "archive").status_code == 302
    assert role.status == RoleStatus.ARCHIVED

    trail = [
        (e.action, e.actor_id, e.detail["previous"])
        for e in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "Role", AuditEvent.action != "role.created")
            .order_by(AuditEvent.id)
        )
    ]
    c, s = setup.coordinator.id, setup.staff.id
    assert trail == [
        ("role.pending-review", c, "draft"),
        ("role.changes-requested", s, "pending-review"),
        ("role.pending-review", c, "changes-requested"),
        ("role.published", s, "pending-review"),
        ("role.closed", c, "published"),
        ("role.pending-review", c, "closed"),
        ("role.published", s, "pending-review"),
        ("role.closed", c, "published"),
        ("role.archived", c, "closed"),
    ]
    page = login_as(setup.coordinator).get(f"/roles/{role.slug}/manage").get_data(as_text=True)
    assert "Sam Staff" in page and "Cody Coordinator" in page and "Changes requested" in page
    assert 'value="' not in page.split('<h2 class="h4 mt-4">Details')[0].split("Status:")[1]


def test_staff_reject_with_a_reason_and_the_managers_are_told(setup, login_as):
    role = make_role(setup.organisation, status="pending-review")
    assert (
        act(login_as(setup.staff), role, "reject", "We cannot advertise paid work.").status_code
        == 302
    )
    assert role.status == RoleStatus.REJECTED
    [message] = outbox()
    assert message.to_address == setup.manager.email and "not been published" in message.subject
    assert "We cannot advertise paid work." in message.body_text
    [event] = events("role.rejected")
    assert event.detail["comment"] == "We cannot advertise paid work."


REFUSED = [
    ("draft", "publish", "coordinator", "A role that is draft cannot be published"),
    ("pending-review", "publish", "coordinator", "Only hub staff can publish"),
    ("pending-review", "request_changes", "coordinator", "Only hub staff"),
    ("pending-review", "reject", "manager", "Only hub staff"),
    ("pending-review", "request_changes", "staff", "Write a comment for the organisation"),
    ("pending-review", "reject", "staff", "Write a comment for the organisation"),
    ("draft", "archive", "manager", "cannot be archived"),
    ("draft", "close", "staff", "cannot be closed"),
    ("published", "submit", "manager", "Only a draft, or a role the hub asked to change"),
    ("published", "reopen", "manager", "Only a closed role can be reopened"),
    ("published", "publish", "staff", "cannot be published"),
    ("closed", "publish", "staff", "cannot be published"),
    ("rejected", "submit", "manager", "Only a draft"),
    ("archived", "reopen", "staff", "Only a closed role"),
    ("pending-review", "self-destruct", "staff", "Choose what to do with the role"),
    ("draft", "", "manager", "Choose what to do with the role"),
]


@pytest.mark.parametrize(("status", "action", "who", "message"), REFUSED)
def test_refused_moves_show_the_reason_and_change_nothing(
    setup, login_as, status, action, who, message
):
    role = make_role(setup.organisation, status=status)
    client = login_as(getattr(setup, who))
    before = row_counts()

    response = act(client, role, action)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Error: " in page and 'class="error-summary"' in page
    assert message in page
    assert row_counts() == before
    assert role.status == status


def test_a_missing_comment_is_linked_to_the_comment_box(setup, login_as):
    role = make_role(setup.organisation, status="pending-review")
    page = act(login_as(setup.staff), role, "reject", "   ").get_data(as_text=True)
    assert '<a href="#comment">Write a comment for the organisation' in page
    assert 'id="comment"' in page


def test_a_role_past_its_dates_cannot_be_reopened_or_published(setup, login_as):
    closed = make_role(setup.organisation, status="closed", ends_on=date(2020, 1, 1))
    waiting = make_role(setup.organisation, status="pending-review", apply_by=date(2020, 1, 1))
    assert "edit the dates first" in act(login_as(setup.manager), closed, "reopen").get_data(
        as_text=True
    )
    assert act(login_as(setup.staff), waiting, "publish").status_code == 422
    assert (closed.status, waiting.status) == ("closed", "pending-review")


def test_another_organisations_coordinator_can_neither_see_nor_change_drafts(setup, login_as):
    draft = make_role(setup.organisation, title="Secret draft", status="draft")
    client = login_as(setup.outsider)
    before = row_counts()
    for response in (
        client.get(f"/roles/{draft.slug}/manage"),
        client.get(f"/roles/{draft.slug}/edit"),
        client.post(f"/roles/{draft.slug}/edit", data=role_form(setup, title="Hijacked")),
        act(client, draft, "submit"),
        client.post(f"/roles/{draft.slug}/confirm-current"),
    ):
        assert response.status_code == 404
        assert "Secret draft" not in response.get_data(as_text=True)
    assert row_counts() == before
    assert (draft.title, draft.status) == ("Secret draft", "draft")


def test_the_description_preview_is_inert(setup, login_as):
    role = make_role(
        setup.organisation,
        status="draft",
        description='<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="y">',
    )
    page = login_as(setup.manager).get(f"/roles/{role.slug}/manage").get_data(as_text=True)
    preview = page.split("How the description will look")[1].split("History")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview
    assert "<script" not in preview and "<img" not in preview and "<a " not in preview


# --- Keeping adverts current ---------------------------------------------------------------------


def test_still_up_to_date_restarts_the_six_months(setup, login_as):
    role = make_role(setup.organisation, published_at=datetime(2026, 1, 10, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False):
        response = login_as(setup.coordinator).post(f"/roles/{role.slug}/confirm-current")
    assert response.status_code == 302
    assert role.reviewed_by_organisation_at == datetime(2026, 3, 1, 12, tzinfo=UTC)
    assert [e.actor_id for e in events("role.confirmed_current")] == [setup.coordinator.id]


def test_closing_finished_roles_uses_the_hubs_local_date(setup, login_as):
    def published(**dates: date) -> Role:
        return make_role(setup.organisation, **dates)

    deadline_passed = published(apply_by=date(2026, 6, 30))
    ended = published(ends_on=date(2026, 6, 30))
    closes_today = published(apply_by=date(2026, 7, 1))
    no_dates = published()
    draft = make_role(setup.organisation, status="draft", apply_by=date(2026, 6, 1))

    with time_machine.travel(datetime(2026, 6, 30, 22, 30, tzinfo=UTC), tick=False):
        assert close_finished_roles() == "closed 0 roles"  # 23:30 on 30 June in London
    with time_machine.travel(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), tick=False):
        assert close_finished_roles() == "closed 2 roles"  # 00:30 on 1 July in London
        assert close_finished_roles() == "closed 0 roles"

    assert (deadline_passed.status, ended.status) == ("closed", "closed")
    assert {closes_today.status, no_dates.status, draft.status} == {"published", "draft"}
    closed = events("role.closed")
    assert [e.subject_id for e in closed] == [deadline_passed.id, ended.id]
    assert all(e.actor_id is None and e.detail["automatic"] for e in closed)
    page = login_as(setup.manager).get(f"/roles/{ended.slug}/manage").get_data(as_text=True)
    assert "The hub, automatically" in page and "closing date or end date has passed" in page


def run_reminders_at(moment: datetime) -> str:
    with time_machine.travel(moment, tick=False):
        return remind_stale_roles()


def test_stale_roles_are_reminded_once_per_six_months(setup, login_as):
    role = make_role(setup.organisation, published_at=datetime(2026, 1, 10, 9, tzinfo=UTC))
    make_role(
        setup.other_organisation, published_at=datetime(2026, 6, 1, tzinfo=UTC)
    )  # checked recently
    mona = "mona@library.example"

    assert run_reminders_at(datetime(2026, 7, 10, 8, tzinfo=UTC)) == NONE  # 08:00: not yet
    assert run_reminders_at(datetime(2026, 7, 10, 10, tzinfo=UTC)) == ONE
    assert run_reminders_at(datetime(2026, 7, 10, 10, 5, tzinfo=UTC)) == NONE  # run again
    assert run_reminders_at(datetime(2026, 11, 30, tzinfo=UTC)) == NONE
    [message] = outbox()  # to the manager only, not the coordinator, not the other group
    assert message.to_address == mona
    assert "need a refresh?" in message.subject and "10 January 2026" in message.body_text
    assert link_in(message) == f"/roles/{role.slug}/manage"

    run_reminders_at(datetime(2027, 1, 10, 10, tzinfo=UTC))  # a second six months unchecked
    assert len(outbox(mona)) == 2

    with time_machine.travel(datetime(2027, 1, 11, 12, tzinfo=UTC), tick=False):
        login_as(setup.coordinator).post(f"/roles/{role.slug}/confirm-current")
    run_reminders_at(datetime(2027, 7, 11, 11, tzinfo=UTC))
    assert len(outbox(mona)) == 2
    run_reminders_at(datetime(2027, 7, 11, 13, tzinfo=UTC))
    run_reminders_at(datetime(2027, 7, 12, tzinfo=UTC))
    assert len(outbox(mona)) == 3


NONE = "reminded the organisations of 0 roles"
ONE = "reminded the organisations of 1 roles"


def test_editing_a_role_restarts_the_six_months(setup, login_as):
    client = login_as(setup.manager)
    role = published_role(setup, client)  # published 10 January 2026
    with time_machine.travel(datetime(2026, 5, 1, 12, tzinfo=UTC), tick=False):
        client = login_as(setup.manager)  # a session cookie from the future would be refused
        response = client.post(
            f"/roles/{role.slug}/edit", data=role_form(setup, summary="Fresh words.")
        )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert role.status == RoleStatus.PUBLISHED
    assert run_reminders_at(datetime(2026, 10, 31, tzinfo=UTC)) == NONE
    assert run_reminders_at(datetime(2026, 11, 2, tzinfo=UTC)) == ONE


# --- The staff queue -----------------------------------------------------------------------------


def submitted(role: Role, moment: datetime, actor: User | None = None) -> None:
    db.session.add(
        AuditEvent(
            action="role.pending-review",
            subject_type="Role",
            subject_id=role.id,
            created_at=moment,
            actor_id=actor.id if actor else None,
        )
    )
    db.session.commit()


def test_the_queue_shows_the_longest_waiting_first_and_filters(setup, login_as):
    marple = setup.other_organisation
    newer = make_role(setup.organisation, title="Newer wait", status="pending-review")
    older = make_role(marple, title="Older wait", status="pending-review")
    submitted(newer, datetime(2026, 3, 2, tzinfo=UTC))
    submitted(older, datetime(2026, 3, 1, tzinfo=UTC))
    make_role(setup.organisation, title="Live one")
    make_role(marple, title="Marple draft", status="draft")
    client = login_as(setup.staff)

    page = client.get("/staff/roles").get_data(as_text=True)
    order = [page.index(title) for title in ("Older wait", "Newer wait")]
    assert order == sorted(order) and order[-1] < min(
        page.index("Live one"), page.index("Marple draft")
    )
    assert f'href="/roles/{older.slug}/manage"' in page and "1 March 2026" in page

    page = client.get("/staff/roles?status=published").get_data(as_text=True)
    assert "Live one" in page and "Older wait" not in page and "Newer wait" not in page
    page = client.get("/staff/roles?organisation=MARPLE").get_data(as_text=True)
    assert "Older wait" in page and "Marple draft" in page and "Live one" not in page
    page = client.get("/staff/roles?organisation=%25").get_data(as_text=True)
    assert "No roles match" in page
    assert client.get("/staff/roles?status=bogus&page=99").status_code == 200


# --- Query counts --------------------------------------------------------------------------------


def many_roles(organisations: int, category: Category) -> list[Role]:
    """One role per new organisation, in every status; those in review were submitted."""
    statuses = list(RoleStatus)
    roles = []
    for index in range(organisations):
        number = next(_serial)
        organisation = Organisation(
            name=f"Group {number:05d}", slug=f"group-{number}", kind="charity",
            status="approved", contact_email=f"g{number}@org.example",
        )  # fmt: skip
        roles.append(
            Role(
                organisation=organisation, title=f"Role {number}", slug=f"qc-role-{number}",
                summary="Help.", category=category, status=statuses[index % len(statuses)],
            )
        )  # fmt: skip
    db.session.add_all(roles)
    db.session.flush()
    for role in roles:
        if role.status == RoleStatus.PENDING_REVIEW:
            db.session.add(
                AuditEvent(action="role.pending-review", subject_type="Role", subject_id=role.id)
            )
    db.session.commit()
    return roles


def test_the_queue_sends_a_fixed_number_of_queries(setup, client):
    sign_in(client, setup.staff)
    counts = []
    for _ in range(2):
        many_roles(200, setup.category)
        statements = statements_for(client, "/staff/roles?page=2")
        counts.append(len(statements))
    assert counts[0] == counts[1], "\n".join(statements)
    assert counts[1] <= 6, "\n".join(statements)


def test_the_management_page_sends_a_fixed_number_of_queries(setup, client):
    role_id = make_role(setup.organisation, status="draft", locality=make_locality()).id
    sign_in(client, setup.coordinator)
    counts = []
    for round_ in range(2):
        skills = [make_skill() for _ in range(30)]
        needs = [concept("requirement", f"Need {round_}-{index}") for index in range(30)]
        role = db.session.get(Role, role_id)
        role.skills.extend(skills)
        role.concepts.extend(needs)
        role.periods = [RolePeriod(period=p.slug) for p in PERIODS[: 10 * (round_ + 1)]]
        db.session.commit()
        for _ in range(30):
            submitted(role, datetime(2026, 1, 1, tzinfo=UTC), actor=make_staff())
        many_roles(100, setup.category)
        statements = statements_for(client, f"/roles/{role.slug}/manage")
        counts.append(len(statements))
    assert counts[0] == counts[1], "\n".join(statements)
    assert counts[1] <= 12, "\n".join(statements)


def test_the_organisations_buttons_send_no_comment_and_still_work(setup, login_as):
    """A browser sends only `action` from the coordinator's buttons (there is no comment box)."""
    role = make_role(setup.organisation, status="draft", category=setup.category)
    client = login_as(setup.manager)
    response = client.post(f"/roles/{role.slug}/status", data={"action": "submit"})
    assert response.status_code == 302
    db.session.refresh(role)
    assert role.status == "pending-review"


def test_staff_cannot_publish_a_version_they_have_not_seen(setup, login_as):
    """The organisation edits the role after staff opened it: publishing is refused."""
    client = login_as(setup.manager)
    client.post(f"/org/{setup.organisation.slug}/roles/new", data=role_form(setup))
    role = only_role()
    client.post(f"/roles/{role.slug}/status", data={"action": "submit"})
    staff = login_as(setup.staff)
    page = staff.get(f"/roles/{role.slug}/manage").get_data(as_text=True)
    seen = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=5)):
        login_as(setup.manager).post(
            f"/roles/{role.slug}/edit", data=role_form(setup, description="Different words")
        )
        staff = login_as(setup.staff)
        refused = staff.post(f"/roles/{role.slug}/status", data={"action": "publish", "seen": seen})
        assert refused.status_code == 422
        assert "changed this role while you were reading it" in refused.get_data(as_text=True)
        assert role.status == RoleStatus.PENDING_REVIEW
        page = staff.get(f"/roles/{role.slug}/manage").get_data(as_text=True)
        fresh = re.search(r'name="seen" value="([^"]+)"', page).group(1)
        published = staff.post(
            f"/roles/{role.slug}/status", data={"action": "publish", "seen": fresh}
        )
    assert published.status_code == 302
    assert role.status == RoleStatus.PUBLISHED
