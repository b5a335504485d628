"""Properties of number parsing and extraction that must hold on any text.

Extraction runs on whatever a user points it at, so it is checked here on arbitrary
Unicode (all categories, lone surrogates included), on adversarial soups of the
characters numbers are made of, and on arbitrary text with real numbers inserted:
every span must point back into the text exactly as written, and nothing may raise.
Canonical numbers are generated from the registry's own type and issuer codes.
"""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.numbers import find_numbers, parse_number
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.models import Extraction

# Strategies are built at import time, so they read the registry directly (cached: the
# same object the `vocab` fixture returns). Tests use it directly too: hypothesis prints
# every argument of a failing example, and a Vocabulary prints as tens of kilobytes.
VOCAB = load_vocabulary()
_PARTY_TYPES = sorted(set(VOCAB.party_types.values()))
_STATE_TYPES = sorted(set(VOCAB.state_types.values()))
_ISSUERS = {info.code: info for info in VOCAB.issuers.values()}
_PARTY_ISSUERS = sorted(c for c, i in _ISSUERS.items() if i.system == "party")
_STATE_ISSUERS = sorted(c for c, i in _ISSUERS.items() if i.system == "state" and not i.numbered_by_term)
_TERM_ISSUERS = sorted(c for c, i in _ISSUERS.items() if i.numbered_by_term)  # QH, UBTVQH

ANY_CHAR = st.characters(codec=None, exclude_categories=())  # every category, surrogates too
ANY_TEXT = st.text(ANY_CHAR, max_size=300)

# Real numbers in the variants the issue lists, and prose around them (NFD included).
REAL_PIECES = [
    "62-KH/TU",
    "04/2015/NĐ-CP",
    "02 - NQ/TU",
    "20-QĐ&#x002F;TW",
    "30-CTR/TU",
    "11-QĐI/TW",
    "21 – NQ/TW",
    "51-KH / BTGTU",
    "13-KH/ÐUK",
    "30c/NQ-CP",
    "2231/SNV-CCHC&PC",
    "7308/KH-BNN-TCLN",
    "10/2022/QH15",
    "22/CT-TW",
    "157-NĐ/2007/NĐ-CP",
    "34-PL/TW34/2007PL-UBTVQH11",
    "Nghị quyết số 18, 19-NQ/TW",
    "Căn cứ Quyết định số\n749/QĐ-TTg",
    "| Số: 7822/KH-UBND | Bến Tre, ngày 10 tháng 9 năm 2013 |",
    unicodedata.normalize("NFD", "Thực hiện Kết luận số 120-KL/TW ngày 07/01/2016 của Bộ Chính trị"),
    unicodedata.normalize("NFD", "Căn cứ Nghị định số 115/2003/NĐ-CP, 116/2003/NĐ-CP ngày 10/10/2003"),
    unicodedata.normalize("NFD", "KẾ HOẠCH\nvề triển khai thực hiện Chỉ thị 30-CT/TW"),
    "Số 62-KH/TU\n",
    "ngày 30 tháng 7 năm 2010",
]
TEXT_WITH_NUMBERS = st.lists(st.one_of(ANY_TEXT, st.sampled_from(REAL_PIECES)), max_size=12).map("".join)

# What numbers are made of: an adversarial alphabet for the scanner and the windows.
ADVERSARIAL_TOKENS = [
    "0", "1", "7", "2015", "-", "–", "/", " ", "\n", "\t", ".", ",", ":", "&", "#x002F;", "&#",
    "Số", "số", "KH", "TW", "TU", "NQ", "NĐ", "CP", "QĐ", "Ð", "Đ", "c", "ngày", "tháng", "năm",
    "Căn cứ", "Thực hiện", "của", "về", "Kết luận", "(khóa VIII)", "\u0301", "\u00ad", "|",
]  # fmt: skip
ADVERSARIAL_TEXT = st.lists(st.sampled_from(ADVERSARIAL_TOKENS), max_size=200).map("".join)


