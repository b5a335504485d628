"""Table-driven extraction tests: one row per phenomenon of real Vietnamese documents."""

from __future__ import annotations

import unicodedata

import pytest

from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.registry import load_vocabulary


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def refs(text, vocab):
    return {r.number: r for r in extract_text(text, vocab).references}


# (id, text, {canonical number: (relation, date)})
CASES = [
    (
        "party-plain",
        "Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị, Đảng ủy ban hành Kế hoạch.",
        {"120-KL/TW": ("implements", "2016-01-07")},
    ),
    (
        "all-caps-type",
        "TRIỂN KHAI THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 30-CTR/TU NGÀY 10/9/2013 CỦA BAN CHẤP HÀNH ĐẢNG BỘ TỈNH",
        {"30-CTr/TU": ("implements", "2013-09-10")},
    ),
    (
        "all-caps-qdi",
        "Văn bản liên quan: QUY ĐỊNH SỐ 11-QĐI/TW NGÀY 18/02/2019 CỦA BỘ CHÍNH TRỊ",
        {"11-QĐi/TW": ("cites", "2019-02-18")},
    ),
    ("caps-ttg", "theo Chỉ thị số 05/CT-TTG của Thủ tướng", {"05/CT-TTg": ("cites", None)}),
    ("inner-spaces", "Nghị quyết số 02 - NQ/TU của Tỉnh ủy", {"02-NQ/TU": ("cites", None)}),
    ("en-dash", "Nghị quyết số 21 – NQ/TW ngày 16/01/2012 của Bộ Chính trị", {"21-NQ/TW": ("cites", "2012-01-16")}),
    ("slash-spaces", "Kế hoạch số 51-KH / BTGTU ngày 7-1-2016", {"51-KH/BTGTU": ("cites", "2016-01-07")}),
    ("eth-for-dj", "Kế hoạch số 13-KH/ÐUK ngày 22.9.2021", {"13-KH/ĐUK": ("cites", "2021-09-22")}),
    (
        "decomposed",
        unicodedata.normalize("NFD", "Thực hiện Kết luận số 120-KL/TW ngày 07/01/2016 của Bộ Chính trị, Ban ban hành"),
        {"120-KL/TW": ("implements", "2016-01-07")},
    ),
    (
        "broken-line",
        "Căn cứ Quyết định số\n749/QĐ-TTg ngày 03 tháng 6 năm 2020 của Thủ tướng Chính phủ;",
        {"749/QĐ-TTg": ("based_on", "2020-06-03")},
    ),
    ("html-entity", "Căn cứ Quy định số 20-QĐ&#x002F;TW ngày 30/7/2021;", {"20-QĐ/TW": ("based_on", "2021-07-30")}),
    (
        "tu-for-tw",
        "theo Chỉ thị số 30-CT/TƯ và Chỉ thị 10-CT/T.Ư",
        {"30-CT/TW": ("cites", None), "10-CT/TW": ("cites", None)},
    ),
    (
        "shared-serials",
        "Thực hiện Nghị quyết số 18, 19-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương;",
        {"18-NQ/TW": ("implements", "2017-10-25"), "19-NQ/TW": ("implements", "2017-10-25")},
    ),
    (
        "shared-serials-line-break",
        "Thực hiện Nghị quyết số 18,\n19-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương;",
        {"18-NQ/TW": ("implements", "2017-10-25"), "19-NQ/TW": ("implements", "2017-10-25")},
    ),
    (
        "state-list",
        "các Nghị định số 115/2003/NĐ-CP, 116/2003/NĐ-CP ngày 10/10/2003 của Chính phủ",
        {"115/2003/NĐ-CP": ("cites", None), "116/2003/NĐ-CP": ("cites", "2003-10-10")},
    ),
    ("state-admin-suffix", "theo Nghị quyết số 30c/NQ-CP ngày 08/11/2011", {"30c/NQ-CP": ("cites", "2011-11-08")}),
    ("cong-van", "Công văn số 2231/SNV-CCHC&PC ngày 5/8/2022", {"2231/SNV-CCHC&PC": ("cites", "2022-08-05")}),
    ("compound-issuer", "Kế hoạch 7308/KH-BNN-TCLN", {"7308/KH-BNN-TCLN": ("cites", None)}),
    ("law", "theo Luật số 10/2022/QH15 ngày 10 tháng 11 năm 2022", {"10/2022/QH15": ("cites", "2022-11-10")}),
    (
        "ordinance",
        "Pháp lệnh 34/2007/PL-UBTVQH11 của Ủy ban Thường vụ Quốc hội",
        {"34/2007/PL-UBTVQH11": ("cites", None)},
    ),
    ("month-in-words", "Kết luận 05-KL/TU ngày 03 tháng bốn năm 2018", {"05-KL/TU": ("cites", "2018-04-03")}),
    (
        "date-split-line",
        "Kết luận số 120-KL/TW, ngày\n07/01/2016 của Bộ Chính trị",
        {"120-KL/TW": ("cites", "2016-01-07")},
    ),
    (
        "date-after-issuer",
        "theo Kế hoạch số 26-KH/TU của Tỉnh ủy Lai Châu ngày 01/3/2016",
        {"26-KH/TU": ("cites", "2016-03-01")},
    ),
    ("invalid-date", "Kết luận số 120-KL/TW ngày 31/02/2016", {"120-KL/TW": ("cites", None)}),
    (
        "date-goes-to-nearest",
        "quyết định 217-QĐ/TW và quyết định 218-QĐ/TW, ngày 12/12/2013 của Bộ Chính trị",
        {"217-QĐ/TW": ("cites", None), "218-QĐ/TW": ("cites", "2013-12-12")},
    ),
    (
        "based-on-list",
        "Căn cứ Luật Tổ chức chính quyền địa phương số 77/2015/QH13;\nCăn cứ Nghị định số 04/2015/NĐ-CP của Chính phủ;",
        {"77/2015/QH13": ("based_on", None), "04/2015/NĐ-CP": ("based_on", None)},
    ),
    (
        "cue-in-a-name",
        "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15;",
        {"10/2022/QH15": ("based_on", None)},
    ),
    (
        "guides",
        "NGHỊ ĐỊNH\nQuy định chi tiết một số điều của Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15\n\nCăn cứ Luật số 10/2022/QH15;",
        {"10/2022/QH15": ("guides", None)},
    ),
    (
        "amends-replaces-repeals",
        "Nghị định này sửa đổi, bổ sung một số điều của Nghị định số 04/2015/NĐ-CP. Nghị định này có hiệu lực từ ngày"
        " 01/7/2023 và thay thế Nghị định số 87/2007/NĐ-CP.\nĐiều 3. Bãi bỏ Quyết định số 12/2010/QĐ-UBND.",
        {
            "04/2015/NĐ-CP": ("amends", None),
            "87/2007/NĐ-CP": ("replaces", None),
            "12/2010/QĐ-UBND": ("repeals", None),
        },
    ),
    (
        "body-cue-is-cites",
        "KẾ HOẠCH\nvề công tác năm 2024\n\nI. MỤC ĐÍCH\nTiếp tục thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị.",
        {"05-CT/TW": ("cites", "2016-05-15")},
    ),
    (
        "about-not-implementing",
        "Thực hiện Kế hoạch số 12-KH/TU, Ban Thường vụ Huyện ủy sơ kết việc thực hiện Chỉ thị số 30-CT/TW như sau:",
        {"12-KH/TU": ("implements", None), "30-CT/TW": ("cites", None)},
    ),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_reference_table(text, expected, vocab):
    found = refs(text, vocab)
    assert set(found) == set(expected)
    for number, (relation, date) in expected.items():
        assert (found[number].relation, found[number].date) == (relation, date), number
    for ref in found.values():
        for m in ref.mentions:
            assert text[m.start : m.end] == m.as_written


MALFORMED = [
    ("157-NĐ/2007/NĐ-CP", "157/2007/NĐ-CP"),
    ("34-PL/TW34/2007PL-UBTVQH11", "34/2007/PL-UBTVQH11"),
    ("22/CT-TW", "22-CT/TW"),
    ("18/NQ-TW", "18-NQ/TW"),
]


@pytest.mark.parametrize(("written", "canonical"), MALFORMED)
def test_malformed_numbers_are_flagged_with_their_canonical_form(written, canonical, vocab):
    extraction = extract_text(f"Nghị quyết số {written} của Trung ương, ban hành.", vocab)
    (ref,) = extraction.references
    assert ref.number == canonical
    assert ref.malformed and ref.suggestion == canonical
    assert ref.mentions[0].as_written == written
    assert any(p.code == "malformed-number" for p in extraction.problems)


def test_malformed_mention_merges_with_correct_mentions(vocab):
    text = "Pháp lệnh 34/2007/PL-UBTVQH11 và sau đó Pháp lệnh 34-PL/TW34/2007PL-UBTVQH11 của Ủy ban."
    (ref,) = extract_text(text, vocab).references
    assert len(ref.mentions) == 2 and [m.malformed for m in ref.mentions] == [False, True]


def test_reported_relation_from_a_parent_plan(vocab):
    text = (
        "Thực hiện Kế hoạch số 26-KH/TU, ngày 01/3/2016 của Tỉnh ủy Lai Châu về triển khai thực hiện Kết luận số "
        "120-KL/TW, ngày 07/01/2016 của Bộ Chính trị về tiếp tục đẩy mạnh, Ban Thường vụ xây dựng kế hoạch như sau:"
    )
    extraction = extract_text(text, vocab)
    found = {r.number: r for r in extraction.references}
    assert found["26-KH/TU"].relation == "implements"
    assert found["120-KL/TW"].relation == "cites"  # the plan reports it; it does not say so itself
    (reported,) = extraction.reported_relations
    assert (reported.source, reported.relation, reported.target) == ("26-KH/TU", "implements", "120-KL/TW")
    assert "26-KH/TU" in reported.text and reported.line == 1


def test_a_new_main_clause_is_not_a_reported_relation(vocab):
    text = "Thực hiện Kết luận số 65-KL/TW, Ban Thường vụ Tỉnh ủy xây dựng Kế hoạch thực hiện Chỉ thị 30-CT/TW như sau:"
    extraction = extract_text(text, vocab)
    assert {r.number: r.relation for r in extraction.references} == {
        "65-KL/TW": "implements",
        "30-CT/TW": "implements",
    }
    assert extraction.reported_relations == []


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        # two actions joined by "và": the second cue is not something 120-KL/TW does
        (
            "2. Việc quán triệt, triển khai thực hiện Kết luận số 120-KL/TW của Bộ Chính trị và tiếp tục thực hiện"
            " Chỉ thị số 30-CT/TW của Bộ Chính trị phải được tiến hành nghiêm túc.",
            set(),
        ),
        (
            "Tổ chức học tập Nghị quyết số 18-NQ/TW, ngày 25/10/2017 cùng hướng dẫn thực hiện Quy định 102-QĐ/TW.",
            set(),
        ),
        # the number before the cue is its subject ("về" then the cue)
        (
            "Căn cứ Kế hoạch số 26-KH/TU của Tỉnh ủy Lai Châu về triển khai thực hiện Kết luận số 120-KL/TW.",
            {("26-KH/TU", "implements", "120-KL/TW")},
        ),
    ],
)
def test_a_cue_after_va_is_a_second_action_not_a_reported_relation(text, reported, vocab):
    extraction = extract_text(text, vocab)
    assert {(r.source, r.relation, r.target) for r in extraction.reported_relations} == reported


