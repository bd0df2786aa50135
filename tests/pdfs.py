"""Reading PDFs back: their pages, text, fonts and images, and which characters they draw
with a real glyph of an embedded font."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

A4_LANDSCAPE = (841.89, 595.28)  # points


@dataclass(frozen=True)
class EmbeddedFont:
    name: str
    embedded: bool
    drawn: frozenset[str]  # characters its ToUnicode map gives a real glyph (not .notdef)


def reader(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    return PdfReader(io.BytesIO(pdf))


def page_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def is_a4_landscape(pdf: bytes) -> bool:
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader(pdf).pages]
    return all(abs(w - A4_LANDSCAPE[0]) < 1 and abs(h - A4_LANDSCAPE[1]) < 1 for w, h in sizes)


def fonts_of_page(pdf: bytes, number: int = 0) -> list[EmbeddedFont]:
    page = reader(pdf).pages[number]
    fonts = page["/Resources"]["/Font"]
    return [_font(font.get_object()) for font in fonts.values()]


def _font(font: DictionaryObject) -> EmbeddedFont:
    descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
    descriptor = descendant["/FontDescriptor"].get_object()
    files = [key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor]
    to_unicode = font.get("/ToUnicode")
    mapping = _to_unicode(to_unicode.get_object().get_data()) if to_unicode else {}
    drawable = set(mapping)
    if "/FontFile2" in descriptor:  # TrueType: keep only glyphs that hold an outline
        drawable &= _outlined_glyphs(descriptor["/FontFile2"].get_object().get_data())
    drawn = frozenset(char for cid in drawable if cid != 0 for char in mapping[cid])
    return EmbeddedFont(str(font.get("/BaseFont")), bool(files), drawn)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """The glyph-to-text map of a ToUnicode CMap (its bfchar and bfrange entries)."""
    text = cmap.decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for source, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(source, 16)] = bytes.fromhex(target).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, target in re.findall(
            r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(target, 16)
            for offset, cid in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[cid] = chr(start + offset)
    return mapping


def _outlined_glyphs(data: bytes) -> set[int]:
    font = TTFont(io.BytesIO(data))
    glyf = font["glyf"]
    order = font.getGlyphOrder()
    return {gid for gid, name in enumerate(order) if glyf[name].numberOfContours != 0}


def drawn_characters(pdf: bytes, number: int = 0) -> set[str]:
    """Every character the page draws with a glyph of an embedded font."""
    return {char for font in fonts_of_page(pdf, number) if font.embedded for char in font.drawn}


def page_images(pdf: bytes, number: int = 0) -> list[bytes]:
    return [image.data for image in reader(pdf).pages[number].images]
