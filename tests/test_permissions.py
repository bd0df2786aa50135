"""The permission matrix: every rule in `app.url_map`, for every kind of user, with the status
each must get; and the object-level rules (no volunteer sees another volunteer's records).

Every new rule must be added to `MATRIX`, or `test_every_rule_is_in_the_matrix` fails naming
it. Coordinators are members of an organisation: `COORDINATOR` manages `world.organisation`
(which the organisation and role URLs point at), `OTHER_COORDINATOR` manages another one and
must be kept out of the first one's drafts and pages. `JUDGE` is an ordinary member account
assigned as a judge to the world's award category: away from the awards it is a volunteer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from tests.awards_factories import make_award_category, make_cycle, make_judge, make_nomination
from tests.factories import (
    make_admin,
    make_category,
    make_check,
    make_course,
    make_hours,
    make_locality,
    make_organisation,
    make_placement,
    make_role,
    make_session,
    make_skill,
    make_staff,
    make_user,
    make_value_rate,
)
from tests.helpers import row_counts, tiny_pdf
from volunteer_hub.audit.services import record_event
from volunteer_hub.auth.models import User
from volunteer_hub.certificates.models import Certificate
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db
from volunteer_hub.mail import OutboxEmail
from volunteer_hub.organisations.models import Organisation
from volunteer_hub.placements.models import Placement
from volunteer_hub.roles.models import Role
from volunteer_hub.shifts.models import Shift, ShiftBooking
from volunteer_hub.training.evidence import submit_training
from volunteer_hub.training.models import TrainingBooking
from volunteer_hub.volunteers.models import Check

ANONYMOUS, VOLUNTEER, STAFF, ADMIN = "anonymous", "volunteer", "staff", "admin"
COORDINATOR = "coordinator"  # manages `world.organisation`, the one the URLs point at
OTHER_COORDINATOR = "other coordinator"  # manages another organisation
JUDGE = "judge"  # judges `world.items["awards_category"]`
KINDS = (ANONYMOUS, VOLUNTEER, COORDINATOR, OTHER_COORDINATOR, JUDGE, STAFF, ADMIN)
MEMBERS = (VOLUNTEER, COORDINATOR, OTHER_COORDINATOR, JUDGE)  # accounts at the member level

# Rules that serve files from installed packages, not pages of the hub.
NOT_PAGES = {"static", "bootstrap.static"}

TO_LOGIN = "302 to the sign-in page"
"""The expected answer to an anonymous person on a `login_required` page."""

Expected = int | str
Statuses = dict[str, Expected]


def everyone(status: int) -> Statuses:
    return dict.fromkeys(KINDS, status)


def signed_in(status: int = 200) -> Statuses:
    """Any account: anonymous people are sent to sign in."""
    return {ANONYMOUS: TO_LOGIN, **dict.fromkeys(MEMBERS, status), STAFF: status, ADMIN: status}


def staff_only(status: int = 200) -> Statuses:
    return {ANONYMOUS: TO_LOGIN, **dict.fromkeys(MEMBERS, 403), STAFF: status, ADMIN: status}


def organisation_only(status: int = 200, outsider: int = 403) -> Statuses:
    """The organisation's own coordinators and hub staff; other accounts get `outsider`."""
    return {
        ANONYMOUS: TO_LOGIN,
        VOLUNTEER: outsider,
        COORDINATOR: status,
        OTHER_COORDINATOR: outsider,
        JUDGE: outsider,
        STAFF: status,
        ADMIN: status,
    }


def own_only(status: int = 200) -> Statuses:
    """The signed-in volunteer's own record (`world.placement`): everyone else gets 404."""
    return {**signed_in(404), VOLUNTEER: status}


def course_providers(status: int = 200) -> Statuses:
    """Staff, and members of an approved organisation (both coordinators): they add courses."""
    return {**signed_in(status), VOLUNTEER: 403, JUDGE: 403}


def hours_deciders(own: int | None = None, status: int = 200) -> Statuses:
    """The role's organisation's coordinators and staff (the verifiers of `world.items
    ["hours"]`), and the volunteer whose hours they are when `own` is given; other accounts
    get 404, as the entry is not theirs to know of."""
    return {
        **signed_in(404),
        VOLUNTEER: own if own is not None else 404,
        COORDINATOR: status,
        STAFF: status,
        ADMIN: status,
    }


def admin_only(status: int = 200) -> Statuses:
    return {ANONYMOUS: TO_LOGIN, **dict.fromkeys(MEMBERS, 403), STAFF: 403, ADMIN: status}


@dataclass
class World:
    """The objects the URLs point at: `volunteer` is the one signed in as a volunteer, `other`
    a second volunteer whose records they must never reach."""

    users: dict[str, User | None]
    other: User
    check: Check
    message: OutboxEmail
    organisation: Organisation
    other_organisation: Organisation
    draft_role: Role
    published_role: Role
    items: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    """One URL of a rule and what each kind of user gets from GET and POST (None: not
    allowed by the rule). A POST sends one stray field, so a form that is reached answers
    with its validation errors (422) and writes nothing."""

    get: Statuses | None = None
    post: Statuses | None = None
    args: Callable[[World], dict[str, Any]] = lambda world: {}


GARBAGE_TOKEN = "not-a-real-token.AAAA.BBBB"

