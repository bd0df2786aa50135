"""The volunteer's hours pages: logging hours against their own placement (and every kind of
bad input refused beside its field, writing nothing), correcting queried hours, the entry's
page and history, and the totals, chart and milestone progress that count verified hours
only."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

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
from tests.helpers import link_in, outbox, row_counts
from tests.test_query_counts import assert_flat, measure_twice
from volunteer_hub.auth.models import User
from volunteer_hub.extensions import db as _db
from volunteer_hub.hours import services
from volunteer_hub.hours.models import HoursEntry, HoursEvent, Milestone

NOW = "2026-11-20 10:00:00+00:00"
TODAY = date(2026, 11, 20)
APPROVED_AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(db):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def setting(frozen):
    """A library with a coordinator, and a volunteer placed on its story-time role since
    1 March 2026."""
    coordinator = make_user(name="Cora Coordinator", email="cora@library.example")
    library = make_organisation(name="Reddish Library", manager=coordinator)
    role = make_role(library, title="Story time reader")
    volunteer = make_user(name="Ann Able", email="ann@example.org")
    placement = make_placement(role, volunteer, approved_at=APPROVED_AT)
    return coordinator, volunteer, placement


def entries() -> list[HoursEntry]:
    return list(_db.session.scalars(sa.select(HoursEntry).order_by(HoursEntry.id)))


def field_error(page: str, field: str) -> str:
    """The error text shown beside `field` (empty when there is none)."""
    found = re.search(rf'<div id="{field}-error"[^>]*>(.*?)</div>', page, re.S)
    return re.sub(r"\s+", " ", found.group(1)) if found else ""


def month_rows(page: str) -> dict[str, str]:
    """The chart's table: month name to the hours shown."""
    return dict(
        re.findall(r'<tr><th scope="row">(\w+ \d{4})</th><td class="text-end">([^<]+)</td>', page)
    )


# Logging


