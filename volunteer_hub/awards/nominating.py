"""Nominating: anyone may nominate while the cycle's window is open; the nomination waits,
unconfirmed, until the nominator follows the link emailed to them. The caller commits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..audit.services import record_event
from ..database import utcnow
from ..extensions import db
from ..mail import queue_email
from ..urls import external_url
from .models import AwardCategory, AwardCycle, Nomination, NominationStatus
from .services import AwardsRefused, add_history, move

STATEMENT_WORDS = 500
SUPPORTING_WORDS = 1_000
CONFIRM_DAYS = 7
WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    return len(WORD.findall(text or ""))


class WindowClosed(AwardsRefused):
    """Nominations are not open: `opens_at` says when they will, or None when they closed."""

    def __init__(self, message: str, opens_at: datetime | None) -> None:
        super().__init__(message)
        self.opens_at = opens_at


def check_window(cycle: AwardCycle, now: datetime) -> None:
    if now < cycle.nominations_open_at:
        raise WindowClosed("Nominations are not open yet.", cycle.nominations_open_at)
    if now >= cycle.nominations_close_at:
        raise WindowClosed("Nominations have closed.", None)


@dataclass(frozen=True)
class NominationData:
    nominee_name: str
    nominee_organisation: str
    nominee_contact: str
    nominator_name: str
    nominator_email: str
    nominator_relationship: str
    statement: str
    supporting: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="volunteer-hub/nomination-confirm"
    )


def nominate(category: AwardCategory, data: NominationData) -> Nomination:
    """Store an unconfirmed nomination and email its nominator the link that confirms it."""
    check_window(category.cycle, utcnow())
    if word_count(data.statement) > STATEMENT_WORDS:
        raise AwardsRefused(f"The statement must be {STATEMENT_WORDS} words or fewer.")
    nomination = Nomination(category=category, **vars(data))
    db.session.add(nomination)
    db.session.flush()
    add_history(nomination, "nominated", None)
    record_event("nomination.created", subject=nomination)
    token = _serializer().dumps({"nid": nomination.id})
    queue_email(
        nomination.nominator_email,
        "nomination_confirm",
        sensitive=True,
        nomination=nomination,
        category=category,
        link=external_url("awards.confirm", token=token),
        days=CONFIRM_DAYS,
    )
    return nomination


def confirm(token: str) -> Nomination | None:
    """Confirm the nomination the token names; `None` when the link is not valid. Following
    the link again once confirmed changes nothing."""
    try:
        payload = _serializer().loads(token, max_age=CONFIRM_DAYS * 24 * 3600)
    except BadSignature:
        return None
    nomination_id = payload.get("nid") if isinstance(payload, dict) else None
    if not isinstance(nomination_id, int):
        return None
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None:
        return None
    if nomination.status == NominationStatus.UNCONFIRMED:
        move(nomination, NominationStatus.SUBMITTED, None, "confirmed")
        nomination.confirmed_at = utcnow()
    return nomination
