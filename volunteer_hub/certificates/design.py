"""How certificates look, set by admins: the hub's name, logo, colours, signatory and
signature; a preview drawn from the form's values before anything is saved."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, ValidationError
from wtforms.validators import Length, Optional

from ..audit.services import record_event
from ..auth.models import User
from ..extensions import db
from ..files import JPEG, MAX_BYTES, PNG, StoredFile, UploadRefused, evidence_kind
from ..forms import HubForm
from ..pdf import image_data_uri
from .models import Certificate, CertificateDesign, CertificateKind
from .rendering import DESIGN_ID, Look, certificates_pdf, look_of, saved_design

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
IMAGE_HINT = "A PNG or JPEG picture, up to 5 MB."
IMAGE_ACCEPT = {"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"}
MIN_CONTRAST = 4.5  # WCAG AA for text on the certificate's white


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of a `#rrggbb` colour against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def _colour_field(label: str) -> StringField:
    return StringField(
        label,
        description="A dark colour, written like #1d4f91, so that text in it is easy to read.",
        render_kw={"type": "color"},
    )


def _image_field(label: str) -> FileField:
    return FileField(label, description=IMAGE_HINT, render_kw=IMAGE_ACCEPT)


class DesignForm(HubForm):
    hub_name = StringField(
        "Hub name on certificates",
        description="Leave empty to use the hub's name.",
        validators=[Optional(), Length(max=200, message="Keep the name to 200 characters")],
    )
    primary_colour = _colour_field("Main colour (border and headings)")
    accent_colour = _colour_field("Second colour (the certificate's title)")
    signatory_name = StringField(
        "Signed by",
        description="For example, the Volunteer Hub Lead's name.",
        validators=[Optional(), Length(max=200, message="Keep the name to 200 characters")],
    )
    signatory_title = StringField(
        "Their title",
        validators=[Optional(), Length(max=200, message="Keep the title to 200 characters")],
    )
    logo = _image_field("Logo")
    remove_logo = BooleanField("Remove the logo")
    signature = _image_field("Signature image")
    remove_signature = BooleanField("Remove the signature image")

    uploads: dict[str, tuple[str, bytes]]

    def validate_primary_colour(self, field: StringField) -> None:
        _check_colour(field)

    def validate_accent_colour(self, field: StringField) -> None:
        _check_colour(field)

    def validate_logo(self, field: FileField) -> None:
        self._read_image("logo", field)

    def validate_signature(self, field: FileField) -> None:
        self._read_image("signature", field)

    def _read_image(self, name: str, field: FileField) -> None:
        if not getattr(self, "uploads", None):
            self.uploads = {}
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.stream.read(MAX_BYTES + 1)
        try:
            kind = evidence_kind(data)
        except UploadRefused as refused:
            raise ValidationError(str(refused)) from refused
        if kind not in (PNG, JPEG):
            raise ValidationError("Choose a PNG or JPEG picture, not a PDF.")
        self.uploads[name] = (kind.content_type, data)


def _check_colour(field: StringField) -> None:
    value = (field.data or "").strip()
    if not COLOUR.fullmatch(value):
        raise ValidationError("Enter a colour as # and six letters or digits, like #1d4f91")
    if contrast_with_white(value) < MIN_CONTRAST:
        raise ValidationError(
            f"Choose a darker colour: text in {value} on white is hard to read "
            f"(contrast {contrast_with_white(value):.1f} to 1; it needs {MIN_CONTRAST} to 1)"
        )
    field.data = value.lower()


def form_for(design: CertificateDesign) -> DesignForm:
    return DesignForm(
        data={
            "hub_name": design.hub_name,
            "primary_colour": design.primary_colour,
            "accent_colour": design.accent_colour,
            "signatory_name": design.signatory_name,
            "signatory_title": design.signatory_title,
        }
    )


def look_from(form: DesignForm, design: CertificateDesign) -> Look:
    """The saved look with the form's unsaved values over it: for the preview."""
    saved = look_of(design)
    return replace(
        saved,
        hub_name=(form.hub_name.data or "").strip() or saved.hub_name,
        primary_colour=form.primary_colour.data or design.primary_colour,
        accent_colour=form.accent_colour.data or design.accent_colour,
        signatory_name=(form.signatory_name.data or "").strip(),
        signatory_title=(form.signatory_title.data or "").strip(),
        logo_uri=_picture_uri(form, "logo", saved.logo_uri),
        signature_uri=_picture_uri(form, "signature", saved.signature_uri),
    )


def _picture_uri(form: DesignForm, name: str, saved: str | None) -> str | None:
    """The picture the preview shows: a new upload, none if removed, else the saved one."""
    uploads = getattr(form, "uploads", {})
    if name in uploads:
        return image_data_uri(*uploads[name])
    return None if getattr(form, f"remove_{name}").data else saved


def preview_pdf(look: Look, today: date) -> bytes:
    sample = Certificate(
        code="preview",
        kind=CertificateKind.MILESTONE,
        recipient_name="Sam Sample",
        title="100 hours of volunteering",
        detail="In thanks for 100 verified hours given to the community.",
        issued_on=today,
        issuer=look.hub_name,
    )
    return certificates_pdf([sample], look)


def save_design(form: DesignForm, actor: User) -> CertificateDesign:
    """Store the form's values (and any new pictures) as the design every certificate uses."""
    design = db.session.get(CertificateDesign, DESIGN_ID) or saved_design()
    db.session.add(design)
    design.hub_name = (form.hub_name.data or "").strip()
    design.primary_colour = form.primary_colour.data or design.primary_colour
    design.accent_colour = form.accent_colour.data or design.accent_colour
    design.signatory_name = (form.signatory_name.data or "").strip()
    design.signatory_title = (form.signatory_title.data or "").strip()
    design.updated_by_id = actor.id
    uploads = getattr(form, "uploads", {})
    for name in ("logo", "signature"):
        if name in uploads:
            content_type, data = uploads[name]
            extension = PNG.extension if content_type == PNG.content_type else JPEG.extension
            stored = StoredFile(
                owner_id=None,
                filename=f"certificate-{name}.{extension}",
                content_type=content_type,
                size=len(data),
                data=data,
            )
            _replace_picture(design, name, stored)
        elif getattr(form, f"remove_{name}").data:
            _replace_picture(design, name, None)
    record_event("certificate_design.updated", actor=actor, subject=design)
    return design


def _replace_picture(design: CertificateDesign, name: str, picture: StoredFile | None) -> None:
    """Put `picture` in place of the design's logo or signature; the old file is deleted."""
    old = getattr(design, name)
    setattr(design, name, picture)
    if old is not None:
        db.session.delete(old)
