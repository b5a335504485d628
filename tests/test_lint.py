"""The check rules, each on a realistic draft that triggers it and one that does not.

Extractions are built by hand (tests/lint_helpers.py) from the draft text, so these
tests pin the rules, not the extractor; tests/test_check_cli.py runs the real pipeline.
"""

from __future__ import annotations

import pytest
from graph_factories import doc, extraction, registry
from hypothesis import given, settings
from hypothesis import strategies as st
from lint_helpers import Cite, make

from qcdc_cli.errors import ConfigError
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.lint.lint import (
    RULES,
    RULES_BY_CODE,
    Knowledge,
    enabled_rules,
    lint,
    resolve_codes,
    vn_date,
    worst,
)
from qcdc_cli.models import SelfInfo
from qcdc_cli.resolve.resolve import Catalog

VOCAB = load_vocabulary()

HUE_HEADER = """TỈNH ỦY THỪA THIÊN HUẾ
*
Số 62-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Thành phố Huế, ngày 30 tháng 7 năm 2010

KẾ HOẠCH
về tiếp tục thực hiện Chỉ thị 30-CT/TW của Bộ Chính trị (khóa VIII)

"""
HUE_SELF = {"number": "62-KH/TU", "type": "KH", "issuer_code": "TU", "date": "2010-07-30"}


def hue_self(**changes) -> SelfInfo:
    values = {**HUE_SELF, "place": "Thành phố Huế", **changes}
    return SelfInfo(**values)


def codes(found) -> list[str]:
    return [g.code for g in found]


def run(text, cites, own=None, **kwargs):
    return lint(text, make(text, cites, own), VOCAB, **kwargs)


# ---- the rule table ---------------------------------------------------------------------


def test_rule_table_is_complete_and_stable():
    assert [r.code for r in RULES] == [f"QC{i:03d}" for i in range(1, len(RULES) + 1)]
    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.severity in ("error", "warning", "info")
        assert set(rule.message) == {"en", "vi"} and set(rule.summary) == {"en", "vi"}
        assert rule.fix is None or set(rule.fix) == {"en", "vi"}
        assert rule.message["en"] != rule.message["vi"]


# ---- QC001 malformed number ---------------------------------------------------------------

MALFORMED = [
    (
        "Nghị định số 157-NĐ/2007/NĐ-CP của Chính phủ “Quy định chế độ trách nhiệm đối với "
        "người đứng đầu cơ quan, tổ chức, đơn vị của nhà nước”",
        "157-NĐ/2007/NĐ-CP",
        "157/2007/NĐ-CP",
    ),
    (
        "tuyên truyền, phổ biến sâu rộng Kết luận 120-KL/TW, Pháp lệnh "
        "34-PL/TW34/2007PL-UBTVQH11 của Ủy Ban Thường vụ Quốc hội",
        "34-PL/TW34/2007PL-UBTVQH11",
        "34/2007/PL-UBTVQH11",
    ),
    (
        "Thực hiện Chỉ thị số 22/CT-TW ngày 27/7/2018 của Ban Bí thư về tăng cường công tác hòa giải ở cơ sở",
        "22/CT-TW",
        "22-CT/TW",
    ),
]


@pytest.mark.parametrize(("sentence", "written", "canonical"), MALFORMED)
def test_malformed_number_names_the_canonical_form(sentence, written, canonical):
    text = HUE_HEADER + sentence + "\n"
    found = run(
        text,
        [Cite(written, canonical, malformed=True, suggestion=canonical)],
        hue_self(),
        rules={"QC001"},
    )
    assert codes(found) == ["QC001"]
    g = found[0]
    assert g.text == written
    assert text.splitlines()[g.line - 1][g.column - 1 : g.end_column - 1] == written
    assert canonical in g.fix("en") and canonical in g.fix("vi")
    assert written in g.message("vi")


def test_malformed_falls_back_to_the_reference_number_for_the_fix():
    text = HUE_HEADER + "theo Pháp lệnh số 34-PL/UBTVQH11 về thực hiện dân chủ ở xã\n"
    found = run(
        text,
        [Cite("34-PL/UBTVQH11", "34/2007/PL-UBTVQH11", malformed=True)],
        hue_self(),
        rules={"QC001"},
    )
    assert found[0].fix("en") == "write it as 34/2007/PL-UBTVQH11"


def test_well_formed_numbers_are_not_malformed():
    text = HUE_HEADER + (
        "đúng quy định của Pháp lệnh 34/2007/PL-UBTVQH11 của Ủy ban Thường vụ Quốc hội, "
        "Nghị định số 04/2015/NĐ-CP, Nghị định số 60/2013/NĐ-CP của Chính phủ\n"
    )
    cites = [Cite("34/2007/PL-UBTVQH11"), Cite("04/2015/NĐ-CP"), Cite("60/2013/NĐ-CP")]
    assert run(text, cites, hue_self(), rules={"QC001"}) == []


# ---- QC002 / QC003 unknown codes ----------------------------------------------------------------


