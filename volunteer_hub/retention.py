"""The retention schedule (shared/DOMAIN.md): what the privacy notice promises, done daily.

- Accounts never confirmed are erased after `UNCONFIRMED_ACCOUNT_DAYS`.
- Volunteers inactive for the `retention_inactive_months` setting are warned by email, then
  erased `retention_warning_days` later unless they sign in meanwhile. Staff and admins are
  never erased by the schedule.
- Client addresses in the audit trail are forgotten after `AUDIT_IP_KEEP_DAYS`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, select, update

from .audit.models import AuditEvent
from .auth.models import AccessLevel, User
from .clock import local_date
from .database import utcnow
from .extensions import db
from .mail import queue_email
from .privacy import erase_account
from .reference.settings import setting_int
from .urls import external_url


@dataclass
class RetentionReport:
    unconfirmed_erased: int = 0
    warned: int = 0
    inactive_erased: int = 0
    addresses_forgotten: int = 0

    def __str__(self) -> str:
        return (
            f"erased {self.unconfirmed_erased} unconfirmed and {self.inactive_erased} inactive "
            f"accounts, warned {self.warned}, forgot {self.addresses_forgotten} addresses"
        )


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (clamped to the month's end)."""
    year, month_index = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month = month_index + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def apply_retention(now: datetime | None = None) -> RetentionReport:
    """One pass of the schedule; each account is handled in its own transaction."""
    now = now or utcnow()
    report = RetentionReport()
    report.unconfirmed_erased = _erase_unconfirmed(now)
    report.warned = _warn_inactive(now)
    report.inactive_erased = _erase_warned(now)
    report.addresses_forgotten = _forget_addresses(now)
    return report


def _live_members() -> list[ColumnElement[bool]]:
    return [User.deleted_at.is_(None), User.access_level == AccessLevel.MEMBER]


def _erase_each(users: list[User], reason: str) -> int:
    for user in users:
        erase_account(user, actor=None, reason=reason)
        db.session.commit()
    return len(users)


def _erase_unconfirmed(now: datetime) -> int:
    cutoff = now - timedelta(days=current_app.config["UNCONFIRMED_ACCOUNT_DAYS"])
    users = db.session.scalars(
        select(User).where(
            *_live_members(), User.email_verified_at.is_(None), User.created_at < cutoff
        )
    ).all()
    return _erase_each(list(users), "never confirmed")


def _last_active() -> ColumnElement[datetime]:
    return func.coalesce(User.last_login_at, User.created_at)


def _warn_inactive(now: datetime) -> int:
    months = setting_int("retention_inactive_months")
    warning_days = setting_int("retention_warning_days")
    cutoff = months_before(now, months) + timedelta(days=warning_days)
    users = db.session.scalars(
        select(User).where(
            *_live_members(),
            User.email_verified_at.is_not(None),
            User.retention_warned_at.is_(None),
            _last_active() < cutoff,
        )
    ).all()
    erase_on = local_date(now + timedelta(days=warning_days))
    for user in users:
        user.retention_warned_at = now
        queue_email(
            user.email,
            "retention_warning",
            recipient_id=user.id,
            name=user.name,
            erase_on=erase_on,
            login_url=external_url("auth.login"),
        )
        db.session.commit()
    return len(users)


def _erase_warned(now: datetime) -> int:
    warning_days = setting_int("retention_warning_days")
    users = db.session.scalars(
        select(User).where(
            *_live_members(),
            User.retention_warned_at < now - timedelta(days=warning_days),
            _last_active() <= User.retention_warned_at,
        )
    ).all()
    return _erase_each(list(users), "inactive")


def _forget_addresses(now: datetime) -> int:
    cutoff = now - timedelta(days=current_app.config["AUDIT_IP_KEEP_DAYS"])
    result = db.session.execute(
        update(AuditEvent)
        .where(and_(AuditEvent.ip_address.is_not(None), AuditEvent.created_at < cutoff))
        .values(ip_address=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
