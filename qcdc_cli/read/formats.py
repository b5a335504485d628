"""Which reader a file needs, by its content (magic bytes), and the text it gives.

The suffix is only a hint: a .doc that is really RTF, a .txt saved from a portal that is
really HTML, a PDF named "scan.txt" are each read for what they are. Every reader's
result goes through the layout layer, so extraction sees one logical line per paragraph
or table cell; plain text is handed over as decoded, with its hard wraps inside
sentences joined in `Decoded.joined` (same offsets: line:col stay those of the file).
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

from qcdc_cli.errors import InputError
from qcdc_cli.read.decode import Decoded, decode_bytes
from qcdc_cli.read.layout import Laid, Unit, join_wrapped_text, lay_out

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: .doc (also .xls, .ppt, .msg)
_HTML = re.compile(r"(?is)\s*(<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(!doctype\s+html|html|head|body)\b")


def looks_like_html(head: str) -> bool:
    """Whether decoded text starts as a web page does (doctype, <html>, <head> or <body>)."""
    return bool(_HTML.match(head[:4096]))


def sniff(data: bytes, name: str = "") -> str:
    """ "pdf", "docx", "odt", "zip", "doc", "rtf", "html" or "text"."""
    at = data[:1024].find(b"%PDF-")  # PDF readers accept junk before the header ...
    if at == 0 or (at > 0 and b"%%EOF" in data[-2048:]):  # ... but a text may quote "%PDF-"
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        import zipfile  # only for a zip archive (~5 ms to import)

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, ValueError, EOFError, KeyError):
            return "docx" if name.lower().endswith(".docx") else "zip"
        if "word/document.xml" in names:
            return "docx"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
            return "odt"
        return "zip"
    if data.startswith(OLE2):
        return "doc"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    sample = data[:4096].decode("utf-8", "ignore").replace("\x00", "").lstrip("\ufeff")
    if looks_like_html(sample) or (name.lower().endswith((".html", ".htm")) and "<" in sample):
        return "html"
    return "text"


def read_bytes(data: bytes, source: str = "<bytes>") -> Decoded:
    """The text of a document file of any supported format; InputError naming `source`."""
    kind = sniff(data, source)
    if kind == "text":
        decoded = decode_bytes(data, source)
        joined = join_wrapped_text(decoded.text)
        return replace(decoded, joined=joined) if joined != decoded.text else decoded
    if kind == "zip":
        raise InputError(source, "a ZIP archive, not a Word document")
    if not data.strip():
        raise InputError(source, "empty file")
    notes: list[str] = []
    try:
        units, pages = _units(data, kind, source, notes)
    except InputError:
        raise
    except Exception as e:  # a library choking on a damaged or hostile file: that file only
        why = " ".join(str(e).split())[:200]
        raise InputError(source, f"cannot read this {kind.upper()} file ({type(e).__name__}: {why})") from None
    laid = lay_out(units, pages)
    if not laid.text.strip():
        raise InputError(source, f"no text in this {kind.upper()} file")
    # ingest's summary lists files by this: a converted file is named there as such
    fonts = [code for code in ("TCVN3", "VNI") if any(f"from {code}" in note for note in notes)]
    encoding = f"{kind}, {'+'.join(fonts)} font converted" if fonts else kind
    return Decoded(laid.text, encoding, tuple(laid.line_places), tuple(notes), laid)


def _units(data: bytes, kind: str, source: str, notes: list[str]) -> tuple[list[Unit], int]:
    """What the reader of `kind` finds in `data`, and the page count (PDF; else 0)."""
    pages = 0
    if kind == "pdf":
        from qcdc_cli.read.pdf import read_pdf

        units, pages = read_pdf(data, source)
        _convert_legacy_text(units, notes)
    elif kind == "html":
        from qcdc_cli.read.html import read_html

        decoded = decode_bytes(data, source)
        units = read_html(decoded.text)
    else:
        if kind in ("doc", "rtf", "odt"):
            units = _read_legacy(data, kind, source, notes)
        else:
            units = _read_docx(data, source, notes)
    return units, pages


def _read_docx(data: bytes, source: str, notes: list[str]) -> list[Unit]:
    from qcdc_cli.read.docx import read_docx
    from qcdc_cli.read.vnfonts import NAMES

    units, converted = read_docx(data, source)
    notes.extend(f"converted from {NAMES[e]} to Unicode" for e in sorted(converted))
    return units


def _read_legacy(data: bytes, kind: str, source: str, notes: list[str]) -> list[Unit]:
    from qcdc_cli.read import legacy

    if kind == "doc" and legacy.soffice() is None:
        text = legacy.antiword_text(data, source)
        if text is not None:
            notes.append("read with antiword (plain text: no table cells)")
            return [Unit(line, f"line {n}", "para") for n, line in enumerate(text.splitlines(), 1)]
    return _read_docx(legacy.convert_to_docx(data, kind, source), source, notes)


def _convert_legacy_text(units: list[Unit], notes: list[str]) -> None:
    """A PDF typed in a pre-Unicode font: its glyphs' text is that font's Latin-1 bytes."""
    from qcdc_cli.read.vnfonts import NAMES, convert, detect, looks_legacy

    sample = "\n".join(u.text for u in units[:400])
    encoding = detect(sample)
    if encoding is None:
        return
    for unit in units:
        if looks_legacy(unit.text, encoding):
            unit.text = convert(unit.text, encoding)
    notes.append(f"converted from {NAMES[encoding]} to Unicode")


__all__ = ["Laid", "read_bytes", "sniff"]
