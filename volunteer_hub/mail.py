"""Email through an outbox: `queue_email` writes a message in the caller's transaction and the
`deliver-outbox` job sends it, claiming each message with a lease so no two workers send it."""

from __future__ import annotations

import enum
import logging
import os
import re
import smtplib
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

from flask import current_app, render_template
from sqlalchemy import ForeignKey, Index, String, Text, false, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, utcnow
from .extensions import Model, db

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)
LINK = re.compile(r"https?://\S+")
REDACTED_LINK = "[private link: removed once the email was sent]"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    LOGGED = "logged"  # no mail server configured: written to the log and kept here
    FAILED = "failed"


class OutboxEmail(Model):
    __tablename__ = "outbox_emails"
    __table_args__ = (Index("ix_outbox_emails_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254), index=True)
    template: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    sensitive: Mapped[bool] = mapped_column(default=False, server_default=false())  # private link
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(80))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def queue_email(
    to_address: str,
    template: str,
    *,
    recipient_id: int | None = None,
    sensitive: bool = False,
    **context: Any,
) -> OutboxEmail:
    """Render `templates/email/<template>.txt` and add it to the outbox (the caller commits).

    The template's first line is `Subject: ...`, then a blank line, then the body. A
    `sensitive` message holds a private link (sign-in, reset, confirmation): staff never see
    its body, and its links are removed from the stored copy once it has been sent.
    """
    rendered = render_template(f"email/{template}.txt", **context)
    head, _, body = rendered.partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"email/{template}.txt must start with a 'Subject: ' line")
    message = OutboxEmail(
        to_address=to_address,
        template=template,
        subject=head.removeprefix("Subject: ").strip(),
        body_text=body.strip() + "\n",
        recipient_id=recipient_id,
        sensitive=sensitive,
    )
    db.session.add(message)
    return message


class Transport(Protocol):
    status: OutboxStatus

    def send(self, message: EmailMessage) -> None: ...


class LogTransport:
    """Development delivery: the message goes to the log and stays readable in the outbox."""

    status = OutboxStatus.LOGGED

    def send(self, message: EmailMessage) -> None:
        log.info("Email to %s: %s\n%s", message["To"], message["Subject"], message.get_content())


class SMTPTransport:
    """Delivery over one SMTP connection, opened on the first message of a run."""

    status = OutboxStatus.SENT

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            try:
                self.connection = self._connect()
            except (smtplib.SMTPException, OSError) as error:
                raise ServerUnavailable(f"{type(error).__name__}: {error}") from error
        try:
            self.connection.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()  # reconnect for the next message
            raise

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        connection = smtp_class(
            cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"]), timeout=cfg["MAIL_TIMEOUT"]
        )
        if cfg["MAIL_USE_TLS"]:
            connection.starttls()
        if cfg["MAIL_USERNAME"]:
            connection.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        return connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


class ServerUnavailable(Exception):
    """The mail server could not be reached: the rest of the batch waits for the next run."""


@contextmanager
def open_transport() -> Iterator[Transport]:
    if not current_app.config["MAIL_SERVER"]:
        yield LogTransport()
        return
    transport = SMTPTransport(current_app.config)
    try:
        yield transport
    finally:
        transport.close()


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


def deliver_outbox(worker: str | None = None) -> DeliveryReport:
    """Send the messages that are due. Safe to run in many processes at once."""
    worker = worker or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    config = current_app.config
    due_ids = db.session.scalars(
        select(OutboxEmail.id)
        .where(OutboxEmail.status == OutboxStatus.PENDING, OutboxEmail.next_attempt_at <= utcnow())
        .where(or_(OutboxEmail.lease_until.is_(None), OutboxEmail.lease_until < utcnow()))
        .order_by(OutboxEmail.id)
        .limit(config["OUTBOX_BATCH_SIZE"])
    ).all()
    db.session.commit()
    report = DeliveryReport()
    with open_transport() as transport:
        for message_id in due_ids:
            if not _claim(message_id, worker, timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])):
                report.skipped += 1
                continue
            if not _deliver_one(message_id, transport, report, config["OUTBOX_MAX_ATTEMPTS"]):
                break
    return report


def _claim(message_id: int, worker: str, lease: timedelta) -> bool:
    """Take the lease on one message; only one worker's conditional update can match."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxEmail)
        .where(OutboxEmail.id == message_id, OutboxEmail.status == OutboxStatus.PENDING)
        .where(or_(OutboxEmail.lease_until.is_(None), OutboxEmail.lease_until < now))
        .values(lease_owner=worker, lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _deliver_one(
    message_id: int, transport: Transport, report: DeliveryReport, max_attempts: int
) -> bool:
    """Send one leased message and record the outcome; False when the server is unreachable.

    Whatever goes wrong, the lease is released and the attempt counted, so no message is
    left stuck; a permanent refusal (5xx) is not retried.
    """
    message = db.session.get_one(OutboxEmail, message_id)
    reachable = True
    message.attempts += 1
    try:
        transport.send(_as_email(message))
    except ServerUnavailable as error:
        reachable = False
        _retry_later(message, error, report, max_attempts)
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
        if _permanent(error):
            _give_up(message, error, report)
        else:
            _retry_later(message, error, report, max_attempts)
    except Exception as error:  # any failure at all must still release the lease
        _retry_later(message, error, report, max_attempts)
    else:
        message.status = transport.status
        message.sent_at = utcnow()
        message.last_error = None
        if message.sensitive:
            message.body_text = LINK.sub(REDACTED_LINK, message.body_text)
        report.delivered += 1
    message.lease_owner = None
    message.lease_until = None
    db.session.commit()
    return reachable


def _permanent(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _give_up(message: OutboxEmail, error: Exception, report: DeliveryReport) -> None:
    message.status = OutboxStatus.FAILED
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    report.failed += 1
    log.warning("Email %s refused for good: %s", message.id, error)


def _retry_later(
    message: OutboxEmail, error: Exception, report: DeliveryReport, max_attempts: int
) -> None:
    if message.attempts >= max_attempts:
        _give_up(message, error, report)
        return
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.next_attempt_at = utcnow() + min(timedelta(minutes=2**message.attempts), MAX_BACKOFF)
    report.retrying += 1
    log.warning("Email %s not sent (attempt %s): %s", message.id, message.attempts, error)


def _as_email(message: OutboxEmail) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}-{uuid.uuid4().hex}@volunteer-hub>"
    email.set_content(message.body_text)
    return email
