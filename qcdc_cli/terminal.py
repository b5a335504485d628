"""Terminal safety for document text: below both the CLI and the renderers, so either can use it.

Every string read from a document goes through `sanitize` (plain text) or `safe` (a rich
Text) before it reaches a screen: rich markup is never interpreted and control characters
become visible escapes.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.text import Text

# C0 controls but tab and newline, DEL, C1, zero-width and bidi controls (U+061C, U+200E/F,
# U+202A-E, U+2066-9), the line and paragraph separators, BOM: what can move the cursor,
# hide text, reorder it, break a line or smuggle an escape sequence out of a document
# (../shared/research/ecosystem-perf.md §5). Rich strips only a few of these. Lone
# surrogates are the bytes of a file name that is not UTF-8 (os.fsdecode): shown as \xNN.
_CONTROLS = "\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f{_CONTROLS}]")
# A name (file, folder) is one line: tab, newline and carriage return are escaped too, so
# a file called "a\nFAKE LINE" cannot forge a line of a summary.
_UNSAFE_IN_NAME = re.compile(f"[\x00-\x1f{_CONTROLS}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def sanitize(text: str) -> str:
    """Document text made safe for a terminal: control characters become visible escapes."""
    return _UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text


def sanitize_name(name: str) -> str:
    """A file or folder name made safe and one line: as `sanitize`, newlines and tabs too."""
    return _UNSAFE_IN_NAME.sub(_visible, name) if _UNSAFE_IN_NAME.search(name) else name


def safe(text: str | None, style: str = "") -> Text:
    """A rich Text that shows `text` literally: no markup, no emoji codes, no escapes."""
    from rich.text import Text

    return Text(sanitize(text or ""), style=style)


def safe_name(name: str | None, style: str = "") -> Text:
    """`safe` for a file or folder name: one line whatever the name holds."""
    from rich.text import Text

    return Text(sanitize_name(name or ""), style=style)


# In JSON, C0 controls are escaped by json.dumps itself; the rest of _UNSAFE is not (a lone
# surrogate written as \udce9 is valid JSON; written raw, it cannot even be encoded).
_RAW_IN_JSON = re.compile(f"[{_CONTROLS}]")


def json_text(data: Any, indent: int | None = 2) -> str:
    """JSON that keeps Vietnamese readable (no ASCII escaping) yet is safe to print: the
    characters a terminal would act on are written as \\uXXXX escapes, which decode to
    the same text, so the data stays byte-true to the documents."""
    text = _indented(data) if indent == 2 else None
    if text is None:
        import json

        text = json.dumps(data, ensure_ascii=False, indent=indent, default=_as_dict)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# _CONTROLS outside the surrogates (which orjson refuses), as UTF-8 bytes, by lead byte:
# each pattern opens with a literal byte, which the re module finds at memchr speed.
# Each with its lead byte, tested first with `in` (memchr speed; most are absent).
_RAW_IN_JSON_BYTES = (
    (b"\x7f", re.compile(b"\x7f")),
    (b"\xc2", re.compile(b"\xc2[\x80-\x9f]")),  # U+0080-U+009F
    (b"\xd8", re.compile(b"\xd8\x9c")),  # U+061C
    (b"\xe2", re.compile(b"\xe2(?:\x80[\x8b-\x8f\xa8-\xae]|\x81[\xa6-\xa9])")),  # U+200B-F, U+2028-E, U+2066-9
    (b"\xef", re.compile(b"\xef\xbb\xbf")),  # U+FEFF
)


def json_bytes(data: Any) -> bytes | None:
    """`json_text(data)` as UTF-8 bytes, straight from orjson: no decoding, no scan of the
    text, no encoding on the way out (a tenth of `qcdc extract --format json` on 8 MB of
    output). None when the text path must write it: orjson cannot (see _indented), or a
    character needs an escape (UTF-8 is self-synchronizing: a byte pattern of a character
    matches only where that character is)."""
    import orjson

    try:
        raw = orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except TypeError:  # orjson.JSONEncodeError
        return None
    if any(lead in raw and p.search(raw) for lead, p in _RAW_IN_JSON_BYTES):
        return None
    return raw


def _as_dict(value: Any) -> Any:
    """Dataclasses inside the data are written as their fields, as orjson writes them."""
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _indented(data: Any) -> str | None:
    """orjson's two-space indented JSON: byte for byte what `json.dumps(indent=2,
    ensure_ascii=False)` writes, 10x faster (the standard library indents in pure
    Python), floats aside: the same value, written without an exponent (qcdc's only float
    is a timing). None where orjson cannot write the data (lone surrogates from
    undecodable file names, integers over 64 bits, non-string keys): the standard
    library writes those."""
    import orjson

    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
    except TypeError:  # orjson.JSONEncodeError
        return None