HEADER = """\
TỈNH ỦY THỪA THIÊN HUẾ
*
Số 62-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Thành phố Huế, ngày 30 tháng 7 năm 2010

KẾ HOẠCH
về tiếp tục thực hiện Chỉ thị 30-CT/TW của Bộ Chính trị (khóa VIII)
về xây dựng và thực hiện quy chế dân chủ ở cơ sở năm 2010
---
Thực hiện Kết luận 65-KL/TW, ngày 04/3/2010 của Ban Bí thư, Ban Thường vụ Tỉnh ủy xây dựng Kế hoạch như sau:

I. Mục đích, yêu cầu
Kế hoạch số 62-KH/TU được phổ biến; thực hiện Kết luận 65-KL/TW.
"""


@pytest.mark.parametrize(
    ("text", "number", "issuer"),
    [
        (
            "Căn cứ Nghị quyết liên tịch số 09/2008/NQLT-CP-UBTWMTTQVN của Chính phủ và Ủy ban Trung ương"
            " Mặt trận Tổ quốc Việt Nam hướng dẫn thi hành các Điều 11, 14 của Pháp lệnh;",
            "09/2008/NQLT-CP-UBTWMTTQVN",
            "Chính phủ và Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
        ),
        (
            "Thực hiện Quy định số 11-QĐi/TW của Bộ Chính trị và Ban Bí thư về trách nhiệm của người đứng đầu;",
            "11-QĐi/TW",
            "Bộ Chính trị và Ban Bí thư",
        ),
        # "và" then something that is not a body: the issuer ends before it
        (
            "Thực hiện Kết luận số 120-KL/TW của Bộ Chính trị và Kế hoạch số 26-KH/TU của Tỉnh ủy;",
            "120-KL/TW",
            "Bộ Chính trị",
        ),
        ("Căn cứ Chỉ thị số 05-CT/TW của Bộ Chính trị và các văn bản hướng dẫn;", "05-CT/TW", "Bộ Chính trị"),
        # "ban hành" is a verb, not the body word "Ban" (matching ignores case)
        (
            "Căn cứ Nghị quyết số 19/2022/NQ-HĐND của Ban Thường vụ và ban hành kế hoạch.",
            "19/2022/NQ-HĐND",
            "Ban Thường vụ",
        ),
        ("Căn cứ Quyết định số 12/2020/QĐ-UBND ban hành Quy chế làm việc;", "12/2020/QĐ-UBND", None),
        (
            "Thực hiện Hướng dẫn số 03-HD/BDVTU Ban Dân vận Tỉnh ủy về công tác dân vận;",
            "03-HD/BDVTU",
            "Ban Dân vận Tỉnh ủy",
        ),
        # a CRLF line end is not part of the body
        ("Căn cứ Kế hoạch số 62-KH/TU của Ủy ban nhân dân tỉnh\r\nvà các đơn vị.", "62-KH/TU", "Ủy ban nhân dân tỉnh"),
    ],
)
def test_the_issuer_after_a_number_is_read_whole_and_no_further(text, number, issuer, vocab):
    found = {r.number: r for r in extract_text(text, vocab).references}
    assert found[number].issuer == issuer


