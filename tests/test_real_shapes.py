"""The shapes real texts take (issue 11), each in a text written for this test.

Real official texts, as portals and scanners deliver them, bend the textbook header: the
number on the line after "Số:", a header flattened into table cells, navigation lines above
it, a title line or a news item as the only identity, dates wrapped across lines, clauses
with several objects, basis lists under a heading, named laws, drafts with placeholders.
"""

from __future__ import annotations

import pytest

from qcdc_cli.extract.text import extract_text

# ---- own identity: (id, text, number, date, source) -----------------------------------

IDENTITY = [
    (
        "number-on-next-line",
        "ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\n-------\n|\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n|\nSố:\n214/QĐ-UBND\n|\n"
        "Hà Tĩnh, ngày 08\ntháng 3 năm 2024\n|\nQUYẾT ĐỊNH\nVề việc phê duyệt kế hoạch chuyển đổi số\n"
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nQUYẾT ĐỊNH:\nĐiều 1. Phê duyệt.\n",
        "214/QĐ-UBND",
        "2024-03-08",
        "header",
    ),
    (
        "crlf-number-on-next-line",
        "ỦY BAN NHÂN DÂN\r\nTỈNH HÀ TĨNH\r\n|\r\nSố:\r\n215/QĐ-UBND\r\n|\r\nHà Tĩnh, ngày 09\r\ntháng 3 năm 2024\r\n"
        "|\r\nQUYẾT ĐỊNH\r\nVề việc phê duyệt\r\nCăn cứ Luật Tổ chức chính quyền địa phương;\r\nQUYẾT ĐỊNH:\r\n",
        "215/QĐ-UBND",
        "2024-03-09",
        "header",
    ),
    (
        "wrapped-announcement",
        "Nghị quyết về hạ tầng giai đoạn 2016-2020\n\nLTS: Ngày 14-11-2016, Ban Chấp hành Đảng bộ tỉnh\nkhóa XIII đã "
        "ban hành Nghị quyết\nsố 10-NQ/TU về huy động nguồn\nlực đầu tư hạ tầng.\n\nI- Khái quát tình hình\n",
        "10-NQ/TU",
        "2016-11-14",
        "announcement",
    ),
    (
        "table-cell",
        "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n| Số: 517/KH-UBND | Nghệ An, ngày 15 tháng 8 năm 2023 |\n"
        "Căn cứ Quyết định số 1662/QĐ-TTg ngày 04 tháng 10 năm 2021 của Thủ tướng Chính phủ;\n"
        "Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:\n1. Mục đích\nBảo vệ rừng.\n",
        "517/KH-UBND",
        "2023-08-15",
        "header",
    ),
    (
        "portal-metadata",
        "Kế hoạch 95/KH-UBND năm 2024 triển khai chuyển đổi số tỉnh Hà Giang\n| Số hiệu | 95/KH-UBND |\n"
        "| Ngày ban hành | 12/04/2024 |\n| Loại văn bản | Kế hoạch |\n| Người ký | Nguyễn Văn Sơn |\n"
        "Đang tải văn bản...\n",
        "95/KH-UBND",
        "2024-04-12",
        "header",
    ),
    (
        "portal-sign-and-number",
        "Văn bản pháp luật\nSố, ký hiệu: 1576/KH-UBND\nNgày ký: 03/4/2019\nCơ quan ban hành: UBND Thành phố\n"
        "Trích yếu: Kế hoạch đánh giá sự hài lòng\nĐang tải văn bản...\n",
        "1576/KH-UBND",
        "2019-04-03",
        "header",
    ),
    (
        "scan-misread-and-date-alone",
        "ĐẢNG BỘ HUYỆN CON CUÔNG\nĐẢNG ỦY XÃ MÔN SƠN\nSổ: 21-NQ/ĐU\nngày 14 tháng 3 năm 2019\nNGHỊ QUYẾT\n"
        "về phát triển kinh tế\nI. TÌNH HÌNH\nNội dung.\n",
        "21-NQ/ĐU",
        "2019-03-14",
        "header",
    ),
    (
        "type-word-number-and-date-on-one-line",
        "BAN CHẤP HÀNH TRUNG ƯƠNG\n*\nNghị quyết số: 09-NQ/TW Hà Nội, ngày 09 tháng 12 năm 2011\n"
        "NGHỊ QUYẾT\nCỦA BỘ CHÍNH TRỊ\nvề xây dựng và phát huy vai trò của đội ngũ doanh nhân\nI. TÌNH HÌNH\nNội dung.\n",
        "09-NQ/TW",
        "2011-12-09",
        "header",
    ),
    (
        "decorated-number",
        "HUYỆN ỦY NAM ĐÀN\n***Số 35-KH/HU***\n*Nam Đàn, ngày 14 tháng 3 năm 2023*\n**KẾ HOẠCH**\n"
        "**về tổ chức hội nghị**\nThực hiện Kế hoạch số 204-KH/TU của Tỉnh ủy, Ban Thường vụ Huyện ủy ban hành.\n",
        "35-KH/HU",
        "2023-03-14",
        "header",
    ),
    (
        "navigation-above-header",
        "Đang tải nội dung...\nĐể sử dụng toàn bộ tiện ích nâng cao của trang, vui lòng đăng nhập hoặc đăng ký.\n"
        "ĐẢNG BỘ TỈNH NGHỆ AN | ĐẢNG CỘNG SẢN VIỆT NAM |\n| Số 88-KH/HU | Thanh Chương, ngày 2 tháng 6 năm 2022 |\n"
        "Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị, Ban Thường vụ Huyện ủy xây dựng kế hoạch.\n"
        "I. MỤC ĐÍCH\nNội dung.\n",
        "88-KH/HU",
        "2022-06-02",
        "header",
    ),
    (
        "title-line",
        "Bộ Chính trị quy định về phân cấp quản lý cán bộ\n\nTheo dõi Báo Điện tử trên Google News\n"
        "Quy định số 105-QĐ/TW, ngày 19/12/2017 của Bộ Chính trị về phân cấp quản lý cán bộ và bổ nhiệm cán bộ.\n\n"
        "Quy định gồm 5 chương, 29 điều, áp dụng đối với các cấp ủy, tổ chức đảng.\n",
        "105-QĐ/TW",
        "2017-12-19",
        "title",
    ),
    (
        "title-under-heading",
        "CHỈ THỊ\nCỦA THỦ TƯỚNG CHÍNH PHỦ SỐ 12/2003/CT-TTG\nNGÀY 15 THÁNG 5 NĂM 2003 VỀ VIỆC TĂNG CƯỜNG\n"
        "CÔNG TÁC PHÒNG CHÁY\nThời gian qua, công tác phòng cháy đã có chuyển biến.\n",
        "12/2003/CT-TTg",
        "2003-05-15",
        "title",
    ),
    (
        "announcement",
        "Huyện ủy Thanh Chương triển khai thực hiện chuyển đổi số\n\n"
        "Ban Thường vụ Huyện ủy Thanh Chương vừa ban hành Kế hoạch số 45-KH/HU ngày 20/3/2024 thực hiện "
        "Kế hoạch số 12-KH/TU ngày 5/1/2024 của Tỉnh ủy về chuyển đổi số.\n\nKế hoạch đề ra 5 nhiệm vụ.\n",
        "45-KH/HU",
        "2024-03-20",
        "announcement",
    ),
    (
        "announcement-after-an-older-one",
        "Huyện ủy Quỳ Hợp triển khai nghị quyết\n"
        "Năm 2023, Tỉnh ủy đã ban hành Nghị quyết số 10-NQ/TU về phát triển miền Tây. Để cụ thể hóa, Ban Thường "
        "vụ Huyện ủy Quỳ Hợp vừa ban hành Kế hoạch số 20-KH/HU ngày 3/4/2024 thực hiện Nghị quyết số 10-NQ/TU.\n",
        "20-KH/HU",
        "2024-04-03",
        "announcement",
    ),
    (
        "announcement-signed-and-issued",
        "Bộ Chính trị ban hành Nghị quyết về khoa học, công nghệ\n(Chinhphu.vn) - Ngày 22/12/2024, Tổng Bí thư đã "
        "ký, ban hành Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công nghệ.\n"
        "Nội dung chính của Nghị quyết.\n",
        "57-NQ/TW",
        "2024-12-22",
        "announcement",
    ),
    (
        "portal-page-title",
        "Kế hoạch 186/KH-UBND năm 2025 phát triển chính quyền số tỉnh Bắc Ninh giai đoạn 2026-2030\n"
        "Văn bản này đã được cập nhật.\nNgày ban hành: 29/12/2025\n",
        "186/KH-UBND",
        "2025-12-29",
        "title",
    ),
    (
        "announcement-dated-before",
        "Ngày 5/3/2024, Đảng ủy xã Hưng Lộc đã ban hành Kế hoạch số 07-KH/ĐU về xây dựng nông thôn mới "
        "kiểu mẫu.\n\nTheo đó, các chi bộ tổ chức quán triệt.\n",
        "07-KH/ĐU",
        "2024-03-05",
        "announcement",
    ),
    (
        "announcement-parenthetical",
        "Nhảy đến nội dung\nUBND tỉnh ban hành Kế hoạch thực hiện Quyết định số 1230/QĐ-TTg ngày 10/9/2021 của "
        "Thủ tướng Chính phủ (Kế hoạch số 88/KH-UBND, ngày 12/10/2021).\n\nẢnh minh họa\n",
        "88/KH-UBND",
        "2021-10-12",
        "announcement",
    ),
    (
        "flattened-draft-header",
        "HUYỆN ỦY YÊN THÀNH\n*\nSố 17-KH/HU\tYên Thành, ngày 02 tháng 4 năm 2026\nKẾ HOẠCH\n"
        "tổ chức Đại hội chi bộ\nThực hiện Chỉ thị số 35-CT/TW, Ban Thường vụ Huyện ủy ban hành kế hoạch.\n",
        "17-KH/HU",
        "2026-04-02",
        "header",
    ),
    (
        "whole-header-on-one-line",
        "TỈNH ỦY HÀ TĨNH\tĐẢNG CỘNG SẢN VIỆT NAM\t*\tSố 77-KL/TƯ\tHà Tĩnh, ngày 5 tháng 9 năm 2022\nKẾT LUẬN\n"
        "của Ban Thường vụ Tỉnh ủy về chuyển đổi số\nI. ĐÁNH GIÁ\nNội dung.\n",
        "77-KL/TU",
        "2022-09-05",
        "header",
    ),
    (
        "provincial-tu",
        "TỈNH ỦY QUẢNG BÌNH\nĐẢNG CỘNG SẢN VIỆT NAM\n*\nSố 120-KL/TƯ\nQuảng Bình, ngày 10 tháng 6 năm 2022\n"
        "KẾT LUẬN\ncủa Ban Thường vụ Tỉnh ủy về phát triển du lịch\nI. ĐÁNH GIÁ\nNội dung.\n",
        "120-KL/TU",
        "2022-06-10",
        "header",
    ),
]


