"""Bytes to text, with the encodings Vietnamese offices actually use.

Decode order (../shared/research/ecosystem-perf.md §3.4): a BOM decides; then strict
UTF-8; then UTF-16 without BOM when every other byte is NUL; then Windows-1258, the
legacy Vietnamese code page, which decodes to combining tone marks (NFC comes later,
in normalize). Anything with NUL bytes left over is binary, not a document.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qcdc_cli.errors import InputError

if TYPE_CHECKING:
    from qcdc_cli.models import Extraction
    from qcdc_cli.read.layout import Laid

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258" ...; or the format: "docx", "pdf" ...
    places: tuple[str, ...] = ()  # where each line of `text` came from ("page 3"); () for plain text
    notes: tuple[str, ...] = ()  # what the reader did that a user should know ("converted from TCVN3")
    layout: Laid | Any = None  # the character map, for formats other than plain text
    # `text` with hard wraps inside sentences turned into spaces (read.layout.join_wrapped_text):
    # the same length, so offsets agree; what extraction reads. None: `text` itself.
    joined: str | None = None

    @property
    def logical(self) -> str:
        """The text extraction reads: offsets as in `text`, lines joined where wrapped."""
        return self.joined if self.joined is not None else self.text

    def finish(self, extraction: Extraction) -> Extraction:
        """An extraction of `logical` made true to the file: line numbers put back on the
        file's own lines, and what the reader did (a legacy font converted) as problems.
        Here, in the read package, so the index's extractor key hashes it."""
        from qcdc_cli.models import Problem
        from qcdc_cli.read.layout import remap_lines

        remap_lines(extraction, self.text, self.logical)
        extraction.problems.extend(Problem("reader", note) for note in self.notes)
        return extraction

    @property
    def pages(self) -> tuple[int | None, ...]:
        """The PDF page of each line of `text`; () for other formats."""
        return tuple(int(p[5:]) if p.startswith("page ") and p[5:].isdigit() else None for p in self.places)

    def place_of_line(self, line: int) -> str | None:
        """Where 1-based line `line` of `text` came from ("page 3"), None for plain text."""
        return self.places[line - 1] if 0 < line <= len(self.places) else None


def decode_bytes(data: bytes, source: str = "<bytes>") -> Decoded:
    """Decode a document file's bytes, or raise InputError naming `source`."""
    if not data.strip():
        raise InputError(source, "empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as e:
                raise InputError(source, f"not valid {encoding} after its byte-order mark: {e.reason}") from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            raise InputError(source, "binary file (contains NUL bytes), not a text document")
        return Decoded(text, "utf-8")
    if b"\x00" in data:
        raise InputError(source, "binary file (contains NUL bytes), not a text document")
    try:
        return Decoded(data.decode("cp1258"), "cp1258")
    except UnicodeDecodeError:
        raise InputError(source, "not UTF-8, UTF-16 or Windows-1258 text") from None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text has NULs in most high bytes (ASCII, digits, spaces, newlines), few elsewhere."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high >= 0.4 * half and low <= 0.05 * half:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            controls = sum(1 for ch in text[:2048] if ch < " " and ch not in "\t\n\r\f")
            return None if "\x00" in text or controls else Decoded(text, encoding)
    return None