def test_unknown_type_code():
    text = HUE_HEADER + "Thực hiện Kế hoạch số 97-KHO/ĐUK ngày 02/3/2010 của Đảng ủy Khối\n"
    found = run(text, [Cite("97-KHO/ĐUK", date="2010-03-02")], hue_self(), rules={"QC002"})
    assert codes(found) == ["QC002"]
    assert "“KHO”" in found[0].message("en")


def test_unknown_issuer_code():
    text = HUE_HEADER + "theo Công văn số 134-CV/UBKTT ngày 05/5/2010 của Ủy ban Kiểm tra Tỉnh ủy\n"
    found = run(text, [Cite("134-CV/UBKTT", date="2010-05-05")], hue_self(), rules={"QC003"})
    assert codes(found) == ["QC003"]
    assert "UBKTT" in found[0].message("vi")


def test_known_codes_including_term_and_unit_suffixes():
    text = HUE_HEADER + (
        "Công văn số 134-CV/UBKTTU, Luật số 10/2022/QH15, Công văn số 45/UBND-VP, "
        "Quy định số 11-QĐi/TW, Chương trình số 1347-CTr/TU và 03-HD/BDVTU\n"
    )
    cites = [
        Cite("134-CV/UBKTTU"),
        Cite("10/2022/QH15"),
        Cite("45/UBND-VP"),
        Cite("11-QĐi/TW"),
        Cite("1347-CTr/TU"),
        Cite("03-HD/BDVTU"),
    ]
    assert run(text, cites, hue_self(), rules={"QC002", "QC003"}) == []


# ---- QC004 type word ----------------------------------------------------------------------


def test_type_word_contradicts_type_code():
    text = HUE_HEADER + "Triển khai Chỉ thị 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị\n"
    cite = Cite("120-KL/TW", date="2016-01-07", issuer="Bộ Chính trị", type_word="Chỉ thị")
    found = run(text, [cite], hue_self(date="2016-04-11"), rules={"QC004"})
    assert codes(found) == ["QC004"]
    assert found[0].message("en") == "“Chỉ thị 120-KL/TW”: the code KL in the number means Kết luận, not Chỉ thị"
    assert found[0].fix("vi") == "viết “Kết luận 120-KL/TW”, hoặc sửa lại số hiệu"


@pytest.mark.parametrize(
    ("word", "written"),
    [
        ("Kết luận", "120-KL/TW"),
        ("Quy định", "11-QĐi/TW"),  # QĐi is the 2018-2019 spelling of Quy định
        ("Quy định", "55-QĐ/TW"),  # QĐ covers Quy định and Quyết định at the centre
        ("Quyết định", "290-QĐ/TW"),
        ("Chương trình hành động", "30-CTr/TU"),
        ("Chỉ thị", "18/2000/CT-TTg"),
        ("Nghị quyết", "30c/NQ-CP"),
        ("Pháp lệnh", "34/2007/PL-UBTVQH11"),
    ],
)
def test_matching_type_words(word, written):
    text = HUE_HEADER + f"tiếp tục quán triệt {word} số {written} trong toàn Đảng bộ\n"
    found = run(text, [Cite(written, type_word=word)], hue_self(), rules={"QC004"})
    assert found == []


# ---- QC006 issuing body ----------------------------------------------------------------------

TUYEN_QUANG = (
    "Thực hiện Chương trình hành động số 30-CTr/TU ngày 10/9/2013 của Ban Chấp hành Đảng bộ "
    "tỉnh (khóa XV) thực hiện Nghị quyết số 25-NQ/TU ngày 03/6/2013 Hội nghị lần thứ bảy Ban "
    "Chấp hành Trung ương Đảng (khóa XI) về tăng cường và đổi mới sự lãnh đạo của Đảng đối "
    "với công tác dân vận trong tình hình mới, Ủy ban nhân dân tỉnh ban hành Kế hoạch triển "
    "khai thực hiện trên địa bàn tỉnh Tuyên Quang, cụ thể như sau:\n"
)


def test_issuer_body_contradicts_the_code_25_nq_tu():
    cites = [
        Cite(
            "30-CTr/TU",
            date="2013-09-10",
            issuer="Ban Chấp hành Đảng bộ tỉnh (khóa XV)",
            type_word="Chương trình hành động",
            relation="implements",
        ),
        Cite(
            "25-NQ/TU",
            date="2013-06-03",
            issuer="Hội nghị lần thứ bảy Ban Chấp hành Trung ương Đảng (khóa XI)",
            type_word="Nghị quyết",
        ),
    ]
    found = run(TUYEN_QUANG, cites, SelfInfo(issuer_code="UBND"), rules={"QC006"})
    assert codes(found) == ["QC006"]
    assert found[0].text == "25-NQ/TU"
    assert found[0].args["suggestion"] == "25-NQ/TW"
    assert "25-NQ/TW" in found[0].fix("en")