@pytest.mark.parametrize(("text", "number", "date", "source"), [c[1:] for c in IDENTITY], ids=[c[0] for c in IDENTITY])
def test_own_identity(text, number, date, source, vocab):
    me = extract_text(text, vocab).self
    assert (me.number, me.date, me.source) == (number, date, source)
    assert me.year == int(date[:4])


@pytest.mark.parametrize(
    ("case", "issuer"),
    [
        ("number-on-next-line", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"),
        ("crlf-number-on-next-line", "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH"),
    ],
)
def test_a_number_on_its_own_line_is_not_the_issuer(case, issuer, vocab):
    """ "Số:" / "214/QĐ-UBND": the code UBND in the number names no issuing body there;
    the committee's name is read with its unit's line ("ỦY BAN NHÂN DÂN" / "TỈNH HÀ TĨNH")."""
    text = IDENTITY[[c[0] for c in IDENTITY].index(case)][1]
    assert extract_text(text, vocab).self.issuer == issuer


@pytest.mark.parametrize(
    ("header", "issuer"),
    [
        ("HỘI ĐỒNG NHÂN DÂN\nHUYỆN ĐÔ LƯƠNG\n", "HỘI ĐỒNG NHÂN DÂN HUYỆN ĐÔ LƯƠNG"),
        ("UBND\nTHÀNH PHỐ VINH\n", "UBND THÀNH PHỐ VINH"),
        ("HUYỆN ỦY ĐÔ LƯƠNG\n*\n", "HUYỆN ỦY ĐÔ LƯƠNG"),
        ("ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN | Độc lập - Tự do - Hạnh phúc\n", "ỦY BAN NHÂN DÂN"),
    ],
    ids=["council-and-district", "abbreviated-and-city", "party-committee", "unit-line-with-another-cell"],
)
def test_a_peoples_body_is_read_with_its_unit(header, issuer, vocab):
    text = header + "Số: 15/KH-UBND\nĐô Lương, ngày 4 tháng 4 năm 2024\nKẾ HOẠCH\nvề chuyển đổi số\n"
    assert extract_text(text, vocab).self.issuer == issuer


def test_a_title_line_naming_the_body_then_the_subject_parts_them(vocab):
    """ "QUYẾT ĐỊNH" / "CỦA ỦY BAN NHÂN DÂN THÀNH PHỐ V/V PHÊ DUYỆT ĐỀ CƯƠNG QUY HOẠCH": the body
    is the issuer, and the title starts at "V/V"."""
    text = (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSố: 120/2003/QĐ-UB\nTP. Hồ Chí Minh, ngày 17 tháng 7 năm 2003\n"
        "QUYẾT ĐỊNH\nCỦA ỦY BAN NHÂN DÂN THÀNH PHỐ V/V PHÊ DUYỆT ĐỀ CƯƠNG QUY HOẠCH\nPHÁT TRIỂN NGÀNH CÔNG NGHIỆP\n"
        "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH\nCăn cứ Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân;\n"
    )
    me = extract_text(text, vocab).self
    assert me.issuer == "ỦY BAN NHÂN DÂN THÀNH PHỐ"
    assert me.title is not None and me.title.startswith("V/V PHÊ DUYỆT ĐỀ CƯƠNG QUY HOẠCH PHÁT TRIỂN NGÀNH")


def test_a_table_border_is_not_part_of_the_issuer(vocab):
    text = (
        "| Số hiệu | 186/KH-UBND |\n| Ngày ban hành | 29/12/2025 |\n|\nỦY BAN NHÂN DÂN |\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "TỈNH BẮC NINH | Độc lập - Tự do - Hạnh phúc |\nSố: 186/KH-UBND | Bắc Ninh, ngày 29 tháng 12 năm 2025 |\n"
        "KẾ HOẠCH\nPhát triển chính quyền số tỉnh Bắc Ninh giai đoạn 2026-2030\n"
    )
    me = extract_text(text, vocab).self
    assert (me.number, me.issuer) == ("186/KH-UBND", "ỦY BAN NHÂN DÂN")


def test_flattened_header_keeps_its_place(vocab):
    text = IDENTITY[[c[0] for c in IDENTITY].index("flattened-draft-header")][1]
    assert extract_text(text, vocab).self.place == "Yên Thành"


@pytest.mark.parametrize(
    ("case", "issuer"),
    [
        ("announcement", "Ban Thường vụ Huyện ủy Thanh Chương"),
        ("announcement-after-an-older-one", "Ban Thường vụ Huyện ủy Quỳ Hợp"),
    ],
)
def test_announcement_issuer_is_the_announcing_body(case, issuer, vocab):
    text = IDENTITY[[c[0] for c in IDENTITY].index(case)][1]
    x = extract_text(text, vocab)
    assert x.self.issuer == issuer
    assert [r.relation for r in x.references if r.number != x.self.number] == ["implements"]


def test_draft_placeholders(vocab):
    text = (
        "ỦY BAN NHÂN DÂN\nHUYỆN QUỲNH LƯU\n-------\nSố:    /QĐ-UBND\nQuỳnh Lưu, ngày    tháng    năm 2026\n"
        "DỰ THẢO\nQUYẾT ĐỊNH\nVề việc ban hành quy chế làm việc\n"
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành.\n"
    )
    x = extract_text(text, vocab)
    assert (x.self.number, x.self.number_placeholder, x.self.date, x.self.year) == (None, "/QĐ-UBND", None, 2026)
    assert "no-own-number" not in {p.code for p in x.problems}  # a placeholder is not a missing number


def test_a_body_citation_is_not_an_identity(vocab):
    text = "Căn cứ Kế hoạch số 12-KH/TU ngày 02/3/2020 của Tỉnh ủy, Ban Thường vụ Huyện ủy ban hành kế hoạch."
    x = extract_text(text, vocab)
    assert x.self.number is None and x.self.source is None


# ---- references: (id, text, {number: (relation, date)}, reported) ---------------------

HEADER = "HUYỆN ỦY ĐÔ LƯƠNG\n*\nSố 52-KH/HU\nĐô Lương, ngày 4 tháng 4 năm 2024\nKẾ HOẠCH\nvề công tác cán bộ\n"
STATE_HEADER = (
    "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 301/QĐ-UBND\nNghệ An, ngày 9 tháng 2 năm 2024\nQUYẾT ĐỊNH\nVề việc ban hành\n"
)

REFERENCES = [
    (
        "wrapped-date-after-number",
        STATE_HEADER + "Căn cứ Kế hoạch số 59/KH-UBND\nngày 25/4/2022 của UBND tỉnh về chuyển đổi số;\nQUYẾT ĐỊNH:\n",
        {"59/KH-UBND": ("based_on", "2022-04-25")},
        set(),
    ),
    (
        "hard-wrapped-basis",
        STATE_HEADER
        + "Căn cứ Quyết định số\n749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt Chương trình\n"
        "chuyển đổi số quốc gia đến năm 2025;\nCăn cứ Nghị định số 99/2021/NĐ-CP ngày 11 tháng\n11 năm 2021 của Chính phủ "
        "quy định về quản lý, thanh toán, quyết toán dự án;\n"
        "Theo đề nghị của Giám đốc Sở Tài chính tại Tờ trình số 160/TTr-STC ngày 30 tháng 12 năm 2023.\nQUYẾT ĐỊNH:\n",
        {
            "749/QĐ-TTg": ("based_on", "2020-06-03"),
            "99/2021/NĐ-CP": ("based_on", "2021-11-11"),
            "160/TTr-STC": ("cites", "2023-12-30"),
        },
        set(),
    ),
    (
        "long-title-in-capitals",
        "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\nSố: 12/2023/QĐ-UBND\nĐắk Lắk, ngày 3 tháng 3 năm 2023\nQUYẾT ĐỊNH\n"
        "BAN HÀNH QUY ĐỊNH QUẢN LÝ, THANH TOÁN, QUYẾT TOÁN\nVỐN ĐẦU TƯ NGUỒN NGÂN SÁCH NHÀ NƯỚC\nGIAO CHO CỘNG ĐỒNG\n"
        "TỰ THỰC HIỆN XÂY DỰNG CÔNG TRÌNH\nTHEO ĐỊNH MỨC HỖ TRỢ (BẰNG\nHIỆN VẬT HOẶC BẰNG TIỀN) THUỘC CÁC\n"
        "CHƯƠNG TRÌNH MỤC TIÊU QUỐC GIA\nỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK\nCăn cứ Nghị định số 27/2022/NĐ-CP ngày\n"
        "19 tháng 4 năm 2022 của Chính phủ;\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành.\n",
        {"27/2022/NĐ-CP": ("based_on", "2022-04-19")},
        set(),
    ),
    (
        "english-date",
        "The Politburo issued Resolution No. 57-NQ/TW dated December 22, 2024 on breakthroughs in science.",
        {"57-NQ/TW": ("cites", "2024-12-22")},
        set(),
    ),
    (
        "several-objects-of-one-clause",
        HEADER + "Thực hiện Chỉ thị số 45-CT/TW ngày 20/4/2015 của Bộ Chính trị về đại hội đảng bộ các cấp; "
        "Kế hoạch số 204-KH/TU ngày 10/6/2015 của Tỉnh ủy về đại hội và Hướng dẫn số 12-HD/BTCTW ngày 1/7/2015 "
        "của Ban Tổ chức Trung ương về nhân sự, Ban Thường vụ Huyện ủy ban hành kế hoạch như sau:\nI. MỤC ĐÍCH\n",
        {
            "45-CT/TW": ("implements", "2015-04-20"),
            "204-KH/TU": ("implements", "2015-06-10"),
            "12-HD/BTCTW": ("implements", "2015-07-01"),
        },
        set(),
    ),
    (
        "objects-on-wrapped-lines",
        HEADER + "Thực hiện Nghị quyết số 21-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương về củng cố tổ chức\n"
        "cơ sở đảng,\nKế hoạch số 150-KH/TU ngày 10/10/2022 của Tỉnh ủy về thực hiện Nghị quyết số 21-NQ/TW,\n"
        "Ban Thường vụ Huyện ủy ban hành kế hoạch.\nI. MỤC ĐÍCH\n",
        {"21-NQ/TW": ("implements", "2022-06-16"), "150-KH/TU": ("implements", "2022-10-10")},
        {("150-KH/TU", "implements", "21-NQ/TW")},
    ),
    (
        "opening-without-its-colon",
        HEADER + "Thực hiện Kế hoạch số 12-KH/TU ngày 5/1/2024 của Tỉnh ủy, Ban Thường vụ Huyện ủy triển khai như sau\n"
        "Tổ chức quán triệt Chỉ thị số 05-CT/TW đến toàn thể cán bộ, đảng viên.\nII. NHIỆM VỤ\n",
        {"12-KH/TU": ("implements", "2024-01-05"), "05-CT/TW": ("cites", None)},
        set(),
    ),
    (
        "thi-hanh",
        STATE_HEADER + "Thi hành Nghị định số 59/2023/NĐ-CP ngày 14 tháng 8 năm 2023 của Chính phủ quy định chi tiết;\n"
        "Theo đề nghị của Sở Nội vụ.\nQUYẾT ĐỊNH:\n",
        {"59/2023/NĐ-CP": ("implements", "2023-08-14")},
        set(),
    ),
    (
        "deployment-list",
        "Đảng ủy xã Diễn Lâm triển khai học tập chuyên đề năm 2024\n\nThời gian qua, Đảng ủy xã Diễn Lâm đã triển khai "
        "các văn bản: Chỉ thị 05-CT/TW của Bộ Chính trị; Kế hoạch 204-KH/TU của Tỉnh ủy; Kế hoạch 96-KH/HU của Huyện "
        "ủy. Theo đó, Ban Thường vụ Đảng ủy xã vừa ban hành Kế hoạch số 57-KH/ĐU ngày 3/5/2024 về học tập chuyên đề.\n",
        {
            "05-CT/TW": ("implements", None),
            "204-KH/TU": ("implements", None),
            "96-KH/HU": ("implements", None),
        },
        set(),
    ),
    (
        "page-title-implements",
        "Nhảy đến nội dung\nKế hoạch thực hiện Chỉ thị số 47-CT/TW ngày 25/6/2015 của Ban Bí thư\n\n"
        "Tỉnh ủy vừa ban hành kế hoạch thực hiện Chỉ thị số 47-CT/TW về phòng cháy, chữa cháy.\n",
        {"47-CT/TW": ("implements", "2015-06-25")},
        set(),
    ),
    (
        "type-word-is-not-the-cue",
        HEADER + "Thực hiện Hướng dẫn số 12-HD/BTCTW ngày 1/7/2015 của Ban Tổ chức Trung ương, Ban Thường vụ Huyện ủy "
        "ban hành kế hoạch.\nI. MỤC ĐÍCH\n",
        {"12-HD/BTCTW": ("implements", "2015-07-01")},
        set(),
    ),
    (
        "basis-section",
        HEADER
        + "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH\n- Nghị quyết số 21-NQ/TW ngày 16/6/2022 của Hội nghị Trung ương 5 khóa XIII "
        "về tổ chức cơ sở đảng;\n- Kế hoạch số 150-KH/TU ngày 10/10/2022 của Tỉnh ủy về thực hiện Nghị quyết số "
        "21-NQ/TW;\nII. MỤC ĐÍCH, YÊU CẦU\n1. Nâng cao chất lượng theo Quyết định số 99-QĐ/TW.\n",
        {
            "21-NQ/TW": ("based_on", "2022-06-16"),
            "150-KH/TU": ("based_on", "2022-10-10"),
            "99-QĐ/TW": ("cites", None),
        },
        {("150-KH/TU", "implements", "21-NQ/TW")},
    ),
    (
        "basis-colon-list",
        STATE_HEADER + "Căn cứ:\n1. Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;\n"
        "2. Thông tư số 01/2011/TT-BNV ngày 19/01/2011 của Bộ Nội vụ;\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành.\n",
        {"30/2020/NĐ-CP": ("based_on", "2020-03-05"), "01/2011/TT-BNV": ("based_on", "2011-01-19")},
        set(),
    ),
    (
        "nested-implements-in-basis",
        STATE_HEADER + "Căn cứ Kế hoạch số 12-KH/UBND ngày 20/01/2023 của UBND tỉnh về thực hiện Nghị quyết "
        "35/NQ-CP;\nCăn cứ Nghị quyết số 71/NQ-CP ngày 01/4/2025 của Chính phủ ban hành Chương trình hành động "
        "thực hiện Nghị quyết số 57-NQ/TW;\nQUYẾT ĐỊNH:\n",
        {
            "12-KH/UBND": ("based_on", "2023-01-20"),
            "35/NQ-CP": ("cites", None),
            "71/NQ-CP": ("based_on", "2025-04-01"),
            "57-NQ/TW": ("cites", None),
        },
        {("12-KH/UBND", "implements", "35/NQ-CP"), ("71/NQ-CP", "implements", "57-NQ/TW")},
    ),
    (
        "basis-numbered-heading",
        HEADER + "1. Căn cứ pháp lý\n- Chỉ thị số 24-CT/TW ngày 5/6/2023 của Ban Bí thư;\n"
        "- Kế hoạch số 180-KH/TU ngày 2/8/2023 của Tỉnh ủy;\nII. NỘI DUNG\n1. Tổ chức học tập.\n",
        {"24-CT/TW": ("based_on", "2023-06-05"), "180-KH/TU": ("based_on", "2023-08-02")},
        set(),
    ),
    (
        "lost-space-after-so",
        STATE_HEADER + "Căn cứ Quyết định số1234/QĐ-UBND ngày 15/6/2022 của UBND tỉnh;\nQUYẾT ĐỊNH:\n",
        {"1234/QĐ-UBND": ("based_on", "2022-06-15")},
        set(),
    ),
    (
        "slash-for-hyphen",
        STATE_HEADER
        + "Căn cứ Chỉ thị số 19/2001/CT/UB ngày 01 tháng 7 năm 2001 của Ủy ban nhân dân thành phố;\nQUYẾT ĐỊNH:\n",
        {"19/2001/CT-UB": ("based_on", "2001-07-01")},
        set(),
    ),
    (
        "code-glued-to-next-word",
        STATE_HEADER + "Căn cứ Thông báo số 70-TB/TWngày 06 tháng 01 năm 2012 của Ban Bí thư;\nQUYẾT ĐỊNH:\n",
        {"70-TB/TW": ("based_on", "2012-01-06")},
        set(),
    ),
    (
        "tu-of-a-provincial-committee",
        "Sau 10 năm thực hiện Nghị quyết 13-NQ/TƯ của Tỉnh ủy (khóa XIV), hạ tầng phát triển nhanh; "
        "Nghị quyết số 18-NQ/TƯ của Ban Chấp hành Trung ương được quán triệt; Nghị quyết số 05-NQ/TƯ của "
        "Ban Chấp hành Đảng bộ tỉnh được sơ kết.",
        {"13-NQ/TU": ("cites", None), "18-NQ/TW": ("cites", None), "05-NQ/TU": ("cites", None)},
        set(),
    ),
]


@pytest.mark.parametrize(("text", "expected", "reported"), [c[1:] for c in REFERENCES], ids=[c[0] for c in REFERENCES])
def test_references(text, expected, reported, vocab):
    x = extract_text(text, vocab)
    found = {r.number: (r.relation, r.date) for r in x.references}
    assert found == expected
    assert {(r.source, r.relation, r.target) for r in x.reported_relations} == reported


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Căn cứ Quy định số 646/QĐ/QUTW của Thường vụ Quân ủy Trung ương.", "646-QĐ/QUTW"),
        ("Kế hoạch thực hiện Quyết định số 1492/QĐTTg ngày 10/9/2021 của Thủ tướng Chính phủ", "1492/QĐ-TTg"),
        ("Căn cứ Nghị định số 30/2020/NĐCP ngày 05/3/2020 của Chính phủ;", "30/2020/NĐ-CP"),
    ],
    ids=["slash-for-hyphen", "type-and-issuer-run-together", "normative-type-and-issuer-run-together"],
)
def test_typo_is_flagged_with_its_repair(text, number, vocab):
    (ref,) = extract_text(text, vocab).references
    assert (ref.number, ref.malformed, ref.suggestion) == (number, True, number)


