"""Files people upload (training evidence), kept in the database so that every app server
sees them, and checked by what they contain, never by their name."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, utcnow
from .extensions import Model

MAX_BYTES = 5 * 1024 * 1024


class StoredFile(Model):
    """An uploaded file; `data` is loaded only when the file itself is wanted."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UploadRefused(Exception):
    """An upload that is not what it says, or too big, with the reason in words."""


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


PDF = Kind("application/pdf", "pdf")
JPEG = Kind("image/jpeg", "jpg")
PNG = Kind("image/png", "png")


def evidence_kind(data: bytes) -> Kind:
    """What the bytes really are, if a PDF, JPEG or PNG that opens; else refused."""
    if len(data) > MAX_BYTES:
        raise UploadRefused("The file must be 5 MB or smaller.")
    if not data:
        raise UploadRefused("The file is empty. Choose a PDF, JPEG or PNG.")
    if data.startswith(b"%PDF-"):
        return _checked_pdf(data)
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _checked_image(data)
    raise UploadRefused("The file must be a PDF, JPEG or PNG.")


def _checked_pdf(data: bytes) -> Kind:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        pages = 0
    if pages < 1:
        raise UploadRefused("The file looks like a PDF but cannot be opened. Try saving it again.")
    return PDF


def _checked_image(data: bytes) -> Kind:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # A picture claiming to be enormous is refused, not decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                found = image.format
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise UploadRefused(
            "The picture is too large to open. Save it smaller, or send a PDF."
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        found = None
    if found == "JPEG":
        return JPEG
    if found == "PNG":
        return PNG
    raise UploadRefused("The file looks like an image but cannot be opened. Try another one.")