@pytest.mark.parametrize(
    ("written", "body"),
    [
        ("30-CTr/TU", "Ban Chấp hành Đảng bộ tỉnh (khóa XV)"),
        ("21-KH/VPTU", "Văn phòng Tỉnh ủy"),  # "Tỉnh ủy" inside another body's name
        ("30-CT/TW", "Bộ Chính trị (khóa VIII)"),
        ("65-KL/TW", "Ban Bí thư Trung ương Đảng"),
        ("18/2000/CT-TTg", "Thủ tướng Chính phủ"),
        ("34/2007/PL-UBTVQH11", "Ủy Ban Thường vụ Quốc hội"),
        ("13-BC/BCĐ", "Ban Chỉ đạo thực hiện QCDC ở cơ sở của tỉnh"),
    ],
)
def test_issuer_body_agrees(written, body):
    text = HUE_HEADER + f"theo văn bản số {written} của {body} về dân chủ ở cơ sở\n"
    assert run(text, [Cite(written, issuer=body)], hue_self(), rules={"QC006"}) == []


# ---- QC008 reference dated after the draft -----------------------------------------------

LAI_CHAU = """ĐẢNG BỘ TỈNH LAI CHÂU
ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH
Lai Châu, ngày 11 tháng 4 năm 2016
Số 13-KH/ĐUK

KẾ HOẠCH
Triển khai thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị

Thực hiện Kế hoạch số 26-KH/TU, ngày {date} của Tỉnh ủy Lai Châu về triển khai thực hiện \
Kết luận số 120-KL/TW, Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh xây dựng kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
"""
LAI_CHAU_SELF = {
    "number": "13-KH/ĐUK",
    "type": "KH",
    "issuer_code": "ĐUK",
    "date": "2016-04-11",
    "place": "Lai Châu",
}


def lai_chau(date_written: str, iso: str):
    text = LAI_CHAU.format(date=date_written)
    cites = [
        Cite("120-KL/TW", date="2016-01-07", issuer="Bộ Chính trị", type_word="Kết luận"),
        Cite(
            "26-KH/TU",
            date=iso,
            issuer="Tỉnh ủy Lai Châu",
            type_word="Kế hoạch",
            relation="implements",
        ),
        Cite("120-KL/TW", occurrence=2, type_word="Kết luận"),
    ]
    return text, cites


def test_reference_dated_after_the_draft():
    text, cites = lai_chau("01/3/2017", "2017-03-01")
    found = run(text, cites, SelfInfo(**LAI_CHAU_SELF), rules={"QC008"})
    assert codes(found) == ["QC008"]
    assert found[0].message("en") == ("26-KH/TU is dated 01/03/2017 (as written), after this draft (11/04/2016)")


def test_reference_dated_before_the_draft():
    text, cites = lai_chau("01/3/2016", "2016-03-01")
    assert run(text, cites, SelfInfo(**LAI_CHAU_SELF), rules={"QC008"}) == []


def test_no_draft_date_no_verdict():
    text, cites = lai_chau("01/3/2017", "2017-03-01")
    own = SelfInfo(**{**LAI_CHAU_SELF, "date": None})
    assert run(text, cites, own, rules={"QC008"}) == []


# ---- QC009 self-citation --------------------------------------------------------------------


def test_document_cites_its_own_number():
    text = LAI_CHAU.format(date="01/3/2016") + (
        "Các chi, đảng bộ cơ sở báo cáo kết quả thực hiện Kế hoạch số 13-KH/ĐUK về Ban "
        "Thường vụ Đảng ủy Khối trước ngày 15/12/2016.\n"
    )
    cites = [Cite("13-KH/ĐUK"), Cite("13-KH/ĐUK", occurrence=2, type_word="Kế hoạch")]
    found = run(text, cites, SelfInfo(**LAI_CHAU_SELF), rules={"QC009"})
    assert codes(found) == ["QC009"]
    assert found[0].line == text.count("\n") and found[0].text == "13-KH/ĐUK"


def test_same_number_of_an_earlier_term_is_not_self_citation():
    text = """TỈNH ỦY HÀ TĨNH
Số 02-NQ/TU
Hà Tĩnh, ngày 12 tháng 5 năm 2017

NGHỊ QUYẾT
Tiếp tục nâng cao chất lượng, hiệu quả việc xây dựng và thực hiện quy chế dân chủ cơ sở

Sau 5 năm thực hiện Nghị quyết số 02-NQ/TU ngày 20/10/2011 của Ban Chấp hành Đảng bộ \
tỉnh (khóa XVII), nhận thức về dân chủ được nâng lên.
"""
    cites = [
        Cite("02-NQ/TU"),
        Cite("02-NQ/TU", occurrence=2, date="2011-10-20", type_word="Nghị quyết"),
    ]
    own = SelfInfo(number="02-NQ/TU", type="NQ", issuer_code="TU", date="2017-05-12", place="Hà Tĩnh")
    assert run(text, cites, own, rules={"QC009"}) == []


# ---- QC010 / QC011 / QC012 the draft's own header --------------------------------------------


def test_draft_without_number_or_date_line():
    text = " KẾ HOẠCH\nTRIỂN KHAI THỰC HIỆN CHƯƠNG TRÌNH HÀNH ĐỘNG SỐ 30-CTR/TU\n\n" + TUYEN_QUANG
    cites = [Cite("30-CTR/TU", "30-CTr/TU"), Cite("30-CTr/TU", relation="implements")]
    found = run(text, cites, SelfInfo(type="KH"), rules={"QC010", "QC011", "QC012"})
    assert codes(found) == ["QC010", "QC011"]
    assert found[0].line == 1


