"""PDFs (certificates, and later reports) drawn by WeasyPrint from templates under
`templates/pdf/`. Fonts come from the system through fontconfig; images come from the
package's own files or are inlined as `data:` URIs. Nothing is fetched at render time: the
fetcher refuses every other URL (STYLE.md, rule 10)."""

from __future__ import annotations

import base64
import gc
import logging
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import segno
from flask import Flask, Response, render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

log = logging.getLogger(__name__)

PACKAGE_FILES = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class Font:
    """A font family the PDFs use, and the Debian package that installs it."""

    family: str
    package: str
    required: bool  # Latin, Greek and Cyrillic must always draw; other scripts where installed


FONTS = (
    Font("DejaVu Sans", "fonts-dejavu-core", True),
    Font("DejaVu Serif", "fonts-dejavu-core", True),
    Font("Noto Sans Arabic", "fonts-noto-core", False),
    Font("Noto Sans Devanagari", "fonts-noto-core", False),
    Font("Noto Sans CJK SC", "fonts-noto-cjk", False),
)


class PackageFetcher(URLFetcher):
    """Lets WeasyPrint read the package's static files and inline `data:` images only."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not path.is_relative_to(PACKAGE_FILES):
                raise ValueError(f"Only the hub's own files may be read: {url}")
        return super().fetch(url, headers)


@lru_cache(maxsize=1)
def font_configuration() -> FontConfiguration:
    """One font configuration for the process: a new one for each PDF loads the fonts again
    and keeps them, so memory grew by about 1.5 MB with every certificate."""
    return FontConfiguration()


def render_pdf(template: str, *, tagged: bool = False, **context: Any) -> bytes:
    """The PDF of `templates/<template>`, rendered in the current app context; `tagged` adds
    the structure (headings, tables, alternative text) that screen readers need."""
    html = render_template(template, **context)
    document = HTML(
        string=html, base_url=PACKAGE_FILES.as_uri() + "/", url_fetcher=PackageFetcher()
    )
    with RENDERING, collection_paused():
        pdf: bytes = document.write_pdf(font_config=font_configuration(), pdf_tags=tagged)
    return pdf


# One PDF at a time in a process: the font configuration is shared, and Pango's font maps are
# not documented as safe across threads (a ceremony pack's thread renders beside requests).
RENDERING = threading.Lock()


@contextmanager
def collection_paused() -> Iterator[None]:
    """Python's cycle collector paused while a document is laid out: it kept walking the
    growing tree of boxes, a fifth of a 500-page ceremony pack's time. It runs as usual after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> Response:
    """A PDF download (or, `inline`, one the browser shows), named `filename`."""
    disposition = "inline" if inline else "attachment"
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an inline PNG, drawn here: no service is asked for it. The
    mask is fixed: choosing the best of eight took two thirds of the time, and any mask reads."""
    return str(segno.make(text, error="m", mask=0).png_data_uri(scale=2, border=2))


def image_data_uri(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Every font family fontconfig knows, each name of a family on its own (read once)."""
    fc_list = shutil.which("fc-list")  # fontconfig's own tool, as WeasyPrint's fonts are
    if fc_list is None:
        return frozenset()
    listing = subprocess.run(  # noqa: S603 - a fixed command, no input from anyone
        [fc_list, ":", "family"], capture_output=True, text=True, check=False
    ).stdout
    return frozenset(name.strip() for line in listing.splitlines() for name in line.split(","))


def missing_fonts(families: frozenset[str] | None = None) -> list[Font]:
    """The configured fonts that are not installed."""
    known = installed_families() if families is None else families
    return [font for font in FONTS if font.family not in known]


def check_fonts(app: Flask) -> list[Font]:
    """Say at start which font packages the PDFs need and lack; returns the missing fonts."""
    missing = missing_fonts()
    for font in missing:
        if font.required:
            app.logger.warning(
                "Certificates cannot draw Latin, Greek and Cyrillic names without the font "
                "%s: install the Debian package %s.",
                font.family,
                font.package,
            )
        else:
            app.logger.info(
                "Names in the scripts of %s will not draw on certificates: install the "
                "Debian package %s.",
                font.family,
                font.package,
            )
    return missing
