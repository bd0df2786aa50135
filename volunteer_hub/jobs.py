"""Scheduled jobs: plain functions, a declarative SCHEDULE, and a claim per run in the database.

The scheduler runs in its own process (`flask hub scheduler`); nothing here starts on import.
Two scheduler processes may both fire a job: the first to insert the `(job, slot)` row runs
it, the other skips it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import String, Text, UniqueConstraint, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, refresh_statistics, utcnow
from .extensions import Model, db
from .mail import OutboxEmail, OutboxStatus, deliver_outbox
from .organisations.jobs import remind_insurance_expiry
from .placements.jobs import chase_applications, expire_offers_job
from .retention import apply_retention
from .roles.jobs import close_finished_roles, remind_stale_roles
from .shifts.jobs import remind_shifts
from .training.expiry_jobs import remind_expiring
from .training.session_jobs import expire_training_offers, remind_sessions

log = logging.getLogger(__name__)


class JobRun(Model):
    """One run of a scheduled job; the unique `(job, slot)` pair is the claim."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    slot: Mapped[str] = mapped_column(String(60))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(10))
    summary: Mapped[str | None] = mapped_column(Text)


def deliver_outbox_job() -> str:
    report = deliver_outbox()
    return (
        f"delivered {report.delivered}, retrying {report.retrying}, "
        f"failed {report.failed}, skipped {report.skipped}"
    )


def prune_history_job() -> str:
    """Forget old job runs, and mail (sent or given up) after its keeping period."""
    now = utcnow()
    runs = db.session.execute(
        delete(JobRun).where(JobRun.started_at < now - timedelta(days=30))
    ).rowcount  # type: ignore[attr-defined]
    mails = db.session.execute(
        delete(OutboxEmail).where(
            OutboxEmail.status.in_([OutboxStatus.SENT, OutboxStatus.LOGGED, OutboxStatus.FAILED]),
            OutboxEmail.created_at < now - timedelta(days=current_app.config["OUTBOX_KEEP_DAYS"]),
        )
    ).rowcount  # type: ignore[attr-defined]
    db.session.commit()
    return f"removed {runs} job runs and {mails} delivered emails"


def refresh_statistics_job() -> str:
    refresh_statistics(db.session)
    return "refreshed the query planner's statistics"


def apply_retention_job() -> str:
    return str(apply_retention())


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: Callable[[], str]
    cron: dict[str, Any]  # CronTrigger fields, in the hub's local time
    description: str


SCHEDULE: tuple[ScheduledJob, ...] = (
    ScheduledJob("deliver-outbox", deliver_outbox_job, {"minute": "*"}, "Send queued email."),
    ScheduledJob(
        "prune-history",
        prune_history_job,
        {"hour": 3, "minute": 20},
        "Remove job runs older than 30 days and email past its keeping period.",
    ),
    ScheduledJob(
        "insurance-reminders",
        remind_insurance_expiry,
        {"hour": 7, "minute": 5},
        "Remind organisations, then staff, of public liability insurance about to expire.",
    ),
    ScheduledJob(
        "close-finished-roles",
        close_finished_roles,
        {"hour": 0, "minute": 15},
        "Close published roles past their application deadline or end date.",
    ),
    ScheduledJob(
        "role-refresh-reminders",
        remind_stale_roles,
        {"hour": 7, "minute": 20},
        "Ask organisations whether adverts unchanged for six months need a refresh.",
    ),
    ScheduledJob(
        "chase-applications",
        chase_applications,
        {"hour": 7, "minute": 0},
        "Nudge deciders on the last working day to answer an application; tell staff the next.",
    ),
    ScheduledJob(
        "expire-offers",
        expire_offers_job,
        {"minute": "*/5"},
        "Pass offers of places that ran out to the next volunteer on the waiting list.",
    ),
    ScheduledJob(
        "shift-reminders",
        remind_shifts,
        {"minute": "*/15"},
        "Remind volunteers of each booked shift a day before it starts.",
    ),
    ScheduledJob(
        "training-reminders",
        remind_sessions,
        {"minute": "*/15"},
        "Remind people of each training session they are booked on, 48 hours before.",
    ),
    ScheduledJob(
        "training-expiry-reminders",
        remind_expiring,
        {"hour": 7, "minute": 10},
        "Remind people before training runs out and criminal record checks fall due for renewal.",
    ),
    ScheduledJob(
        "expire-training-offers",
        expire_training_offers,
        {"minute": "*/5"},
        "Pass offers of training places that ran out to the next person waiting.",
    ),
    ScheduledJob(
        "apply-retention",
        apply_retention_job,
        {"hour": 2, "minute": 40},
        "Erase unconfirmed and long-inactive accounts, after a warning; forget old addresses.",
    ),
    ScheduledJob(
        "refresh-statistics",
        refresh_statistics_job,
        {"hour": 3, "minute": 40},
        "Recount the database's rows for the query planner, so that searches stay fast.",
    ),
)
JOBS = {job.name: job for job in SCHEDULE}


def claim_run(job: str, slot: str) -> JobRun | None:
    """Insert the run's row; `None` when another process already claimed this slot."""
    run = JobRun(job=job, slot=slot)
    db.session.add(run)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return run


def run_job(name: str, slot: str | None = None) -> JobRun | None:
    """Run a job once for `slot` (by default a manual slot of its own) and record the outcome."""
    job = JOBS[name]
    run = claim_run(name, slot or f"manual:{utcnow().isoformat()}")
    if run is None:
        log.info("Job %s for %s already claimed elsewhere", name, slot)
        return None
    try:
        run.summary = job.func()
        run.outcome = "ok"
    except Exception as error:
        db.session.rollback()
        log.exception("Job %s failed", name)
        run.outcome = "error"
        run.summary = f"{type(error).__name__}: {error}"[:2000]
    run.finished_at = utcnow()
    db.session.commit()
    return run


def scheduled_slot(now: datetime | None = None) -> str:
    """The minute a scheduled firing belongs to, rounded to the nearest minute, so every
    process firing it (a little early or late) shares the slot."""
    moment = (now or utcnow()) + timedelta(seconds=30)
    return moment.replace(second=0, microsecond=0).isoformat()


def build_scheduler(app: Flask) -> Any:
    """A blocking APScheduler with one cron trigger per SCHEDULE entry (not started)."""
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    scheduler = BlockingScheduler(timezone=app.config["TIMEZONE"])

    def fire(name: str) -> None:
        with app.app_context():
            run_job(name, scheduled_slot())
            db.session.remove()

    for job in SCHEDULE:
        scheduler.add_job(
            fire,
            CronTrigger(timezone=app.config["TIMEZONE"], **job.cron),
            args=[job.name],
            id=job.name,
            name=job.description,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=60,
        )
    return scheduler