def test_date_line_without_place():
    text = HUE_HEADER.replace("Thành phố Huế, ngày", "ngày")
    found = run(text, [], hue_self(place=None), rules={"QC010", "QC011", "QC012"})
    assert codes(found) == ["QC012"]


def test_complete_header():
    assert run(HUE_HEADER, [], hue_self(), rules={"QC010", "QC011", "QC012"}) == []


# ---- QC014 "Thực hiện ..." with no number ------------------------------------------------------

TAY_NINH = """
*
Số 19-KH/BCĐ

KẾ HOẠCH
xây dựng và thực hiện Quy chế dân chủ ở cơ sở năm 2023

Thực hiện Kế hoạch công tác năm 2023 của Ban Dân vận Trung ương, Ban Chỉ đạo thực hiện \
Quy chế dân chủ ở cơ sở và công tác vận động quần chúng tỉnh ban hành Kế hoạch xây dựng và \
thực hiện QCDC ở cơ sở năm 2023 như sau:

1. Mục đích, yêu cầu

Thực hiện tốt cơ chế “Đảng lãnh đạo, nhà nước quản lý, nhân dân làm chủ”.
"""


def test_opening_implements_without_a_number():
    own = SelfInfo(number="19-KH/BCĐ", type="KH", issuer_code="BCĐ")
    found = run(TAY_NINH, [Cite("19-KH/BCĐ")], own, rules={"QC014"})
    assert codes(found) == ["QC014"]
    g = found[0]
    assert (g.line, g.column) == (8, 1) and g.text == "Thực hiện"
    assert g.message("en").startswith("“Thực hiện Kế hoạch công tác năm")


def test_opening_implements_with_a_number():
    text = HUE_HEADER + (
        "Thực hiện Kết luận 65-KL/TW, ngày 04/3/2010 của Ban Bí thư Trung ương Đảng về tiếp "
        "tục thực hiện Chỉ thị 30-CT/TW của Bộ Chính trị (khóa VIII), Ban Thường vụ Tỉnh ủy "
        "xây dựng Kế hoạch triển khai thực hiện trên địa bàn như sau:\n\nI. Mục đích, yêu cầu\n\n"
        "Thực hiện tốt chế độ công khai dân chủ.\n"
    )
    cites = [
        Cite("30-CT/TW", relation="implements", type_word="Chỉ thị"),
        Cite("65-KL/TW", date="2010-03-04", relation="implements", type_word="Kết luận"),
        Cite("30-CT/TW", occurrence=2, type_word="Chỉ thị"),
    ]
    assert run(text, cites, hue_self(), rules={"QC014"}) == []


# ---- QC016 citation convention (info) ----------------------------------------------------------

HA_TINH = """TỈNH ỦY HÀ TĨNH
Số 02-NQ/TU
Hà Tĩnh, ngày 12 tháng 5 năm 2017

giải pháp theo tinh thần Chỉ thị 30-CT/TW, Kết luận 120-KL/TW, ngày 07/01/2016 của Bộ \
Chính trị; Chỉ thị số 30-CT/TW, ngày 18/02/1998 của Bộ Chính trị.
"""


def test_first_mention_without_date_and_body():
    text = HA_TINH.replace("Chỉ thị 30-CT/TW, Kết luận", "Chỉ thị 30-CT/TW. Kết luận")
    cites = [
        Cite("30-CT/TW", type_word="Chỉ thị"),
        Cite("120-KL/TW", date="2016-01-07", issuer="Bộ Chính trị", type_word="Kết luận"),
        Cite("30-CT/TW", occurrence=2, date="1998-02-18", issuer="Bộ Chính trị", type_word="Chỉ thị"),
    ]
    own = SelfInfo(number="02-NQ/TU", issuer_code="TU", date="2017-05-12", place="Hà Tĩnh")
    found = run(text, cites, own, rules={"QC016"})
    assert codes(found) == ["QC016"]
    assert found[0].severity == "info"
    assert found[0].message("en") == "first mention of 30-CT/TW lacks its date, issuing body"
    assert found[0].message("vi") == ("lần dẫn chiếu đầu tiên của 30-CT/TW thiếu ngày ban hành, cơ quan ban hành")


def test_a_list_shares_its_issuer_but_not_its_date():
    cites = [
        Cite("30-CT/TW", type_word="Chỉ thị"),
        Cite("120-KL/TW", date="2016-01-07", issuer="Bộ Chính trị", type_word="Kết luận"),
        Cite("30-CT/TW", occurrence=2, date="1998-02-18", issuer="Bộ Chính trị", type_word="Chỉ thị"),
    ]
    own = SelfInfo(number="02-NQ/TU", issuer_code="TU", date="2017-05-12", place="Hà Tĩnh")
    found = run(HA_TINH, cites, own, rules={"QC016"})
    assert [g.message("en") for g in found] == ["first mention of 30-CT/TW lacks its date"]


TAY_NINH_LIST = """BAN CHỈ ĐẠO
Số 19-KH/BCĐ

thực hiện chương trình giám sát theo quyết định 217-QĐ/TW và quyết định 218-QĐ/TW, ngày 12/12/2013 \
của Bộ Chính trị; quy định 124-QĐ/TW, ngày 02/02/2018 của Ban Bí thư.
"""


