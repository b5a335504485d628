"""Web pages through the standard library's html.parser: block structure, table cells,
entities; scripts, styles and the <head> dropped.

Portals put the official header in a table and the body in <p> and <div>; each block
and each cell becomes a unit of its own, placed by its line in the page's source.
Navigation menus and footers are text like any other (extraction ignores what cites
nothing). Only the standard library: no parser to install, nothing to keep patched.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from qcdc_cli.read.layout import Unit

_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_SKIP = frozenset({"script", "style", "head", "noscript", "template", "svg", "object", "iframe", "select"})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "area", "base", "col", "embed", "source"})
_WS = re.compile(r"[ \t\r\n\f\u00a0]+")


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.units: list[Unit] = []
        self.buffer: list[str] = []
        self.line = 1
        self.skip = 0
        self.pre = 0
        self.cells: list[tuple[int, int, int]] = []  # (table, row, cell) for each open table
        self.tables = 0

    def place(self) -> str:
        if self.cells:
            table, row, cell = self.cells[-1]
            return f"table {table} row {row} cell {cell} (line {self.line})"
        return f"line {self.line}"

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer.clear()
        lines = text.split("\n") if self.pre else [text]
        for line in lines:
            line = line if self.pre else _WS.sub(" ", line)
            if line.strip():
                self.units.append(Unit(line, self.place(), "cell" if self.cells else "para"))
        self.line = self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skip = 0  # a <head> never closed ends here
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self.flush()
        elif tag in _BLOCKS:
            self.flush()
            if tag == "table":
                self.tables += 1
                self.cells.append((self.tables, 0, 0))
            elif tag == "tr" and self.cells:
                table, row, _ = self.cells[-1]
                self.cells[-1] = (table, row + 1, 0)
            elif tag in ("td", "th") and self.cells:
                table, row, cell = self.cells[-1]
                self.cells[-1] = (table, max(row, 1), cell + 1)
            elif tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip and (tag == "br" or tag in _BLOCKS):
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _BLOCKS:
            self.flush()
            if tag == "table" and self.cells:
                self.cells.pop()
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            if not self.buffer:
                self.line = self.getpos()[0]
            self.buffer.append(data)


def read_html(text: str) -> list[Unit]:
    """Units of an HTML page already decoded to text."""
    parser = _Parser()
    parser.feed(text)
    parser.close()
    parser.flush()
    return parser.units
