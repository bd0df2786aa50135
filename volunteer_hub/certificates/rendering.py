"""What a certificate page shows, and its PDF: one certificate, or many in one document (the
ceremony pack), always through `templates/pdf/_certificate.html`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..pdf import image_data_uri, qr_data_uri, render_pdf
from ..urls import external_url
from .models import Certificate, CertificateDesign, CertificateKind

DESIGN_ID = 1


@dataclass(frozen=True)
class Look:
    """A design ready to draw: colours, names, and images inlined as `data:` URIs."""

    hub_name: str
    primary_colour: str
    accent_colour: str
    signatory_name: str
    signatory_title: str
    logo_uri: str | None
    signature_uri: str | None


@dataclass(frozen=True)
class Page:
    """One certificate as drawn: its record, the URL that verifies it and that URL's QR code."""

    certificate: Certificate
    verify_url: str
    qr_uri: str


def saved_design() -> CertificateDesign:
    """The admins' design, or an unsaved one holding the defaults."""
    design = db.session.get(
        CertificateDesign,
        DESIGN_ID,
        options=[selectinload(CertificateDesign.logo), selectinload(CertificateDesign.signature)],
    )
    return design or CertificateDesign(
        id=DESIGN_ID,
        hub_name="",
        primary_colour="#1d4f91",
        accent_colour="#9a6b00",
        signatory_name="",
        signatory_title="",
    )


def look_of(design: CertificateDesign) -> Look:
    logo, signature = design.logo, design.signature
    return Look(
        hub_name=design.hub_name or current_app.config["HUB_NAME"],
        primary_colour=design.primary_colour,
        accent_colour=design.accent_colour,
        signatory_name=design.signatory_name,
        signatory_title=design.signatory_title,
        logo_uri=image_data_uri(logo.content_type, logo.data) if logo else None,
        signature_uri=image_data_uri(signature.content_type, signature.data) if signature else None,
    )


def verify_url(certificate: Certificate) -> str:
    return external_url("certificates.verify", code=certificate.code)


def page_of(certificate: Certificate) -> Page:
    url = verify_url(certificate)
    return Page(certificate, url, qr_data_uri(url))


def certificate_pdf(certificate: Certificate) -> bytes:
    """The PDF of one certificate: a service record is a document of its own."""
    if certificate.kind == CertificateKind.SERVICE:
        look = look_of(saved_design())
        return render_pdf("pdf/service_record.html", page=page_of(certificate), look=look)
    return certificates_pdf([certificate])


def certificates_pdf(certificates: Sequence[Certificate], look: Look | None = None) -> bytes:
    """One PDF with a page for each certificate, in the order given, rendered once."""
    return pages_pdf([page_of(certificate) for certificate in certificates], look)


def pages_pdf(pages: Sequence[Page], look: Look | None = None) -> bytes:
    """One PDF of certificate pages already prepared (`page_of`), rendered once."""
    return render_pdf("pdf/certificates.html", pages=pages, look=look or look_of(saved_design()))