def test_a_list_shares_its_date_when_the_registry_agrees():
    cites = [
        Cite("19-KH/BCĐ"),
        Cite("217-QĐ/TW", type_word="quyết định"),
        Cite("218-QĐ/TW", date="2013-12-12", issuer="Bộ Chính trị", type_word="quyết định"),
        Cite("124-QĐ/TW", date="2018-02-02", issuer="Ban Bí thư", type_word="quy định"),
    ]
    own = SelfInfo(number="19-KH/BCĐ", issuer_code="BCĐ", province="Tây Ninh")
    qd217 = doc("217-QĐ/TW", term="XI", date="2013-12-12", type="QĐ", confidence="confirmed")
    assert run(TAY_NINH_LIST, cites, own, knowledge=knowledge([qd217]), rules={"QC016"}) == []
    found = run(TAY_NINH_LIST, cites, own, rules={"QC016"})
    assert [g.message("en") for g in found] == ["first mention of 217-QĐ/TW lacks its date"]


def test_complete_first_mention():
    text = HA_TINH.replace("Chỉ thị 30-CT/TW, Kết", "Kết")
    cites = [
        Cite("120-KL/TW", date="2016-01-07", issuer="Bộ Chính trị", type_word="Kết luận"),
        Cite("30-CT/TW", date="1998-02-18", issuer="Bộ Chính trị", type_word="Chỉ thị"),
    ]
    own = SelfInfo(number="02-NQ/TU", issuer_code="TU", date="2017-05-12", place="Hà Tĩnh")
    assert run(text, cites, own, rules={"QC016"}) == []


# ---- QC017 issuer code used after its body ended ---------------------------------------------


def test_district_code_after_july_2025():
    text = (
        "ĐẢNG ỦY XÃ CÔ TÔ\nSố 05-KH/ĐU\nCô Tô, ngày 02 tháng 3 năm 2026\n\n"
        "Thực hiện Kế hoạch số 128-KH/HU ngày 16/02/2026 của Huyện ủy Cô Tô về dân chủ.\n"
    )
    own = SelfInfo(number="05-KH/ĐU", issuer_code="ĐU", date="2026-03-02", place="Cô Tô")
    cite = Cite("128-KH/HU", date="2026-02-16", issuer="Huyện ủy Cô Tô", relation="implements")
    found = run(text, [Cite("05-KH/ĐU"), cite], own, rules={"QC017"})
    assert codes(found) == ["QC017"]
    assert "30/06/2025" in found[0].message("en")


def test_district_code_before_july_2025():
    text = (
        "ĐẢNG ỦY XÃ ĐỒNG TIẾN\nSố 05-KH/ĐU\nCô Tô, ngày 02 tháng 4 năm 2020\n\n"
        "Thực hiện Kế hoạch số 128-KH/HU ngày 16/3/2020 của Huyện ủy Cô Tô về dân chủ.\n"
    )
    own = SelfInfo(number="05-KH/ĐU", issuer_code="ĐU", date="2020-04-02", place="Cô Tô")
    cite = Cite("128-KH/HU", date="2020-03-16", issuer="Huyện ủy Cô Tô", relation="implements")
    assert run(text, [Cite("05-KH/ĐU"), cite], own, rules={"QC017"}) == []


# ---- rules that need a catalog (registry or index) ----------------------------------------


def knowledge(docs=(), corpus=(), has_index=False) -> Knowledge:
    """The bundled code tables with these registry documents (and index documents)."""
    reg = registry(docs)
    return Knowledge.build(reg, Catalog.build(reg, VOCAB, corpus), has_index=has_index)


KL120 = doc(
    "120-KL/TW", term="XI", date="2016-01-07", type="KL", issuer="Bộ Chính trị (khóa XI)", confidence="confirmed"
)
KL65 = doc("65-KL/TW", term="X", date="2010-03-04", type="KL", issuer="Ban Bí thư (khóa X)", confidence="partial")
PL34 = doc(
    "34/2007/PL-UBTVQH11",
    type="PL",
    issuer_code="UBTVQH11",
    issuer="Ủy ban Thường vụ Quốc hội",
    date="2007-04-20",
    status="replaced",
    valid_until="2023-06-30",
    aliases=["34-PL/UBTVQH11"],
    confidence="confirmed",
)
LAW10 = doc(
    "10/2022/QH15",
    type="L",
    issuer_code="QH15",
    issuer="Quốc hội",
    date="2022-11-10",
    status="in_force",
    valid_from="2023-07-01",
    relations=[{"type": "replaces", "target": "34/2007/PL-UBTVQH11", "date": "2023-07-01"}],
)
NQ25 = doc(
    "25-NQ/TW",
    term="XI",
    date="2013-06-03",
    type="NQ",
    issuer="Ban Chấp hành Trung ương (khóa XI)",
    confidence="confirmed",
)


