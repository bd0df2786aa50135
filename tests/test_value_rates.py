"""Admins keep the hub's dated hourly values (`/staff/value-rates`): adding and correcting
them, each audited; every bad input refused beside its field with nothing written; the value
in force today marked; the demo's published rates seeded once."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import is_postgresql
from tests.factories import make_admin, make_staff, make_user, make_value_rate
from tests.helpers import row_counts, run_together, slow_statements
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.clock import local_today
from volunteer_hub.reports.models import ValueRate
from volunteer_hub.reports.rates import in_force, parse_pounds, pounds
from volunteer_hub.seed import VALUE_RATES, seed_value_rates

RLW_2025 = "Real Living Wage 2025-26 (Living Wage Foundation), outside London"
ASHE_2024 = "ONS Annual Survey of Hours and Earnings 2024, UK median hourly pay"
GOOD = {"valid_from": "2024-04-01", "value": "£18.20", "source": ASHE_2024}


def events(db, action: str) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.scalars(query))


def rates(db) -> list[tuple[date, int, str]]:
    query = sa.select(ValueRate).order_by(ValueRate.valid_from)
    return [(r.valid_from, r.pence_per_hour, r.source) for r in db.session.scalars(query)]


def field_error(page: str, field: str) -> str:
    """The text of the error shown beside `field` (empty when there is none)."""
    match = re.search(rf'<div id="{field}-error" class="hub-field-error">(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def row_of(page: str, text: str) -> str:
    """The table body's row holding `text`."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return next(row for row in body.split("<tr>") if text in row)


def test_an_admin_adds_a_value_and_it_is_audited(client, login_as, db):
    admin = make_admin()
    login_as(admin)
    assert client.get("/staff/value-rates/new").status_code == 200

    response = client.post("/staff/value-rates/new", data=GOOD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/value-rates"
    assert rates(db) == [(date(2024, 4, 1), 1820, ASHE_2024)]
    [event] = events(db, "value_rate.added")
    assert event.actor_id == admin.id
    assert event.subject_type == "ValueRate"
    assert event.detail == {"valid_from": "2024-04-01", "pence_per_hour": 1820, "source": ASHE_2024}
    page = client.get("/staff/value-rates").get_data(as_text=True)
    assert "Added the value from 1 April 2024." in page
    row = row_of(page, "1 April 2024")
    assert "£18.20" in row and ASHE_2024 in row


def test_an_admin_corrects_a_value_and_the_trail_keeps_the_old_one(client, login_as, db):
    admin = make_admin()
    rate = make_value_rate(date(2025, 11, 1), 1354, RLW_2025)
    login_as(admin)
    form = client.get(f"/staff/value-rates/{rate.id}/edit").get_data(as_text=True)
    assert 'value="13.54"' in form and 'value="2025-11-01"' in form

    data = {"valid_from": "2025-11-01", "value": "13.45", "source": RLW_2025}
    response = client.post(f"/staff/value-rates/{rate.id}/edit", data=data)

    assert response.status_code == 302
    assert rates(db) == [(date(2025, 11, 1), 1345, RLW_2025)]
    [event] = events(db, "value_rate.changed")
    assert event.actor_id == admin.id and event.subject_id == rate.id
    assert event.detail == {"old": {"pence_per_hour": 1354}, "new": {"pence_per_hour": 1345}}


def test_saving_a_value_unchanged_records_no_change(client, login_as, db):
    rate = make_value_rate(date(2025, 11, 1), 1345, RLW_2025)
    login_as(make_admin())
    data = {"valid_from": "2025-11-01", "value": "£13.45", "source": RLW_2025}
    assert client.post(f"/staff/value-rates/{rate.id}/edit", data=data).status_code == 302
    assert events(db, "value_rate.changed") == []


BAD_INPUT = [
    ("value", "", "Enter the value of one hour, like 18.20"),
    ("value", "abc", "Enter the value of one hour in pounds and pence, like 18.20"),
    ("value", "-5", "The value of one hour must be more than £0"),
    ("value", "0", "The value of one hour must be more than £0"),
    ("value", "12.345", "Enter the value of one hour with no more than 2 decimal places"),
    ("value", "£1,000.01", "The value of one hour must be £1,000 or less"),
    ("valid_from", "", "Enter the date the value applies from"),
    ("valid_from", "2025-02-30", "The date must be a real date, like 2025-11-01"),
    ("valid_from", "2023-11-01", "There is already a value that applies from this date"),
    ("source", "", "Enter where the value comes from"),
    ("source", "x" * 301, "Source must be 300 characters or fewer"),
]


@pytest.mark.parametrize(("field", "typed", "message"), BAD_INPUT)
def test_bad_input_to_a_new_value_is_refused_beside_its_field(
    client, login_as, db, field, typed, message
):
    make_value_rate(date(2023, 11, 1), 1200)
    login_as(make_admin())
    before = row_counts()

    response = client.post("/staff/value-rates/new", data=GOOD | {field: typed})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in field_error(page, field)
    assert f'href="#{field}"' in page  # the error summary links to the field
    assert row_counts() == before


@pytest.mark.parametrize(("field", "typed", "message"), BAD_INPUT)
def test_bad_input_to_a_correction_is_refused_and_changes_nothing(
    client, login_as, db, field, typed, message
):
    make_value_rate(date(2023, 11, 1), 1200)
    rate = make_value_rate(date(2024, 11, 1), 1260, "Real Living Wage 2024-25")
    login_as(make_admin())
    before, kept = row_counts(), rates(db)

    response = client.post(f"/staff/value-rates/{rate.id}/edit", data=GOOD | {field: typed})

    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field)
    assert (row_counts(), rates(db)) == (before, kept)


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("£18.20", 1820), ("18.20", 1820), ("18", 1800), ("18.2", 1820), ("£1,000", 100_000)],
)
def test_pounds_as_typed_become_whole_pence(typed, pence):
    assert parse_pounds(typed) == pence


