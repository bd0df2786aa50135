"""Making a ceremony pack in the background, with its progress on a page: a large cycle's
pack takes longer than a page should wait (about 7 seconds for 500 certificates). Staff ask
for one; a thread of the web process makes it, writing how far it has got to its row; the
page shows that progress and, when it is ready, the download. A pack whose maker stopped
(the worker restarted) is shown as failed after `STALE_AFTER`, so staff can ask again."""

from __future__ import annotations

import enum
import logging
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import ForeignKey, LargeBinary, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..database import UTCDateTime, utcnow
from ..extensions import Model, db
from .ceremony import ceremony_pack, pack_certificates
from .models import AwardCycle

log = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=10)
PROGRESS_EVERY = 25  # pages prepared between two writes of the progress


class PackStatus(enum.StrEnum):
    MAKING = "making"
    READY = "ready"
    FAILED = "failed"


class CeremonyPack(Model):
    """One making of a cycle's ceremony pack: its progress, then the PDF."""

    __tablename__ = "ceremony_packs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("award_cycles.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=PackStatus.MAKING)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    error: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cycle: Mapped[AwardCycle] = relationship()

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def is_stale(self, now: datetime) -> bool:
        return self.status == PackStatus.MAKING and now - self.requested_at > STALE_AFTER


def request_pack(cycle: AwardCycle, actor: User) -> CeremonyPack:
    """Record the request (committed), so the page can show it at once."""
    pack = CeremonyPack(
        cycle_id=cycle.id, requested_by_id=actor.id, total=len(pack_certificates(cycle)) + 1
    )
    db.session.add(pack)
    db.session.commit()
    return pack


def start_making(pack_id: int) -> threading.Thread:
    """Make the pack in a thread of this process, with an app context of its own."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=_make, args=(app, pack_id), name=f"ceremony-pack-{pack_id}", daemon=True
    )
    thread.start()
    return thread


def _make(app: Flask, pack_id: int) -> None:
    with app.app_context():
        try:
            make_pack(pack_id)
        except Exception as error:
            db.session.rollback()
            log.exception("Ceremony pack %s failed", pack_id)
            _finish(pack_id, PackStatus.FAILED, error=f"{type(error).__name__}: {error}"[:500])
        finally:
            db.session.remove()


def make_pack(pack_id: int) -> None:
    """Make the pack, writing its progress every few pages and the PDF at the end."""
    pack = db.session.get(CeremonyPack, pack_id)
    if pack is None:
        return
    cycle = db.session.get(AwardCycle, pack.cycle_id)
    if cycle is None:
        return

    def progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            _set(pack_id, done=done - 1 if done == total else done, total=total)

    pdf = ceremony_pack(cycle, progress=progress)
    _finish(pack_id, PackStatus.READY, pdf=pdf)


def _set(pack_id: int, **values: object) -> None:
    """Write the pack's row on a connection of its own: committing the session would expire
    the certificates it holds, and each page would read its row again."""
    with db.engine.begin() as connection:
        connection.execute(update(CeremonyPack).where(CeremonyPack.id == pack_id).values(**values))


def _finish(pack_id: int, status: PackStatus, **values: object) -> None:
    finished = {"status": status, "finished_at": utcnow(), **values}
    if status == PackStatus.READY:
        finished["done"] = CeremonyPack.total
    _set(pack_id, **finished)


def latest_pack(cycle: AwardCycle) -> CeremonyPack | None:
    return db.session.scalar(
        select(CeremonyPack)
        .where(CeremonyPack.cycle_id == cycle.id)
        .order_by(CeremonyPack.id.desc())
        .limit(1)
    )
