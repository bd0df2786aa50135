"""Staff approving many applications at once from their queue."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db
from .models import Placement
from .services import PlacementRefused, decide


@dataclass(frozen=True)
class BulkOutcome:
    approved: list[Placement]
    refused: list[tuple[Placement, str]]


def approve_many(placement_ids: list[int], actor: User) -> BulkOutcome:
    """Approve each application in turn, in the order given; each approval stands or falls
    on its own (a savepoint), so one that would overbook its role leaves the others done."""
    approved: list[Placement] = []
    refused: list[tuple[Placement, str]] = []
    placements = db.session.scalars(
        select(Placement).where(Placement.id.in_(placement_ids)).order_by(Placement.id)
    ).all()
    order = {placement_id: n for n, placement_id in enumerate(placement_ids)}
    for placement in sorted(placements, key=lambda found: order[found.id]):
        try:
            with db.session.begin_nested():
                decide(placement, "approve", actor)
        except PlacementRefused as refusal:
            refused.append((placement, str(refusal)))
        else:
            approved.append(placement)
    return BulkOutcome(approved, refused)
