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


def make_docx(
    path: Path, *, filler: int = 0, page_header: str | None = None, page_footer: str | None = None, font: str = ""
) -> Path:
    """The decree as Word writes it: header table without borders, body paragraphs."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    for cell, lines in zip(table.rows[0].cells, (HEADER_LEFT, HEADER_RIGHT), strict=True):
        cell.paragraphs[0].text = lines[0]
        for line in lines[1:]:
            cell.add_paragraph(line)
    document.add_paragraph("")
    for line in [*TITLE, *BODY, *[FILLER] * filler]:
        paragraph = document.add_paragraph(line)
        if font:
            for run in paragraph.runs:
                run.font.name = font
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


def convert(source: Path, to: str, outdir: Path) -> Path:
    """LibreOffice's conversion of `source` to `to` ("pdf", "doc", "rtf") into `outdir`."""
    program = soffice()
    assert program, "soffice is not installed"
    profile = outdir / ".lo-profile"
    subprocess.run(
        [
            program,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return outdir / (source.stem + "." + to)
