"""Clean text for matching, with a map back to the original for every offset.

Extraction matches on a cleaned copy: NFC (decomposed "Kế hoạch" does not match the
precomposed cue phrase; document numbers survive NFD but words do not), HTML entities
decoded ("20-QĐ&#x002F;TW"), zero-width characters and soft hyphens removed. Spans must
still point into the text the user gave (`text[start:end] == as_written`), so every
change is recorded as an edit and offsets are mapped back through the edits.

Most texts are already NFC with no entities: then the clean text *is* the original and
there is no map at all (the fast path, `is_normalized` runs at ~800 MB/s).
"""

from __future__ import annotations

import html
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

import regex

# A base character followed by combining marks (NFC may compose them), an HTML entity,
# or an invisible character that splits words.
_EDITABLE = regex.compile(
    r"\P{M}\p{M}+|&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});\p{M}*|[\u00ad\u200b-\u200d\u2060\ufeff]"
)
# What sends a text down the slow path besides non-NFC: tested with `in` (memchr speed,
# ~20x a regex character class over the whole text).
_NEEDS_WORK = ("&", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


@dataclass(frozen=True)
class NormalizedText:
    """`clean` for matching; `to_original_span` maps a clean span to the original."""

    original: str
    clean: str
    # Parallel lists, one entry per edit, in order: where the replacement starts and ends
    # in the clean text, and which original range it replaced.
    _clean_start: list[int] = field(default_factory=list)
    _clean_end: list[int] = field(default_factory=list)
    _orig_start: list[int] = field(default_factory=list)
    _orig_end: list[int] = field(default_factory=list)

    def to_original(self, pos: int) -> int:
        """Original offset of a clean offset (a position inside an edit maps to its start)."""
        i = bisect_right(self._clean_start, pos) - 1
        if i < 0:
            return pos
        if pos < self._clean_end[i]:
            return self._orig_start[i]
        return self._orig_end[i] + (pos - self._clean_end[i])

    def to_original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original span of a clean span; a span ending inside an edit covers all of it."""
        o_start = self.to_original(start)
        i = bisect_right(self._clean_start, end - 1) - 1 if end > start else -1
        if i >= 0 and self._clean_start[i] < end <= self._clean_end[i]:
            return o_start, self._orig_end[i]
        return o_start, self.to_original(end)


def _replacement(piece: str) -> str:
    if piece[0] == "&" and ";" in piece:
        semicolon = piece.index(";")
        entity, marks = piece[: semicolon + 1], piece[semicolon + 1 :]
        decoded = html.unescape(entity)
        if decoded == entity:  # not an entity: the ";" carries the marks that follow it
            return entity[:-1] + unicodedata.normalize("NFC", ";" + marks)
        return unicodedata.normalize("NFC", decoded.replace("\u00a0", " ") + marks)
    if len(piece) == 1:  # invisible character
        return ""
    return unicodedata.normalize("NFC", piece)


def normalize_text(text: str) -> NormalizedText:
    """NormalizedText for `text`; linear in its length."""
    if unicodedata.is_normalized("NFC", text) and not any(c in text for c in _NEEDS_WORK):
        return NormalizedText(text, text)
    parts: list[str] = []
    clean_start: list[int] = []
    clean_end: list[int] = []
    orig_start: list[int] = []
    orig_end: list[int] = []
    last = 0
    clean_len = 0
    for m in _EDITABLE.finditer(text):
        piece = m.group()
        new = _replacement(piece)
        if new == piece:
            continue
        s, e = m.span()
        parts.append(text[last:s])
        clean_len += s - last
        clean_start.append(clean_len)
        orig_start.append(s)
        parts.append(new)
        clean_len += len(new)
        clean_end.append(clean_len)
        orig_end.append(e)
        last = e
    parts.append(text[last:])
    clean = "".join(parts)
    # Anything NFC still changes (rare: a lone combining mark after a control) would
    # break the offset map, so it is left as is rather than normalized blindly.
    return NormalizedText(text, clean, clean_start, clean_end, orig_start, orig_end)


class LineIndex:
    """1-based line and column of an offset in a text.

    Built once per text with C-level calls only (split, map, accumulate): a Python loop per
    line costs ~1 s on a 1 MB file of newlines; this costs a few tens of ms.
    """

    def __init__(self, text: str) -> None:
        starts = [0]
        if "\n" in text:
            starts.extend(accumulate(map(_PLUS_ONE, map(len, text.split("\n")[:-1]))))
        self.starts = starts  # offset where each line starts; read-only for callers

    def line_col(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]


_PLUS_ONE = (1).__add__
