"""Word, PDF, web pages and legacy Word, on files the tests make (formats_factory): the
own number, own date, cited numbers with their dates and the relations come out as from
a clean .txt of the same decree; bad files are reported one by one while the rest lands.

LibreOffice makes the .pdf, .doc and .rtf files; without `soffice` those cases are
skipped with the reason shown (CI installs it: .ci/run).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from formats_factory import HEADER_LEFT, HEADER_RIGHT, clean_text, convert, make_docx, make_html, soffice

from qcdc_cli.errors import InputError
from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.registry import load_registry
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.read import legacy
from qcdc_cli.read.files import DOCUMENT_SUFFIXES, read_document
from qcdc_cli.read.formats import read_bytes, sniff

NO_SOFFICE = "LibreOffice (soffice) is not installed: .pdf/.doc/.rtf test files cannot be made"


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_registry(load_registry(()))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every test document, by name: docx-table, docx-rows, docx-tabs, docx-vntime, html,
    and with LibreOffice pdf-table, pdf-rows, pdf-tabs, pdf-vntime, doc-table, rtf-table."""
    folder = tmp_path_factory.mktemp("formats")
    files: dict[str, Path] = {}
    for header in ("table", "rows", "tabs"):
        files[f"docx-{header}"] = make_docx(folder / f"nd-{header}.docx", header=header)
    files["docx-vntime"] = make_docx(folder / "nd-vntime.docx", legacy_font=True)
    files["html"] = make_html(folder / "nd.html")
    if soffice():
        docx_files = [files[k] for k in ("docx-table", "docx-rows", "docx-tabs", "docx-vntime")]
        for name, pdf in zip(("table", "rows", "tabs", "vntime"), convert(docx_files, "pdf", folder), strict=True):
            files[f"pdf-{name}"] = pdf
        files["doc-table"] = convert([files["docx-table"]], "doc", folder)[0]
        files["rtf-table"] = convert([files["docx-table"]], "rtf", folder)[0]
    return files


def summary(text: str, vocab: Vocabulary) -> dict[str, Any]:
    ex = extract_text(text, vocab)
    return {
        "number": ex.self.number,
        "date": ex.self.date,
        "issuer": ex.self.issuer,
        "title": ex.self.title,
        "references": sorted((r.number, r.date, r.relation) for r in ex.references),
        "relations": sorted((r.source, r.relation, r.target) for r in ex.reported_relations),
    }


CASES = [
    "docx-table",
    "docx-rows",
    "docx-tabs",
    "docx-vntime",
    "html",
    "pdf-table",
    "pdf-rows",
    "pdf-tabs",
    "pdf-vntime",
    "doc-table",
    "rtf-table",
]


@pytest.mark.parametrize("case", CASES)
def test_same_extraction_as_the_clean_text(case: str, made: dict[str, Path], vocab: Vocabulary) -> None:
    if case not in made:
        pytest.skip(NO_SOFFICE)
    clean = summary(clean_text(), vocab)
    assert clean["number"] == "30/2020/NĐ-CP" and clean["date"] == "2020-03-05"
    assert len(clean["references"]) == 4 and clean["relations"]
    decoded = read_document(made[case])
    assert summary(decoded.text, vocab) == clean
    kind = case.split("-")[0]
    assert decoded.encoding == (f"{kind}, TCVN3 font converted" if "vntime" in case else kind)


@pytest.mark.parametrize("case", ["docx-table", "docx-rows", "html", "pdf-table", "pdf-rows", "pdf-tabs", "doc-table"])
def test_header_cells_stay_on_lines_of_their_own(case: str, made: dict[str, Path]) -> None:
    if case not in made:
        pytest.skip(NO_SOFFICE)
    lines = read_document(made[case]).text.splitlines()
    for cell_line in [*HEADER_LEFT, *HEADER_RIGHT]:
        assert cell_line in lines, f"{cell_line!r} glued to a neighbour in {lines[:10]}"


def test_places_name_the_table_cell_and_the_paragraph(made: dict[str, Path]) -> None:
    decoded = read_document(made["docx-table"])
    lines = decoded.text.splitlines()
    number_line = lines.index("Số: 30/2020/NĐ-CP") + 1
    assert decoded.place_of_line(number_line) == "table 1 row 1 cell 1"
    assert decoded.place_of_line(lines.index("Hà Nội, ngày 05 tháng 3 năm 2020") + 1) == "table 1 row 1 cell 2"
    assert decoded.place_of_line(len(lines)).startswith("paragraph ")