def check_spans(text: str, ex: Extraction) -> None:
    """Every mention points at its own characters; line and column agree with start."""
    for ref in ex.references:
        assert ref.mentions, f"{ref.number} has no mention"
        for m in ref.mentions:
            assert 0 <= m.start < m.end <= len(text), (ref.number, m)
            assert text[m.start : m.end] == m.as_written, (ref.number, m)
            assert m.line == text.count("\n", 0, m.start) + 1, (ref.number, m)
            assert m.column == m.start - (text.rfind("\n", 0, m.start) + 1) + 1, (ref.number, m)
    n_lines = text.count("\n") + 1
    for rel in ex.reported_relations:
        assert 1 <= rel.line <= n_lines, rel
    for problem in ex.problems:
        assert problem.line is None or 1 <= problem.line <= n_lines, problem
    for seg in ex.segments:
        assert 0 <= seg.start <= seg.end <= len(text), seg
        assert 1 <= seg.start_line <= n_lines, seg


# ---- extraction never raises, and its spans round-trip ----


@given(text=ANY_TEXT)
def test_spans_round_trip_on_arbitrary_unicode(text: str) -> None:
    check_spans(text, extract_text(text, VOCAB))


# Regressions first found by these properties: a document with its own number and a
# shared-parts list ("số 18, 19-NQ/TW") made extract_text raise IndexError.


@given(text=TEXT_WITH_NUMBERS)
@example("Số 62-KH/TU\nThực hiện Nghị quyết số 18, 19-NQ/TW.")
@example("a&#x301;62-KH/TU")  # an entity that decodes to a combining mark
@example("x \u0301 20-QĐ&#x002F;TW&#x002F;")
def test_spans_round_trip_with_real_numbers_inside(text: str) -> None:
    check_spans(text, extract_text(text, VOCAB))


@given(text=ADVERSARIAL_TEXT)
@example("Số 0-KH/TU số 0, 0-NQ/TW")
def test_extraction_never_raises_on_number_soup(text: str) -> None:
    check_spans(text, extract_text(text, VOCAB))


@given(text=ADVERSARIAL_TEXT.map(lambda t: unicodedata.normalize("NFD", t)))
def test_extraction_never_raises_on_decomposed_soup(text: str) -> None:
    check_spans(text, extract_text(text, VOCAB))


@given(before=ANY_TEXT, after=ANY_TEXT, piece=st.sampled_from(["62-KH/TU", "04/2015/NĐ-CP", "02 - NQ/TU", "13-KH/ÐUK"]))
def test_number_between_spaces_is_found(before: str, after: str, piece: str) -> None:
    """A number set off by spaces is read whatever surrounds it (as a reference, or as the
    document's own number when the random prefix happens to look like a header)."""
    text = f"{before} {piece} {after}"
    canonical = parse_number(piece, VOCAB)
    assert canonical is not None
    ex = extract_text(text, VOCAB)
    numbers = {r.number for r in ex.references} | {ex.self.number}
    assert canonical.doc.number in numbers
    check_spans(text, ex)


# ---- canonical numbers are a fixed point ----

SERIAL = st.from_regex(r"[1-9][0-9]{0,4}", fullmatch=True)
SERIAL_WITH_LETTER = st.tuples(SERIAL, st.sampled_from(["a", "b", "c"])).map("".join)


@st.composite
def party_numbers(draw: st.DrawFn, serials: st.SearchStrategy[str] = SERIAL) -> str:
    return f"{draw(serials)}-{draw(st.sampled_from(_PARTY_TYPES))}/{draw(st.sampled_from(_PARTY_ISSUERS))}"