# ---- named documents: (id, text, [(name, year, relation, number)]) ---------------------

NAMED = [
    (
        "known-to-the-registry",
        STATE_HEADER + "Căn cứ Luật Thực hiện dân chủ ở cơ sở năm 2022;\nQUYẾT ĐỊNH:\n",
        [("Luật Thực hiện dân chủ ở cơ sở", 2022, "based_on", "10/2022/QH15")],
    ),
    (
        "unknown-with-its-date",
        STATE_HEADER + "Căn cứ Luật Tổ chức chính quyền địa phương ngày\n19 tháng 6 năm 2015;\n"
        "Căn cứ Bộ luật Lao động năm 2019;\nQUYẾT ĐỊNH:\n",
        [
            ("Luật Tổ chức chính quyền địa phương", 2015, "based_on", None),
            ("Bộ luật Lao động", 2019, "based_on", None),
        ],
    ),
    (
        "several-in-one-clause",
        STATE_HEADER + "Căn cứ Hiến pháp năm 2013; Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;\nQUYẾT ĐỊNH:\n",
        [("Hiến pháp", 2013, "based_on", None), ("Luật Ngân sách nhà nước", 2015, "based_on", None)],
    ),
    (
        "cited-in-the-body",
        "Các xã tổ chức tuyên truyền Luật Thực hiện dân chủ ở cơ sở đến nhân dân.",
        [("Luật Thực hiện dân chủ ở cơ sở", None, "cites", "10/2022/QH15")],
    ),
    (
        "named-with-its-number",
        "Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10/11/2022;",
        [],
    ),
    ("lower-case-is-not-a-name", "Căn cứ luật hiện hành và Luật sửa đổi, bổ sung một số điều.", []),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in NAMED], ids=[c[0] for c in NAMED])