def test_pdf_lines_name_their_page(made: dict[str, Path], tmp_path: Path) -> None:
    if not soffice():
        pytest.skip(NO_SOFFICE)
    long = make_docx(tmp_path / "long.docx", filler=120)
    decoded = read_document(convert([long], "pdf", tmp_path)[0])
    assert decoded.places[0] == "page 1"
    assert decoded.places[-1] not in ("page 1", "page 2")  # the filler runs past two pages
    assert all(p.startswith("page ") for p in decoded.places)


def test_page_header_and_footer_are_read_and_page_numbers_dropped(tmp_path: Path, vocab: Vocabulary) -> None:
    path = make_docx(tmp_path / "h.docx", page_header="Số: 30/2020/NĐ-CP", page_footer="2")
    decoded = read_document(path)
    assert decoded.places[0] == "page header" and decoded.text.startswith("Số: 30/2020/NĐ-CP\n")
    assert "\n2\n" not in decoded.text


def test_legacy_font_is_converted_and_said(made: dict[str, Path]) -> None:
    decoded = read_document(made["docx-vntime"])
    assert decoded.notes == ("converted from TCVN3 (.VnTime) to Unicode",)
    assert "ngày 08 tháng 4 năm 2004" in decoded.text
    if "pdf-vntime" in made:
        pdf = read_document(made["pdf-vntime"])
        assert pdf.notes == ("converted from TCVN3 (.VnTime) to Unicode",)
        assert "Hà Nội, ngày 05 tháng 3 năm 2020" in pdf.text  # the Unicode header is left alone


def test_html_drops_scripts_styles_and_head_and_decodes_entities(made: dict[str, Path]) -> None:
    text = read_document(made["html"]).text
    assert "1/2000" not in text and "margin" not in text and "<" not in text
    assert "Nghị định số 123/2016/NĐ-CP" in text  # &#272; is Đ


def test_html_blocks_breaks_and_list_items() -> None:
    page = (
        "<html><body><div>Kính gửi:<ul><li>Sở Nội vụ;</li><li>Sở Tư pháp.</li></ul></div>"
        "<p>Dòng một<br>dòng hai &amp; ba&nbsp;bốn</p><pre>  a\n  b</pre></body></html>"
    ).encode()
    assert read_bytes(page, "x.html").text == "Kính gửi:\nSở Nội vụ;\nSở Tư pháp.\nDòng một\ndòng hai & ba bốn\na\nb\n"


# ---- read by content, not by name


def test_a_file_is_read_by_its_content_whatever_its_suffix(made: dict[str, Path], tmp_path: Path) -> None:
    disguised = tmp_path / "actually-word.txt"
    disguised.write_bytes(made["docx-table"].read_bytes())
    assert read_document(disguised).encoding == "docx"
    page = tmp_path / "saved-from-portal.txt"
    page.write_bytes(made["html"].read_bytes())
    assert read_document(page).encoding == "html"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.4\n", "pdf"),
        (b"\r\n junk %PDF-1.4\n...%%EOF\n", "pdf"),
        ("Tệp mở đầu bằng %PDF-1.4 là PDF.".encode(), "text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, "doc"),
        (b"{\\rtf1\\ansi hello}", "rtf"),
        (b"\xef\xbb\xbf<!DOCTYPE html><p>x</p>", "html"),
        (b"<!-- saved -->\n<html lang=vi>", "html"),
        ("Số 62-KH/TU <b>".encode(), "text"),
        (b"PK\x03\x04garbage", "zip"),
    ],
)
def test_sniff(data: bytes, kind: str) -> None:
    assert sniff(data) == kind


def test_walked_suffixes_are_one_constant() -> None:
    from qcdc_cli.read import walk as walk_module

    assert {".txt", ".md", ".docx", ".doc", ".pdf", ".html", ".htm", ".rtf"} == DOCUMENT_SUFFIXES
    assert walk_module.walk.__defaults__ == (DOCUMENT_SUFFIXES,)  # the one walker, for every command


# ---- bad files: one reason each, the rest lands


def corrupt_docx(good: Path) -> bytes:
    """A real .docx whose document.xml is cut off half-way."""
    source = zipfile.ZipFile(good)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (64 * 1024 * 1024))
    return out.getvalue()