MATRIX: dict[str, list[Case]] = {
    # Public pages.
    "public.home": [Case(get=everyone(200))],
    # Finding roles: search is public; a role's page is public once published, and before
    # that only its organisation's coordinators and staff know it exists (404 for others).
    "discover.roles": [Case(get=everyone(200))],
    "roles.detail": [
        Case(get=everyone(200), args=lambda w: {"slug": w.published_role.slug}),
        Case(
            get={**organisation_only(outsider=404), ANONYMOUS: 404},
            args=lambda w: {"slug": w.draft_role.slug},
        ),
        Case(get=everyone(404), args=lambda w: {"slug": "no-such-role"}),
    ],
    "public.privacy": [Case(get=everyone(200))],
    "public.accessibility": [Case(get=everyone(200))],
    "public.healthz": [Case(get=everyone(200))],
    # Accounts: open to everyone; tokens are checked, not the session.
    "auth.signup": [Case(get=everyone(200), post=everyone(422))],
    "auth.check_email": [Case(get=everyone(200))],
    "auth.resend_verification": [Case(post=everyone(422))],
    "auth.verify_email": [Case(get=everyone(400), args=lambda w: {"token": GARBAGE_TOKEN})],
    "auth.login": [Case(get=everyone(200), post=everyone(422))],
    "auth.logout": [Case(post=everyone(302))],
    "auth.password_reset_request": [Case(get=everyone(200), post=everyone(422))],
    "auth.password_reset": [
        Case(get=everyone(400), post=everyone(400), args=lambda w: {"token": GARBAGE_TOKEN})
    ],
    "auth.confirm_email_change": [Case(get=everyone(400), args=lambda w: {"token": GARBAGE_TOKEN})],
    "auth.change_password": [Case(get=signed_in(), post=signed_in(422))],
    "auth.change_email": [Case(get=signed_in(), post=signed_in(422))],
    # The signed-in person's own pages: there is no URL naming another person.
    "volunteers.account": [Case(get=signed_in())],
    "volunteers.edit_profile": [Case(get=signed_in(), post=signed_in(422))],
    "volunteers.export": [Case(get=signed_in())],
    "volunteers.delete": [Case(get=signed_in(), post=signed_in(422))],
    # Staff pages, pointed at the *other* volunteer and their check.
    "staff.dashboard": [Case(get=staff_only())],
    # The hub's report is for staff; an organisation's for its coordinators and staff. A table
    # the report does not have (an organisation's report has no hub sign-ups) is 404.
    "reports.staff_report": [
        Case(get=staff_only()),
        Case(get=staff_only(404), args=lambda w: {"organisation": "no-such-organisation"}),
    ],
    "reports.staff_csv": [
        Case(get=staff_only(), args=lambda w: {"table_slug": "hours-by-category"}),
        Case(get=staff_only(404), args=lambda w: {"table_slug": "no-such-table"}),
    ],
    "reports.staff_pdf": [Case(get=staff_only())],
    "reports.organisation_report": [
        Case(get=organisation_only(), args=lambda w: {"slug": w.organisation.slug}),
    ],
    "reports.organisation_csv": [
        Case(
            get=organisation_only(),
            args=lambda w: {"slug": w.organisation.slug, "table_slug": "hours-by-month"},
        ),
        Case(
            get=organisation_only(404, outsider=403),
            args=lambda w: {"slug": w.organisation.slug, "table_slug": "new-volunteers"},
        ),
    ],
    "reports.organisation_pdf": [
        Case(get=organisation_only(), args=lambda w: {"slug": w.organisation.slug}),
    ],
    "staff.volunteers": [Case(get=staff_only())],
    "staff.volunteer": [
        Case(get=staff_only(), args=lambda w: {"user_id": w.other.id}),
        Case(get=staff_only(404), args=lambda w: {"user_id": 999_999}),
    ],
    "staff.new_check": [
        Case(get=staff_only(), post=staff_only(422), args=lambda w: {"user_id": w.other.id}),
        Case(get=staff_only(404), post=staff_only(404), args=lambda w: {"user_id": 999_999}),
    ],
    "staff.edit_check": [
        Case(get=staff_only(), post=staff_only(422), args=lambda w: {"check_id": w.check.id}),
        Case(get=staff_only(404), post=staff_only(404), args=lambda w: {"check_id": 999_999}),
    ],
    "staff.outbox": [Case(get=staff_only())],
    "staff.outbox_message": [
        Case(get=staff_only(), args=lambda w: {"message_id": w.message.id}),
        Case(get=staff_only(404), args=lambda w: {"message_id": 999_999}),
    ],
    "staff.audit": [Case(get=staff_only())],
    # Admin pages. An access-level POST without a level keeps the current one: no change.
    "staff.users": [Case(get=admin_only())],
    "staff.user_access": [
        Case(get=admin_only(), post=admin_only(422), args=lambda w: {"user_id": w.other.id}),
        Case(get=admin_only(404), post=admin_only(404), args=lambda w: {"user_id": 999_999}),
    ],
    "reference.settings": [Case(get=admin_only(), post=admin_only(422))],
    # Admins keep the hub's hourly values; an unknown rate is 404 to them, 403 to the rest.
    "value_rates.rates": [Case(get=admin_only())],
    "value_rates.new_rate": [Case(get=admin_only(), post=admin_only(422))],
    "value_rates.edit_rate": [
        Case(
            get=admin_only(),
            post=admin_only(422),
            args=lambda w: {"rate_id": w.items["value_rate"].id},
        ),
        Case(get=admin_only(404), post=admin_only(404), args=lambda w: {"rate_id": 999_999}),
    ],
    # Reference lists, for each kind; an unknown kind is 404 for staff.
    "reference.items": [
        Case(get=staff_only(), args=lambda w: {"kind": "categories"}),
        Case(get=staff_only(), args=lambda w: {"kind": "localities"}),
        Case(get=staff_only(), args=lambda w: {"kind": "skills"}),
        Case(get=staff_only(), args=lambda w: {"kind": "decline-messages"}),
        Case(get=staff_only(404), args=lambda w: {"kind": "volunteers"}),
    ],
    "reference.new_item": [
        Case(get=staff_only(), post=staff_only(422), args=lambda w: {"kind": "categories"}),
        Case(get=staff_only(), post=staff_only(422), args=lambda w: {"kind": "localities"}),
        Case(get=staff_only(), post=staff_only(422), args=lambda w: {"kind": "skills"}),
        Case(get=staff_only(), post=staff_only(422), args=lambda w: {"kind": "decline-messages"}),
        Case(get=staff_only(404), post=staff_only(404), args=lambda w: {"kind": "users"}),
    ],
    "reference.edit_item": [
        Case(
            get=staff_only(),
            post=staff_only(422),
            args=lambda w: {"kind": "categories", "item_id": w.items["categories"].id},
        ),
        Case(
            get=staff_only(),
            post=staff_only(422),
            args=lambda w: {"kind": "localities", "item_id": w.items["localities"].id},
        ),
        Case(
            get=staff_only(),
            post=staff_only(422),
            args=lambda w: {"kind": "skills", "item_id": w.items["skills"].id},
        ),
        Case(
            get=staff_only(404),
            post=staff_only(404),
            args=lambda w: {"kind": "skills", "item_id": 999_999},
        ),
    ],
    # Organisations. Public pages show approved ones only; one that is not approved is unknown
    # (404) to everyone outside it, even at its own pages' URLs.
    "organisations.directory": [Case(get=everyone(200))],
    "organisations.detail": [
        Case(get=everyone(200), args=lambda w: {"slug": w.organisation.slug}),
        Case(
            get={**everyone(404), COORDINATOR: 200, STAFF: 200, ADMIN: 200},
            args=lambda w: {"slug": w.items["pending_organisation"].slug},
        ),
        Case(get=everyone(404), args=lambda w: {"slug": "no-such-organisation"}),
    ],
    "organisations.register": [Case(get=everyone(200), post=everyone(422))],
    "organisations.registered": [Case(get=everyone(200))],
    "organisations.manage": [
        Case(get=organisation_only(), args=lambda w: {"slug": w.organisation.slug}),
        Case(
            get=organisation_only(outsider=404),
            args=lambda w: {"slug": w.items["pending_organisation"].slug},
        ),
    ],
    "organisations.edit": [
        Case(
            get=organisation_only(),
            post=organisation_only(422),
            args=lambda w: {"slug": w.organisation.slug},
        ),
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"slug": w.items["pending_organisation"].slug},
        ),
    ],
    "organisations.members": [
        Case(get=organisation_only(), args=lambda w: {"slug": w.organisation.slug}),
        Case(
            get=organisation_only(outsider=404),
            args=lambda w: {"slug": w.items["pending_organisation"].slug},
        ),
    ],
    "organisations.invite": [
        Case(post=organisation_only(422), args=lambda w: {"slug": w.organisation.slug}),
        Case(
            post=organisation_only(422, outsider=404),
            args=lambda w: {"slug": w.items["pending_organisation"].slug},
        ),
    ],
    # The coordinator is the organisation's only manager: removing them is refused (422);
    # a membership of another organisation is not found through this one's URL.
    "organisations.remove_member": [
        Case(
            post=organisation_only(422),
            args=lambda w: {
                "slug": w.organisation.slug,
                "membership_id": w.organisation.memberships[0].id,
            },
        ),
        Case(
            post=organisation_only(404),
            args=lambda w: {
                "slug": w.organisation.slug,
                "membership_id": w.other_organisation.memberships[0].id,
            },
        ),
    ],
    "organisations.accept_invitation": [
        Case(get=everyone(400), post=everyone(400), args=lambda w: {"token": GARBAGE_TOKEN})
    ],
    "organisations.queue": [Case(get=staff_only())],
    "organisations.review": [
        Case(get=staff_only(), args=lambda w: {"slug": w.items["pending_organisation"].slug}),
        Case(get=staff_only(404), args=lambda w: {"slug": "no-such-organisation"}),
    ],
    "organisations.decide": [
        Case(post=staff_only(422), args=lambda w: {"slug": w.items["pending_organisation"].slug})
    ],
    "organisations.create": [Case(get=staff_only(), post=staff_only(422))],
    # Writing and moderating roles: the organisation's members and staff. Others do not
    # learn that a role's management pages exist (404), whatever the role's status.
    "roles.new": [
        Case(
            get=organisation_only(),
            post=organisation_only(422),
            args=lambda w: {"slug": w.organisation.slug},
        ),
        Case(
            get={**signed_in(404), ANONYMOUS: TO_LOGIN},
            post={**signed_in(404), ANONYMOUS: TO_LOGIN},
            args=lambda w: {"slug": "no-such-organisation"},
        ),
    ],
    "roles.manage": [
        Case(get=organisation_only(outsider=404), args=lambda w: {"slug": w.draft_role.slug}),
        Case(get=organisation_only(outsider=404), args=lambda w: {"slug": w.published_role.slug}),
    ],
    "roles.edit": [
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"slug": w.draft_role.slug},
        ),
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"slug": w.published_role.slug},
        ),
    ],
    # With no action chosen, the management page comes back with the error (422).
    "roles.change_status": [
        Case(post=organisation_only(422, outsider=404), args=lambda w: {"slug": w.draft_role.slug}),
        Case(
            post=organisation_only(422, outsider=404),
            args=lambda w: {"slug": w.published_role.slug},
        ),
    ],
    # Only a published role can be confirmed as up to date: a draft's page says so (422).
    "roles.confirm_current": [
        Case(post=organisation_only(422, outsider=404), args=lambda w: {"slug": w.draft_role.slug}),
        Case(
            post=organisation_only(302, outsider=404),
            args=lambda w: {"slug": w.published_role.slug},
        ),
    ],
    "roles.queue": [Case(get=staff_only())],
    # Open data and the embed: public, and only ever about published roles.
    "discover.roles_atom": [Case(get=everyone(200))],
    "discover.volunteeringdata": [Case(get=everyone(200))],
    "discover.embed_roles": [Case(get=everyone(200))],
    # Applying: any account may apply to a published role (these volunteers have no date of
    # birth, so a role with a minimum age refuses the application: 422); a draft role is
    # unknown outside its organisation and takes no applications inside it.
    "placements.apply": [
        Case(
            get=signed_in(), post=signed_in(422), args=lambda w: {"slug": w.items["aged_role"].slug}
        ),
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"slug": w.draft_role.slug},
        ),
    ],
    # A volunteer's own placements: nobody else reaches them, staff included (they use the
    # deciders' pages). The answer and withdraw forms without their fields change nothing.
    "placements.dashboard": [Case(get=signed_in())],
    "placements.mine": [
        Case(get=own_only(), args=lambda w: {"placement_id": w.items["placement"].id}),
        Case(get=signed_in(404), args=lambda w: {"placement_id": w.items["other_placement"].id}),
    ],
    "placements.answer": [
        Case(post=own_only(422), args=lambda w: {"placement_id": w.items["placement"].id}),
        Case(post=signed_in(404), args=lambda w: {"placement_id": w.items["other_placement"].id}),
    ],
    "placements.offer": [
        Case(post=own_only(422), args=lambda w: {"placement_id": w.items["placement"].id}),
        Case(post=signed_in(404), args=lambda w: {"placement_id": w.items["other_placement"].id}),
    ],
    "placements.withdraw": [
        Case(post=own_only(422), args=lambda w: {"placement_id": w.items["placement"].id}),
        Case(post=signed_in(404), args=lambda w: {"placement_id": w.items["other_placement"].id}),
    ],
    # The deciders' pages: the role's organisation and staff; nobody else learns they exist.
    "deciding.applicants": [
        Case(get=organisation_only(outsider=404), args=lambda w: {"slug": w.published_role.slug}),
    ],
    "deciding.questions": [
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(302, outsider=404),
            args=lambda w: {"slug": w.draft_role.slug},
        ),
    ],
    "deciding.applicants_csv": [
        Case(get=organisation_only(outsider=404), args=lambda w: {"slug": w.published_role.slug}),
    ],
    "deciding.review": [
        Case(
            get=organisation_only(outsider=404),
            args=lambda w: {"placement_id": w.items["placement"].id},
        ),
        Case(get=signed_in(404), args=lambda w: {"placement_id": 999_999}),
    ],
    "deciding.decide": [
        Case(
            post=organisation_only(422, outsider=404),
            args=lambda w: {"placement_id": w.items["placement"].id},
        ),
    ],
    # Staff's queue of applications across every organisation; a bulk approval that names
    # no applications answers with the error (422).
    "deciding.queue": [Case(get=staff_only())],
    "deciding.bulk_approve": [Case(post=staff_only(422))],
    # Shifts: the organisation makes them and takes the register; a stray post to their
    # forms answers with the errors. Booking needs an approved application (these are not:
    # 422); cancelling is the booker's own. A shift's calendar file is as public as its role.
    "shifts.manage": [
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"slug": w.published_role.slug},
        ),
    ],
    "shifts.roster": [
        Case(
            get=organisation_only(outsider=404),
            args=lambda w: {"shift_id": w.items["shift"].id},
        ),
        Case(get=signed_in(404), args=lambda w: {"shift_id": 999_999}),
    ],
    "shifts.attendance": [
        Case(
            post=organisation_only(422, outsider=404),
            args=lambda w: {"shift_id": w.items["shift"].id},
        ),
    ],
    "shifts.book": [Case(post=signed_in(422), args=lambda w: {"shift_id": w.items["shift"].id})],
    "shifts.cancel": [
        Case(post=own_only(302), args=lambda w: {"booking_id": w.items["booking"].id}),
        Case(post=signed_in(404), args=lambda w: {"booking_id": 999_999}),
    ],
    "shifts.ics": [
        Case(get=everyone(200), args=lambda w: {"shift_id": w.items["shift"].id}),
        Case(get=everyone(404), args=lambda w: {"shift_id": 999_999}),
    ],
    "shifts.feed": [Case(get=everyone(404), args=lambda w: {"token": "not-a-real-token"})],
    "shifts.my_calendar": [Case(get=signed_in())],
    "shifts.reset_calendar": [Case(post=signed_in(302))],
    # Training. The calendar, sessions and courses are public; booking is for any account
    # (Ann is already booked: 422), cancelling and taking up an offer are the booker's own
    # (Ann's booking is not an offer: 422). Courses are managed by staff (the hub's) and
    # their organisation's members; registers by those and the people running the session.
    "training.calendar": [Case(get=everyone(200))],
    "training.session": [
        Case(get=everyone(200), args=lambda w: {"session_id": w.items["session"].id}),
        Case(get=everyone(404), args=lambda w: {"session_id": 999_999}),
    ],
    "training.session_ics": [
        Case(get=everyone(200), args=lambda w: {"session_id": w.items["session"].id}),
        Case(get=everyone(404), args=lambda w: {"session_id": 999_999}),
    ],
    "training.book": [
        Case(
            post={**signed_in(302), VOLUNTEER: 422},
            args=lambda w: {"session_id": w.items["session"].id},
        ),
        Case(post=signed_in(404), args=lambda w: {"session_id": 999_999}),
    ],
    "training.cancel": [
        Case(post=own_only(302), args=lambda w: {"booking_id": w.items["training_booking"].id}),
        Case(post=signed_in(404), args=lambda w: {"booking_id": 999_999}),
    ],
    "training.accept": [
        Case(post=own_only(422), args=lambda w: {"booking_id": w.items["training_booking"].id}),
    ],
    "training.mine": [Case(get=signed_in())],
    "courses.courses": [Case(get=course_providers())],
    "courses.new_course": [Case(get=course_providers(), post=course_providers(422))],
    "courses.course": [
        Case(get=everyone(200), args=lambda w: {"course_id": w.items["course"].id}),
        Case(get=everyone(404), args=lambda w: {"course_id": 999_999}),
    ],
    "courses.edit_course": [
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"course_id": w.items["course"].id},
        ),
        Case(
            get={**staff_only(), **dict.fromkeys(MEMBERS, 404)},
            post={**staff_only(422), **dict.fromkeys(MEMBERS, 404)},
            args=lambda w: {"course_id": w.items["hub_course"].id},
        ),
    ],
    "courses.new_session": [
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"course_id": w.items["course"].id},
        ),
    ],
    "courses.edit_session": [
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"session_id": w.items["session"].id},
        ),
        Case(get=signed_in(404), post=signed_in(404), args=lambda w: {"session_id": 999_999}),
    ],
    "courses.cancel_session": [
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"session_id": w.items["session"].id},
        ),
        Case(get=signed_in(404), post=signed_in(404), args=lambda w: {"session_id": 999_999}),
    ],
    "courses.register": [
        Case(
            get=organisation_only(outsider=404),
            args=lambda w: {"session_id": w.items["session"].id},
        ),
        Case(get=signed_in(404), args=lambda w: {"session_id": 999_999}),
    ],
    "courses.attendance": [
        Case(
            post=organisation_only(422, outsider=404),
            args=lambda w: {"session_id": w.items["session"].id},
        ),
    ],
    # Training done elsewhere: anyone may send theirs with evidence (a stray post: 422);
    # the file is its owner's and staff's alone; staff check submissions and record training
    # for a volunteer.
    "evidence.submit": [Case(get=signed_in(), post=signed_in(422))],
    "evidence.download": [
        Case(
            get={**signed_in(404), VOLUNTEER: 200, STAFF: 200, ADMIN: 200},
            args=lambda w: {"record_id": w.items["submitted_record"].id},
        ),
        Case(get=signed_in(404), args=lambda w: {"record_id": 999_999}),
    ],
    "evidence.queue": [Case(get=staff_only())],
    "evidence.review": [
        Case(
            get=staff_only(),
            post=staff_only(422),
            args=lambda w: {"record_id": w.items["submitted_record"].id},
        ),
        Case(get=staff_only(404), post=staff_only(404), args=lambda w: {"record_id": 999_999}),
    ],
    "evidence.record_elsewhere": [
        Case(get=staff_only(), post=staff_only(422), args=lambda w: {"user_id": w.other.id}),
        Case(get=staff_only(404), post=staff_only(404), args=lambda w: {"user_id": 999_999}),
    ],
    "training_staff.expiring": [Case(get=staff_only())],
    "training_staff.expiring_csv": [Case(get=staff_only())],
    "training_staff.gaps": [Case(get=staff_only())],
    "training_staff.gaps_csv": [Case(get=staff_only())],
    # Hours: the volunteer's own pages.
    "hours.mine": [Case(get=signed_in())],
    "hours.entry": [
        Case(get=hours_deciders(own=200), args=lambda w: {"entry_id": w.items["hours"].id}),
        Case(get=signed_in(404), args=lambda w: {"entry_id": 999_999}),
        Case(get=hours_deciders(), args=lambda w: {"entry_id": w.items["other_hours"].id}),
    ],
    # Logging: anyone signed in may keep a volunteer profile; with no placement the page
    # says how to get one, and a stray POST is refused with the form's errors.
    "hours.log": [Case(get=signed_in(), post=signed_in(422))],
    # Only the entry's volunteer corrects it, while it waits or is queried.
    "hours.edit": [
        Case(
            get=own_only(),
            post=own_only(422),
            args=lambda w: {"entry_id": w.items["hours"].id},
        ),
        Case(
            get=signed_in(404),
            post=signed_in(404),
            args=lambda w: {"entry_id": w.items["other_hours"].id},
        ),
        Case(get=signed_in(404), post=signed_in(404), args=lambda w: {"entry_id": 999_999}),
    ],
    # End of the volunteer's hours pages.
    #
    # Hours: verification by the organisation's coordinators and hub staff.
    # The organisation's pages are like its other /org pages (outsiders 403; 404 while it is
    # not approved); a stray post to a form answers with its errors. Deciding an entry: its
    # verifiers (a post without a decision: 422); the volunteer whose hours they are is
    # refused (403); anyone else does not learn the entry exists (404). Only staff reverse.
    "hours_verify.org_list": [
        Case(get=organisation_only(), args=lambda w: {"slug": w.organisation.slug}),
        Case(
            get=organisation_only(outsider=404),
            args=lambda w: {"slug": w.items["pending_organisation"].slug},
        ),
    ],
    "hours_verify.org_bulk_approve": [
        Case(post=organisation_only(422), args=lambda w: {"slug": w.organisation.slug}),
    ],
    "hours_verify.log_for": [
        Case(
            get=organisation_only(),
            post=organisation_only(422),
            args=lambda w: {"slug": w.organisation.slug},
        ),
    ],
    "hours_verify.grid": [
        Case(
            get=organisation_only(),
            post=organisation_only(422),
            args=lambda w: {"slug": w.organisation.slug},
        ),
    ],
    "hours_verify.org_totals": [
        Case(get=organisation_only(), args=lambda w: {"slug": w.organisation.slug}),
    ],
    "hours_verify.decide": [
        Case(
            post=hours_deciders(own=403, status=422),
            args=lambda w: {"entry_id": w.items["hours"].id},
        ),
        Case(post=signed_in(404), args=lambda w: {"entry_id": 999_999}),
    ],
    "hours_verify.reverse": [
        Case(
            post={**hours_deciders(own=403, status=403), STAFF: 422, ADMIN: 422},
            args=lambda w: {"entry_id": w.items["hours"].id},
        ),
        Case(post=signed_in(404), args=lambda w: {"entry_id": 999_999}),
    ],
    "hours_verify.staff_queue": [Case(get=staff_only())],
    "hours_verify.staff_bulk_approve": [Case(post=staff_only(422))],
    "hours_verify.staff_totals": [Case(get=staff_only())],
    # End of hours verification.
    #
    # Hours: logging in bulk, importing and exporting.
    # Importing a CSV of hours is for the organisation's members and staff (an approved
    # organisation's outsiders get 403, a pending one's 404); a stray post to the upload or
    # the confirmation has no file: 422. Each person may download their own hours; an
    # organisation's hours are its members' and staff's; the hub's, staff's.
    "hours_files.import_hours": [
        Case(
            get=organisation_only(),
            post=organisation_only(422),
            args=lambda w: {"slug": w.organisation.slug},
        ),
        Case(
            get=organisation_only(outsider=404),
            post=organisation_only(422, outsider=404),
            args=lambda w: {"slug": w.items["pending_organisation"].slug},
        ),
        Case(get=signed_in(404), args=lambda w: {"slug": "no-such-organisation"}),
    ],
    "hours_files.confirm_import": [
        Case(post=organisation_only(422), args=lambda w: {"slug": w.organisation.slug})
    ],
    "hours_files.my_export": [Case(get=signed_in())],
    "hours_files.my_csv": [Case(get=signed_in())],
    "hours_files.organisation_export": [
        Case(get=organisation_only(), args=lambda w: {"slug": w.organisation.slug})
    ],
    "hours_files.organisation_csv": [
        Case(get=organisation_only(), args=lambda w: {"slug": w.organisation.slug}),
        Case(
            get=organisation_only(outsider=404),
            args=lambda w: {"slug": w.items["pending_organisation"].slug},
        ),
    ],
    "hours_files.staff_export": [Case(get=staff_only())],
    "hours_files.staff_csv": [Case(get=staff_only())],
    # End of hours files.
    #
    # --- certificates ---
    # Anyone checks a certificate by its code; its recipient and staff download it (anyone
    # else is told it does not exist); staff revoke (a post without a reason: 422).
    "certificates.verify": [
        Case(get=everyone(200), args=lambda w: {"code": w.items["certificate"].code}),
        Case(get=everyone(404), args=lambda w: {"code": "no-such-code"}),
    ],
    "certificates.download": [
        Case(
            get={**signed_in(404), VOLUNTEER: 200, STAFF: 200, ADMIN: 200},
            args=lambda w: {"code": w.items["certificate"].code},
        ),
        Case(
            get={**signed_in(404), STAFF: 200, ADMIN: 200},
            args=lambda w: {"code": w.items["other_certificate"].code},
        ),
    ],
    "certificates.revoke": [
        Case(post=staff_only(422), args=lambda w: {"code": w.items["certificate"].code})
    ],
    "certificates.mine": [Case(get=signed_in())],
    "certificates.service_record": [Case(post=signed_in(302))],
    "certificates.staff_list": [Case(get=staff_only())],
    "certificates.design": [Case(get=admin_only(), post=admin_only(422))],
    # --- end certificates ---
    #
    # --- awards ---
    # The public pages and nominating are open to everyone; a stray post to the nomination
    # form answers with its errors. The judges' pages are for judges: other accounts get 403
    # at the list and 404 at a nomination they do not judge (a shortlisted one of the
    # judge's category, or one still in review, which no judge sees). Staff run the rest.
    "awards.index": [Case(get=everyone(200))],
    "awards.cycle": [
        Case(get=everyone(200), args=lambda w: {"year": w.items["awards_cycle"].year}),
        Case(get=everyone(404), args=lambda w: {"year": 1999}),
    ],
    "awards.nominate": [
        Case(
            get=everyone(200),
            post=everyone(422),
            args=lambda w: {"year": w.items["awards_cycle"].year},
        ),
        Case(get=everyone(404), post=everyone(404), args=lambda w: {"year": 1999}),
    ],
    "awards.nominated": [
        Case(get=everyone(200), args=lambda w: {"year": w.items["awards_cycle"].year})
    ],
    "awards.confirm": [Case(get=everyone(400), args=lambda w: {"token": GARBAGE_TOKEN})],
    "awards.judging_list": [Case(get={**signed_in(403), JUDGE: 200})],
    "awards.judge": [
        Case(
            get={**signed_in(404), JUDGE: 200},
            post={**signed_in(404), JUDGE: 422},
            args=lambda w: {"nomination_id": w.items["awards_shortlisted"].id},
        ),
        Case(
            get=signed_in(404),
            post=signed_in(404),
            args=lambda w: {"nomination_id": w.items["awards_submitted"].id},
        ),
        Case(get=signed_in(404), args=lambda w: {"nomination_id": 999_999}),
    ],
    "awards.conflict": [
        Case(
            post={**signed_in(404), JUDGE: 422},
            args=lambda w: {"nomination_id": w.items["awards_shortlisted"].id},
        ),
        Case(post=signed_in(404), args=lambda w: {"nomination_id": 999_999}),
    ],
    "awards.staff_cycles": [Case(get=staff_only())],
    "awards.new_cycle": [Case(get=staff_only(), post=staff_only(422))],
    "awards.staff_cycle": [
        Case(get=staff_only(), args=lambda w: {"year": w.items["awards_cycle"].year}),
        Case(get=staff_only(404), args=lambda w: {"year": 1999}),
    ],
    "awards.edit_cycle": [
        Case(
            get=staff_only(),
            post=staff_only(422),
            args=lambda w: {"year": w.items["awards_cycle"].year},
        ),
        Case(get=staff_only(404), post=staff_only(404), args=lambda w: {"year": 1999}),
    ],
    "awards.new_category": [
        Case(
            get=staff_only(),
            post=staff_only(422),
            args=lambda w: {"year": w.items["awards_cycle"].year},
        ),
    ],
    "awards.edit_category": [
        Case(
            get=staff_only(),
            post=staff_only(422),
            args=lambda w: {"category_id": w.items["awards_category"].id},
        ),
        Case(get=staff_only(404), post=staff_only(404), args=lambda w: {"category_id": 999_999}),
    ],
    "awards.category_nominations": [
        Case(get=staff_only(), args=lambda w: {"category_id": w.items["awards_category"].id}),
        Case(get=staff_only(404), args=lambda w: {"category_id": 999_999}),
    ],
    "awards.assign_judge": [
        Case(post=staff_only(422), args=lambda w: {"category_id": w.items["awards_category"].id}),
        Case(post=staff_only(404), args=lambda w: {"category_id": 999_999}),
    ],
    "awards.remove_judge": [
        Case(
            post=staff_only(422),
            args=lambda w: {"assignment_id": w.items["awards_assignment"].id},
        ),
        Case(post=staff_only(404), args=lambda w: {"assignment_id": 999_999}),
    ],
    "awards.results": [
        Case(get=staff_only(), args=lambda w: {"category_id": w.items["awards_category"].id}),
        Case(get=staff_only(404), args=lambda w: {"category_id": 999_999}),
    ],
    "awards.lock": [
        Case(post=staff_only(422), args=lambda w: {"category_id": w.items["awards_category"].id}),
    ],
    "awards.publish": [
        Case(post=staff_only(422), args=lambda w: {"year": w.items["awards_cycle"].year}),
    ],
    # The ceremony is staff's; its downloads wait until every category is locked (409), and a
    # citation belongs to a nomination with an outcome (the world's has none yet: 404).
    "awards.ceremony_page": [
        Case(get=staff_only(), args=lambda w: {"year": w.items["awards_cycle"].year}),
    ],
    "awards.request_pack": [
        Case(post=staff_only(409), args=lambda w: {"year": w.items["awards_cycle"].year}),
    ],
    "awards.pack_progress": [
        Case(
            get=staff_only(404),
            args=lambda w: {"year": w.items["awards_cycle"].year, "pack_id": 999_999},
        ),
    ],
    "awards.pack_download": [
        Case(
            get=staff_only(404),
            args=lambda w: {"year": w.items["awards_cycle"].year, "pack_id": 999_999},
        ),
    ],
    "awards.running_order_pdf": [
        Case(get=staff_only(409), args=lambda w: {"year": w.items["awards_cycle"].year}),
    ],
    "awards.running_order_csv": [
        Case(get=staff_only(409), args=lambda w: {"year": w.items["awards_cycle"].year}),
    ],
    "awards.citation": [
        Case(
            get=staff_only(404),
            post=staff_only(404),
            args=lambda w: {"nomination_id": w.items["awards_shortlisted"].id},
        ),
    ],
    "awards.nomination": [
        Case(get=staff_only(), args=lambda w: {"nomination_id": w.items["awards_shortlisted"].id}),
        Case(get=staff_only(404), args=lambda w: {"nomination_id": 999_999}),
    ],
    "awards.decide": [
        Case(
            post=staff_only(422),
            args=lambda w: {"nomination_id": w.items["awards_submitted"].id},
        ),
        Case(post=staff_only(404), args=lambda w: {"nomination_id": 999_999}),
    ],
    "awards.merge": [
        Case(
            post=staff_only(422),
            args=lambda w: {"nomination_id": w.items["awards_submitted"].id},
        ),
    ],
    "awards.link": [
        Case(
            post=staff_only(422),
            args=lambda w: {"nomination_id": w.items["awards_submitted"].id},
        ),
    ],
    "awards.outcome": [
        Case(
            post=staff_only(422),
            args=lambda w: {"nomination_id": w.items["awards_shortlisted"].id},
        ),
    ],
    # --- end awards ---
    "api.roles": [Case(get=everyone(200))],
    "api.role": [
        Case(get=everyone(200), args=lambda w: {"role_id": w.published_role.id}),
        Case(get=everyone(404), args=lambda w: {"role_id": w.draft_role.id}),
    ],
    "api.organisations": [Case(get=everyone(200))],
    "api.openapi": [Case(get=everyone(200))],
    "api.not_found": [Case(get=everyone(404), args=lambda w: {"anything": "no/such/thing"})],
}