@st.composite
def state_numbers(draw: st.DrawFn, serials: st.SearchStrategy[str] = SERIAL) -> str:
    serial = draw(serials)
    year = draw(st.integers(1945, 2030))
    kind = draw(st.sampled_from(["normative", "law", "administrative"]))
    term = f"{draw(st.sampled_from(_TERM_ISSUERS))}{draw(st.integers(1, 16))}"
    if kind == "law":  # 10/2022/QH15
        return f"{serial}/{year}/{term}"
    issuer = draw(st.sampled_from([*_STATE_ISSUERS, term]))
    if draw(st.booleans()):  # a drafting unit after the issuer: 7308/KH-BNN-TCLN
        issuer += "-" + draw(st.sampled_from(["TCLN", "VP", "CCHC&PC", "KHTC", "TCCB"]))
    type_code = draw(st.sampled_from(_STATE_TYPES))
    if kind == "normative":
        return f"{serial}/{year}/{type_code}-{issuer}"
    return f"{serial}/{type_code}-{issuer}"


ANY_NUMBER = st.one_of(party_numbers(), state_numbers())


@given(number=ANY_NUMBER)
def test_canonical_number_is_a_fixed_point(number: str) -> None:
    parsed = parse_number(number, VOCAB)
    assert parsed is not None, number
    assert parsed.doc.number == number
    assert not parsed.malformed, parsed
    assert parsed.unknown_codes == (), parsed


@given(number=ANY_NUMBER)
def test_upper_case_gives_the_same_canonical_number(number: str) -> None:
    parsed = parse_number(number.upper(), VOCAB)
    assert parsed is not None, number.upper()
    assert parsed.doc.number == number


@given(number=ANY_NUMBER)
def test_eth_for_d_with_stroke_gives_the_same_canonical_number(number: str) -> None:
    """Ð (U+00D0, what a cp1258 file read as cp1252 gives) reads as Đ."""
    parsed = parse_number(number.replace("Đ", "Ð").replace("đ", "ð"), VOCAB)
    assert parsed is not None
    assert parsed.doc.number == number


@given(number=ANY_NUMBER, before=st.sampled_from(["Căn cứ Nghị định số ", "Thực hiện ", "số: ", "(", "“"]))
def test_generated_number_in_a_sentence_is_found_whole(number: str, before: str) -> None:
    text = f"{before}{number} ngày 07/01/2016 của Chính phủ."
    found = find_numbers(text, VOCAB)
    assert [(f.doc.number, text[f.start : f.end]) for f in found] == [(number, number)]


@given(number=st.one_of(party_numbers(SERIAL_WITH_LETTER), state_numbers(SERIAL_WITH_LETTER)))
def test_serial_with_letter_is_a_fixed_point(number: str) -> None:
    """30c/NQ-CP: the letter after the serial is part of the number, as written."""
    parsed = parse_number(number, VOCAB)
    assert parsed is not None
    assert parsed.doc.number == number


@pytest.mark.parametrize(("written", "canonical"), [("30C/NQ-CP", "30c/NQ-CP"), ("30C-NQ/TU", "30c-NQ/TU")])
def test_upper_case_serial_letter_reads_as_the_canonical_number(written: str, canonical: str) -> None:
    parsed = parse_number(written, VOCAB)
    assert parsed is not None
    assert parsed.doc.number == canonical


# ---- regressions the properties found (fixed on main in d981e3f) ----

NUMBERED_PLAN = """TỈNH ỦY HÀ TĨNH
Số 02-NQ/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Tĩnh, ngày 10 tháng 3 năm 2017

NGHỊ QUYẾT
về phát triển du lịch

Căn cứ Nghị quyết số 18, 19-NQ/TW ngày 25/10/2017 của Hội nghị Trung ương 6 (khóa XII);
Thực hiện Kế hoạch số 07-KH/TU ngày 12/01/2018 của Tỉnh ủy, Ban Thường vụ ban hành Nghị quyết.
"""


def test_shared_parts_in_a_numbered_document_do_not_crash(vocab: Vocabulary) -> None:
    text = NUMBERED_PLAN.replace("Thực hiện Kế hoạch số 07-KH/TU ngày 12/01/2018 của Tỉnh ủy, ", "")
    ex = extract_text(text, vocab)
    assert ex.self.number == "02-NQ/TU"
    assert {r.number: r.relation for r in ex.references} == {"18-NQ/TW": "based_on", "19-NQ/TW": "based_on"}


