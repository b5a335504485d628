"""Documents the format tests and benchmarks make themselves: one decree laid out as
Nghị định 30/2020/NĐ-CP prescribes (a borderless two-column header table: issuing body
and "Số:" left, motto and "<place>, ngày ..." right), written as .txt, .docx and .html,
and converted by LibreOffice to .doc, .rtf and .pdf when `soffice` is installed.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path

HEADER_LEFT = ["CHÍNH PHỦ", "-------", "Số: 30/2020/NĐ-CP"]
HEADER_RIGHT = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "---------------",
    "Hà Nội, ngày 05 tháng 3 năm 2020",
]
TITLE = ["NGHỊ ĐỊNH", "VỀ CÔNG TÁC VĂN THƯ"]
BODY = [
    "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 123/2016/NĐ-CP ngày 01 tháng 9 năm 2016 của Chính phủ quy định chức năng, "
    "nhiệm vụ, quyền hạn và cơ cấu tổ chức của bộ, cơ quan ngang bộ;",
    "Theo đề nghị của Bộ trưởng Bộ Nội vụ;",
    "Chính phủ ban hành Nghị định về công tác văn thư.",
    "Điều 1. Phạm vi điều chỉnh",
    "Nghị định này thay thế Nghị định số 110/2004/NĐ-CP ngày 08 tháng 4 năm 2004 của Chính phủ về công tác "
    "văn thư và Nghị định số 09/2010/NĐ-CP ngày 08 tháng 02 năm 2010 của Chính phủ sửa đổi, bổ sung một số "
    "điều của Nghị định số 110/2004/NĐ-CP.",
    "Điều 2. Trách nhiệm thi hành",
    "Thực hiện Kết luận số 120-KL/TW ngày 07 tháng 01 năm 2016 của Bộ Chính trị, các bộ, cơ quan ngang bộ "
    "chịu trách nhiệm thi hành Nghị định này.",
]
FILLER = (
    "Cơ quan, tổ chức có trách nhiệm quản lý văn bản đi, văn bản đến, lập hồ sơ và nộp lưu hồ sơ, tài liệu "
    "vào lưu trữ cơ quan theo quy định của pháp luật về văn thư và lưu trữ hiện hành."
)


def clean_text(filler: int = 0) -> str:
    """The same document as a clean .txt: one line per paragraph and per header cell line."""
    lines = [*HEADER_LEFT, *HEADER_RIGHT, "", *TITLE, *BODY, *[FILLER] * filler]
    return "\n".join(lines) + "\n"


def to_tcvn3(text: str) -> str | None:
    """`text` as a .VnTime document stores it, or None if it cannot be (TCVN3 has no
    capitals with tone marks: offices set those lines in .VnTimeH)."""
    from viparse.normalize.tcvn3 import TCVN3

    table = {uni: legacy for legacy, uni in TCVN3.pairs}
    if any(ord(ch) > 127 and ch not in table for ch in text):
        return None
    return "".join(table.get(ch, ch) for ch in text)


def make_docx(
    path: Path,
    *,
    header: str = "table",
    filler: int = 0,
    page_header: str | None = None,
    page_footer: str | None = None,
    legacy_font: bool = False,
) -> Path:
    """The decree as Word writes it. `header`: "table" (one row, two borderless cells,
    a cell paragraph per line), "rows" (a row per line pair) or "tabs" (no table: each
    line pair one paragraph, the right column set by tab stops). `legacy_font`: the body
    typed in .VnTime (TCVN3 bytes)."""
    import docx

    document = docx.Document()
    if header == "table":
        table = document.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (HEADER_LEFT, HEADER_RIGHT), strict=True):
            cell.paragraphs[0].text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    elif header == "rows":
        pairs = list(zip([*HEADER_LEFT, ""], HEADER_RIGHT, strict=True))
        table = document.add_table(rows=len(pairs), cols=2)
        for row, (left, right) in zip(table.rows, pairs, strict=True):
            row.cells[0].text, row.cells[1].text = left, right
    else:
        for left, right in zip([*HEADER_LEFT, ""], HEADER_RIGHT, strict=True):
            document.add_paragraph(f"{left}\t\t\t{right}" if left else f"\t\t\t\t\t{right}")
    document.add_paragraph("")
    for line in [*TITLE, *BODY, *[FILLER] * filler]:
        legacy = to_tcvn3(line) if legacy_font else None
        paragraph = document.add_paragraph(legacy or line)
        if legacy:
            for run in paragraph.runs:
                run.font.name = ".VnTime"
    section = document.sections[0]
    if page_header is not None:
        section.header.paragraphs[0].text = page_header
    if page_footer is not None:
        section.footer.paragraphs[0].text = page_footer
    document.save(str(path))
    return path


def make_html(path: Path) -> Path:
    """The decree as a portal shows it: header in a table, entities, a script, a menu."""
    esc = html.escape
    left = "<br>".join(esc(x) for x in HEADER_LEFT)
    right = "".join(f"<p>{esc(x)}</p>" for x in HEADER_RIGHT)
    body = "\n".join(f"<p>{esc(x).replace('Đ', '&#272;')}</p>" for x in [*TITLE, *BODY])
    path.write_text(
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Nghị định 30/2020</title>"
        "<style>p { margin: 0 }</style><script>var x = '<p>Số: 1/2000/NĐ-CP</p>';</script></head>\n"
        f"<body><table><tr><td>{left}</td><td>{right}</td></tr></table>\n<p></p>\n{body}\n"
        "</body></html>\n",
        encoding="utf-8",
    )
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: list[Path], to: str, outdir: Path) -> list[Path]:
    """LibreOffice's conversions of `sources` to `to` ("pdf", "doc", "rtf") in `outdir`
    (one start of LibreOffice for all of them: it takes seconds)."""
    program = soffice()
    assert program, "soffice is not installed"
    profile = outdir / ".lo-profile"
    subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [outdir / (source.stem + "." + to) for source in sources]