def pages(app: Flask) -> dict[str, set[str]]:
    """Every rule's endpoint with the methods it answers (HEAD and OPTIONS aside)."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in NOT_PAGES:
            found.setdefault(rule.endpoint, set()).update(
                (rule.methods or set()) - {"HEAD", "OPTIONS"}
            )
    return found


def assert_matrix_covers(app: Flask) -> None:
    """Fail, naming them, for rules missing from the matrix, entries for rules that no longer
    exist, and rules whose methods differ from those the matrix tests."""
    rules = pages(app)
    missing = sorted(set(rules) - set(MATRIX))
    assert not missing, f"Add these endpoints to MATRIX in tests/test_permissions.py: {missing}"
    stale = sorted(set(MATRIX) - set(rules))
    assert not stale, f"MATRIX lists endpoints that no longer exist: {stale}"
    for endpoint, methods in rules.items():
        tested = {
            method
            for case in MATRIX[endpoint]
            for method, statuses in (("GET", case.get), ("POST", case.post))
            if statuses is not None
        }
        assert tested == methods, (
            f"{endpoint} answers {sorted(methods)} but MATRIX tests {sorted(tested)}"
        )


def _placement(role: Role, volunteer: User) -> Placement:
    placement = Placement(role=role, volunteer=volunteer, note="Happy to help")
    db.session.add(placement)
    db.session.commit()
    return placement


def _hours_items(organisation: Organisation, volunteer: User, other: User) -> dict[str, Any]:
    """An approved placement each for the volunteer and the other volunteer, with hours
    waiting to be verified on each."""
    role = make_role(organisation, title="Story time reader")
    placement = make_placement(role, volunteer)
    other_placement = make_placement(role, other)
    today = utcnow().date()
    return {
        "hours_role": role,
        "hours_placement": placement,
        "hours": make_hours(placement, today - timedelta(days=2)),
        "other_hours": make_hours(other_placement, today - timedelta(days=3)),
    }


def _certificate_items(volunteer: User, other: User) -> dict[str, Any]:
    """A milestone certificate each for the volunteer and the other volunteer."""
    items = {
        key: Certificate(
            kind="milestone",
            recipient_id=person.id,
            recipient_name=person.name,
            title="50 hours of volunteering",
            issued_on=utcnow().date(),
            issuer="Riverside Volunteer Hub",
        )
        for key, person in (("certificate", volunteer), ("other_certificate", other))
    }
    db.session.add_all(items.values())
    db.session.commit()
    return items


def _awards_items(judge: User) -> dict[str, Any]:
    """A cycle open for nominations, with a category `judge` judges holding a shortlisted
    nomination and one still in review."""
    cycle = make_cycle(utcnow().year)
    category = make_award_category(cycle, "Volunteer of the year")
    return {
        "awards_cycle": cycle,
        "awards_category": category,
        "awards_assignment": make_judge(category, judge),
        "awards_shortlisted": make_nomination(category, status="shortlisted"),
        "awards_submitted": make_nomination(category),
    }


def make_world() -> World:
    volunteer = make_user(name="Ann Able", email="ann@example.org", phone="+447700900111")
    other = make_user(
        name="Bea Bystander",
        email="bea.private@example.org",
        phone="+447700900982",
        emergency_contact_name="Bertram Bystander",
        emergency_contact_phone="+447700900983",
    )
    staff = make_staff(name="Sam Staff")
    admin = make_admin(name="Ada Admin")
    coordinator = make_user(name="Cora Coordinator", email="cora@library.example")
    other_coordinator = make_user(name="Otto Other", email="otto@elsewhere.example")
    judge = make_user(name="Jude Judge", email="jude@example.org")
    organisation = make_organisation(name="Reddish Community Library", manager=coordinator)
    other_organisation = make_organisation(name="Marple Rotary", manager=other_coordinator)
    draft_role = make_role(organisation, title="Library helper (draft)", status="draft")
    published_role = make_role(organisation, title="Library helper")
    check = make_check(other, checked_by=staff, certificate_number="009988776655")
    message = OutboxEmail(
        to_address=other.email,
        recipient_id=other.id,
        template="verify_email",
        subject="Confirm your email address",
        body_text=f"Hello {other.name}\n",
    )
    db.session.add(message)
    db.session.commit()
    shift = Shift(
        role=published_role,
        starts_at=utcnow() + timedelta(days=30),
        ends_at=utcnow() + timedelta(days=30, hours=3),
        places=4,
    )
    db.session.add(shift)
    placement = _placement(published_role, volunteer)
    booking = ShiftBooking(shift=shift, placement=placement, volunteer=volunteer)
    db.session.add(booking)
    db.session.commit()
    course = make_course(organisation, title="Library system basics")
    session = make_session(course)
    training_booking = TrainingBooking(session=session, volunteer=volunteer)
    db.session.add(training_booking)
    submitted_record = submit_training(
        volunteer, course, utcnow().date(), "first-aid.pdf", tiny_pdf(), "Done at work"
    )
    db.session.commit()
    return World(
        users={
            ANONYMOUS: None,
            VOLUNTEER: volunteer,
            COORDINATOR: coordinator,
            OTHER_COORDINATOR: other_coordinator,
            JUDGE: judge,
            STAFF: staff,
            ADMIN: admin,
        },
        other=other,
        check=check,
        message=message,
        organisation=organisation,
        other_organisation=other_organisation,
        draft_role=draft_role,
        published_role=published_role,
        items={
            "categories": make_category(),
            "localities": make_locality(),
            "skills": make_skill(),
            "pending_organisation": make_organisation(
                name="Heaton Chapel Friends", status="pending", manager=coordinator
            ),
            "aged_role": make_role(organisation, title="Reading buddy", minimum_age=18),
            "shift": shift,
            "placement": placement,
            "booking": booking,
            "course": course,
            "hub_course": make_course(title="Safeguarding adults"),
            "session": session,
            "training_booking": training_booking,
            "submitted_record": submitted_record,
            "other_placement": _placement(published_role, other),
            **_hours_items(organisation, volunteer, other),
            **_certificate_items(volunteer, other),
            **_awards_items(judge),
            "value_rate": make_value_rate(),
        },
    )


def client_as(app: Flask, user: User | None) -> FlaskClient:
    """A fresh client (no cookies left by an earlier request), signed in as `user`."""
    client = app.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    return client


def mismatch(response: Any, expected: Expected) -> str | None:
    """What is wrong with `response`, or None when it is what the matrix expects."""
    if expected == TO_LOGIN:
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith("/login"):
            return f"got {response.status_code} to {location!r}, expected 302 to /login"
        return None
    if response.status_code != expected:
        return f"got {response.status_code}, expected {expected}"
    return None


def test_every_rule_is_in_the_matrix(app):
    """A rule added to the app without a row in MATRIX fails here, naming its endpoint."""
    assert_matrix_covers(app)


def test_the_matrix_check_names_a_missing_endpoint(app):
    """The coverage check itself works: a rule the matrix lacks is reported by name."""
    app.add_url_rule("/staff/brand-new", "staff.brand_new", lambda: "new")
    with pytest.raises(AssertionError, match="staff.brand_new"):
        assert_matrix_covers(app)


@pytest.mark.parametrize("kind", KINDS)
def test_every_rule_answers_each_kind_of_user_as_the_matrix_says(app, db, kind):
    """Walk every rule of the url_map (static files aside) as `kind`: GET and POST get the
    status the matrix gives; anonymous people are sent to sign in on login-only pages."""
    assert_matrix_covers(app)
    world = make_world()
    user = world.users[kind]
    problems = []
    for endpoint in sorted(MATRIX):
        for case in MATRIX[endpoint]:
            with app.test_request_context():
                url = url_for(endpoint, **case.args(world))
            for method, statuses in (("GET", case.get), ("POST", case.post)):
                if statuses is None:
                    continue
                client = client_as(app, user)
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data={"probe": "1"})
                problem = mismatch(response, statuses[kind])
                if problem:
                    problems.append(f"{method} {url} ({endpoint}) as {kind}: {problem}")
    assert not problems, "\n".join(problems)


def test_refused_posts_write_nothing(app, db):
    """A volunteer's POSTs to staff and admin forms are refused before anything is written."""
    world = make_world()
    volunteer = world.users[VOLUNTEER]
    client = client_as(app, volunteer)
    before = row_counts()
    attempts = {
        f"/staff/volunteers/{world.other.id}/checks/new": {
            "kind": "DBS",
            "level": "enhanced",
            "certificate_number": "001122334455",
            "issued_on": "2025-01-02",
        },
        f"/staff/checks/{world.check.id}/edit": {
            "kind": "DBS",
            "level": "basic",
            "certificate_number": "001122334455",
            "issued_on": "2025-01-02",
        },
        f"/staff/users/{volunteer.id}/access": {"access_level": "admin"},
        "/staff/reference/skills/new": {"name": "Lock picking", "active": "y"},
        "/staff/settings": {"offer_hours": "1"},
    }
    for url, data in attempts.items():
        assert client.post(url, data=data).status_code == 403, url
    assert row_counts() == before
    db.session.refresh(volunteer)
    assert volunteer.access_level == "member"
    db.session.refresh(world.check)
    assert world.check.level == "enhanced"


