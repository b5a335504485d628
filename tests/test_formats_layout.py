"""The layout layer on shapes from real copied text: hard-wrapped PDF lines, header cells
set by tab stops, list items, page numbers and running heads; and the character map."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE_FILES
from hypothesis import given
from hypothesis import strategies as st

from qcdc_cli.app.pipeline import extract_decoded
from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.registry import load_registry
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.models import Extraction
from qcdc_cli.read.decode import Decoded
from qcdc_cli.read.files import read_document
from qcdc_cli.read.layout import Unit, join_wrapped_text, lay_out


def pdf_lines(*rows: tuple[str, float, float], page: int = 1, top: float = 100.0, step: float = 14.0) -> list[Unit]:
    """PDF lines of one page: (text, x0, x1) each, 12 pt high, `step` apart."""
    return [
        Unit(text, f"page {page}", "line", page, x0, x1, top + i * step, top + i * step + 12)
        for i, (text, x0, x1) in enumerate(rows)
    ]


M = 518.0  # the right margin of the page in these rows

WRAPS = [
    pytest.param(
        [
            ("Căn cứ Nghị định số 123/2016/NĐ-CP ngày 01 tháng 9 năm 2016 của Chính", 91, M),
            ("phủ quy định chức năng, nhiệm vụ;", 91, 300),
        ],
        "Căn cứ Nghị định số 123/2016/NĐ-CP ngày 01 tháng 9 năm 2016 của Chính phủ quy định chức năng, nhiệm vụ;\n",
        id="wrapped-sentence-joined",
    ),
    pytest.param(
        [("Quyết định số 1719/QĐ-TTg ngày 14", 91, M - 4), ("tháng 10 năm 2021 của Thủ tướng", 91, 400)],
        "Quyết định số 1719/QĐ-TTg ngày 14 tháng 10 năm 2021 của Thủ tướng\n",
        id="date-split-across-lines",
    ),
    pytest.param(
        [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM ĐỘC LẬP TỰ DO", 300, M), ("Độc lập - Tự do", 300, 420)],
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM ĐỘC LẬP TỰ DO\nĐộc lập - Tự do\n",
        id="capitals-then-mixed-apart",
    ),
    pytest.param(
        [("KẾ HOẠCH THỰC HIỆN KẾT LUẬN SỐ 120-KL/TW CỦA BỘ CHÍNH TRỊ VỀ", 91, M), ("CÔNG TÁC DÂN VẬN", 91, 200)],
        "KẾ HOẠCH THỰC HIỆN KẾT LUẬN SỐ 120-KL/TW CỦA BỘ CHÍNH TRỊ VỀ CÔNG TÁC DÂN VẬN\n",
        id="wrapped-capitals-joined",
    ),
    pytest.param(
        [("Thực hiện Kết luận số 120-KL/TW ngày 07 tháng 01 năm 2016 của", 91, M), ("Bộ Chính trị, Tỉnh ủy", 91, 200)],
        "Thực hiện Kết luận số 120-KL/TW ngày 07 tháng 01 năm 2016 của Bộ Chính trị, Tỉnh ủy\n",
        id="issuer-in-capitals-joined",
    ),
    pytest.param(
        [("NGHỊ ĐỊNH", 250, 320), ("VỀ CÔNG TÁC VĂN THƯ", 220, 360)],
        "NGHỊ ĐỊNH\nVỀ CÔNG TÁC VĂN THƯ\n",
        id="short-title-lines-apart",
    ),
    pytest.param(
        [("Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015 đã được sửa đổi;", 91, M), ("Theo đề nghị", 91, 200)],
        "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015 đã được sửa đổi;\nTheo đề nghị\n",
        id="sentence-ends-at-margin",
    ),
    pytest.param(
        [
            ("Các cơ quan, đơn vị có trách nhiệm thực hiện các nội dung sau đây, cụ thể", 91, M),
            ("- Sở Nội vụ", 91, 200),
        ],
        "Các cơ quan, đơn vị có trách nhiệm thực hiện các nội dung sau đây, cụ thể\n- Sở Nội vụ\n",
        id="list-item-apart",
    ),
    pytest.param(
        [("phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh và trật tự an toàn -", 91, M), ("xã hội", 91, 140)],
        "phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh và trật tự an toàn - xã hội\n",
        id="vietnamese-dash-kept",
    ),
    pytest.param(
        [("The document was hyphen-ated by a typesetter at the margin of the docu-", 91, M), ("ment itself", 91, 160)],
        "The document was hyphen-ated by a typesetter at the margin of the document itself\n",
        id="soft-hyphenation-dropped",
    ),
    pytest.param(
        [
            ("Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng của Nghị định này gồm", 91, M),
            ("Điều 2. Giải thích", 91, 200),
        ],
        "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng của Nghị định này gồm\nĐiều 2. Giải thích\n",
        id="article-heading-apart",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), WRAPS)
def test_wrapped_lines(rows: list[tuple[str, float, float]], expected: str) -> None:
    assert lay_out(pdf_lines(*rows)).text == expected


def test_a_sentence_running_over_a_page_break_is_joined_past_the_page_number() -> None:
    units = pdf_lines(("Nghị định này có hiệu lực thi hành kể từ ngày ký ban hành và thay thế", 91, M), ("3", 300, 306))
    units += pdf_lines(("Nghị định số 110/2004/NĐ-CP.", 91, 260), page=2)
    units += pdf_lines(("các văn bản trước đây trái với Nghị định này.", 91, 300), page=3)
    text = lay_out([*units[:2], *units[2:]], pages=3).text
    assert text == (
        "Nghị định này có hiệu lực thi hành kể từ ngày ký ban hành và thay thế\n"
        "Nghị định số 110/2004/NĐ-CP.\ncác văn bản trước đây trái với Nghị định này.\n"
    )
    units[2].text = "các văn bản trước đây."
    assert lay_out(units, pages=3).text.startswith(
        "Nghị định này có hiệu lực thi hành kể từ ngày ký ban hành và thay thế các văn bản"
    )


def test_a_paragraph_gap_is_not_a_wrap() -> None:
    units = pdf_lines(("Nghị định này có hiệu lực thi hành kể từ ngày ký ban hành và thay thế", 91, M))
    units += pdf_lines(("các văn bản trước", 91, 200), top=100 + 40)
    assert lay_out(units).text.count("\n") == 2


CELLS = [
    pytest.param(
        ["TỈNH ỦY HÀ TĨNH\t\t\tĐẢNG CỘNG SẢN VIỆT NAM", "Số 02-NQ/TU\t\tHà Tĩnh, ngày 12 tháng 5 năm 2017"],
        "TỈNH ỦY HÀ TĨNH\nĐẢNG CỘNG SẢN VIỆT NAM\nSố 02-NQ/TU\nHà Tĩnh, ngày 12 tháng 5 năm 2017\n",
        id="tab-stops",
    ),
    pytest.param(
        ["UBND TỈNH TÂY NINH          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        "UBND TỈNH TÂY NINH\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n",
        id="wide-spaces",
    ),
    pytest.param(["Số:   30/2020/NĐ-CP"], "Số: 30/2020/NĐ-CP\n", id="narrow-spaces-squeezed"),
    pytest.param(["\tTỈNH ỦY HÀ TĨNH"], "TỈNH ỦY HÀ TĨNH\n", id="leading-tab"),
]


@pytest.mark.parametrize(("paragraphs", "expected"), CELLS)
def test_header_cells_set_by_tabs_or_spaces(paragraphs: list[str], expected: str) -> None:
    assert lay_out([Unit(p, f"paragraph {i}") for i, p in enumerate(paragraphs, 1)]).text == expected


def test_cells_are_never_joined_to_their_neighbour() -> None:
    units = [Unit("CHÍNH PHỦ", "table 1 row 1 cell 1", "cell"), Unit("CỘNG HÒA XÃ HỘI", "table 1 row 1 cell 2", "cell")]
    laid = lay_out(units)
    assert laid.text == "CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI\n"
    assert laid.line_places == ["table 1 row 1 cell 1", "table 1 row 1 cell 2"]


def test_page_numbers_and_running_heads_are_dropped() -> None:
    body = ["Phạm vi điều chỉnh.", "Đối tượng áp dụng.", "Giải thích từ ngữ.", "Hiệu lực thi hành."]
    units: list[Unit] = []
    for page, line in enumerate(body, 1):
        units += pdf_lines(
            (f"CÔNG BÁO/Số {100 + 2 * page} + {101 + 2 * page}/Ngày 15-3-2020", 91, 300),
            (line, 91, 300),
            (line.upper(), 91, 300),
            (f"- {page} -", 280, 300),
            page=page,
        )
    assert lay_out(units, pages=4).text == "".join(f"{line}\n{line.upper()}\n" for line in body)


def test_a_number_inside_the_page_is_kept() -> None:
    units = pdf_lines(("Số:", 91, 120), ("62", 91, 110), ("Hết.", 91, 120))
    assert lay_out(units, pages=1).text == "Số:\n62\nHết.\n"


# ---- the character map


def check_map(units: list[Unit]) -> None:
    laid = lay_out(units)
    covered = set()
    for out_start, index, unit_start, length in laid.pieces:
        assert laid.text[out_start : out_start + length] == laid.units[index].text[unit_start : unit_start + length]
        covered.update(range(out_start, out_start + length))
    for offset, ch in enumerate(laid.text):
        if ch not in " \n":
            assert offset in covered, (offset, laid.text)
            where = laid.locate(offset)
            assert where is not None and laid.units[where[0]].text[where[1]] == ch
        elif offset not in covered:
            assert laid.locate(offset) is None
    assert len(laid.line_places) == laid.text.count("\n")


_words = st.text(alphabet="aăâbcdđeêhiklmnoôơpqrstuưvxyÀÁẠẢÃàáạảãĐ0123456789/-.,;:", min_size=1, max_size=12)
_line = st.lists(_words, min_size=0, max_size=12).map(" ".join)
_spacing = st.sampled_from([" ", "  ", "\t", "\t\t", "       ", "\u00a0"])


@given(st.lists(st.tuples(_line, _spacing, _line), min_size=1, max_size=8))
def test_every_character_maps_back_to_its_paragraph(paragraphs: list[tuple[str, str, str]]) -> None:
    check_map([Unit(a + gap + b, f"paragraph {i}") for i, (a, gap, b) in enumerate(paragraphs)])


@given(st.lists(st.tuples(_line, st.floats(80, 120), st.floats(300, 520)), min_size=1, max_size=10))
def test_every_character_of_joined_pdf_lines_maps_back(rows: list[tuple[str, float, float]]) -> None:
    check_map(pdf_lines(*rows))


# ---- plain text copied from PDFs and portals: hard wraps joined, offsets kept

TEXT_WRAPS = [
    pytest.param(
        "Quyết định số 1719/QĐ-TTg ngày 14\ntháng 10 năm 2021 của Thủ tướng Chính\nphủ phê duyệt Chương trình\n",
        "Quyết định số 1719/QĐ-TTg ngày 14 tháng 10 năm 2021 của Thủ tướng Chính phủ phê duyệt Chương trình\n",
        id="date-and-issuer-wrapped",
    ),
    pytest.param(
        "Căn cứ Luật Tổ chức chính quyền địa phương;\nCăn cứ Nghị định số 30/2020/NĐ-CP;\n",
        "Căn cứ Luật Tổ chức chính quyền địa phương;\nCăn cứ Nghị định số 30/2020/NĐ-CP;\n",
        id="sentences-apart",
    ),
    pytest.param(
        "Các nhiệm vụ trọng tâm gồm\n- tuyên truyền;\n- kiểm tra\n",
        "Các nhiệm vụ trọng tâm gồm\n- tuyên truyền;\n- kiểm tra\n",
        id="list-items-apart",
    ),
    pytest.param("TỈNH ỦY HÀ TĨNH\nSố 02-NQ/TU\n", "TỈNH ỦY HÀ TĨNH\nSố 02-NQ/TU\n", id="header-lines-apart"),
    pytest.param("KẾ HOẠCH\nthực hiện Kết luận\n", "KẾ HOẠCH\nthực hiện Kết luận\n", id="short-title-apart"),
    pytest.param(
        "thực hiện Kết luận số 120-KL/TW ngày 07\r\ntháng 01 năm 2016\r\n",
        "thực hiện Kết luận số 120-KL/TW ngày 07  tháng 01 năm 2016\r\n",
        id="crlf",
    ),
    pytest.param("a b c\n\nd e f\n", "a b c\n\nd e f\n", id="blank-line-ends-paragraph"),
    pytest.param(
        "Căn cứ Nghị định số 161/2018/NĐ-CP ngày 29 tháng 11 năm 2018 của\nChính phủ sửa đổi, bổ sung;\n",
        "Căn cứ Nghị định số 161/2018/NĐ-CP ngày 29 tháng 11 năm 2018 của Chính phủ sửa đổi, bổ sung;\n",
        id="dangling-cua-before-a-capital",
    ),
    pytest.param(
        "Theo đề nghị của Sở Y tế tại \r\nTờ trình số 158/TTr-SYT ngày 16/5/2022\r\n",
        "Theo đề nghị của Sở Y tế tại   Tờ trình số 158/TTr-SYT ngày 16/5/2022\r\n",
        id="dangling-tai-crlf",
    ),
    pytest.param(
        "Gửi tới các cơ quan và\n\nBan Tuyên giáo\n",
        "Gửi tới các cơ quan và\n\nBan Tuyên giáo\n",
        id="dangling-before-blank",
    ),
    pytest.param(
        "Các nhiệm vụ giao cho\n- Ban Tuyên giáo\n",
        "Các nhiệm vụ giao cho\n- Ban Tuyên giáo\n",
        id="dangling-before-list-item",
    ),
    pytest.param("Ý của\nTỉnh ủy\n", "Ý của\nTỉnh ủy\n", id="dangling-two-words-is-a-cell"),
    pytest.param(
        "Thực hiện Kế hoạch số 56-KH/HU của Ban Thường vụ Huyện ủy\nLục Nam về thực hiện Chỉ thị\n",
        "Thực hiện Kế hoạch số 56-KH/HU của Ban Thường vụ Huyện ủy Lục Nam về thực hiện Chỉ thị\n",
        id="committee-before-its-place",
    ),
    pytest.param(
        "Thực hiện Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ\nChính trị về tiếp tục\n",
        "Thực hiện Kết luận số 01-KL/TW ngày 18/5/2021 của Bộ Chính trị về tiếp tục\n",
        id="bo-before-chinh-tri",
    ),
    pytest.param(
        "Căn cứ Quyết định số 1719/QĐ-TTg ngày 14/10/2021 của Thủ tướng\nChính phủ phê duyệt;\n",
        "Căn cứ Quyết định số 1719/QĐ-TTg ngày 14/10/2021 của Thủ tướng Chính phủ phê duyệt;\n",
        id="thu-tuong-before-chinh-phu",
    ),
    pytest.param(
        "Kính gửi Ban Thường vụ Tỉnh ủy\nKẾ HOẠCH\n",
        "Kính gửi Ban Thường vụ Tỉnh ủy\nKẾ HOẠCH\n",
        id="committee-before-capitals",
    ),
    pytest.param(
        "Kính gửi Ban Thường vụ Tỉnh ủy\n1. Mục đích\n",
        "Kính gửi Ban Thường vụ Tỉnh ủy\n1. Mục đích\n",
        id="committee-before-a-list-item",
    ),
    pytest.param(
        "Ban Thường vụ Tỉnh ủy Bắc Giang\nBan hành Kế hoạch\n",
        "Ban Thường vụ Tỉnh ủy Bắc Giang\nBan hành Kế hoạch\n",
        id="no-dangling-word",
    ),
]


@pytest.mark.parametrize(("text", "expected"), TEXT_WRAPS)
def test_text_wraps(text: str, expected: str) -> None:
    joined = join_wrapped_text(text)
    assert joined == expected and len(joined) == len(text)


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_registry(load_registry(()))


def test_a_wrapped_date_is_found_and_lines_are_the_files(vocab: Vocabulary) -> None:
    text = (
        "Căn cứ Quyết định số 1719/QĐ-TTg ngày 14\ntháng 10 năm 2021 của Thủ tướng Chính\nphủ;\n"
        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;\n"
    )
    decoded = Decoded(text, "utf-8", joined=join_wrapped_text(text))
    extraction = extract_decoded(decoded, vocab)
    refs = {r.number: r for r in extraction.references}
    assert refs["1719/QĐ-TTg"].date == "2021-10-14"
    first = refs["1719/QĐ-TTg"].mentions[0]
    assert (first.line, first.column) == (1, text.index("1719") + 1)
    second = refs["30/2020/NĐ-CP"].mentions[0]
    assert second.line == 4 and second.column == text.split("\n")[3].index("30/2020") + 1
    assert text[second.start : second.end] == second.as_written


def test_an_issuer_wrapped_after_cua_is_read_whole(vocab: Vocabulary) -> None:
    """A plan's issuer carried to the next line after "của" (a PDF or a portal's text,
    hard-wrapped) is the reference's issuer, which scopes a local number to its district;
    the verb after it ("sửa đổi", "phê duyệt") is not part of it."""
    text = (
        "Thực hiện Kế hoạch số 45-KH/HU, ngày 15/3/2023 của\nBan Thường vụ Huyện ủy Yên Thế, "
        "Đảng ủy xã xây dựng Kế hoạch như sau:\n"
        "Căn cứ Quyết định số 1719/QĐ-TTg ngày 14/10/2021 của Thủ tướng Chính phủ phê duyệt Chương trình;\n"
    )
    decoded = Decoded(text, "utf-8", joined=join_wrapped_text(text))
    refs = {r.number: r for r in extract_decoded(decoded, vocab).references}
    assert refs["45-KH/HU"].issuer == "Ban Thường vụ Huyện ủy Yên Thế"
    assert refs["45-KH/HU"].relation == "implements"
    assert refs["1719/QĐ-TTg"].issuer == "Thủ tướng Chính phủ"
    assert [m.line for m in refs["45-KH/HU"].mentions] == [1]


def test_a_committee_wrapped_before_its_place_scopes_the_citation(vocab: Vocabulary) -> None:
    """ "... của Ban Thường vụ Huyện ủy" / "Lục Nam về thực hiện Chỉ thị số 21-CT/TW": the
    issuer is read with its place, and the cue after it states the plan's own relation."""
    text = (
        "Thực hiện Kế hoạch số 56-KH/HU ngày 10/4/2023 của Ban Thường vụ Huyện ủy\n"
        "Lục Nam về thực hiện Chỉ thị số 21-CT/TW của Ban Bí thư, Đảng ủy xã ban hành Kế hoạch:\n"
    )
    decoded = Decoded(text, "utf-8", joined=join_wrapped_text(text))
    extraction = extract_decoded(decoded, vocab)
    refs = {r.number: r for r in extraction.references}
    assert refs["56-KH/HU"].issuer == "Ban Thường vụ Huyện ủy Lục Nam"
    assert [(r.source, r.relation, r.target) for r in extraction.reported_relations] == [
        ("56-KH/HU", "implements", "21-CT/TW")
    ]
    assert [m.line for m in refs["21-CT/TW"].mentions] == [2]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_joining_moves_no_mention_of_the_samples(path: Path, vocab: Vocabulary) -> None:
    """Where and what each mention is stays as in the file: (start, line, column, text)."""
    decoded = read_document(path)
    plain = extract_text(decoded.text, vocab)
    joined = extract_decoded(decoded, vocab)

    def where(ex: Extraction) -> set[tuple[int, int, int, str]]:
        return {(m.start, m.line, m.column, m.as_written) for r in ex.references for m in r.mentions}

    assert where(joined) == where(plain)
    assert all(decoded.text[s : s + len(w)] == w for s, _, _, w in where(joined))