def test_pence_are_shown_as_pounds():
    assert (pounds(1820), pounds(5), pounds(100_000)) == ("£18.20", "£0.05", "£1,000.00")


def test_the_value_in_force_today_is_marked(client, login_as, db):
    today = local_today()
    make_value_rate(today - timedelta(days=400), 1200, "Earlier value")
    make_value_rate(today, 1260, "Value from today")
    make_value_rate(today + timedelta(days=30), 1345, "Later value")
    login_as(make_admin())

    page = client.get("/staff/value-rates").get_data(as_text=True)

    assert "In force today" in row_of(page, "Value from today")
    assert "No longer" in row_of(page, "Earlier value")
    assert "Not yet" in row_of(page, "Later value")
    assert page.count("In force today") == 1
    assert "each verified hour at the hourly value in force on the day it was worked" in page


def test_the_rate_in_force_is_the_latest_started():
    earlier, later = (
        ValueRate(valid_from=date(2024, 11, 1)),
        ValueRate(valid_from=date(2025, 11, 1)),
    )
    assert in_force([earlier, later], date(2025, 10, 31)) is earlier
    assert in_force([later, earlier], date(2025, 11, 1)) is later
    assert in_force([earlier, later], date(2024, 10, 31)) is None


def test_with_no_values_the_page_says_how_to_start(client, login_as):
    login_as(make_admin())
    page = client.get("/staff/value-rates").get_data(as_text=True)
    assert "There are no hourly values yet" in page
    assert "<table" not in page


def test_only_admins_reach_the_values_and_refused_posts_write_nothing(app, db):
    rate = make_value_rate()
    refused = (make_user(), make_staff())
    before, kept = row_counts(), rates(db)
    for user in refused:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        assert client.post("/staff/value-rates/new", data=GOOD).status_code == 403
        edit = client.post(f"/staff/value-rates/{rate.id}/edit", data=GOOD)
        assert edit.status_code == 403
    assert (row_counts(), rates(db)) == (before, kept)


def test_the_admin_pages_link_to_the_values(client, login_as):
    login_as(make_admin())
    assert 'href="/staff/value-rates"' in client.get("/staff/settings").get_data(as_text=True)


def test_seeding_adds_the_published_rates_once(db):
    make_value_rate(date(2024, 11, 1), 1270, "Corrected by an admin")
    assert seed_value_rates() == 2
    assert seed_value_rates() == 0
    assert rates(db) == [
        (date(2023, 11, 1), 1200, VALUE_RATES[date(2023, 11, 1)][1]),
        (date(2024, 11, 1), 1270, "Corrected by an admin"),
        (date(2025, 11, 1), 1345, VALUE_RATES[date(2025, 11, 1)][1]),
    ]
    assert len(events(db, "value_rate.added")) == 2


def test_two_admins_adding_the_same_date_at_once_get_one_value(app, db):
    """Both requests find the date free before either inserts; the unique constraint refuses
    the second, which shows the form error (422), not a 500. Fails without the view catching
    `IntegrityError`."""
    if not is_postgresql(app):
        pytest.skip("race test runs on PostgreSQL only: SQLite serialises all writers")
    sign_ins = [make_admin().get_id(), make_admin().get_id()]

    def add(sign_in: str) -> tuple[int, str]:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = sign_in
        response = client.post("/staff/value-rates/new", data=GOOD)
        return response.status_code, field_error(response.get_data(as_text=True), "valid_from")

    with slow_statements("INSERT INTO value_rates", seconds=0.5):
        outcomes = run_together(app, add, prepare=lambda n: sign_ins[n])

    assert sorted(status for status, _ in outcomes) == [302, 422]
    assert "There is already a value" in max(outcomes)[1]
    assert len(rates(db)) == 1
    assert len(events(db, "value_rate.added")) == 1