def image_only_pdf() -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(595, 842)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_bad_files_each_get_a_reason_and_the_rest_lands(made: dict[str, Path], tmp_path: Path) -> None:
    from qcdc_cli.app.pipeline import expand_paths, extract_paths

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "good.docx").write_bytes(made["docx-table"].read_bytes())
    (folder / "good.html").write_bytes(made["html"].read_bytes())
    (folder / "corrupt.docx").write_bytes(corrupt_docx(made["docx-table"]))
    (folder / "bomb.docx").write_bytes(zip_bomb())
    (folder / "scan.pdf").write_bytes(image_only_pdf())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    vocab = Vocabulary.from_registry(load_registry(()))
    results = {Path(p).name: r for p, r in extract_paths(expand_paths([folder]), vocab)}
    assert results["good.docx"].self.number == "30/2020/NĐ-CP"  # type: ignore[union-attr]
    assert results["good.html"].self.number == "30/2020/NĐ-CP"  # type: ignore[union-attr]
    reasons = {name: r.problem for name, r in results.items() if isinstance(r, InputError)}
    assert reasons.keys() == {"corrupt.docx", "bomb.docx", "scan.pdf", "broken.pdf"}
    assert reasons["corrupt.docx"].startswith("corrupt Word file")
    assert reasons["bomb.docx"].startswith("ZIP bomb?")
    assert "no text layer" in reasons["scan.pdf"] and "OCR" in reasons["scan.pdf"]
    assert reasons["broken.pdf"].startswith("not a readable PDF")


def test_encrypted_pdf(made: dict[str, Path], tmp_path: Path) -> None:
    if not soffice():
        pytest.skip(NO_SOFFICE)
    secret = json.dumps(
        {"EncryptFile": {"type": "boolean", "value": "true"}, "DocumentOpenPassword": {"type": "string", "value": "x"}}
    )
    pdf = convert([made["docx-table"]], f"pdf:writer_pdf_Export:{secret}", tmp_path)[0]
    with pytest.raises(InputError, match="encrypted PDF"):
        read_document(pdf.with_suffix(".pdf"))


def test_pdf_page_limit(made: dict[str, Path]) -> None:
    if "pdf-table" not in made:
        pytest.skip(NO_SOFFICE)
    from qcdc_cli.read.pdf import read_pdf

    with pytest.raises(InputError, match="PDF has 1 pages; the limit is 0"):
        read_pdf(made["pdf-table"].read_bytes(), "x.pdf", max_pages=0)


def test_a_hanging_converter_is_stopped() -> None:
    with pytest.raises(InputError, match=r"took longer than 0.5 s; stopped"):
        legacy._run(["sleep", "30"], "slow.doc", 0.5, "LibreOffice")


def test_without_libreoffice_the_error_names_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(legacy, "soffice", lambda: None)
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 512
    with pytest.raises(InputError) as excinfo:
        read_bytes(ole, "old.doc")
    assert (
        str(excinfo.value)
        == "old.doc: reading legacy Word (.doc) files needs LibreOffice (soffice) or antiword; it is not installed"
    )
    with pytest.raises(InputError, match=r"reading RTF files needs LibreOffice \(soffice\); it is not installed"):
        read_bytes(b"{\\rtf1 x}", "a.rtf")


def test_a_library_failing_on_a_hostile_file_fails_that_file_only(
    made: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcdc_cli.read import docx as docx_reader

    def choke(data: bytes, source: str) -> None:
        raise RecursionError("maximum recursion depth exceeded\nwhile parsing")

    monkeypatch.setattr(docx_reader, "read_docx", choke)
    with pytest.raises(InputError) as excinfo:
        read_document(made["docx-table"])
    assert (
        excinfo.value.problem
        == "cannot read this DOCX file (RecursionError: maximum recursion depth exceeded while parsing)"
    )


def test_without_libreoffice_a_doc_is_read_by_antiword(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "antiword"
    fake.write_text("#!/bin/sh\nprintf 'UBND TỈNH TÂY NINH\\nSố: 12/KH-UBND\\n'\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(legacy, "soffice", lambda: None)
    monkeypatch.setattr(legacy.shutil, "which", lambda name: str(fake) if name == "antiword" else None)
    decoded = read_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 512, "old.doc")
    assert decoded.text == "UBND TỈNH TÂY NINH\nSố: 12/KH-UBND\n"
    assert decoded.notes == ("read with antiword (plain text: no table cells)",)


def test_trace_evidence_from_a_pdf_names_its_page(made: dict[str, Path], tmp_path: Path) -> None:
    if "pdf-table" not in made:
        pytest.skip(NO_SOFFICE)
    from qcdc_cli.app.pipeline import build_lineage
    from qcdc_cli.render.graph_export import evidence_dict

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "nd.pdf").write_bytes(made["pdf-table"].read_bytes())
    (corpus / "nd.docx").write_bytes(made["docx-table"].read_bytes())
    _, graph, errors = build_lineage([corpus])
    assert not errors
    evidence = [ev for link in graph.links() for ev in link.evidence if ev.path]
    from_pdf = [ev for ev in evidence if ev.path.endswith(".pdf")]
    assert from_pdf and all(ev.page == 1 for ev in from_pdf)
    assert all(ev.page is None for ev in evidence if ev.path.endswith(".docx"))
    assert evidence_dict(from_pdf[0])["page"] == 1 and "page" not in evidence_dict(
        next(ev for ev in evidence if ev.path.endswith(".docx"))
    )
