"""Each fast path of extraction against the plain definition it replaces (issue 13).

The speed-ups try a pattern only where its first word is, skip work whose result is known,
or write bytes instead of text; each is checked here against the plain computation on
random inputs made of the pieces that matter, so a speed-up that changes a result fails.
"""

from __future__ import annotations

import re
from unittest.mock import patch

import orjson
from hypothesis import given
from hypothesis import strategies as st

from qcdc_cli.extract.header import _PORTAL_YEAR, portal_year_at
from qcdc_cli.extract.named import _NAMED, _NUMBER_AFTER, named_matches, number_follows
from qcdc_cli.extract.relations import _BREAKS, Breaks, Ranges
from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.numbers import _GLUED_CODES, _GLUED_SO, glued_codes_matches, glued_so_places
from qcdc_cli.read.layout import (
    _ENDS_SENTENCE,
    _cut,
    _ends_sentence,
    _newline_offsets,
    _wrap_cuts,
    _wrap_cuts_by_line,
    join_wrapped_text,
)
from qcdc_cli.terminal import _RAW_IN_JSON, json_bytes, json_text

_NAME_PARTS = [
    "Luật", "Bộ luật", "luật", "Pháp lệnh", "Hiến pháp", "Hiến", "Lao động", "Thực hiện", "dân chủ", " năm 2013",
    " năm 20", "ngày 19 tháng 6 năm 2015", " ngày 1/7/2016", " số 10/2022/QH15", "và", "của", " ", "  ", "\t", "\n",
    ",", ";", "x", "Đ", "xLuật", "1", "ß",
]  # fmt: skip


def _spans(matches):
    return [(m.span(), m.groupdict()) for m in matches]


@given(st.lists(st.sampled_from(_NAME_PARTS), max_size=40).map("".join))
def test_named_matches_are_the_scan(text):
    assert _spans(named_matches(text)) == _spans(_NAMED.finditer(text))


_LINE_PARTS = [
    "\n", "\r\n", "\n\n", "Một hai ba", "một", "a b c", "đang", "1", "(x)", "x", ".", ":", "…", "”", " ", "\t",
    "- ", "1. ", "a) ", "IV. ", "Điều 2", "Chương I", "A", "\u00a0", "\x1c", " của", "của", " và ", "Ban", " ủy", "Lục", " uỷ ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_LINE_PARTS), max_size=40).map("".join))
def test_wrapped_lines_found_by_one_scan_are_those_found_line_by_line(text):
    assert _wrap_cuts(text) == _wrap_cuts_by_line(text)
    assert join_wrapped_text(text) == _cut(text, _wrap_cuts_by_line(text))


@given(
    st.lists(
        st.sampled_from([".", ";", ":", "!", "?", "…", "'", '"', "”", "’", ")", "]", "a", " ", "\n"]), max_size=8
    ).map("".join)
)
def test_sentence_end_read_from_the_end_is_the_regex(line):
    body = line.rstrip()  # what the caller passes: a line stripped at its end
    assert _ends_sentence(body) == bool(_ENDS_SENTENCE.search(body))


_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(st.characters(codec=None, exclude_categories=())),  # surrogates, controls, bidi
    st.text(st.sampled_from(["a", "ệ", "\u00a0", "\u0085", "\u061c", "\u200b", "\u2028", "\u2067", "\ufeff", "“"])),
)
_JSON_DATA = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20,
)


@given(_JSON_DATA)
def test_json_bytes_are_the_json_text_encoded(data):
    raw = json_bytes(data)
    assert raw is None or raw == json_text(data).encode("utf-8")
    if raw is None:  # only where orjson cannot write it or an escape is needed
        try:
            plain = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
        except TypeError:
            return
        assert _RAW_IN_JSON.search(plain)


def test_print_json_writes_the_bytes_of_the_text(capsysbinary):
    from qcdc_cli.cli._console import print_json

    for data in ({"a": "Kế hoạch số 62-KH/TU “x”", "n": [1, None]}, {"bidi": "\u202e\u200b"}, {"p": "k\udcff"}):
        print("before", end="")  # text written first stays first
        print_json(data)
        assert capsysbinary.readouterr().out == b"before" + (json_text(data) + "\n").encode("utf-8", "surrogatepass")
    assert json_bytes({"a": "Kế hoạch"}) is not None  # the fast path is the one taken


_SO_PARTS = [
    "số", "Số", "SỐ", "sỐ", "ố", "Ố", "s", " ", "\t", ":", "1492", "12", "123456", "/", "2020", "QĐTTg", "NĐCP",
    "Qđ", "x", "Đ", "-", "\n", "5a",
]  # fmt: skip


_GLUED_NUMBER = st.tuples(
    st.sampled_from(["số", "Số", "SỐ", "sỐ", "xsố", ""]),
    st.sampled_from(["", " ", ":", " : ", "\t"]),
    st.sampled_from(["1492", "5a", "123456", "x"]),
    st.sampled_from(["/", " / ", "-"]),
    st.sampled_from(["", "2020/", "2020 / "]),
    st.sampled_from(["QĐTTg", "NĐCP", "Qđ", "QĐ-TTg", "ĐĐĐĐĐĐĐĐĐĐĐĐĐ"]),
    st.sampled_from(["", " ", "x", "/", "1", "ố"]),
).map("".join)