def test_a_volunteer_logs_hours_that_wait_to_be_verified(client, login_as, setting):
    _, volunteer, placement = setting
    login_as(volunteer)
    form = client.get("/me/hours/new").get_data(as_text=True)
    assert "Story time reader, Reddish Library" in form
    assert "Any day from 1 March 2026, when your place was approved, up to today." in form
    assert '<select id="placement"' not in form  # one placement: nothing to choose

    response = client.post(
        "/me/hours/new",
        data={
            "placement": str(placement.id),
            "worked_on": "2026-11-18",
            "hours": "2.5",
            "note": "Read to the toddlers",
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/me/hours"
    [entry] = entries()
    assert (entry.volunteer_id, entry.placement_id, entry.worked_on) == (
        volunteer.id,
        placement.id,
        date(2026, 11, 18),
    )
    assert (entry.quarters, entry.status, entry.note) == (10, "pending", "Read to the toddlers")
    page = client.get("/me/hours").get_data(as_text=True)
    assert "your hours are logged" in page
    assert "Only verified hours count towards your total" in page
    assert "Waiting to be verified" in page
    assert "<strong>0 hours</strong> verified in all" in page


def test_a_volunteer_with_several_placements_chooses_one(client, login_as, setting):
    _, volunteer, placement = setting
    second = make_placement(make_role(title="Garden helper"), volunteer, status="active")
    login_as(volunteer)
    form = client.get("/me/hours/new").get_data(as_text=True)
    assert '<select class="form-select' in form and "Garden helper" in form
    missing = client.post("/me/hours/new", data={"worked_on": "2026-11-18", "hours": "1"})
    assert missing.status_code == 422
    page = missing.get_data(as_text=True)
    assert "Choose the role you volunteered for" in field_error(page, "placement")

    client.post(
        "/me/hours/new",
        data={"placement": str(second.id), "worked_on": "2026-11-18", "hours": "1"},
    )

    assert [entry.placement_id for entry in entries()] == [second.id]
    assert placement.id != second.id


BAD_INPUT = [
    ("2026-11-21", "2", "worked_on", "The date cannot be in the future"),
    ("2026-02-28", "2", "worked_on", "Enter a date on or after 1 March 2026"),
    ("", "2", "worked_on", "Enter the date you volunteered"),
    ("2026-02-30", "2", "worked_on", "The date must be a real date"),
    ("2026-11-18", "1.1", "hours", "Enter hours in quarter-hour steps"),
    ("2026-11-18", "24.25", "hours", "Enter from 0.25 to 24 hours"),
    ("2026-11-18", "0", "hours", "Enter from 0.25 to 24 hours"),
    ("2026-11-18", "-1", "hours", "Enter the hours as a number"),
    ("2026-11-18", "abc", "hours", "Enter the hours as a number"),
    ("2026-11-18", "NaN", "hours", "Enter the hours as a number"),
    ("2026-11-18", "Infinity", "hours", "Enter the hours as a number"),
    ("2026-11-18", "1e3", "hours", "Enter the hours as a number"),
    ("2026-11-18", "1e1000000", "hours", "Enter the hours as a number"),
    ("2026-11-18", "1_5", "hours", "Enter the hours as a number"),
    ("2026-11-18", "", "hours", "Enter the hours, like 2 or 1.5"),
]


@pytest.mark.parametrize(("worked_on", "hours", "field", "message"), BAD_INPUT)
def test_bad_hours_are_refused_beside_the_field(
    client, login_as, setting, worked_on, hours, field, message
):
    _, volunteer, placement = setting
    login_as(volunteer)
    before = row_counts()

    response = client.post(
        "/me/hours/new",
        data={
            "placement": str(placement.id),
            "worked_on": worked_on,
            "hours": hours,
            "note": "Kept as typed",
        },
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in field_error(page, field) and field_error(page, field)
    assert f'<a href="#{field}">{message}' in page  # in the error summary, linking to it
    assert "Kept as typed</textarea>" in page
    if hours:
        assert f'value="{hours}"' in page
    assert row_counts() == before


def test_a_placement_that_is_not_the_volunteers_or_not_approved_is_refused(
    client, login_as, setting
):
    """Another volunteer's placement, the volunteer's own application still waiting, and
    their placement that has ended: none can take hours, and nothing is written."""
    _, volunteer, placement = setting
    role = placement.role
    others = make_placement(role, make_user(name="Bea Bystander"))
    applied = make_placement(make_role(title="Book sorter"), volunteer, status="applied")
    ended = make_placement(make_role(title="Fun run marshal"), volunteer, status="ended")
    login_as(volunteer)
    form = client.get("/me/hours/new").get_data(as_text=True)
    assert "Book sorter" not in form and "Fun run marshal" not in form
    before = row_counts()
    for refused in (others, applied, ended):
        response = client.post(
            "/me/hours/new",
            data={"placement": str(refused.id), "worked_on": "2026-11-18", "hours": "2"},
        )
        assert response.status_code == 422
        page = response.get_data(as_text=True)
        assert "Choose one of your roles from the list" in page
        assert "Bea Bystander" not in page
    assert row_counts() == before


def test_the_service_refuses_a_placement_the_page_would_not_offer(setting):
    """Behind the page, the service refuses the same placements on its own."""
    _, volunteer, placement = setting
    others = make_placement(placement.role, make_user())
    applied = make_placement(make_role(), volunteer, status="applied")
    with pytest.raises(services.HoursRefused):
        services.log_hours(others, TODAY, 4, "", volunteer, TODAY)
    with pytest.raises(services.EntryInvalid) as refused:
        services.log_hours(applied, TODAY, 4, "", volunteer, TODAY)
    assert refused.value.field == "placement"


def test_without_a_placement_the_page_says_how_to_get_one(client, login_as, frozen):
    login_as(make_user())
    page = client.get("/me/hours/new").get_data(as_text=True)
    assert "You can log hours once you have a place on a role" in page
    assert 'href="/roles"' in page
    before = row_counts()
    response = client.post("/me/hours/new", data={"worked_on": "2026-11-18", "hours": "2"})
    assert response.status_code == 422
    assert "You need a place on a role before you can log hours." in response.get_data(as_text=True)
    assert row_counts() == before


# Queries and corrections


def test_a_queried_entry_is_corrected_and_waits_again(client, login_as, setting):
    coordinator, volunteer, placement = setting
    login_as(volunteer)
    client.post(
        "/me/hours/new",
        data={"placement": str(placement.id), "worked_on": "2026-11-18", "hours": "8"},
    )
    [entry] = entries()
    services.decide(entry, "query", coordinator, "Was it 8 hours? The session was 2.")
    _db.session.commit()

    [email] = outbox("ann@example.org")
    assert link_in(email) == f"/hours/{entry.id}"
    mine = client.get("/me/hours").get_data(as_text=True)
    assert "Query: please check" in mine and "Was it 8 hours? The session was 2." in mine
    shown = client.get(f"/hours/{entry.id}").get_data(as_text=True)
    assert "Reddish Library asked you to check these hours" in shown
    assert f'href="/hours/{entry.id}/edit"' in shown
    form = client.get(f"/hours/{entry.id}/edit").get_data(as_text=True)
    assert "Was it 8 hours? The session was 2." in form
    assert "Send for verification again" in form
    assert 'value="8"' in form and 'value="2026-11-18"' in form

    bad = client.post(
        f"/hours/{entry.id}/edit", data={"worked_on": "2026-11-18", "hours": "2.1", "note": "x"}
    )
    assert bad.status_code == 422
    assert "quarter-hour steps" in field_error(bad.get_data(as_text=True), "hours")
    assert 'value="2.1"' in bad.get_data(as_text=True)
    assert _db.session.get(HoursEntry, entry.id).status == "queried"

    done = client.post(
        f"/hours/{entry.id}/edit",
        data={"worked_on": "2026-11-18", "hours": "2", "note": "Sorry: two hours"},
    )

    assert done.status_code == 302 and done.headers["Location"] == f"/hours/{entry.id}"
    entry = _db.session.get(HoursEntry, entry.id)
    assert (entry.status, entry.quarters, entry.note) == ("pending", 8, "Sorry: two hours")
    assert [event.action for event in entry.events] == ["logged", "queried", "resubmitted"]
    page = client.get(f"/hours/{entry.id}").get_data(as_text=True)
    assert "sent to be verified again" in page
    assert "Corrected and sent to be verified again" in page
    assert "By you" in page and "By Cora Coordinator" in page


def test_a_pending_entry_can_be_changed_but_a_decided_one_cannot(client, login_as, setting):
    coordinator, volunteer, placement = setting
    entry = make_hours(placement, date(2026, 11, 2), 8)
    login_as(volunteer)
    form = client.get(f"/hours/{entry.id}/edit").get_data(as_text=True)
    assert "Save changes" in form and "Send for verification again" not in form
    unchanged = row_counts()
    stray = client.post(f"/hours/{entry.id}/edit", data={"probe": "1"})
    assert stray.status_code == 422  # what is not sent is not taken from the entry
    assert "Enter the date you volunteered" in field_error(
        stray.get_data(as_text=True), "worked_on"
    )
    assert row_counts() == unchanged
    client.post(f"/hours/{entry.id}/edit", data={"worked_on": "2026-11-03", "hours": "1.75"})
    entry = _db.session.get(HoursEntry, entry.id)
    assert (entry.status, entry.worked_on, entry.quarters) == ("pending", date(2026, 11, 3), 7)

    services.decide(entry, "approve", coordinator)
    _db.session.commit()
    before = row_counts()
    for response in (
        client.get(f"/hours/{entry.id}/edit"),
        client.post(f"/hours/{entry.id}/edit", data={"worked_on": "2026-11-03", "hours": "9"}),
    ):
        assert response.status_code == 302
        assert response.headers["Location"] == f"/hours/{entry.id}"
    assert row_counts() == before
    assert _db.session.get(HoursEntry, entry.id).quarters == 7
    page = client.get(f"/hours/{entry.id}").get_data(as_text=True)
    assert "These hours have been decided, so they can no longer be changed" in page
    assert f'href="/hours/{entry.id}/edit"' not in page


def test_a_correction_after_the_placement_ended_is_refused_beside_the_date(
    client, login_as, setting
):
    _, volunteer, placement = setting
    entry = make_hours(placement, date(2026, 11, 2), 8)
    placement.status = "ended"
    placement.status_changed_at = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    _db.session.commit()
    login_as(volunteer)
    before = row_counts()

    response = client.post(
        f"/hours/{entry.id}/edit", data={"worked_on": "2026-11-15", "hours": "2"}
    )

    assert response.status_code == 422
    error = field_error(response.get_data(as_text=True), "worked_on")
    assert "on or before 10 November 2026, the last day of this placement" in error
    assert row_counts() == before
    assert _db.session.get(HoursEntry, entry.id).worked_on == date(2026, 11, 2)


# Who sees an entry


def test_only_the_volunteer_and_the_verifiers_see_an_entry(client, login_as, setting):
    coordinator, volunteer, placement = setting
    entry = make_hours(placement, date(2026, 11, 2), 8)
    other = make_user(name="Bea Bystander")
    outsider = make_user(name="Otto Other")
    make_organisation(name="Marple Rotary", manager=outsider)
    before = row_counts()
    for stranger in (other, outsider):
        login_as(stranger)
        for response in (
            client.get(f"/hours/{entry.id}"),
            client.get(f"/hours/{entry.id}/edit"),
            client.post(f"/hours/{entry.id}/edit", data={"worked_on": "2026-11-03", "hours": "1"}),
        ):
            assert response.status_code == 404
            assert "Ann Able" not in response.get_data(as_text=True)
    assert row_counts() == before

    login_as(coordinator)
    page = client.get(f"/hours/{entry.id}")
    assert page.status_code == 200
    assert "Ann Able" in page.get_data(as_text=True)  # the verifier sees whose hours they are
    assert client.get(f"/hours/{entry.id}/edit").status_code == 404

    login_as(volunteer)
    own = client.get(f"/hours/{entry.id}").get_data(as_text=True)
    assert "Your hours on 2 November 2026" in own and "By you" in own


# Totals, the chart and milestones


def test_only_verified_hours_count_in_totals_chart_and_milestones(client, login_as, setting):
    _, volunteer, placement = setting
    make_hours(placement, date(2026, 10, 5), 12, status="approved")
    make_hours(placement, date(2026, 10, 6), 20, status="pending")
    make_hours(placement, date(2026, 10, 7), 28, status="queried", message="Which day?")
    make_hours(placement, date(2026, 10, 8), 44, status="rejected", message="Not ours")
    login_as(volunteer)

    page = client.get("/me/hours").get_data(as_text=True)

    assert "<strong>3 hours</strong> verified in all" in page
    assert "<strong>3 hours</strong> verified in 2026" in page
    assert month_rows(page)["October 2026"] == "3 hours"
    assert "3 hours in all; the most, 3 hours, in October 2026" in page
    assert "47 hours to go to 50 hours" in page
    assert 'max="100" value="6"' in page
    assert "You have not reached a milestone yet" in page
    for status in ("Waiting to be verified", "Query: please check", "Not accepted"):
        assert status in page  # listed with the entries, never in the figures
    assert "Which day?" in page and "Not ours" in page
    dashboard = client.get("/me").get_data(as_text=True)
    assert "<strong>3 hours</strong> verified" in dashboard
    assert "47 hours to go to 50 hours" in dashboard
    assert 'href="/me/hours"' in dashboard


def test_the_chart_table_holds_each_months_figures(client, login_as, frozen):
    volunteer = make_user()
    placement = make_placement(make_role(), volunteer, approved_at=datetime(2025, 1, 1, tzinfo=UTC))
    make_hours(placement, date(2025, 11, 30), 40, status="approved")  # 13 months ago
    make_hours(placement, date(2025, 12, 1), 6, status="approved")
    make_hours(placement, date(2026, 3, 10), 96, status="approved")
    make_hours(placement, date(2026, 3, 11), 96, status="approved")
    make_hours(placement, date(2026, 11, 19), 1, status="approved")
    login_as(volunteer)

    page = client.get("/me/hours").get_data(as_text=True)

    rows = month_rows(page)
    newest_first = [date(2026, month, 1) for month in range(11, 0, -1)] + [date(2025, 12, 1)]
    assert list(rows) == [f"{month:%B %Y}" for month in newest_first]
    assert rows["November 2026"] == "0.25 hours"
    assert rows["March 2026"] == "48 hours"
    assert rows["December 2025"] == "1.5 hours"
    assert rows["June 2026"] == "0 hours"
    assert "November 2025" not in rows
    assert '<th scope="row">Last 12 months</th><td class="text-end">49.75 hours</td>' in page
    assert 'role="img" aria-labelledby="hours-chart-title hours-chart-desc"' in page
    assert "Your verified hours by month, December 2025 to November 2026</title>" in page
    assert page.count("<rect ") == 3  # a bar for each month with hours
    # Lifetime counts the month before the chart too: 59.75 hours, past the first milestone.
    assert "<strong>59.75 hours</strong> verified in all" in page
    assert "Milestones reached: 50 hours." in page
    assert "40.25 hours to go to 100 hours" in page
    assert _db.session.scalar(sa.select(Milestone.hours)) == 50


def test_entries_are_newest_first_twenty_a_page(client, login_as, setting):
    _, volunteer, placement = setting
    for day in range(1, 26):
        make_hours(placement, date(2026, 10, day), 4)
    login_as(volunteer)
    first = client.get("/me/hours").get_data(as_text=True)
    dates = re.findall(r'<th scope="row"><a href="/hours/\d+">([^<]+)</a>', first)
    assert dates[:2] == ["25 October 2026", "24 October 2026"] and len(dates) == 20
    assert "Page 1 of 2 (25 in all)" in first
    second = client.get("/me/hours?page=2").get_data(as_text=True)
    dates = re.findall(r'<th scope="row"><a href="/hours/\d+">([^<]+)</a>', second)
    assert dates == [f"{day} October 2026" for day in range(5, 0, -1)]
    assert client.get("/me/hours?page=99").status_code == 200
    assert client.get("/me/hours?page=abc").status_code == 200


def test_the_hours_pages_send_a_fixed_number_of_statements(client, login_as, setting):
    """/me and /me/hours with the volunteer's placements and entries in every status spread
    over 100 organisations, then 200: the same statements each time."""
    _, volunteer, _ = setting
    ids = {"volunteer": volunteer.id, "verifier": make_staff().id}
    decisions = (None, "approve", "query", "reject")

    def add_data() -> None:
        owner = _db.session.get(User, ids["volunteer"])
        verifier = _db.session.get(User, ids["verifier"])
        for number in range(100):
            placement = make_placement(make_role(make_organisation()), owner)
            for step, decision in enumerate(decisions):
                worked_on = date(2026, 1 + (number + step) % 11, 1 + step)
                entry = services.log_hours(placement, worked_on, 4 + step, "", owner, TODAY)
                if decision:
                    services.decide(entry, decision, verifier, "Please check")
        _db.session.commit()

    login_as(volunteer)
    ceilings = {
        # The user; a page of placements, their roles, organisations and count; the coming
        # shifts; two for training; the hours card: the total with the milestones reached,
        # and the milestone setting; the newest certificates.
        "/me": 11,
        # The user; totals by role, by month and this year; the milestones and their
        # setting; a page of entries with their roles and organisations, and the count.
        "/me/hours": 8,
        "/me/hours?page=3": 8,
    }
    counts, statements = measure_twice(client, list(ceilings), add_data)
    for url, ceiling in ceilings.items():
        assert_flat({url: counts[url]}, ceiling=ceiling, statements=statements)
    page = client.get("/me/hours").get_data(as_text=True)
    assert "(800 in all)" in page
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(HoursEvent)) > 800
