"""Staff reviewing nominations: by category, merging duplicates (every statement kept),
linking the nominee to their volunteer account, decisions through the transition table with
their history and audit, outcomes, locking and publishing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.awards_factories import make_award_category, make_cycle, make_nomination
from tests.factories import make_hours, make_placement, make_role, make_staff, make_user
from tests.helpers import outbox
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.awards import services
from volunteer_hub.awards.models import NOMINATION_TRANSITIONS, NominationStatus
from volunteer_hub.database import utcnow
from volunteer_hub.extensions import db


@pytest.fixture
def staff(app):
    return make_staff(name="Sam Staff")


@pytest.fixture
def category(app):
    return make_award_category(make_cycle(2026), "Volunteer of the year")


def test_staff_see_nominations_by_category_and_the_count_on_their_dashboard(
    client, login_as, staff, category
):
    make_nomination(category, nominee_name="Dev Patel")
    make_nomination(category, status="unconfirmed", nominee_name="Hidden Harry")
    login_as(staff)
    listing = client.get(f"/staff/awards/categories/{category.id}").text
    assert "Dev Patel" in listing and "Hidden Harry" not in listing
    dashboard = client.get("/staff/").text
    assert "award nominations waiting for review" in dashboard
    assert '<strong>1</strong> <a href="/staff/awards">' in dashboard


def test_merging_keeps_every_statement_readable_on_the_kept_nomination(
    client, login_as, staff, category
):
    kept = make_nomination(category, nominee_name="Dev Patel", statement="Reads to children.")
    first = make_nomination(category, nominee_name="Dev P", statement="Runs the book club.")
    second = make_nomination(category, nominee_name="D Patel", statement="Fixes the chairs.")
    login_as(staff)
    assert (
        client.post(
            f"/staff/awards/nominations/{second.id}/merge", data={"into": first.id}
        ).status_code
        == 302
    )
    response = client.post(f"/staff/awards/nominations/{first.id}/merge", data={"into": kept.id})
    assert response.status_code == 302
    for merged in (first, second):
        db.session.refresh(merged)
        assert merged.status == "merged" and merged.merged_into_id == kept.id
    page = client.get(f"/staff/awards/nominations/{kept.id}").text
    for statement in ("Reads to children.", "Runs the book club.", "Fixes the chairs."):
        assert statement in page
    refused = client.post(f"/staff/awards/nominations/{first.id}/merge", data={"into": kept.id})
    assert refused.status_code == 422  # a merged nomination stays merged


def test_linking_a_nominee_shows_their_verified_hours_and_roles(client, login_as, staff, category):
    volunteer = make_user(name="Dev Patel", email="dev@example.org")
    role = make_role(title="Story time reader")
    make_hours(
        make_placement(role, volunteer), utcnow().date() - timedelta(days=3), 10, status="approved"
    )
    nomination = make_nomination(category, nominee_name="Dev Patel")
    login_as(staff)
    search = client.get(f"/staff/awards/nominations/{nomination.id}?q=dev@exa").text
    assert "dev@example.org" in search
    response = client.post(
        f"/staff/awards/nominations/{nomination.id}/link", data={"user_id": volunteer.id}
    )
    assert response.status_code == 302
    page = client.get(f"/staff/awards/nominations/{nomination.id}").text
    assert "2.5 hours" in page and "Story time reader" in page
    bad = client.post(f"/staff/awards/nominations/{nomination.id}/link", data={"user_id": "x"})
    assert bad.status_code == 422


def test_marking_ineligible_needs_a_reason_kept_in_the_history_not_the_audit(
    client, login_as, staff, category
):
    nomination = make_nomination(category)
    login_as(staff)
    url = f"/staff/awards/nominations/{nomination.id}/decide"
    assert client.post(url, data={"decision": "ineligible"}).status_code == 422
    reason = "Nominee is a member of staff"
    assert client.post(url, data={"decision": "ineligible", "reason": reason}).status_code == 302
    db.session.refresh(nomination)
    assert nomination.status == "ineligible"
    last = nomination.events[-1]
    assert (last.action, last.message, last.actor_id) == ("marked ineligible", reason, staff.id)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "nomination.marked ineligible")
    )
    assert event.actor_id == staff.id and reason not in str(event.detail)


def test_every_status_change_follows_the_table(app, staff, category):
    nomination = make_nomination(category, status="unconfirmed")
    with pytest.raises(services.AwardsRefused):
        services.decide(nomination, "shortlist", staff)
    for status in NominationStatus:
        for new in NominationStatus:
            allowed = new in NOMINATION_TRANSITIONS[status]
            nomination.status = status
            try:
                services.move(nomination, new, staff, "tried")
            except services.AwardsRefused:
                assert not allowed, (status, new)
            else:
                assert allowed, (status, new)
    db.session.rollback()


def test_shortlisting_checks_the_minimum_verified_hours(client, login_as, staff):
    category = make_award_category(make_cycle(2026), "Long service", minimum_hours=100)
    nomination = make_nomination(category)
    login_as(staff)
    url = f"/staff/awards/nominations/{nomination.id}/decide"
    response = client.post(url, data={"decision": "shortlist"})
    assert response.status_code == 422 and "100 verified hours" in response.text
    db.session.refresh(nomination)
    assert nomination.status == "submitted"


def test_outcomes_lock_and_publish(client, login_as, staff, category):
    winner = make_nomination(category, status="shortlisted", nominee_name="Win Ner")
    other = make_nomination(category, status="shortlisted", nominee_name="Run Nerup")
    login_as(staff)
    year = category.cycle.year
    assert client.post(f"/staff/awards/{year}/publish", data={"confirm": "yes"}).status_code == 422
    assert (
        client.post(
            f"/staff/awards/nominations/{winner.id}/outcome", data={"outcome": "winner"}
        ).status_code
        == 302
    )
    assert "Win Ner" not in client.get(f"/awards/{year}").text
    lock = client.post(f"/staff/awards/categories/{category.id}/lock", data={"confirm": "yes"})
    assert lock.status_code == 302
    db.session.refresh(other)
    assert other.outcome == "shortlisted"
    late = client.post(f"/staff/awards/nominations/{other.id}/outcome", data={"outcome": "winner"})
    assert late.status_code == 422
    assert client.post(f"/staff/awards/{year}/publish", data={"confirm": "yes"}).status_code == 302
    page = client.get("/awards").text
    assert "Winner:</strong> Win Ner" in page
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"award_category.locked", "award_cycle.published", "nomination.outcome"} <= actions


def test_staff_set_up_a_cycle_and_a_category(client, login_as, staff):
    login_as(staff)
    response = client.post(
        "/staff/awards/new",
        data={
            "year": "2027",
            "title": "Riverside Volunteer Awards 2027",
            "nominations_open_at": "2027-03-01T09:00",
            "nominations_close_at": "2027-04-30T17:00",
            "judging_deadline": "2027-05-31",
            "ceremony_at": "2027-06-20T19:00",
            "venue": "Town Hall",
        },
    )
    assert response.status_code == 302
    again = client.post("/staff/awards/new", data={"year": "2027", "title": "Dup"})
    assert again.status_code == 422
    category = client.post(
        "/staff/awards/2027/categories/new",
        data={
            "name": "Young volunteer of the year",
            "criteria": "Impact\nGrowth",
            "eligibility": "young",
            "age_on": "2027-03-31",
        },
    )
    assert category.status_code == 302
    page = client.get("/awards/2027").text
    assert "under 25 on 31 March 2027" in page and "Growth" in page
    missing_date = client.post(
        "/staff/awards/2027/categories/new",
        data={"name": "Young two", "criteria": "Impact", "eligibility": "young"},
    )
    assert missing_date.status_code == 422


def test_assigning_a_judge_emails_them(client, login_as, staff, category):
    judge = make_user(name="Jo Judge", email="jo@example.org")
    login_as(staff)
    response = client.post(
        f"/staff/awards/categories/{category.id}/judges", data={"email": "JO@example.org"}
    )
    assert response.status_code == 302
    assert [message.to_address for message in outbox("jo@example.org")] == [judge.email]
    unknown = client.post(
        f"/staff/awards/categories/{category.id}/judges", data={"email": "nobody@example.org"}
    )
    assert unknown.status_code == 422
