"""The throughput paths of `qcdc extract` (issue 13) against the plain code they replace.

Each test computes the plain result (a group read by name, a scan of every line, a find
loop, a whole-text scan) and the fast one on random inputs made of the pieces that matter,
so a speed-up that changes a result fails. The facts about Unicode the paths rely on are
checked over every code point.
"""

from __future__ import annotations

import dataclasses
import sys
from unittest.mock import patch

import regex
from hypothesis import given
from hypothesis import strategies as st

from qcdc_cli.extract import mentions, named, preamble
from qcdc_cli.extract.dates import DATE_RE, date_from_match, group_numbers
from qcdc_cli.extract.mentions import SAFE_FOLDED, _first_words_scan
from qcdc_cli.extract.mentions import patterns as _patterns
from qcdc_cli.extract.relations import _BREAKS, _SURE_BREAK, Breaks, _cue_matches
from qcdc_cli.knowledge.numbers import _GROUPS, _canonical, _number_after_so, number_regex, scanner_groups
from qcdc_cli.models import Mention

_ALL = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)


def _text(parts: list[str], max_size: int = 30) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(parts), max_size=max_size).map("".join)


# ---- groups read by number


_NUMBER_PARTS = [
    "12-NQ/TW", "5/2020/NĐ-CP", "157-NĐ/2007/NĐ-CP", "19/2001/CT/UB", "1492/QĐTTg", "646/QĐ/QUTW", "22/CT-TW",
    "30c-KL/TW", "70-TB/TWngày", "số1234/QĐ-UBND", "Số ", " ", "\n", "x", "-", "/", "7", "2015", "TƯ", "UBND",
]  # fmt: skip


@given(_text(_NUMBER_PARTS, 12))
def test_scanner_groups_by_number_are_the_groups_by_name(text):
    for pattern in (number_regex(), _number_after_so()):
        for m in pattern.finditer(text):
            assert scanner_groups(m) == m.group(*_GROUPS)


@given(st.lists(_text(_NUMBER_PARTS, 6), min_size=1, max_size=6))
def test_cached_canonical_numbers_are_the_ones_made_anew(vocab, texts):
    for text in texts * 2:  # each text twice: the second reads the cache
        for m in number_regex().finditer(text):
            groups = scanner_groups(m)
            assert _canonical(groups, vocab) == _canonical.__wrapped__(groups, vocab)


_AFTER_PARTS = [
    " ngày 07/01/2016", " ngày 3-4-2020", "ngày 25 tháng 4 năm 2022", " ngày 03 tháng bốn năm 2018", "(khóa XII)",
    " của Bộ Chính trị", " của Tỉnh ủy", " Ban Thường vụ", " Ủy ban nhân dân tỉnh", ", ", " về ", ")", "\n",
    " ngày 31/02/2020", " ngày 1/1/1900", " tháng  mười  hai ", " năm 2015", "ký ", "ban hành ", "x", "Đ", " ",
]  # fmt: skip


def _date_by_name(m: regex.Match[str]) -> str | None:
    """date_from_match as written before: groups read by name."""
    from qcdc_cli.extract.dates import _MONTH_WORDS, _SPACES, iso_date

    if m["d"] is not None:
        return iso_date(int(m["y"]), int(m["m"]), int(m["d"]))
    written = _SPACES.sub(" ", m["wm"].lower())
    month = int(written) if written.isdigit() else _MONTH_WORDS[written]
    return iso_date(int(m["wy"]), month, int(m["wd"]))


@given(_text(_AFTER_PARTS, 10))
def test_dates_and_issuers_by_number_are_the_groups_by_name(text):
    for pattern in (DATE_RE, mentions._AFTER_DATE, mentions._AFTER_ORG_DATE):
        for pos in range(len(text)):
            m = pattern.match(text, pos)
            if m is not None:
                assert date_from_match(m) == _date_by_name(m)
    for pattern in (mentions._AFTER_ORG, mentions._AFTER_ORG_FAST):
        for pos in range(len(text)):
            m = pattern.match(text, pos)
            if m is not None:
                assert mentions._org_of(m) == (m["org"] or m["org2"])


def test_the_type_word_is_group_one(vocab):
    assert _patterns(vocab).type_word_before.groupindex == {"tw": 1}


# ---- basis headings: only the lines that hold "căn cứ"


def test_only_these_letters_match_the_letters_of_can_cu():
    """basis_heading_candidates looks for "căn cứ" in the casefolded text: every character
    the case-insensitive pattern takes for one of its letters casefolds to that letter."""
    for letter in set(preamble._CAN_CU):
        for c in regex.findall(regex.escape(letter), _ALL, regex.IGNORECASE):
            assert c.casefold() == letter


_BASIS_LINES = [
    "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH", "1. Căn cứ pháp lý", "Căn cứ:", "căn cứ", "CĂN CỨ", "Căn cứ Luật số 1/2015/QH13;",
    "II. MỤC ĐÍCH", "- Nghị quyết số 12-NQ/TW;", "a) Kế hoạch", "ß căn cứ:", "İ", "Căn  cứ", "Căn\tcứ:", "x", "",
    "  ", "*Căn cứ*", "> Căn cứ:", "THỰC HIỆN",
]  # fmt: skip


def _basis_by_every_line(text, lines):
    """basis_section as written before: every line tried."""
    with patch.object(preamble, "basis_heading_candidates", lambda text, lines: range(len(lines))):
        return preamble.basis_section(text, lines)


