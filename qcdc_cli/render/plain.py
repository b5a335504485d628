"""Styled text and trees without rich: what `trace` draws, laid out as rich would lay it out.

A trace piped to a file or a script is plain text at a fixed width; building it with
rich costs an import of ~25 ms and, for a hub's thousands of lines, more time in rich's
segment machinery than the question itself. The renderers build `Styled` lines and
`Branch` trees (the subset of rich's Text and Tree they use, with the same spans);
`to_rich` turns them into rich objects for a terminal (colours), `lay_out` writes the
same characters rich writes when there is no terminal: the same word wrapping (rich's
own `divide_line`, the only piece of rich imported here, and only for a line with
characters other than `SIMPLE_RANGES`), the same tree guides.
`lay_out` returns None for what it does not mimic (tabs, widths too narrow to wrap in):
the caller then prints with rich. tests/test_trace_plain.py compares both on random
trees and texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

# rich.control.strip_control_codes: the characters rich's Text drops
_STRIPPED = {7: None, 8: None, 11: None, 12: None, 13: None}
_CONTROL = re.compile("[\x07\x08\x0b\x0c\x0d]")  # found at C speed: most texts have none
_TRAILING_SPACE = re.compile(r"\s+$")  # rich.text._re_whitespace
_WORD = re.compile(r"\s*\S+\s*")  # rich._wrap.re_word
# Characters one cell wide for rich whatever their neighbours (Latin with Vietnamese
# letters, common punctuation and arrows, ⚠): a line of only these measures its length.
# tests/test_trace_plain.py checks each against rich.cells.cell_len.
SIMPLE_RANGES = (
    (0x20, 0x7E),
    (0xA0, 0xAC),
    (0xAE, 0x2FF),
    (0x1E00, 0x1EFF),
    (0x2010, 0x2027),
    (0x2030, 0x205E),
    (0x2190, 0x21FF),
    (0x26A0, 0x26A0),
)
_SIMPLE = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in SIMPLE_RANGES) + "]*")
# Combining diacritics (Vietnamese typed decomposed: "ệ" as e + U+0302 + U+0323), no
# cell wide for rich: a line of simple characters and these is at most as many cells as
# characters, so one no longer than the room fits without rich measuring it (a trace of
# 120-KL/TW quotes a few such texts; tests/test_trace_plain.py checks the widths).
COMBINING_RANGES = ((0x300, 0x36F),)
_MARKED = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in (*SIMPLE_RANGES, *COMBINING_RANGES)) + "]*")

# rich.tree.Tree.TREE_GUIDES[0]: space, continue, fork, end
_SPACE, _CONTINUE, _FORK, _END = "    ", "│   ", "├── ", "└── "
_GUIDE = 4  # cells of one guide
_NARROWEST = 4  # below this many cells for a label, rich is left to decide


class Styled:
    """A line (or lines) of text with style spans, as rich's Text records them."""

    __slots__ = ("plain", "spans", "style")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.plain = text.translate(_STRIPPED) if _CONTROL.search(text) else text
        self.style = style
        self.spans: list[tuple[int, int, str]] = []

    def __len__(self) -> int:
        return len(self.plain)

    def append(self, text: str, style: str | None = None) -> Styled:
        if _CONTROL.search(text):
            text = text.translate(_STRIPPED)
        if text:
            if style:
                start = len(self.plain)
                self.spans.append((start, start + len(text), style))
            self.plain += text
        return self

    def append_text(self, other: Styled) -> Styled:
        start = len(self.plain)
        if other.style:
            self.spans.append((start, start + len(other.plain), other.style))
        self.spans.extend((start + a, start + b, style) for a, b, style in other.spans)
        self.plain += other.plain
        return self

    def to_rich(self) -> Text:
        from rich.text import Span, Text

        return Text(self.plain, style=self.style, spans=[Span(a, b, s) for a, b, s in self.spans])


class Branch:
    """A node of a tree (rich's Tree): a label and the branches below it."""

    __slots__ = ("children", "guide_style", "label")

    def __init__(self, label: Styled, guide_style: str = "") -> None:
        self.label = label
        self.guide_style = guide_style
        self.children: list[Branch] = []

    def add(self, label: Styled) -> Branch:
        child = Branch(label, self.guide_style)
        self.children.append(child)
        return child

    def to_rich(self) -> Any:
        from rich.tree import Tree

        root = Tree(self.label.to_rich(), guide_style=self.guide_style)
        stack = [(self, root)]
        while stack:
            mine, theirs = stack.pop()
            for child in mine.children:
                stack.append((child, theirs.add(child.label.to_rich())))
        return root


class Grid:
    """Rows of a label and a value (rich's Table.grid(padding=(0, 2)), labels bold): the
    facts `show` lists. Laid out by rich itself, even without a terminal: a dozen rows."""

    __slots__ = ("rows",)

    def __init__(self) -> None:
        self.rows: list[tuple[Styled, Styled]] = []

    def add_row(self, label: Styled, value: Styled) -> None:
        self.rows.append((label, value))

    def to_rich(self) -> Any:
        from rich.table import Table

        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for label, value in self.rows:
            table.add_row(label.to_rich(), value.to_rich())
        return table

    def lines(self, width: int) -> list[str]:
        """What rich prints of it on a console `width` cells wide that is not a terminal."""
        import io

        from rich.console import Console

        out = io.StringIO()
        Console(file=out, width=width, emoji=False, highlight=False, markup=False, soft_wrap=False).print(
            self.to_rich()
        )
        return out.getvalue().split("\n")[:-1]