def test_named_documents(text, expected, vocab):
    named = extract_text(text, vocab).named_references
    assert [(n.name, n.year, n.relation, n.number) for n in named] == expected


def test_named_with_its_number_is_the_number(vocab):
    x = extract_text("Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10/11/2022;", vocab)
    assert [(r.number, r.relation) for r in x.references] == [("10/2022/QH15", "based_on")]


# ---- drafts, as `qcdc check` reads them ------------------------------------------------

UNSIGNED_DRAFT = (
    "ỦY BAN NHÂN DÂN\nHUYỆN QUỲNH LƯU\n-------\nSố:    /QĐ-UBND\nQuỳnh Lưu, ngày    tháng    năm 2026\n"
    "DỰ THẢO\nQUYẾT ĐỊNH\nVề việc ban hành quy chế làm việc\n"
    "Căn cứ Quyết định số 15/QĐ-UBND ngày 10/3/2027 của Ủy ban nhân dân tỉnh;\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành.\n"
)
FLAT_DRAFT = (
    "HUYỆN ỦY YÊN THÀNH\n*\nSố 17-KH/HU    Yên Thành, ngày 02 tháng 4 năm 2026\nKẾ HOẠCH\n"
    "tổ chức Đại hội chi bộ\nThực hiện Kế hoạch số 40-KH/TU ngày 05/5/2026 của Tỉnh ủy, Ban Thường vụ ban hành.\n"
)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        (UNSIGNED_DRAFT, {"QC008"}, {"QC010", "QC011", "QC012"}),
        (FLAT_DRAFT, {"QC008"}, {"QC010", "QC011", "QC012"}),
        (UNSIGNED_DRAFT.replace("ngày    tháng    năm", "ngày     tháng 5 năm"), {"QC008"}, {"QC011", "QC012"}),
        (UNSIGNED_DRAFT.replace("ngày    tháng    năm", "ngày ... tháng 05 năm"), {"QC008"}, {"QC011", "QC012"}),
    ],
    ids=["placeholders", "flattened-header", "blank-day-month-written", "dotted-day-month-written"],
)
def test_draft_header_findings(text, present, absent, vocab):
    """A placeholder is not a missing number, a blank day and month still give the year, and
    a flattened header keeps its date: no false QC010/QC011, and QC008 still sees the date."""
    from qcdc_cli.lint.lint import lint

    codes = {g.code for g in lint(text, extract_text(text, vocab), vocab)}
    assert present <= codes
    assert not absent & codes


def test_an_announcement_that_says_theo_doi_is_not_navigation(vocab) -> None:
    """Navigation words ("theo dõi", "đăng ký") are plan prose too: a line that writes a
    number is the text, not the page's menu."""
    text = (
        "Ban Thường vụ Huyện ủy Tam Đường vừa ban hành Kế hoạch số 45-KH/HU ngày 12/3/2024 về theo dõi, "
        "đôn đốc việc thực hiện Kế hoạch số 12-KH/TU của Tỉnh ủy Lai Châu.\n"
        "Theo đó, các chi bộ, đảng bộ cơ sở quán triệt, triển khai kế hoạch đến cán bộ, đảng viên.\n"
    )
    me = extract_text(text, vocab).self
    assert (me.number, me.source) == ("45-KH/HU", "announcement")
