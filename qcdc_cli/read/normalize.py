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

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, compress
from operator import add, itemgetter, ne, sub

import regex

# A base character followed by combining marks (NFC may compose them), an HTML entity,
# or an invisible character that splits words.
_EDITABLE = regex.compile(
    r"\P{M}\p{M}+|&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});\p{M}*|[\u00ad\u200b-\u200d\u2060\ufeff]"
)
# What sends a text down the slow path besides non-NFC: tested with `in` (memchr speed,
# ~20x a regex character class over the whole text).
_INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_ENTITY = regex.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});")
# One pass decodes one level of entities and joins marks only to a letter in the same
# piece; what that creates (a mark after a letter, an invisible character, "&amp;#x002F;"
# -> "&#x002F;") is edited by the next pass. Passes stop when one edits nothing, and after
# this many (an entity escaped more deeply stays partly escaped), so the work stays linear.
MAX_PASSES = 8


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
        import html  # only for a text with an entity (html and its tables: ~3 ms to import)

        decoded = html.unescape(entity)
        if decoded == entity:  # not an entity: the ";" carries the marks that follow it
            return entity[:-1] + unicodedata.normalize("NFC", ";" + marks)
        return unicodedata.normalize("NFC", decoded.replace("\u00a0", " ") + marks)
    if len(piece) == 1:  # invisible character
        return ""
    if piece[0] in _INVISIBLE:  # an invisible character carrying marks: the marks stay, for the
        return unicodedata.normalize("NFC", piece[1:])  # next pass to join to the letter before
    return unicodedata.normalize("NFC", piece)


def _is_clean(text: str) -> bool:
    """Nothing to edit: NFC, no invisible character, no entity."""
    return unicodedata.is_normalized("NFC", text) and not _entity_or_invisible(text)


def _entity_or_invisible(text: str) -> bool:
    """An invisible character or an HTML entity. A plain "&" in prose ("Sở Nông nghiệp &
    PTNT") is not an entity: it no longer sends a text through the character-by-character
    pass, which found nothing to edit and cost 38% of extraction."""
    return any(c in text for c in _INVISIBLE) or ("&" in text and _ENTITY.search(text) is not None)


def normalize_text(text: str) -> NormalizedText:
    """NormalizedText for `text`; linear in its length (at most MAX_PASSES passes)."""
    if _is_clean(text):
        return NormalizedText(text, text)
    norm = _one_pass(text)
    for _ in range(MAX_PASSES - 1):
        clean = norm.clean
        if _is_clean(clean):
            break
        again = _one_pass(clean)
        if not again._clean_start:  # this pass edited nothing: nothing will change
            break
        norm = _compose(norm, again)
    return norm


def _compose(first: NormalizedText, second: NormalizedText) -> NormalizedText:
    """The map from `first.original` to `second.clean`, where second.original is first.clean.

    Each edit of the second pass, together with every first-pass edit it overlaps (and so
    on, transitively), becomes one edit from the original; first-pass edits it does not
    touch are kept, moved to where they land in the final text.
    """
    # intervals in the middle text (first.clean): (start, end, is_second, index)
    items = [(s, e, False, i) for i, (s, e) in enumerate(zip(first._clean_start, first._clean_end, strict=True))]
    items += [(s, e, True, i) for i, (s, e) in enumerate(zip(second._orig_start, second._orig_end, strict=True))]
    items.sort(key=lambda it: (it[0], it[1]))
    groups: list[list[tuple[int, int, bool, int]]] = []
    group_end = -1
    for item in items:
        s, e = item[0], item[1]
        joins = groups and (s < group_end if e > s else groups[-1][0][0] < s < group_end)
        if joins:
            groups[-1].append(item)
            group_end = max(group_end, e)
        else:
            groups.append([item])
            group_end = e
    clean_start: list[int] = []
    clean_end: list[int] = []
    orig_start: list[int] = []
    orig_end: list[int] = []
    shift = 0  # length change of the second-pass edits passed so far
    for group in groups:
        start = group[0][0]
        end = max(it[1] for it in group)
        seconds = [it for it in group if it[2]]
        if not seconds:  # a first-pass edit the second pass left alone
            i = group[0][3]
            if orig_end and first._orig_start[i] < orig_end[-1]:
                # a deletion right after a group: mapping that group back may already
                # have taken in what it removed ("&amp;amp;\xad"); one edit, not two
                orig_end[-1] = max(orig_end[-1], first._orig_end[i])
                clean_end[-1] = max(clean_end[-1], end + shift)
                continue
            clean_start.append(start + shift)
            clean_end.append(end + shift)
            orig_start.append(first._orig_start[i])
            orig_end.append(first._orig_end[i])
            continue
        o_start, o_end = first.to_original_span(start, end)
        for it in seconds:
            j = it[3]
            shift += (second._clean_end[j] - second._clean_start[j]) - (it[1] - it[0])
        c_start = second._clean_start[seconds[0][3]] - (seconds[0][0] - start)
        clean_start.append(c_start)
        clean_end.append(end + shift)
        orig_start.append(o_start)
        orig_end.append(o_end)
    return NormalizedText(first.original, second.clean, clean_start, clean_end, orig_start, orig_end)