Part = Styled | Branch | Grid


def to_rich(parts: Sequence[Part]) -> RenderableType:
    """The parts as one rich renderable (a Group), for a terminal."""
    from rich.console import Group

    return Group(*(part.to_rich() for part in parts))


class _CannotMimic(Exception):
    pass


_LAST_SPACE = re.compile(r".*\s", re.DOTALL)  # matched up to a limit: ends after its last space
_SPACES = re.compile(r"\s*")
_NON_SPACES = re.compile(r"\S*")


def _past(run: re.Pattern[str], text: str, pos: int) -> int:
    """Where the run of `run` (a pattern that matches the empty string) at `pos` ends."""
    found = run.match(text, pos)
    assert found is not None
    return found.end()


def divide_simple(text: str, width: int) -> list[int]:
    r"""rich._wrap.divide_line(text, width, fold=True) for a line of one-cell characters
    (`SIMPLE_RANGES`), where a cell is a character: the same breaks, without measuring.

    rich takes the words (`\s*\S+\s*`, contiguous) one by one and breaks before the
    first whose end without its spaces lies past `width` cells from the line's start:
    the word holding the line's first cell past the limit, or the next one when that
    cell is a space. Found here with a few regex calls a line, not a step a word."""
    breaks: list[int] = []
    size = len(text)
    line = 0  # where the line being filled starts
    while line + width < size:
        limit = line + width
        after = _past(_SPACES, text, limit)
        if after == limit:  # a word runs over the limit: it starts after the line's last space
            last = _LAST_SPACE.match(text, line, limit)
            start = last.end() if last is not None else line
        elif after == size:  # only spaces left
            break
        else:
            start = after
        stem = _past(_NON_SPACES, text, start)  # the word's end without its spaces
        if _SPACES.fullmatch(text, 0, start) is not None:
            start = 0  # the first word holds the spaces the text starts with
        if stem - start > width:  # longer than a line: folded across lines
            word = text[start : _past(_SPACES, text, stem)]
            pieces = [word[i : i + width] for i in range(0, len(word), width)]
            for piece in pieces[:-1]:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
        else:
            breaks.append(start)
        line = start
    return breaks


def lay_out(parts: Iterable[Part], width: int) -> str | None:
    """The characters rich prints for `parts` on a console `width` cells wide that is not
    a terminal (no colour), or None where this does not mimic rich (then print with it)."""

    def wrap(plain: str, room: int) -> list[str]:
        """rich.text.Text.wrap, justify "default", overflow "fold"."""
        if room < _NARROWEST or "\t" in plain:
            raise _CannotMimic
        out = []
        for line in plain.split("\n"):
            simple = _SIMPLE.fullmatch(line) is not None
            if not simple and len(line) <= room and _MARKED.fullmatch(line) is not None:
                out.append(line)  # fits, as below: no character of it is wider than one cell
                continue
            if not simple:  # rich measures it (imported only then: most traces never need it)
                from rich._wrap import divide_line
                from rich.cells import cell_len, set_cell_size
            if len(line) <= room and (simple or cell_len(line) <= room):  # fits: no break, nothing to strip
                out.append(line)
                continue
            offsets = divide_simple(line, room) if simple else divide_line(line, room, fold=True)
            for start, end in zip([0, *offsets], [*offsets, len(line)], strict=True):
                piece = line[start:end]
                if len(piece) > room:  # Text.rstrip_end
                    space = _TRAILING_SPACE.search(piece)
                    if space is not None:
                        piece = piece[: len(piece) - min(len(space.group()), len(piece) - room)]
                if (len(piece) if simple else cell_len(piece)) > room:  # Text.truncate
                    from rich.cells import set_cell_size

                    piece = set_cell_size(piece, room)
                out.append(piece)
        return out

    lines: list[str] = []
    emit = lines.append
    try:
        for part in parts:
            if isinstance(part, Styled):
                lines.extend(wrap(part.plain, width))
                continue
            if isinstance(part, Grid):
                lines.extend(part.lines(width))
                continue
            # rich.tree.Tree: the root unindented, each level four cells further in
            stack: list[tuple[Branch, str, str]] = [(part, "", "")]
            while stack:
                branch, first, rest = stack.pop()
                for i, text in enumerate(wrap(branch.label.plain, width - len(first))):
                    emit((first if i == 0 else rest) + text)
                last = len(branch.children) - 1
                for i, child in reversed(list(enumerate(branch.children))):
                    stack.append(
                        (child, rest + (_END if i == last else _FORK), rest + (_SPACE if i == last else _CONTINUE))
                    )
    except _CannotMimic:
        return None
    return "".join(line + "\n" for line in lines)
