"""Scheduled jobs: one claim per run, runnable by hand, never started by the app."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from tests.conftest import is_postgresql
from tests.factories import make_organisation, make_role, make_user
from tests.helpers import run_together
from volunteer_hub.jobs import JOBS, JobRun, build_scheduler, claim_run, run_job, scheduled_slot
from volunteer_hub.mail import OutboxEmail, OutboxStatus, queue_email


def test_a_slot_can_be_claimed_once(app, db):
    assert claim_run("deliver-outbox", "2026-11-22T10:00:00+00:00") is not None
    assert claim_run("deliver-outbox", "2026-11-22T10:00:00+00:00") is None
    assert claim_run("deliver-outbox", "2026-11-22T10:01:00+00:00") is not None
    assert claim_run("prune-history", "2026-11-22T10:00:00+00:00") is not None


def test_the_scheduled_slot_is_the_nearest_minute():
    """Two schedulers firing a little late or a little early share the slot."""
    late = datetime(2026, 11, 22, 10, 0, 12, 5000, tzinfo=UTC)
    early = datetime(2026, 11, 22, 9, 59, 48, tzinfo=UTC)
    assert scheduled_slot(late) == scheduled_slot(early) == "2026-11-22T10:00:00+00:00"


def test_two_schedulers_firing_the_same_job_run_it_once(app, db):
    if not is_postgresql(app):
        pytest.skip("race test runs on PostgreSQL only: SQLite serialises all writers")
    runs = run_together(app, lambda _: run_job("prune-history", "2026-11-22T03:20:00+00:00"))
    assert sorted(run is None for run in runs) == [False, True]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(JobRun)) == 1


def test_run_job_records_the_outcome(app, db):
    user = make_user()
    queue_email(user.email, "password_changed", recipient_id=user.id, name=user.name)
    db.session.commit()
    run = run_job("deliver-outbox")
    assert run is not None and run.outcome == "ok"
    assert "delivered 1" in run.summary
    assert run.finished_at is not None


def test_prune_history_forgets_old_runs_and_old_mail(app, db):
    user = make_user()
    old = datetime.now(UTC) - timedelta(days=120)
    with time_machine.travel(old):
        claim_run("deliver-outbox", "old")
        message = queue_email(user.email, "password_changed", recipient_id=user.id, name=user.name)
        message.status = OutboxStatus.SENT
        failed = queue_email(user.email, "password_changed", recipient_id=user.id, name=user.name)
        failed.status = OutboxStatus.FAILED
        queue_email(user.email, "password_changed", recipient_id=user.id, name=user.name)
        db.session.commit()
    recent = queue_email(user.email, "password_changed", recipient_id=user.id, name=user.name)
    recent.status = OutboxStatus.SENT
    db.session.commit()
    run = run_job("prune-history")
    assert run.outcome == "ok"
    assert db.session.scalars(sa.select(JobRun.slot)).all() == [run.slot]
    statuses = sorted(m.status for m in db.session.scalars(sa.select(OutboxEmail)))
    assert statuses == ["pending", "sent"]  # old sent and failed mail gone; unsent mail kept


def test_jobs_list_and_run_commands(runner, db):
    listed = runner.invoke(args=["hub", "jobs", "list"])
    assert listed.exit_code == 0
    assert "deliver-outbox" in listed.output and "prune-history" in listed.output
    ran = runner.invoke(args=["hub", "jobs", "run", "deliver-outbox"])
    assert ran.exit_code == 0, ran.output
    assert "deliver-outbox: ok" in ran.output
    unknown = runner.invoke(args=["hub", "jobs", "run", "no-such-job"])
    assert unknown.exit_code == 2


def test_the_scheduler_holds_every_job_and_is_not_running(app):
    scheduler = build_scheduler(app)
    assert {job.id for job in scheduler.get_jobs()} == {
        "deliver-outbox",
        "prune-history",
        "insurance-reminders",
        "close-finished-roles",
        "role-refresh-reminders",
        "chase-applications",
        "expire-offers",
        "shift-reminders",
        "training-reminders",
        "training-expiry-reminders",
        "expire-training-offers",
        "apply-retention",
        "refresh-statistics",
    }
    assert not scheduler.running


def test_creating_the_app_starts_no_scheduler(app):
    assert not [thread for thread in threading.enumerate() if "APScheduler" in thread.name]


@pytest.mark.parametrize("name", sorted(JOBS))
def test_every_scheduled_job_runs_by_hand_on_an_empty_hub(runner, db, name):
    result = runner.invoke(args=["hub", "jobs", "run", name])
    assert result.exit_code == 0, result.output
    assert f"{name}: ok" in result.output


def planner_row_count(app, db, table: str) -> float | None:
    """How many rows the query planner believes `table` holds; `None` when it has no idea."""
    if is_postgresql(app):
        query = sa.text("SELECT reltuples FROM pg_class WHERE relname = :t")
        count = db.session.scalar(query, {"t": table})
        return None if count is None or count < 0 else count
    if not db.session.scalar(
        sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
    ):
        return None
    stat = db.session.scalar(
        sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t ORDER BY idx LIMIT 1"), {"t": table}
    )
    return None if stat is None else float(stat.split()[0])


def test_refreshing_statistics_tells_the_planner_how_many_roles_there_are(app, db):
    """Without statistics SQLite drove a keyword search from the roles, not from the words:
    1.4 s instead of 7 ms at 10,000 roles. The nightly job keeps them fresh."""
    organisation = make_organisation()
    for _ in range(3):
        make_role(organisation)
    db.session.commit()
    run = run_job("refresh-statistics")
    assert run is not None and run.outcome == "ok"
    assert planner_row_count(app, db, "roles") == 3
    assert JOBS["refresh-statistics"].cron == {"hour": 3, "minute": 40}