def test_written_date_contradicts_the_registry():
    text = HUE_HEADER + "Thực hiện Kết luận 120-KL/TW ngày 07/01/2015 của Bộ Chính trị.\n"
    cite = Cite("120-KL/TW", date="2015-01-07", issuer="Bộ Chính trị", type_word="Kết luận")
    found = run(text, [cite], hue_self(date="2016-04-11"), knowledge=knowledge([KL120]))
    assert "QC005" in codes(found)
    g = next(g for g in found if g.code == "QC005")
    assert g.message("en") == "120-KL/TW is dated 07/01/2015 here, but 07/01/2016 in the registry"
    assert g.fix("vi") == "sửa thành “ngày 07/01/2016”"


def test_written_date_agrees_with_the_registry():
    text = HUE_HEADER + "Thực hiện Kết luận 120-KL/TW ngày 07/01/2016 của Bộ Chính trị.\n"
    cite = Cite("120-KL/TW", date="2016-01-07", issuer="Bộ Chính trị", type_word="Kết luận")
    found = run(text, [cite], hue_self(date="2016-04-11"), knowledge=knowledge([KL120]))
    assert found == []


def test_unconfirmed_registry_dates_make_no_error():
    text = HUE_HEADER + "Thực hiện Kết luận 120-KL/TW ngày 07/01/2015 của Bộ Chính trị.\n"
    cite = Cite("120-KL/TW", date="2015-01-07", issuer="Bộ Chính trị", type_word="Kết luận")
    doubtful = KL120.model_copy(update={"confidence": "unconfirmed"})
    found = run(text, [cite], hue_self(date="2016-04-11"), knowledge=knowledge([doubtful]), rules={"QC005"})
    assert found == []


def test_issuing_body_contradicts_the_registry():
    text = HUE_HEADER + "Thực hiện Kết luận 65-KL/TW, ngày 04/3/2010 của Bộ Chính trị.\n"
    cite = Cite("65-KL/TW", date="2010-03-04", issuer="Bộ Chính trị", type_word="Kết luận", relation="implements")
    found = run(text, [cite], hue_self(), knowledge=knowledge([KL65]), rules={"QC006"})
    assert codes(found) == ["QC006"]
    assert found[0].message("en") == (
        "65-KL/TW is attributed to “Bộ Chính trị”, but the registry records Ban Bí thư (khóa X) as its issuer"
    )
    agrees = Cite("65-KL/TW", date="2010-03-04", issuer="Ban Bí thư", type_word="Kết luận")
    assert run(text.replace("Bộ Chính trị", "Ban Bí thư"), [agrees], hue_self(), knowledge=knowledge([KL65])) == []


def test_the_registry_recognises_25_nq_tu_without_a_body_written():
    text = HUE_HEADER + "thực hiện Nghị quyết số 25-NQ/TU ngày 03/6/2013 về công tác dân vận.\n"
    cite = Cite("25-NQ/TU", date="2013-06-03", type_word="Nghị quyết")
    own = hue_self(date="2013-10-01")
    found = run(text, [cite], own, knowledge=knowledge([NQ25]), rules={"QC006"})
    assert codes(found) == ["QC006"] and found[0].variant == "likely"
    assert found[0].fix("en") == "did you mean 25-NQ/TW?"
    assert run(text, [cite], own, rules={"QC006"}) == []  # no body, no registry: no verdict


def test_superseded_before_the_draft():
    text = HUE_HEADER + "theo đúng Pháp lệnh số 34/2007/PL-UBTVQH11 về dân chủ ở xã.\n"
    own = hue_self(date="2024-05-10")
    found = run(text, [Cite(PL34.number, type_word="Pháp lệnh")], own, knowledge=knowledge([PL34, LAW10]))
    assert "QC007" in codes(found)
    g = next(g for g in found if g.code == "QC007")
    assert g.message("en") == (
        "34/2007/PL-UBTVQH11 was replaced on 01/07/2023 by Luật 10/2022/QH15, before this draft (10/05/2024)"
    )
    assert g.fix("en") == "cite Luật 10/2022/QH15 instead"
    assert "thay thế" in g.message("vi")


def test_in_force_at_the_draft_date():
    text = HUE_HEADER + "theo đúng Pháp lệnh số 34/2007/PL-UBTVQH11 về dân chủ ở xã.\n"
    own = hue_self(date="2017-05-12")
    found = run(text, [Cite(PL34.number, type_word="Pháp lệnh")], own, knowledge=knowledge([PL34, LAW10]))
    assert "QC007" not in codes(found)


def test_malformed_alias_gets_the_registry_number():
    text = HUE_HEADER + "tổng kết việc thực hiện Pháp lệnh số 34-PL/UBTVQH11 về thực hiện dân chủ\n"
    cite = Cite("34-PL/UBTVQH11", malformed=True, type_word="Pháp lệnh")
    found = run(text, [cite], hue_self(), knowledge=knowledge([PL34]), rules={"QC001"})
    assert found[0].fix("en") == "write it as 34/2007/PL-UBTVQH11"
    assert run(text, [cite], hue_self(), rules={"QC001"})[0].fix("en") is None


