"""PDF with a text layer, through pypdfium2 (PDFium, Apache-2.0/BSD-3; imported lazily).

PDFium's text rectangles are runs of glyphs on one line, in the order the page draws
them: Word and LibreOffice draw a table cell by cell, so the official two-column header
comes out as its left cell's lines, then its right cell's. A wide gap inside one line
(a header laid out with tab stops, a PDF drawn row by row) splits it into cells.
Joining wrapped lines and dropping page furniture is the layout layer's job.
"""

from __future__ import annotations

from typing import Any

from qcdc_cli.errors import InputError
from qcdc_cli.read.layout import Unit

MAX_PAGES = 2000  # a plan is tens of pages; a gazette volume a few hundred
_GAP = 2.0  # a gap wider than this many line heights separates two cells


def read_pdf(data: bytes, source: str, max_pages: int = MAX_PAGES) -> tuple[list[Unit], int]:
    """(units, page count) of a PDF; InputError for encrypted, image-only or broken files."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError(source, "encrypted PDF (needs a password); save an unprotected copy") from None
        raise InputError(source, f"not a readable PDF ({e})") from None
    try:
        pages = len(pdf)
        if pages > max_pages:
            raise InputError(source, f"PDF has {pages} pages; the limit is {max_pages}")
        units: list[Unit] = []
        for number in range(1, pages + 1):
            page = pdf[number - 1]
            try:
                units.extend(_page_units(page, number))
            finally:
                page.close()
    finally:
        pdf.close()
    if not any(u.text.strip() for u in units):
        raise InputError(source, "PDF has no text layer (scanned or image-only); run OCR on it first (e.g. ocrmypdf)")
    return units, pages


def _page_units(page: Any, number: int) -> list[Unit]:
    height = page.get_height()
    textpage = page.get_textpage()
    try:
        runs = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = textpage.get_text_bounded(left, bottom, right, top)
            if text.strip():
                runs.append((text.replace("\r", " ").replace("\n", " "), left, right, height - top, height - bottom))
    finally:
        textpage.close()
    units: list[Unit] = []
    for text, x0, x1, y0, y1 in runs:
        last = units[-1] if units else None
        line_height = max(y1 - y0, 1.0)
        same_line = (
            last is not None
            and last.page == number
            and min(last.bottom, y1) - max(last.top, y0) > 0.5 * min(line_height, last.bottom - last.top)
            and x0 >= last.x1 - 1
        )
        if last is not None and same_line:
            gap = x0 - last.x1
            if gap > _GAP * line_height:
                last.kind, last.limit = "cell", x0 - gap / 2
                units.append(Unit(text, f"page {number}", "cell", number, x0, x1, y0, y1))
                continue
            sep = "" if last.text.endswith(" ") or text.startswith(" ") or gap < 0.15 * line_height else " "
            last.text += sep + text
            last.x1, last.top, last.bottom = x1, min(last.top, y0), max(last.bottom, y1)
            continue
        units.append(Unit(text, f"page {number}", "line", number, x0, x1, y0, y1))
    return units
