"""normalize.py: the clean text extraction matches on, and the map back to the original.

Spans reported to users point into the text they gave, so the offset map is checked
as a property (in range, monotone, covering what it maps) on arbitrary Unicode and on
text made of exactly what normalization edits: combining marks, HTML entities and
invisible characters.
"""

from __future__ import annotations

import unicodedata

import pytest
import regex
from hypothesis import example, given
from hypothesis import strategies as st

from qcdc_cli.read.normalize import MAX_PASSES, LineIndex, NormalizedText, normalize_text

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=200)

# What normalization edits, plus the characters around it that could confuse it.
EDIT_TOKENS = [
    "a", "e", "o", "u", "A", "Đ", " ", "\n", "-", "/", "&", "#", ";", "x", "0", "9",
    "\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b",  # Vietnamese marks
    "&amp;", "&lt;", "&nbsp;", "&#x002F;", "&#47;", "&#x301;", "&#769;", "&#173;", "&#x200b;",
    "&bogus;", "&#xZZ;", "&#99999999;", "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
]  # fmt: skip
EDIT_TEXT = st.lists(st.sampled_from(EDIT_TOKENS), max_size=60).map("".join)
VIETNAMESE = st.sampled_from(
    [
        "Kế hoạch số 62-KH/TU",
        "Căn cứ Nghị định số 04/2015/NĐ-CP ngày 22 tháng 9 năm 2015",
        "Thực hiện Kết luận số 120-KL/TW của Bộ Chính trị",
        "TỈNH ỦY THỪA THIÊN HUẾ\nThành phố Huế, ngày 30 tháng 7 năm 2010",
    ]
).map(lambda s: unicodedata.normalize("NFD", s))
MESSY_TEXT = st.lists(st.one_of(EDIT_TEXT, VIETNAMESE, ANY_TEXT), max_size=6).map("".join)


def clean_positions(norm: NormalizedText) -> range:
    return range(len(norm.clean) + 1)


# ---- table: what normalization does ----


@pytest.mark.parametrize(
    ("original", "clean"),
    [
        pytest.param("Kế hoạch số 62-KH/TU", "Kế hoạch số 62-KH/TU", id="already-clean"),
        pytest.param(unicodedata.normalize("NFD", "Kế hoạch số"), "Kế hoạch số", id="nfd-to-nfc"),
        pytest.param("20-QĐ&#x002F;TW", "20-QĐ/TW", id="hex-entity"),
        pytest.param("20-QĐ&#47;TW", "20-QĐ/TW", id="decimal-entity"),
        pytest.param("Sở Tư pháp &amp; Sở Nội vụ", "Sở Tư pháp & Sở Nội vụ", id="named-entity"),
        pytest.param("ngày&nbsp;07/01/2016", "ngày 07/01/2016", id="nbsp-entity-to-space"),
        pytest.param("Kết\u00ad luận 65-KL\u200b/TW", "Kết luận 65-KL/TW", id="soft-hyphen-zero-width"),
        pytest.param("\ufeffKẾ HOẠCH", "KẾ HOẠCH", id="bom"),
        pytest.param("a &bogus; b", "a &bogus; b", id="unknown-entity-kept"),
        pytest.param("13-KH/ÐUK", "13-KH/ÐUK", id="eth-left-to-numbers"),
    ],
)
def test_normalize_cleans(original: str, clean: str) -> None:
    assert normalize_text(original).clean == clean


def test_clean_text_is_the_original_object_when_nothing_changes() -> None:
    text = "Thực hiện Kết luận số 120-KL/TW ngày 07/01/2016"
    norm = normalize_text(text)
    assert norm.clean is text
    assert norm.to_original_span(10, 20) == (10, 20)


def test_span_maps_back_over_decomposed_text() -> None:
    original = unicodedata.normalize("NFD", "Căn cứ Kết luận số 120-KL/TW")
    norm = normalize_text(original)
    start = norm.clean.index("120-KL/TW")
    o_start, o_end = norm.to_original_span(start, start + len("120-KL/TW"))
    assert original[o_start:o_end] == "120-KL/TW"
    assert o_start > start  # the decomposed prefix is longer


def test_span_inside_an_entity_covers_the_whole_entity() -> None:
    original = "20-QĐ&#x002F;TW"
    norm = normalize_text(original)
    assert norm.clean == "20-QĐ/TW"
    assert norm.to_original_span(0, len(norm.clean)) == (0, len(original))
    slash = norm.clean.index("/")
    assert original[slice(*norm.to_original_span(slash, slash + 1))] == "&#x002F;"
    assert original[slice(*norm.to_original_span(0, slash + 1))] == "20-QĐ&#x002F;"