# A run of combining marks after a character that is not one, captured: regex.split then
# hands back the plain runs and the mark runs alternately, in C (_marks_pass). Each mark
# run and the last character before it make one cluster of _EDITABLE's first kind.
_MARK_RUN = regex.compile(r"(?<=\P{M})(\p{M}+)")
_LAST, _BUT_LAST = itemgetter(-1), itemgetter(slice(None, -1))


def _marks_only(text: str) -> bool:
    """Only clusters of marks to edit, no entity, no invisible character, no NUL (the
    separator _marks_pass joins clusters with): _one_pass's edits are then _marks_pass's."""
    return "\x00" not in text and not _entity_or_invisible(text)


def _marks_pass(text: str) -> NormalizedText:
    """_edits_pass for a text of which only clusters of combining marks can change (a
    decomposed Word or Mac file: ~700 clusters a page). The clusters are composed in one
    NFC call (joined by NUL, a starter nothing composes with, so each composes as it does
    alone) and offsets come from C-level running sums: a match object and a Python call
    per cluster were 11% of extracting the benchmark corpus, for 6% of its files.
    tests/test_normalize.py compares both passes."""
    parts = _MARK_RUN.split(text)  # plain, marks, plain, marks, ..., plain
    if len(parts) == 1:
        return NormalizedText(text, text)
    plains = parts[0::2]
    clusters = list(map(add, map(_LAST, plains[:-1]), parts[1::2]))  # each run with its base
    composed = unicodedata.normalize("NFC", "\x00".join(clusters)).split("\x00")
    changed = list(map(ne, clusters, composed))
    if not any(changed):
        return NormalizedText(text, text)
    # everything below is map/accumulate over the edited clusters: a Python loop per
    # cluster cost more than all the rest
    ends = list(accumulate(map(len, parts)))
    orig_end = list(compress(ends[1::2], changed))
    old_lengths = list(map(len, compress(clusters, changed)))
    shorter = list(accumulate(map(sub, old_lengths, map(len, compress(composed, changed)))))
    orig_start = list(map(sub, orig_end, old_lengths))
    clean_start = list(map(sub, orig_start, [0, *shorter[:-1]]))
    clean_end = list(map(sub, orig_end, shorter))
    pieces = list(map(_BUT_LAST, plains))  # each plain run without the base it lends
    pieces[-1] = plains[-1]  # the last run lends none
    out = [""] * len(parts)
    out[0::2] = pieces
    out[1::2] = composed  # an unchanged cluster composes to itself
    return NormalizedText(text, "".join(out), clean_start, clean_end, orig_start, orig_end)


def _one_pass(text: str) -> NormalizedText:
    if _marks_only(text):
        return _marks_pass(text)
    return _edits_pass(text)


def _edits_pass(text: str) -> NormalizedText:
    """One pass over every edit _EDITABLE finds, a match at a time."""
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