def test_registry_date_after_the_draft():
    text = HUE_HEADER + "quán triệt Kết luận số 120-KL/TW của Bộ Chính trị.\n"
    cite = Cite("120-KL/TW", issuer="Bộ Chính trị", type_word="Kết luận")
    found = run(text, [cite], hue_self(), knowledge=knowledge([KL120]), rules={"QC008"})
    assert codes(found) == ["QC008"]
    assert found[0].message("en") == "120-KL/TW is dated 07/01/2016 (registry), after this draft (30/07/2010)"
    later = run(text, [cite], hue_self(date="2016-05-01"), knowledge=knowledge([KL120]), rules={"QC008"})
    assert later == []


def test_implemented_central_document_not_in_the_registry():
    text = HUE_HEADER + "Thực hiện Kết luận 65-KL/TW, ngày 04/3/2010 của Ban Bí thư.\n"
    cites = [Cite("65-KL/TW", date="2010-03-04", issuer="Ban Bí thư", relation="implements")]
    found = run(text, cites, hue_self(), knowledge=knowledge([KL120]), rules={"QC015"})
    assert codes(found) == ["QC015"]
    assert run(text, cites, hue_self(), knowledge=knowledge([KL65]), rules={"QC015"}) == []


def test_local_parent_needs_the_index_for_a_verdict():
    text, cites = lai_chau("01/3/2016", "2016-03-01")
    own = SelfInfo(**LAI_CHAU_SELF, province="Lai Châu")
    assert run(text, cites, own, knowledge=knowledge([KL120]), rules={"QC015"}) == []
    found = run(text, cites, own, knowledge=knowledge([KL120], has_index=True), rules={"QC015"})
    assert [g.key for g in found] == ["26-KH/TU"]
    parent = extraction("26-KH/TU", province="Lai Châu", date="2016-03-01", issuer="TỈNH ỦY LAI CHÂU")
    indexed = knowledge([KL120], corpus=[("laichau/26.txt", parent)], has_index=True)
    assert run(text, cites, own, knowledge=indexed, rules={"QC015"}) == []


def test_number_collision_in_the_index():
    text, cites = lai_chau("01/3/2016", "2016-03-01")
    own = SelfInfo(**LAI_CHAU_SELF, province="Lai Châu")
    other = extraction("13-KH/ĐUK", province="Lai Châu", date="2016-02-20", issuer="ĐẢNG ỦY KHỐI")
    indexed = knowledge(corpus=[("khoi/13.txt", other)], has_index=True)
    found = run(text, cites, own, knowledge=indexed, rules={"QC013"}, path="draft.txt")
    assert codes(found) == ["QC013"] and "khoi/13.txt" in found[0].message("en")
    assert run(text, cites, own, knowledge=indexed, rules={"QC013"}, path="khoi/13.txt") == []


@pytest.mark.parametrize(
    ("province", "date"),
    [
        ("Hà Tĩnh", "2016-02-20"),  # another province's Đảng ủy Khối
        ("Lai Châu", "2011-02-20"),  # the previous provincial term
    ],
)
def test_same_number_in_another_scope_is_no_collision(province, date):
    text, cites = lai_chau("01/3/2016", "2016-03-01")
    own = SelfInfo(**LAI_CHAU_SELF, province="Lai Châu")
    other = extraction("13-KH/ĐUK", province=province, date=date, issuer="ĐẢNG ỦY KHỐI")
    indexed = knowledge(corpus=[("khoi/13.txt", other)], has_index=True)
    assert run(text, cites, own, knowledge=indexed, rules={"QC013"}, path="draft.txt") == []


BTGTW_DRAFT = (
    "BAN CHẤP HÀNH TRUNG ƯƠNG\nBAN TUYÊN GIÁO\nSố 05-HD/BTGTW\nHà Nội, ngày 12 tháng 5 năm 2017\n\n"
    "HƯỚNG DẪN\ntuyên truyền kỷ niệm các ngày lễ lớn năm 2017\n\n"
    "Thực hiện Kết luận 120-KL/TW ngày 07/01/2016 của Bộ Chính trị.\n"
)


@pytest.mark.parametrize(
    ("other_date", "collides"),
    [
        ("2016-06-20", True),  # the same TW term (XII) as the draft: the number is taken
        ("2012-03-15", False),  # term XI: central numbers restarted in January 2016
        ("2021-05-04", False),  # term XIII
    ],
)
def test_a_central_department_numbers_per_central_committee_term(other_date, collides):
    """05-HD/BTGTW of 2017 and of 2012 are two documents: BTGTW has no term table of its
    own, its numbers follow the terms of the Central Committee (TW)."""
    own = SelfInfo(number="05-HD/BTGTW", type="HD", issuer_code="BTGTW", date="2017-05-12", system="party")
    cites = [Cite("120-KL/TW", date="2016-01-07", issuer="Bộ Chính trị", relation="implements")]
    other = extraction("05-HD/BTGTW", province=None, date=other_date, issuer="BAN TUYÊN GIÁO TRUNG ƯƠNG")
    indexed = knowledge(corpus=[("btgtw/05.txt", other)], has_index=True)
    found = run(BTGTW_DRAFT, cites, own, knowledge=indexed, rules={"QC013"}, path="draft.txt")
    assert codes(found) == (["QC013"] if collides else [])
    if collides:  # a national number's term is known, not estimated
        assert "estimated" not in found[0].message("en")