def test_a_volunteer_cannot_reach_another_volunteers_records(app, db):
    """Another volunteer's profile and checks are only at staff URLs: a volunteer gets 403
    there, whether or not the id exists (so ids cannot be probed), and the page shows none of
    the other person's details."""
    world = make_world()
    client = client_as(app, world.users[VOLUNTEER])
    for url in (
        f"/staff/volunteers/{world.other.id}",
        f"/staff/volunteers/{world.users[VOLUNTEER].id}",
        f"/staff/checks/{world.check.id}/edit",
        f"/staff/volunteers/{world.other.id}/checks/new",
        "/staff/checks/999999/edit",
        "/staff/volunteers/999999",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        page = response.get_data(as_text=True)
        for secret in ("bea.private@example.org", "Bea Bystander", "009988776655"):
            assert secret not in page, (url, secret)


def test_a_volunteers_own_pages_show_only_their_own_details(app, db):
    """/account and the profile form show the signed-in volunteer, never the other one."""
    world = make_world()
    client = client_as(app, world.users[VOLUNTEER])
    for url in ("/account", "/account/profile"):
        page = client.get(url).get_data(as_text=True)
        assert "900111" in page, url  # her own phone, as stored or as shown
        for secret in ("bea.private@example.org", "Bea Bystander", "900982", "Bertram"):
            assert secret not in page, (url, secret)


def test_the_export_holds_nothing_about_another_volunteer(app, db):
    """Volunteer A's /account/export holds A's data and none of B's: not B's name, email,
    phone, emergency contact or check certificate number, even with B's emails in the outbox
    and B's actions in the audit trail."""
    world = make_world()
    ann, bea = world.users[VOLUNTEER], world.other
    make_check(ann, checked_by=world.users[STAFF], certificate_number="ANN000111222")
    record_event("account.created", actor=bea, subject=bea)
    record_event("check.recorded", actor=world.users[STAFF], subject=world.check)
    db.session.commit()

    response = client_as(app, ann).get("/account/export")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_data(as_text=True)
    export = json.loads(body)
    assert export["account"]["email"] == "ann@example.org"
    assert [check["certificate_number"] for check in export["checks"]] == ["ANN000111222"]
    for secret in (
        "bea.private@example.org",
        "Bea Bystander",
        "+447700900982",
        "Bertram Bystander",
        "+447700900983",
        "009988776655",
    ):
        assert secret not in body, secret


def test_staff_see_the_other_volunteers_record_and_check(app, db):
    """The same staff URLs that refuse a volunteer show staff the record and the check."""
    world = make_world()
    client = client_as(app, world.users[STAFF])
    page = client.get(f"/staff/volunteers/{world.other.id}").get_data(as_text=True)
    assert "bea.private@example.org" in page
    assert "009988776655" in page
    edit = client.get(f"/staff/checks/{world.check.id}/edit").get_data(as_text=True)
    assert "009988776655" in edit
    assert date(2025, 3, 14).isoformat() in edit