@pytest.mark.parametrize(
    ("text", "offset", "line", "column"),
    [
        ("Số 62-KH/TU", 0, 1, 1),
        ("Số 62-KH/TU", 3, 1, 4),
        ("a\nb\nc", 2, 2, 1),
        ("a\nb\nc", 4, 3, 1),
        ("a\n\n62-KH/TU", 3, 3, 1),
        ("a\r\nb", 3, 2, 1),  # CRLF: the line starts after \n
    ],
)
def test_line_index(text: str, offset: int, line: int, column: int) -> None:
    lines = LineIndex(text)
    assert lines.line_col(offset) == (line, column)
    assert lines.line(offset) == line
    assert lines.line_start(line) == offset - column + 1


# ---- properties ----


@given(text=ANY_TEXT)
def test_normalizing_twice_changes_nothing(text: str) -> None:
    once = normalize_text(text).clean
    assert normalize_text(once).clean == once


@given(text=st.lists(st.one_of(EDIT_TEXT, VIETNAMESE, ANY_TEXT), max_size=6).map(lambda parts: "".join(parts)))
def test_normalizing_twice_changes_nothing_on_messy_text(text: str) -> None:
    """Vietnamese NFD, stray combining marks, invisible characters and entities, including
    entities that decode to marks, invisible characters or other entities."""
    once = normalize_text(text).clean
    assert normalize_text(once).clean == once


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a&#769;", id="entity-decodes-to-combining-mark"),
        pytest.param("Kê&#x301; hoạch", id="hex-entity-decodes-to-combining-mark"),
        pytest.param("Kết&#173;luận", id="entity-decodes-to-soft-hyphen"),
        pytest.param("65-KL&#x200b;/TW", id="entity-decodes-to-zero-width"),
        pytest.param("20-QĐ&amp;#x002F;TW", id="double-escaped-entity"),
    ],
)
def test_entity_decoding_is_idempotent(text: str) -> None:
    once = normalize_text(text).clean
    assert normalize_text(once).clean == once
    assert "&" not in once and not regex.search(r"[\u00ad\u200b-\u200d\u2060\ufeff]", once)


@pytest.mark.parametrize(
    ("original", "clean"),
    [
        ("a&#769;", "á"),  # the decoded mark joins the letter before the entity
        ("Kê&#x301; hoạch", "Kế hoạch"),
        ("Kết&#173;luận", "Kếtluận"),
        ("20-QĐ&amp;#x002F;TW", "20-QĐ/TW"),
        ("x&amp;amp;amp;lt;y", "x<y"),
        ("e\u00ad\u0301x", "éx"),  # the invisible character goes, its mark joins the "e"
    ],
)
def test_what_an_entity_or_invisible_character_leaves_is_normalized(original: str, clean: str) -> None:
    norm = normalize_text(original)
    assert norm.clean == clean
    assert norm.to_original_span(0, len(clean)) == (0, len(original))


def test_entities_nested_deeper_than_the_passes_stay_partly_escaped() -> None:
    """The number of passes is bounded, so a pathological nesting costs linear time."""
    depth = MAX_PASSES + 2
    clean = normalize_text("&" + "amp;" * depth + "lt;").clean
    assert clean == "&" + "amp;" * (depth - MAX_PASSES) + "lt;"


@given(text=st.one_of(ANY_TEXT, MESSY_TEXT, EDIT_TEXT))
@example("e\u0301&#x002F;\u200b")
def test_to_original_is_in_range_and_monotone(text: str) -> None:
    norm = normalize_text(text)
    mapped = [norm.to_original(p) for p in clean_positions(norm)]
    assert all(0 <= o <= len(text) for o in mapped)
    assert mapped == sorted(mapped)
    assert normalize_text(text[: mapped[0]]).clean == ""  # only invisible characters skipped
    assert mapped[-1] == len(text)


@given(text=st.one_of(ANY_TEXT, MESSY_TEXT, EDIT_TEXT), data=st.data())
def test_to_original_span_is_in_range_monotone_and_covers_the_clean_span(text: str, data: st.DataObject) -> None:
    norm = normalize_text(text)
    n = len(norm.clean)
    start = data.draw(st.integers(0, n), label="start")
    end = data.draw(st.integers(start, n), label="end")
    o_start, o_end = norm.to_original_span(start, end)
    assert 0 <= o_start <= o_end <= len(text)
    # Monotone in both ends: a longer clean span never maps to a shorter original one.
    if end < n:
        assert norm.to_original_span(start, end + 1)[1] >= o_end
    if start > 0:
        assert norm.to_original_span(start - 1, end)[0] <= o_start
    # The original span holds everything the clean span shows.
    assert norm.clean[start:end] in normalize_text(text[o_start:o_end]).clean


