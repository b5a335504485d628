"""Reading document files: bytes to text, with the encodings Vietnamese offices actually use.

Decode order (../shared/research/ecosystem-perf.md §3.4): a BOM decides; then strict
UTF-8; then UTF-16 without BOM when every other byte is NUL; then Windows-1258, the
legacy Vietnamese code page, which decodes to combining tone marks (NFC comes later,
in normalize). Anything with NUL bytes left over is binary, not a document.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from qcdc_cli.errors import InputError

STDIN = "-"  # the path that means standard input
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a plan is tens of kB; 20 MB is surely not one document

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
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258" ...


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


def read_document(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Read and decode one file; every failure is an InputError naming the file.

    `-` is standard input, as in most command-line tools (`cat draft.txt | qcdc check -`).
    """
    name = str(path)
    p = Path(path)
    if name == STDIN:
        import sys

        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(name, f"too large (over {max_bytes} bytes)")
        return decode_bytes(data, name)
    try:
        if p.is_dir():
            raise InputError(name, "is a directory")
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(name, f"too large ({size} bytes; the limit is {max_bytes})")
        data = p.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as e:
        raise InputError(name, e.strerror or str(e)) from None
    return decode_bytes(data, name)