@given(st.lists(st.one_of(st.sampled_from(_SO_PARTS), _GLUED_NUMBER), max_size=12).map("".join))
def test_glued_number_places_are_the_scans(text):
    assert glued_so_places(text) == [g.start() for g in _GLUED_SO.finditer(text)]
    fields = ("n", "year", "code")
    expected = [(m.start("n"), m.end(), m.group(*fields)) for m in _GLUED_CODES.finditer(text)]
    assert [(m.start("n"), m.end(), m.group(*fields)) for m in glued_codes_matches(text)] == expected


_BREAK_PARTS = [
    ".", ";", "!", "?", ":", "\n", " ", "\t", "\r", "-", "+", "•", "*", "1", "12", "I", "V", "X", "a", ")", "Đ",
    "\n\n", ":\n", "1.", "\nI.", "–", " " * 40, "1" * 50, "-\n" * 20, "IVX" * 10, "Kế hoạch số 1-KH/TU",
]  # fmt: skip


@given(
    st.lists(st.sampled_from(_BREAK_PARTS), max_size=60).map("".join),
    st.lists(st.tuples(st.integers(-3, 700), st.integers(-3, 700), st.booleans()), min_size=1, max_size=8),
)
def test_same_sentence_is_no_break_of_the_whole_text_between(text, queries):
    """Asked on a fresh Breaks (the early-stopping scan) or after regions were scanned
    (`between` first), the answer is the whole-text scan's."""
    everywhere = [m.start() for m in _BREAKS.finditer(text)]
    breaks = Breaks(text)
    for a, b, scan_first in queries:
        lo, hi = (a + 1, b) if a < b else (b, a + 1)
        if scan_first:
            breaks.between(lo - 50, hi + 50)
        assert breaks.same_sentence(a, b) == (not any(lo <= s < hi for s in everywhere))


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=6),
    st.integers(-5, 70),
    st.integers(-5, 70),
)
def test_ranges_meet_a_span_when_a_position_of_it_is_inside(ranges, lo, hi):
    r = Ranges(ranges)
    assert r.meets(lo, hi) == any(p in r for p in range(lo, hi))


_NAMED_LINE = st.tuples(
    st.sampled_from(["Căn cứ ", "Thực hiện ", "Bãi bỏ ", "Theo ", "", "x ", "Điều 1. Thực hiện ", "- "]),
    st.sampled_from(
        [
            "Luật Tổ chức chính quyền địa phương",
            "Hiến pháp",
            "Bộ luật Lao động",
            "Luật Đất đai",
            "Luật Thực hiện dân chủ ở cơ sở",
            "Nghị quyết số 12-NQ/TW",
            "Pháp lệnh Dân số",
        ]
    ),
    st.sampled_from(["", " năm 2013", " ngày 19 tháng 6 năm 2015", " số 10/2022/QH15", " của Quốc hội"]),
    st.sampled_from([";\n", ",\n", ".\n", " ", "; ", " và ", "\nQUYẾT ĐỊNH:\n", "\n\n" + "x " * 40]),
).map("".join)
_NAMED_HEADERS = [
    "",
    "ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 5/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc ban hành quy chế\n",
    "TỈNH ỦY HUẾ\nSố 5-KH/TU\nKẾ HOẠCH\nthực hiện công tác\n",
    "TỈNH ỦY HUẾ\nSố 5-KH/TU\nKẾ HOẠCH\nthực hiện ",
]  # the title (preamble) goes on: fmt: skip


@given(st.sampled_from(_NAMED_HEADERS), st.lists(_NAMED_LINE, max_size=8).map("".join))
def test_named_references_skip_the_cue_search_only_where_it_cannot_count(vocab, header, lines):
    """A name's cue counts only when it starts in the preamble: where no preamble meets its
    window the search is skipped; the result is the one with the search everywhere."""
    text = header + lines
    fast = extract_text(text, vocab).named_references
    with patch.object(Ranges, "meets", lambda self, lo, hi: True):
        assert extract_text(text, vocab).named_references == fast


@given(st.text(st.sampled_from(["\n", "a", "ệ", "\r", " "]), max_size=30), st.integers(-1, 2))
def test_newline_offsets_are_the_scans(text, shift):
    assert _newline_offsets(text, shift) == [m.start() + shift for m in re.finditer("\n", text)]


_AFTER_NAME_PARTS = [
    " ", "\t", ",", ":", "số", "Số", "SỐ", "so", "SO", "sỐ", "1", "năm", "Năm", "2015", "1999", "20155", "x", "\n",
    " năm 2015", " năm 20155", "  năm\t1999x", " năm 1899", ", số 1", " số: 2", " so :: 3", ",, số 4",
]  # fmt: skip


@given(st.lists(st.sampled_from(_AFTER_NAME_PARTS), max_size=12).map("".join), st.integers(0, 3))
def test_bounded_windows_match_what_the_unbounded_patterns_match(text, pos):
    """The regex module scans to the end of the text for a pattern's literal before an
    unbounded `match`; the bounded windows give the same answers."""
    pos = min(pos, len(text))
    assert portal_year_at(text, pos) == (_PORTAL_YEAR.match(text, pos) is not None)
    assert number_follows(text, pos) == (_NUMBER_AFTER.match(text, pos) is not None)