@given(
    st.lists(
        st.sampled_from(["Căn cứ Kết luận", "số 120-KL/TW ngày", "07 tháng 01", "năm 2016;", "thực hiện", "- a", ""]),
        max_size=12,
    )
)
def test_join_keeps_every_offset(lines: list[str]) -> None:
    text = "\n".join(lines)
    joined = join_wrapped_text(text)
    assert len(joined) == len(text)
    assert all(a == b or (a == "\n" and b == " ") for a, b in zip(text, joined, strict=True))


def test_remap_puts_every_line_field_of_an_extraction_back_on_the_file() -> None:
    """Every dataclass of an Extraction that carries a line gets it remapped: a field
    added to the model without a place in remap_lines fails here."""
    import dataclasses

    from qcdc_cli import models
    from qcdc_cli.read.layout import remap_lines

    original = "a\nb\nc d\ne\n"  # logical line 2 ("b c d") starts on file line 2; logical 3 on file 4
    joined = "a\nb c d\ne\n"[:0] + "a\nb\nc d\ne\n".replace("b\nc", "b c")
    assert len(joined) == len(original)
    start = joined.index("e")  # logical line 3, file line 4
    values = {"line": 3, "start_line": 3, "start": start, "end": start + 1, "column": 1}

    def build(cls: type) -> object:
        kwargs = {}
        for f in dataclasses.fields(cls):
            if f.name in values:
                kwargs[f.name] = values[f.name]
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                kwargs[f.name] = "x"
        return cls(**kwargs)

    with_line = [
        c
        for c in vars(models).values()
        if dataclasses.is_dataclass(c) and {"line", "start_line"} & {f.name for f in dataclasses.fields(c)}
    ]
    extraction = models.Extraction(self=build(models.SelfInfo))  # type: ignore[arg-type]
    slots = {f.name: f for f in dataclasses.fields(models.Extraction)}
    placed = {models.SelfInfo}
    for name in ("references", "reported_relations", "problems", "segments", "named_references"):
        kind = {
            "references": models.Reference,
            "reported_relations": models.ReportedRelation,
            "problems": models.Problem,
            "segments": models.Segment,
            "named_references": models.NamedReference,
        }[name]
        assert name in slots
        item = build(kind)
        if kind is models.Reference:
            item.mentions = [build(models.Mention)]  # type: ignore[attr-defined]
            placed.add(models.Mention)
        getattr(extraction, name).append(item)
        placed.add(kind)
    assert {c for c in with_line if c.__module__ == models.__name__} <= placed | {models.Evidence}
    remap_lines(extraction, original, joined)
    lines = [extraction.self.line]
    lines += [m.line for r in extraction.references for m in r.mentions]
    lines += [x.line for x in (*extraction.reported_relations, *extraction.problems, *extraction.named_references)]
    lines += [s.start_line for s in extraction.segments]
    assert lines == [4] * len(lines)
