"""Email through the outbox: written in the caller's transaction, delivered once over SMTP."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from aiosmtpd.controller import Controller

from tests.conftest import is_postgresql
from tests.factories import make_staff, make_user
from tests.helpers import outbox, run_together
from tests.smtp import Inbox, free_port
from volunteer_hub.database import utcnow
from volunteer_hub.mail import OutboxStatus, deliver_outbox, queue_email


@pytest.fixture
def inbox(app) -> Iterator[Inbox]:
    """A loopback SMTP server, with the app configured to deliver to it."""
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield received
    controller.stop()


def queue(db, count: int, to: str = "ann@example.org") -> None:
    user = make_user(email=to)
    for number in range(count):
        queue_email(to, "password_changed", recipient_id=user.id, name=user.name, n=number)
    db.session.commit()


def test_queue_email_belongs_to_the_callers_transaction(app, db):
    user = make_user()
    queue_email(user.email, "password_changed", recipient_id=user.id, name=user.name)
    db.session.rollback()
    assert outbox() == []


def test_delivery_sends_each_due_message_over_smtp_once(app, db, inbox):
    queue(db, 3)
    report = deliver_outbox()
    assert report.delivered == 3
    assert len(inbox.messages) == 3
    first = inbox.messages[0]
    assert first["To"] == "ann@example.org"
    assert "password has changed" in first["Subject"]
    assert "signed out on your other devices" in first.get_payload()
    assert {m.status for m in outbox()} == {OutboxStatus.SENT}
    assert deliver_outbox().delivered == 0
    assert len(inbox.messages) == 3


def test_without_a_mail_server_messages_are_logged_and_kept(app, db, caplog):
    queue(db, 1)
    with caplog.at_level("INFO", logger="volunteer_hub.mail"):
        report = deliver_outbox()
    assert report.delivered == 1
    (message,) = outbox()
    assert message.status == OutboxStatus.LOGGED
    assert "ann@example.org" in caplog.text


def test_a_refused_message_is_retried_with_back_off_then_given_up(app, db, inbox):
    queue(db, 1)
    inbox.refuse = True
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    start = utcnow()
    with time_machine.travel(start, tick=False):
        assert deliver_outbox().retrying == 1
        (message,) = outbox()
        assert message.next_attempt_at == start + timedelta(minutes=2)
        assert "451" in message.last_error
        assert deliver_outbox().delivered == 0  # not due yet
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        assert deliver_outbox().retrying == 1
        db.session.refresh(message)
        assert message.next_attempt_at == start + timedelta(minutes=3 + 4)
    with time_machine.travel(start + timedelta(minutes=8), tick=False):
        assert deliver_outbox().failed == 1
    db.session.refresh(message)
    assert message.status == OutboxStatus.FAILED
    assert inbox.messages == []


def test_a_message_leased_by_another_worker_is_left_alone_until_the_lease_ends(app, db, inbox):
    queue(db, 1)
    (message,) = outbox()
    message.lease_owner = "another-worker"
    message.lease_until = utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert deliver_outbox().delivered == 0
    with time_machine.travel(utcnow() + timedelta(minutes=6)):
        assert deliver_outbox().delivered == 1
    assert len(inbox.messages) == 1


def test_two_delivery_runs_started_together_send_each_message_once(app, db, inbox):
    """Races need real concurrent connections: PostgreSQL only (SQLite serialises writers)."""
    if not is_postgresql(app):
        pytest.skip("race test runs on PostgreSQL only: SQLite serialises all writers")
    queue(db, 40)
    reports = run_together(app, lambda n: deliver_outbox(worker=f"worker-{n}"))
    counts = Counter(inbox.subjects())
    assert len(inbox.messages) == 40, counts
    assert sum(report.delivered for report in reports) == 40
    assert sum(report.skipped for report in reports) > 0, "the two runs did not overlap"


def test_staff_can_read_the_outbox(client, login_as, db):
    queue(db, 2)
    login_as(make_staff())
    page = client.get("/staff/outbox")
    assert page.status_code == 200
    assert "ann@example.org" in page.get_data(as_text=True)
    message_id = outbox()[0].id
    detail = client.get(f"/staff/outbox/{message_id}")
    assert "signed out on your other devices" in detail.get_data(as_text=True)
    assert sa.inspect(outbox()[0]).persistent


def test_staff_never_see_a_private_link_and_it_is_removed_once_sent(client, login_as, db, inbox):
    user = make_user(email="ann@example.org")
    client.post("/password-reset", data={"email": "ann@example.org"})
    (message,) = outbox("ann@example.org")
    assert message.sensitive and "/password-reset/" in message.body_text
    login_as(make_staff())
    page = client.get(f"/staff/outbox/{message.id}").get_data(as_text=True)
    assert "/password-reset/" not in page
    assert "private link" in page
    deliver_outbox()
    assert "/password-reset/" in inbox.messages[0].get_payload()
    db.session.refresh(message)
    assert "/password-reset/" not in message.body_text
    assert "private link: removed" in message.body_text
    assert user.id == message.recipient_id


def test_a_permanent_refusal_is_not_retried(app, db, inbox):
    queue(db, 1)
    inbox.refuse_code = "550 No such mailbox"
    inbox.refuse = True
    assert deliver_outbox().failed == 1
    (message,) = outbox()
    assert message.status == OutboxStatus.FAILED and message.attempts == 1


def test_an_unreachable_server_stops_the_batch(app, db):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    queue(db, 3)
    report = deliver_outbox()
    assert report.retrying == 1 and report.delivered == 0
    attempts = sorted(message.attempts for message in outbox())
    assert attempts == [0, 0, 1]
    assert all(message.lease_owner is None for message in outbox())