@pytest.mark.parametrize("text", ["Kết\u00ad\u0301luận", "65-KL/TW\u200b\u0301"])
def test_invisible_character_before_a_mark_is_removed(text: str) -> None:
    clean = normalize_text(text).clean
    assert not regex.search(r"[\u00ad\u200b-\u200d\u2060\ufeff]", clean)


@given(text=st.lists(st.one_of(EDIT_TEXT, VIETNAMESE), max_size=6).map("".join))
def test_clean_vietnamese_is_nfc(text: str) -> None:
    """Decomposed Vietnamese becomes precomposed, so cue phrases match (Đ is not decomposed).

    The text starts with a letter: marks with no base at all are left as they are, on
    purpose (normalize.py)."""
    clean = normalize_text("x" + text).clean
    assert unicodedata.is_normalized("NFC", clean)


def test_marks_after_an_entity_are_normalized_in_the_same_pass() -> None:
    once = normalize_text("&lt;\u0300\u031b").clean
    assert normalize_text(once).clean == once


@given(text=st.one_of(ANY_TEXT, MESSY_TEXT, EDIT_TEXT))
@example("&amp;amp;\u00ad")  # a deletion at the end of an entity decoded over two passes
def test_edits_rebuild_the_clean_text_from_the_original(text: str) -> None:
    """The edits are ordered and disjoint on both sides, and the original with each edit
    replaced by its clean text is the clean text: the offset map is the normalization."""
    norm = normalize_text(text)
    edits = list(zip(norm._clean_start, norm._clean_end, norm._orig_start, norm._orig_end, strict=True))
    rebuilt, last_orig, last_clean = [], 0, 0
    for c_start, c_end, o_start, o_end in edits:
        assert last_orig <= o_start <= o_end and last_clean <= c_start <= c_end
        assert o_start - last_orig == c_start - last_clean  # untouched text between edits
        rebuilt += [text[last_orig:o_start], norm.clean[c_start:c_end]]
        last_orig, last_clean = o_end, c_end
    rebuilt.append(text[last_orig:])
    assert "".join(rebuilt) == norm.clean


@given(text=st.one_of(ANY_TEXT, MESSY_TEXT, EDIT_TEXT, VIETNAMESE.map(lambda t: t.replace(" ", " & "))))
@example(text="Sở Nông nghiệp & PTNT, Bộ NN&PTNT; Hội LHPN & Đoàn TN")
def test_the_fast_path_answers_as_the_full_pass(text: str) -> None:
    """A text the fast check calls clean comes out of the slow path unchanged too."""
    from qcdc_cli.read.normalize import _is_clean, _one_pass

    if _is_clean(text):
        assert _one_pass(text).clean == text


MARK_TOKENS = [t for t in EDIT_TOKENS if not t.startswith("&") or t == "&"] + [
    "\u0301\u0301", "\u031b\u0300", "\u212b", "\u0e47", "\n\u0301", "\ufe20", "Ω\u0345", "\U0001d15e\u0301",
]  # fmt: skip
MARK_TEXT = st.lists(st.one_of(st.sampled_from(MARK_TOKENS), VIETNAMESE, ANY_TEXT), max_size=12).map("".join)


@given(text=st.one_of(MARK_TEXT, ANY_TEXT, MESSY_TEXT))
@example("\u0301leading marks, then e\u0301 and a\u0323\u0302")  # a run with no base before it
@example(unicodedata.normalize("NFD", "Kế hoạch số 62-KH/TU ngày 30 tháng 7 năm 2010\nTỈNH ỦY LAI CHÂU"))
@example("Sở NN & PTNT, e\u0301")  # a plain "&": not an entity
def test_the_marks_pass_edits_as_the_full_pass(text: str) -> None:
    """A text whose only edits are clusters of marks (a decomposed Word or Mac file) is
    normalized by one C-level pass (_marks_pass): the same clean text and the same edits
    as the pass that takes one match at a time."""
    from qcdc_cli.read.normalize import _edits_pass, _marks_only, _marks_pass

    if _marks_only(text):
        assert _marks_pass(text) == _edits_pass(text)