def test_shared_parts_in_a_numbered_document_take_their_partners_relation_and_date(vocab: Vocabulary) -> None:
    ex = extract_text(NUMBERED_PLAN, vocab)
    assert ex.self.number == "02-NQ/TU"
    got = {r.number: (r.relation, r.date) for r in ex.references}
    assert got == {
        "18-NQ/TW": ("based_on", "2017-10-25"),
        "19-NQ/TW": ("based_on", "2017-10-25"),
        "07-KH/TU": ("implements", "2018-01-12"),
    }


def test_shared_parts_without_an_own_number(vocab: Vocabulary) -> None:
    """The same text without its own number: the shared parts are read right."""
    ex = extract_text(NUMBERED_PLAN.replace("Số 02-NQ/TU", "Số ..."), vocab)
    assert ex.self.number is None
    got = {r.number: (r.relation, r.date) for r in ex.references}
    assert got == {
        "18-NQ/TW": ("based_on", "2017-10-25"),
        "19-NQ/TW": ("based_on", "2017-10-25"),
        "07-KH/TU": ("implements", "2018-01-12"),
    }


@given(number=party_numbers())
def test_party_number_with_a_slash_for_its_hyphen_repairs_to_itself(number: str) -> None:
    """ "646/QĐ/QUTW" is 646-QĐ/QUTW written with a slash: flagged, and repaired to the canonical form."""
    slashed = number.replace("-", "/", 1)
    parsed = parse_number(slashed, VOCAB)
    assert parsed is not None, slashed
    assert (parsed.doc.number, parsed.malformed, parsed.suggestion) == (number, True, number)


@given(number=state_numbers().filter(lambda n: n.count("/") == 2 and "-" in n.split("/")[2]))
def test_state_number_with_a_slash_for_its_hyphen_repairs_to_itself(number: str) -> None:
    """ "19/2001/CT/UB" is 19/2001/CT-UB written with a slash."""
    serial, year, rest = number.split("/", 2)
    slashed = f"{serial}/{year}/{rest.replace('-', '/', 1)}"
    parsed = parse_number(slashed, VOCAB)
    assert parsed is not None, slashed
    assert (parsed.doc.number, parsed.malformed, parsed.suggestion) == (number, True, number)


@given(
    number=ANY_NUMBER,
    word=st.sampled_from(["ngày 06 tháng 01 năm 2012", "của Bộ Chính trị", "về công tác", "năm 2020"]),
)
def test_number_glued_to_the_next_word_is_found_whole(number: str, word: str) -> None:
    """A lost space ("70-TB/TWngày 06 ...") does not change the number or make it malformed."""
    text = f"Căn cứ văn bản số {number}{word}."
    found = find_numbers(text, VOCAB)
    assert [(f.doc.number, f.malformed) for f in found] == [(number, False)]


@given(number=ANY_NUMBER, so=st.sampled_from(["số", "Số", "SỐ"]))
def test_number_glued_after_so_is_found_whole(number: str, so: str) -> None:
    """A lost space before the number ("Quyết định số1234/QĐ-UBND") hides nothing."""
    text = f"Căn cứ văn bản {so}{number} ngày 07/01/2016."
    found = find_numbers(text, VOCAB)
    assert [(f.doc.number, text[f.start : f.end]) for f in found] == [(number, number)]


@given(day=st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2100, 12, 31)))
def test_english_dates_read_as_the_day_written(day: datetime.date) -> None:
    """ "dated March 3, 2016" and "dated 3 March 2016" (English pages) give the same ISO date."""
    month = day.strftime("%B")
    for written in (
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month} {day.year}",
        f"{month[:3]}. {day.day}, {day.year}",
    ):
        text = f"Resolution No. 57-NQ/TW dated {written} on science."
        (ref,) = extract_text(text, VOCAB).references
        assert ref.date == day.isoformat(), written
