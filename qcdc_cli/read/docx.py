""".docx through python-docx (MIT; imported lazily): page headers, body paragraphs and
tables cell by cell in document order, text boxes, page footers.

python-docx opens the package and parses the XML; the body is walked element by element
(its `paragraphs` and `tables` lists lose the order between them, and skip text boxes
and content controls, where templates often put the number). Runs set in a pre-Unicode
Vietnamese font (.VnTime: TCVN3; VNI-Times: VNI) are converted (vnfonts).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from qcdc_cli.errors import InputError
from qcdc_cli.read.layout import PAGE_NUMBER, Unit
from qcdc_cli.read.vnfonts import legacy_encoding

MAX_EXPANDED = 200 * 1024 * 1024  # the XML of a 300-page plan is a few MB
MAX_RATIO = 200  # DEFLATE compresses XML about 10:1; a bomb by thousands

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def check_zip(data: bytes, source: str, max_expanded: int = MAX_EXPANDED) -> None:
    """Refuse a ZIP whose members expand past `max_expanded` bytes or `MAX_RATIO` times
    their compressed size: the sizes are in the central directory, so nothing is inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as e:
        raise InputError(source, f"corrupt Word file (broken ZIP: {e})") from None
    expanded = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if expanded > max_expanded or (expanded > 10 * 1024 * 1024 and expanded > MAX_RATIO * max(packed, 1)):
        raise InputError(source, f"ZIP bomb? expands to {expanded} bytes from {packed} (the limit is {max_expanded})")


class _Walker:
    def __init__(self, styles: dict[str, str], default_font: str) -> None:
        self.units: list[Unit] = []
        self.converted: set[str] = set()
        self.styles, self.default_font = styles, default_font
        self.paragraphs = self.tables = 0

    def blocks(self, parent: Any, where: str | None = None) -> None:
        """Paragraphs and tables under `parent`, in order; `where` names the cell."""
        for child in parent.iterchildren():
            tag = child.tag
            if tag == W + "p":
                self.paragraph(child, where)
            elif tag == W + "tbl":
                self.table(child)
            elif tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins"):
                content = child.find(W + "sdtContent") if tag == W + "sdt" else None
                self.blocks(content if content is not None else child, where)

    def table(self, tbl: Any) -> None:
        self.tables += 1
        number = self.tables
        for r, tr in enumerate(tbl.iterchildren(W + "tr"), 1):
            for c, tc in enumerate(tr.iterchildren(W + "tc"), 1):
                self.blocks(tc, f"table {number} row {r} cell {c}")

    def paragraph(self, p: Any, where: str | None) -> None:
        self.paragraphs += 1
        place = where or f"paragraph {self.paragraphs}"
        kind = "cell" if where else "para"
        style = p.find(f"{W}pPr/{W}pStyle")
        para_font = self.styles.get(style.get(W + "val"), "") if style is not None else ""
        lines: list[str] = [""]
        boxes: list[Any] = []
        for el in p.iter():
            tag = el.tag
            if tag == W + "t":
                lines[-1] += self.run_text(el, para_font, p)
            elif tag == W + "tab":
                lines[-1] += "\t"
            elif tag in (W + "br", W + "cr"):
                lines.append("")
            elif tag == W + "txbxContent" and not _inside(el, MC_FALLBACK, p):
                boxes.append(el)
        for line in lines:
            self.units.append(Unit(line, place, kind))
        for box in boxes:
            self.blocks(box, place)

    def run_text(self, t: Any, para_font: str, p: Any) -> str:
        """A w:t's text, converted from a legacy font; "" inside a text box (read as
        blocks of its own) or a compatibility fallback (a copy of the text box)."""
        text = t.text or ""
        if _inside(t, MC_FALLBACK, p) or _inside(t, W + "txbxContent", p):
            return ""
        run = t.getparent()
        fonts = run.find(f"{W}rPr/{W}rFonts") if run is not None else None
        font = (fonts.get(W + "ascii") or fonts.get(W + "hAnsi") or "") if fonts is not None else ""
        encoding = legacy_encoding(font or para_font or self.default_font)
        if encoding and text:
            from qcdc_cli.read.vnfonts import convert

            self.converted.add(encoding)
            return convert(text, encoding)
        return text


def _inside(el: Any, tag: str, stop: Any) -> bool:
    parent = el.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def read_docx(data: bytes, source: str) -> tuple[list[Unit], set[str]]:
    """(units, legacy encodings converted) of a .docx; InputError for a corrupt or bomb file."""
    check_zip(data, source)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise InputError(source, f"corrupt Word file ({type(e).__name__}: {e})") from None
    except Exception as e:  # lxml's XMLSyntaxError and friends: a damaged part
        raise InputError(source, f"corrupt Word file ({type(e).__name__})") from None
    styles, default_font = _fonts(document)
    walker = _Walker(styles, default_font)
    seen: set[bytes] = set()
    for kind, attr in (("header", "header"), ("footer", "footer")):
        for section in document.sections:
            for variant in (attr, "first_page_" + attr):
                part = getattr(section, variant)
                if part.is_linked_to_previous:
                    continue
                key = part._element.xml.encode() if hasattr(part._element, "xml") else b""
                if key in seen:
                    continue
                seen.add(key)
                start = len(walker.units)
                walker.blocks(part._element)
                for unit in walker.units[start:]:
                    unit.place = f"page {kind}"
                    unit.furniture = bool(PAGE_NUMBER.match(unit.text.strip()))
        if kind == "header":
            walker.paragraphs = 0
            walker.blocks(document.element.body)
    return walker.units, walker.converted


def _fonts(document: Any) -> tuple[dict[str, str], str]:
    """Paragraph style id -> its font, and the document's default font."""
    styles: dict[str, str] = {}
    default = ""
    try:
        root = document.styles.element
    except Exception:
        return styles, default
    fonts = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    if fonts is not None:
        default = fonts.get(W + "ascii") or ""
    for style in root.iterchildren(W + "style"):
        f = style.find(f"{W}rPr/{W}rFonts")
        if f is not None and f.get(W + "ascii"):
            styles[style.get(W + "styleId") or ""] = f.get(W + "ascii") or ""
    return styles, default
