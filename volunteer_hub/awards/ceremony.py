"""The ceremony: award certificates for each outcome (issued when a category is locked, kept
from view until the results are published), the running order for the host with a 50-word
citation for each award, and the ceremony pack: every certificate in ceremony order (by
category, winners last), rendered as one document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import case, select, update
from sqlalchemy.orm import selectinload

from ..certificates.models import Certificate, CertificateKind
from ..certificates.rendering import page_of, pages_pdf
from ..certificates.services import issuer
from ..clock import local_date
from ..extensions import db
from ..pdf import render_pdf
from .models import (
    OUTCOME_LABELS,
    AwardCategory,
    AwardCycle,
    Nomination,
    NominationStatus,
    Outcome,
)

CITATION_WORDS = 50
# Ceremony order within a category: the shortlisted first, winners last.
CEREMONY_RANK = {Outcome.SHORTLISTED: 0, Outcome.HIGHLY_COMMENDED: 1, Outcome.WINNER: 2}
Progress = Callable[[int, int], None]  # (done, total)


def words_of(text: str) -> list[str]:
    return text.split()


def default_citation(nomination: Nomination, merged: list[str]) -> str:
    """The first 50 words of what the nominators wrote: the kept nomination's statement, then
    the statements merged into it."""
    words: list[str] = []
    for statement in [nomination.statement, *merged]:
        words.extend(words_of(statement))
        if len(words) >= CITATION_WORDS:
            break
    cut = words[:CITATION_WORDS]
    text = " ".join(cut)
    return text + ("…" if len(words) > CITATION_WORDS else "")


def award_title(nomination: Nomination, cycle: AwardCycle) -> str:
    outcome = OUTCOME_LABELS[Outcome(nomination.outcome or Outcome.SHORTLISTED)]
    return f"{nomination.category.name} {cycle.year}: {outcome}"


def issue_award_certificates(category: AwardCategory) -> int:
    """A certificate for each nomination of the category with an outcome, once; withheld until
    the cycle's results are published. Citations not yet written are drawn from the
    statements. Returns how many were issued."""
    cycle = category.cycle
    nominations = ceremony_order(cycle, category)
    ids = [nomination.id for nomination in nominations]
    certified = set(
        db.session.scalars(
            select(Certificate.nomination_id).where(Certificate.nomination_id.in_(ids))
        )
    )
    merged = merged_statements(ids)
    issued = 0
    for nomination in nominations:
        if not nomination.citation:
            nomination.citation = default_citation(nomination, merged.get(nomination.id, []))
        if nomination.id in certified:
            continue
        db.session.add(
            Certificate(
                kind=CertificateKind.AWARD,
                recipient_id=nomination.nominee_user_id,
                recipient_name=nomination.nominee_name,
                title=award_title(nomination, cycle),
                detail=f"{cycle.title}, presented at {cycle.venue}.",
                issued_on=local_date(cycle.ceremony_at),
                issuer=issuer(),
                nomination_id=nomination.id,
                withheld=not cycle.published,
            )
        )
        issued += 1
    return issued


def release_award_certificates(cycle: AwardCycle) -> None:
    """The results are public: so are their certificates."""
    of_cycle = (
        select(Nomination.id)
        .join(AwardCategory, AwardCategory.id == Nomination.category_id)
        .where(AwardCategory.cycle_id == cycle.id)
    )
    db.session.execute(
        update(Certificate)
        .where(Certificate.nomination_id.in_(of_cycle))
        .values(withheld=False)
        .execution_options(synchronize_session=False)
    )


def merged_statements(ids: list[int]) -> dict[int, list[str]]:
    """The statements merged into each of the nominations `ids`, oldest first (one read)."""
    found: dict[int, list[str]] = {}
    for kept, statement in db.session.execute(
        select(Nomination.merged_into_id, Nomination.statement)
        .where(Nomination.merged_into_id.in_(ids))
        .order_by(Nomination.id)
    ):
        if kept is not None:  # always, by the filter; said for the type checker
            found.setdefault(kept, []).append(statement)
    return found


def ceremony_order(cycle: AwardCycle, category: AwardCategory | None = None) -> list[Nomination]:
    """Every nomination of the cycle (or of one `category`) with an outcome, by category,
    winners last."""
    rank = case(
        *((Nomination.outcome == str(outcome), order) for outcome, order in CEREMONY_RANK.items()),
        else_=-1,
    )
    query = select(Nomination).join(AwardCategory, AwardCategory.id == Nomination.category_id)
    if category is not None:
        query = query.where(Nomination.category_id == category.id)
    return list(
        db.session.scalars(
            query.where(
                AwardCategory.cycle_id == cycle.id,
                Nomination.status == NominationStatus.SHORTLISTED,
                Nomination.outcome.is_not(None),
            )
            .options(selectinload(Nomination.category))
            .order_by(AwardCategory.position, AwardCategory.id, rank, Nomination.nominee_name)
        )
    )


def is_ready(cycle: AwardCycle) -> bool:
    """A pack is made for a cycle whose every category is locked."""
    return bool(cycle.categories) and all(category.locked for category in cycle.categories)


def pack_certificates(cycle: AwardCycle) -> list[Certificate]:
    """The cycle's award certificates in ceremony order (revoked ones left out)."""
    nominations = ceremony_order(cycle)
    found = {
        certificate.nomination_id: certificate
        for certificate in db.session.scalars(
            select(Certificate).where(
                Certificate.nomination_id.in_([n.id for n in nominations]),
                Certificate.revoked_at.is_(None),
            )
        )
    }
    return [found[n.id] for n in nominations if n.id in found]


def ceremony_pack(cycle: AwardCycle, progress: Progress | None = None) -> bytes:
    """One PDF of every certificate in ceremony order, rendered once. `progress` is told as
    each page is prepared, and once more when the document is drawn."""
    certificates = pack_certificates(cycle)
    total = len(certificates) + 1
    pages = []
    for done, certificate in enumerate(certificates, start=1):
        pages.append(page_of(certificate))
        if progress:
            progress(done, total)
    pdf = pages_pdf(pages)
    if progress:
        progress(total, total)
    return pdf


@dataclass(frozen=True)
class RunningOrderRow:
    category: str
    outcome: str
    names: str
    citation: str
    nomination_id: int


def running_order(cycle: AwardCycle) -> list[RunningOrderRow]:
    return [
        RunningOrderRow(
            category=nomination.category.name,
            outcome=OUTCOME_LABELS[Outcome(nomination.outcome or Outcome.SHORTLISTED)],
            names=", ".join(
                part for part in (nomination.nominee_name, nomination.nominee_organisation) if part
            ),
            citation=nomination.citation,
            nomination_id=nomination.id,
        )
        for nomination in ceremony_order(cycle)
    ]


RUNNING_ORDER_HEADER = ["Order", "Category", "Outcome", "Names", "Citation"]


def running_order_rows(cycle: AwardCycle) -> list[list[object]]:
    """The running order as rows for a CSV under `RUNNING_ORDER_HEADER`."""
    return [
        [number, row.category, row.outcome, row.names, row.citation]
        for number, row in enumerate(running_order(cycle), start=1)
    ]


def running_order_pdf(cycle: AwardCycle) -> bytes:
    return render_pdf("pdf/running_order.html", cycle=cycle, rows=running_order(cycle))


def set_citation(nomination: Nomination, text: str) -> None:
    """Staff edit a citation: at most 50 words."""
    if len(words_of(text)) > CITATION_WORDS:
        raise ValueError(f"Keep the citation to {CITATION_WORDS} words")
    nomination.citation = " ".join(text.split())