def test_header_identity(vocab):
    extraction = extract_text(HEADER, vocab)
    me = extraction.self
    assert (me.number, me.type, me.issuer_code, me.date) == ("62-KH/TU", "KH", "TU", "2010-07-30")
    assert (me.place, me.province, me.type_name) == ("Thành phố Huế", "Thừa Thiên Huế", "Kế hoạch")
    assert me.issuer == "TỈNH ỦY THỪA THIÊN HUẾ"
    assert me.title.startswith("về tiếp tục thực hiện Chỉ thị 30-CT/TW")
    assert "62-KH/TU" not in {r.number for r in extraction.references}
    found = {r.number: r for r in extraction.references}
    assert found["30-CT/TW"].relation == "implements"  # from the title
    assert found["30-CT/TW"].mentions[0].term == "VIII"
    assert any(p.code == "self-mention" for p in extraction.problems)


def test_table_row_header(vocab):
    text = "| Số: 7822/KH-UBND | Bến Tre, ngày 10 tháng 12 năm 2021 |\n\nKẾ HOẠCH\nvề cải cách hành chính\n"
    me = extract_text(text, vocab).self
    assert (me.number, me.date, me.place, me.province) == ("7822/KH-UBND", "2021-12-10", "Bến Tre", "Bến Tre")