def test_a_local_collision_says_the_term_is_estimated():
    text, cites = lai_chau("01/3/2016", "2016-03-01")
    own = SelfInfo(**LAI_CHAU_SELF, province="Lai Châu")
    other = extraction("13-KH/ĐUK", province="Lai Châu", date="2016-02-20", issuer="ĐẢNG ỦY KHỐI")
    indexed = knowledge(corpus=[("khoi/13.txt", other)], has_index=True)
    (found,) = run(text, cites, own, knowledge=indexed, rules={"QC013"}, path="draft.txt")
    assert "estimated" in found.message("en")
    assert "ước tính" in found.message("vi")


@pytest.mark.parametrize(
    ("code", "body"),
    [
        ("TW", "TW"),
        ("TƯ", "TW"),  # as texts write it
        ("BTGTW", "TW"),
        ("BTCTW", "TW"),
        ("UBKTTW", "TW"),
        ("UBTVQH", "QH"),
        ("UBTVQH11", "QH"),  # term digits dropped
        ("CP", "CP"),
        ("TU", "TU"),  # a provincial committee: its own terms (not tabulated)
        ("XYZ", "XYZ"),  # unknown code
    ],
)
def test_numbering_body_from_the_vocabulary(code, body):
    assert VOCAB.numbering_body(code) == body


def test_registry_rules_skip_without_knowledge():
    text = HUE_HEADER + "Thực hiện Kết luận 120-KL/TW ngày 07/01/2015 của Bộ Chính trị.\n"
    cite = Cite("120-KL/TW", date="2015-01-07", issuer="Bộ Chính trị", type_word="Kết luận", relation="implements")
    assert run(text, [cite], hue_self(date="2016-04-11"), rules={"QC005", "QC007", "QC013", "QC015"}) == []


# ---- selection and severities -------------------------------------------------------------------


def test_select_by_code_prefix_and_name():
    assert resolve_codes(["QC001", "type-word-mismatch"]) == {"QC001", "QC004"}
    assert resolve_codes(["QC01"]) == {f"QC{i:03d}" for i in range(10, len(RULES) + 1)}
    assert resolve_codes(["ALL"]) == set(RULES_BY_CODE)
    assert enabled_rules(None, ["QC016"]) == frozenset(RULES_BY_CODE) - {"QC016"}
    with pytest.raises(ConfigError, match="QC999"):
        resolve_codes(["QC999"])


def test_severity_override_and_worst():
    text = HA_TINH
    cites = [Cite("30-CT/TW", type_word="Chỉ thị")]
    own = SelfInfo(number="02-NQ/TU", issuer_code="TU", date="2017-05-12", place="Hà Tĩnh")
    found = run(text, cites, own, rules={"QC016"}, severities={"QC016": "error"})
    assert [g.severity for g in found] == ["error"] and worst(found) == "error"
    assert worst([]) is None


def test_vn_date():
    assert vn_date("2016-01-07") == "07/01/2016"
    assert vn_date(None) == "?"


# ---- properties over the real extractor ---------------------------------------------------------

WORDS_VI = ["Thực hiện", "Kế hoạch số", "Kết luận", "Chỉ thị", "ngày", "của", "Bộ Chính trị", "Tỉnh ủy", "và", ",", "."]
NUMBERS = ["62-KH/TU", "120-KL/TW", "157-NĐ/2007/NĐ-CP", "34/2007/PL-UBTVQH11", "22/CT-TW", "25-NQ/TU", "30c/NQ-CP"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(WORDS_VI),
            st.sampled_from(NUMBERS),
            st.sampled_from(["07/01/2016", "03/6/2013", "\n", "\n\n", "Số ", "I. "]),
            st.text(alphabet="aăâđêôơưÀÁẠĐ -/\t\x1b", max_size=6),
        ),
        max_size=40,
    )
)
def test_findings_point_at_what_they_quote(parts):
    """Whatever the text, lint does not fail and every finding's span is its quoted text."""
    from qcdc_cli.extract.text import extract_text

    text = " ".join(parts)
    extraction = extract_text(text, VOCAB)
    lines = text.split("\n")
    for g in lint(text, extraction, VOCAB):
        assert 1 <= g.line <= len(lines)
        assert g.message("vi") and g.message("en")
        if g.text and g.end_line == g.line and g.code not in ("QC010", "QC011", "QC012", "QC013", "QC017"):
            assert lines[g.line - 1][g.column - 1 : g.end_column - 1] == g.text


def test_what_a_rule_reads_is_said_once_in_the_table():
    from qcdc_cli.lint.lint import USES_KNOWLEDGE

    # the rules that ask the registry or the index, derived from Rule.needs
    assert {"QC001", "QC005", "QC006", "QC007", "QC008", "QC013", "QC015", "QC016"} == USES_KNOWLEDGE
    for rule in RULES:
        assert rule.requires == rule.needs[0] and set(rule.needs) <= {"text", "registry", "index"}
    assert RULES_BY_CODE["QC001"].requires == "text"  # runs on the text alone, the registry helps
    assert RULES_BY_CODE["QC013"].requires == "index"


def test_lint_modules_stay_small():
    from pathlib import Path

    import qcdc_cli.lint

    for path in Path(qcdc_cli.lint.__file__).parent.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 600, path.name