@given(st.lists(st.sampled_from(_BASIS_LINES), max_size=14), st.integers(0, 3))
def test_basis_section_from_candidate_lines_is_the_one_from_every_line(lines_text, skip):
    text = "\n".join(lines_text)
    lines, pos = [], 0
    for line in lines_text:
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    lines = lines[skip:]
    assert preamble.basis_section(text, lines) == _basis_by_every_line(text, lines)


@given(_text(["Q", "U", "Ế", "T", " ", ":", "ệ", "1", "a", "Đ", "ß", "-", "ǅ"], 12))
def test_upper_heading_is_the_plain_test(line):
    letters = [c for c in line if c.isalpha()]
    assert preamble._is_upper_heading(line) == (len(letters) >= 4 and not preamble._LOWER.search(line))


# ---- sentence breaks answered from two searches


def test_the_sure_breaks_are_the_first_alternatives_of_the_breaks():
    assert _BREAKS.pattern.startswith(_SURE_BREAK.pattern + "|")


_BREAK_PARTS = [
    ".", ";", "!", "?", ":", "\n", " ", "\t", "\r", "\u00a0", "\x1c", "-", "+", "•", "1", "I", "a", ")", "Đ", "\n\n",
    ":\n", ": \n", "1.", "\nI.", "\n- ", "T.Ư", "22.9.2021", ". ", "x" * 30, " " * 20, "Kế hoạch số 1-KH/TU",
]  # fmt: skip


@given(
    _text(_BREAK_PARTS, 50),
    st.lists(st.tuples(st.integers(-3, 400), st.integers(-3, 400), st.booleans()), min_size=1, max_size=8),
)
def test_same_sentence_is_the_whole_text_scan(text, queries):
    everywhere = [m.start() for m in _BREAKS.finditer(text)]
    breaks = Breaks(text)
    for a, b, scan_first in queries:
        lo, hi = (a + 1, b) if a < b else (b, a + 1)
        if scan_first:
            breaks.between(lo - 30, hi + 30)
        assert breaks.same_sentence(a, b) == (not any(lo <= s < hi for s in everywhere))


# ---- cue first words found by one scan


def test_safe_letters_come_only_from_letters():
    """A place the one-scan skips lies inside a word it found: the text's character before
    it casefolds to a letter of SAFE_FOLDED, so it is a letter, where no cue starts."""
    letter = regex.compile(r"\p{L}")
    for c in _ALL:
        folded = c.casefold()
        if len(folded) == 1 and folded in SAFE_FOLDED:
            assert letter.match(c), hex(ord(c))


def test_the_bundled_cues_take_the_one_scan_and_odd_words_do_not(vocab):
    assert _patterns(vocab).first_words_scan is not None
    assert _first_words_scan(("quy", "quyết")) is None  # a prefix of another
    assert _first_words_scan(("thực", "a-b")) is None  # a letter outside SAFE_FOLDED
    assert _first_words_scan(()) is None


def _cues_by_find_loop(text, lo, hi, pats):
    """_cue_matches as written before: each first word found with str.find."""
    return _cue_matches(text, lo, hi, dataclasses.replace(pats, first_words_scan=None))


_CUE_PARTS = [
    "thực hiện", "THỰC HIỆN", "Thực\n hiện", "thựcăn cứ", "thựccăn cứ", "căn cứ vào", "ſửa đổi", "sửa đổi, bổ sung",
    "triển \u212ahai", "tiếp tục thực hiện", "bãi bỏ", "hủy bỏ", "huỷ bỏ", "quy định", "quán triệt", "trên cơ sở",
    "tổ chức thực hiện", "cụ thể hóa", "hướng dẫn", "thay thế", "ß", "İ", "x", "xthực hiện", " ", "\n", "a", "1",
]  # fmt: skip


@given(_text(_CUE_PARTS, 25), st.integers(0, 300), st.integers(0, 300))
def test_cues_found_by_one_scan_are_the_find_loops_and_the_scans(vocab, text, lo, hi):
    pats = _patterns(vocab)
    lo, hi = min(lo, len(text)), min(max(lo, hi), len(text))
    fast = [m.span() for m in _cue_matches(text, lo, hi, pats)]
    assert fast == [m.span() for m in _cues_by_find_loop(text, lo, hi, pats)]
    assert fast == [m.span() for m in pats.cues.finditer(text, lo, hi)]


_NAMED_PARTS = [
    "Luật", "Bộ luật", "Hiến pháp", "Pháp lệnh", "Lao động", " năm 2013", "ngày 19 tháng 6 năm 2015", " ngày 1/7/2016",
    " số 10/2022/QH15", "Tổ chức chính quyền địa phương", "và", " ", "\n", ",", "x", "1",
]  # fmt: skip


@given(_text(_NAMED_PARTS, 20))
def test_named_groups_by_number_are_the_groups_by_name(text):
    for m in named._NAMED.finditer(text):
        assert m.group(*group_numbers(m.re, named._GROUPS, named._GROUP_NUMBERS)) == m.group(*named._GROUPS)


def test_mentions_are_made_in_the_field_order_of_mention():
    """text._group passes a Mention's fields by position."""
    assert [f.name for f in dataclasses.fields(Mention)] == [
        "as_written", "start", "end", "line", "column", "relation", "cue", "date", "type_word", "issuer", "term",
        "segment", "malformed", "suggestion",
    ]  # fmt: skip