def test_no_number_of_its_own_is_said_not_failed(vocab):
    text = (
        "KẾ HOẠCH\nTRIỂN KHAI CÔNG TÁC DÂN VẬN\n\nỦy ban nhân dân tỉnh ban hành Kế hoạch trên địa bàn tỉnh Tuyên Quang."
    )
    extraction = extract_text(text, vocab)
    assert extraction.self.number is None and extraction.self.type == "KH"
    assert extraction.self.province == "Tuyên Quang"
    assert [p.code for p in extraction.problems] == ["no-own-number"]


def test_pasted_second_document_is_a_segment(vocab):
    text = (
        "Số 13-KH/ĐUK\n\nKẾ HOẠCH\nTriển khai thực hiện Kết luận số 120-KL/TW\n\nI. NỘI DUNG\nNội dung.\n\n"
        "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\n\nNguyễn Văn A\n\n"
        "**Kết luận số 120-KL/TW ngày 07/01/2016 của Bộ Chính trị\nvề tiếp tục đẩy mạnh quy chế dân chủ**\n\n"
        "Tại phiên họp, sau khi nghe báo cáo tổng kết việc thực hiện Chỉ thị số 30-CT/TW, ngày 18/02/1998, "
        "Bộ Chính trị kết luận như sau:\n"
    )
    extraction = extract_text(text, vocab)
    assert [s.number for s in extraction.segments] == ["13-KH/ĐUK", "120-KL/TW"]
    assert extraction.segments[1].title.startswith("về tiếp tục đẩy mạnh")
    found = {r.number: r for r in extraction.references}
    assert found["30-CT/TW"].mentions[0].segment == 1
    assert found["30-CT/TW"].relation == "cites"
    assert all(m.segment == 0 for m in found["120-KL/TW"].mentions)  # its own title line is not a citation


def test_segment_preamble_reports_the_pasted_documents_relations(vocab):
    text = (
        "Số 5-KH/ĐU\n\nKẾ HOẠCH\nvề công tác\n\nI. NỘI DUNG\nNội dung.\n\nT/M ĐẢNG ỦY\n\nNguyễn Văn A\n\n"
        "Kế hoạch số 12-KH/HU ngày 02/3/2020 của Huyện ủy\n\n"
        "Thực hiện Nghị quyết số 18-NQ/TW, Ban Thường vụ Huyện ủy xây dựng kế hoạch như sau:\n"
    )
    extraction = extract_text(text, vocab)
    assert [(r.source, r.relation, r.target) for r in extraction.reported_relations] == [
        ("12-KH/HU", "implements", "18-NQ/TW")
    ]


def test_never_raises_on_junk(vocab):
    for text in ["", "\n\n", "Số", "Số 1-", "1-/", "////----", "Số: 62-KH/TU" * 3, "\x00\x1b[31m", "ngày 99/99/9999"]:
        extract_text(text, vocab)
