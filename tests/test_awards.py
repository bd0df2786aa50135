"""Award cycles and nominating: the public pages, the nomination form with its confirmation
link, and its refusals (outside the window, over the word limit, a filled honeypot, too many
at once), none of which store anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from tests.awards_factories import make_award_category, make_cycle, make_nomination
from tests.helpers import link_in, outbox, row_counts
from volunteer_hub.awards.models import Nomination, NominationEvent
from volunteer_hub.extensions import db

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cycle(app, frozen):
    cycle = make_cycle(2026, opens=NOW - timedelta(days=5), closes=NOW + timedelta(days=30))
    make_award_category(cycle, "Volunteer of the year", criteria=["Impact", "Commitment"])
    make_award_category(cycle, "Young volunteer of the year", eligibility="young")
    return cycle


def form_data(cycle, **changes):
    return {
        "category": str(cycle.categories[0].id),
        "nominee_name": "Dev Patel",
        "nominee_organisation": "Reddish Library",
        "nominee_contact": "",
        "nominator_name": "Mo Khan",
        "nominator_email": "Mo@Example.org",
        "nominator_relationship": "I run the library",
        "statement": "Dev has read to children every Saturday for five years.",
        "supporting": "",
        "website": "",
    } | changes


def nominations():
    return db.session.scalar(select(func.count()).select_from(Nomination))


def test_the_awards_page_explains_the_current_cycle(client, cycle):
    page = client.get("/awards").text
    assert "Riverside Volunteer Awards 2026" in page
    assert "Volunteer of the year" in page and "Young volunteer of the year" in page
    assert "Impact" in page and "Nominate someone" in page
    assert "Riverside Town Hall" in page
    assert client.get("/awards/2026").status_code == 200
    assert client.get("/awards/1999").status_code == 404


def test_the_awards_page_says_so_when_there_is_no_cycle(client):
    assert "next awards will be announced" in client.get("/awards").text


def test_a_nomination_waits_unconfirmed_until_the_emailed_link_is_followed(client, cycle):
    response = client.post("/awards/2026/nominate", data=form_data(cycle))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/awards/2026/nominate/thank-you")
    nomination = db.session.scalar(select(Nomination))
    assert nomination.status == "unconfirmed"
    assert nomination.nominator_email == "mo@example.org"
    [message] = outbox("mo@example.org")
    assert message.sensitive and "Dev Patel" in message.body_text
    confirmed = client.get(link_in(message))
    assert confirmed.status_code == 200 and "confirmed" in confirmed.text
    db.session.refresh(nomination)
    assert nomination.status == "submitted" and nomination.confirmed_at is not None
    actions = [event.action for event in nomination.events]
    assert actions == ["nominated", "confirmed"]
    assert client.get(link_in(message)).status_code == 200  # again: nothing changes
    db.session.refresh(nomination)
    assert len(nomination.events) == 2


def test_a_forged_confirmation_link_is_refused(client, cycle):
    assert client.get("/awards/confirm/not-a-token").status_code == 400


def test_a_confirmation_link_expires_after_a_week(client, cycle, frozen):
    client.post("/awards/2026/nominate", data=form_data(cycle))
    [message] = outbox()
    frozen.shift(timedelta(days=8))
    assert client.get(link_in(message)).status_code == 400
    assert db.session.scalar(select(Nomination.status)) == "unconfirmed"


@pytest.mark.parametrize(
    ("opens", "closes", "says"),
    [
        (NOW + timedelta(days=2), NOW + timedelta(days=30), "open on"),
        (NOW - timedelta(days=30), NOW - timedelta(minutes=1), "closed on"),
    ],
)
def test_a_nomination_outside_the_window_is_refused_and_nothing_is_stored(
    client, app, frozen, opens, closes, says
):
    cycle = make_cycle(2026, opens=opens, closes=closes)
    make_award_category(cycle, "Volunteer of the year")
    page = client.get("/awards/2026/nominate")
    assert page.status_code == 200 and says in page.text
    before = row_counts()
    response = client.post("/awards/2026/nominate", data=form_data(cycle))
    assert response.status_code == 422 and says in response.text
    assert row_counts() == before


def test_a_statement_over_the_word_limit_is_refused_and_nothing_is_stored(client, cycle):
    before = row_counts()
    response = client.post("/awards/2026/nominate", data=form_data(cycle, statement="word " * 501))
    assert response.status_code == 422
    assert "The statement must be 500 words or fewer" in response.text
    assert 'href="#statement"' in response.text  # the error summary links to the field
    assert "word word" in response.text  # what they typed is kept
    assert row_counts() == before
    ok = client.post("/awards/2026/nominate", data=form_data(cycle, statement="word " * 500))
    assert ok.status_code == 302


def test_a_filled_honeypot_is_thanked_politely_and_nothing_is_stored(client, cycle):
    before = row_counts()
    response = client.post(
        "/awards/2026/nominate", data=form_data(cycle, website="http://spam.example")
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/thank-you")
    assert row_counts() == before


def test_the_honeypot_is_hidden_and_labelled_for_screen_readers(client, cycle):
    page = client.get("/awards/2026/nominate").text
    assert '<div class="visually-hidden">' in page
    assert "Leave this empty" in page
    assert "js/word-count.js" in page and 'data-word-limit="500"' in page


def test_bad_input_is_refused_with_messages_beside_the_fields(client, cycle):
    before = row_counts()
    data = form_data(cycle, category="999999", nominator_email="not-an-email", nominee_name="")
    response = client.post("/awards/2026/nominate", data=data)
    assert response.status_code == 422
    for message in (
        "Choose an award category from the list",
        "Enter an email address like name@example.org",
        "Enter the name of who you are nominating",
    ):
        assert message in response.text
    assert row_counts() == before


@pytest.mark.parametrize("app", [{"NOMINATION_LIMIT": "2 per hour"}], indirect=True)
def test_nominating_is_rate_limited(client, cycle):
    for _ in range(2):
        assert client.post("/awards/2026/nominate", data=form_data(cycle)).status_code == 302
    assert client.post("/awards/2026/nominate", data=form_data(cycle)).status_code == 429
    assert nominations() == 2


def test_past_results_show_once_published(client, app, frozen):
    past = make_cycle(2025, opens=NOW - timedelta(days=400), closes=NOW - timedelta(days=300))
    category = make_award_category(past, "Lifetime achievement")
    make_nomination(category, status="shortlisted", outcome="winner", nominee_name="Joan Wu")
    make_nomination(category, status="shortlisted", outcome="shortlisted", nominee_name="Ali Ray")
    make_cycle(2026)
    assert "Joan Wu" not in client.get("/awards/2025").text  # not yet published
    past.results_published_at = NOW
    db.session.commit()
    assert "Riverside Volunteer Awards 2025: results" in client.get("/awards").text
    page = client.get("/awards/2025").text
    assert "Winner:</strong> Joan Wu" in page and "Ali Ray" in page


def test_confirming_records_history(client, cycle):
    client.post("/awards/2026/nominate", data=form_data(cycle))
    client.get(link_in(outbox()[0]))
    assert db.session.scalar(select(func.count()).select_from(NominationEvent)) == 2
