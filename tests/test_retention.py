"""The retention schedule: what the privacy notice promises happens, on time, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import time_machine

from tests.factories import PASSWORD, make_staff, make_user
from tests.helpers import outbox
from volunteer_hub.audit.models import AuditEvent
from volunteer_hub.audit.services import record_event
from volunteer_hub.auth.models import User
from volunteer_hub.jobs import run_job
from volunteer_hub.retention import apply_retention, months_before

START = datetime(2023, 1, 10, 9, 0, tzinfo=UTC)


def test_months_before_keeps_the_day_or_the_months_end():
    assert months_before(datetime(2026, 5, 31, tzinfo=UTC), 3) == datetime(2026, 2, 28, tzinfo=UTC)
    assert months_before(datetime(2026, 3, 15, tzinfo=UTC), 36) == datetime(2023, 3, 15, tzinfo=UTC)


def test_an_account_never_confirmed_is_erased_after_thirty_days(app, db):
    with time_machine.travel(START):
        unconfirmed = make_user(email="never@example.org", verified=False)
        confirmed = make_user(email="yes@example.org")
    with time_machine.travel(START + timedelta(days=29)):
        assert apply_retention().unconfirmed_erased == 0
    with time_machine.travel(START + timedelta(days=31)):
        assert apply_retention().unconfirmed_erased == 1
    assert db.session.get(User, unconfirmed.id).deleted_at is not None
    assert db.session.get(User, confirmed.id).deleted_at is None


def test_an_inactive_volunteer_is_warned_then_erased_unless_they_sign_in(client, db):
    with time_machine.travel(START):
        quiet = make_user(email="quiet@example.org")
        returning = make_user(email="back@example.org")
        staff = make_staff(email="staff@example.org")
    warn_day = START + timedelta(days=3 * 365 - 30 + 2)  # 36 months less the 30-day warning
    with time_machine.travel(warn_day):
        assert apply_retention().warned == 2
        assert apply_retention().warned == 0  # warned once only
    (warning,) = outbox("quiet@example.org")
    assert "We will delete your" in warning.subject
    with time_machine.travel(warn_day + timedelta(days=10)):
        client.post("/login", data={"email": "back@example.org", "password": PASSWORD})
    with time_machine.travel(warn_day + timedelta(days=31)):
        report = apply_retention()
    assert report.inactive_erased == 1
    assert db.session.get(User, quiet.id).deleted_at is not None
    assert db.session.get(User, returning.id).deleted_at is None
    assert db.session.get(User, staff.id).deleted_at is None
    reasons = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "account.erased")
    ).all()
    assert reasons == [{"reason": "inactive"}]


def test_client_addresses_in_the_audit_trail_are_forgotten_after_ninety_days(app, db):
    with time_machine.travel(START):
        record_event("login.failed", ip_address="203.0.113.9")
        db.session.commit()
    with time_machine.travel(START + timedelta(days=89)):
        record_event("login.failed", ip_address="198.51.100.7")
        db.session.commit()
    with time_machine.travel(START + timedelta(days=91)):
        run = run_job("apply-retention")
    assert run.outcome == "ok"
    addresses = db.session.scalars(sa.select(AuditEvent.ip_address).order_by(AuditEvent.id)).all()
    assert addresses == [None, "198.51.100.7"]
