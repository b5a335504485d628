"""Each fast path of extraction against the plain definition it replaces (issue 13).

The speed-ups try a pattern only where its first word is, skip work whose result is known,
or write bytes instead of text; each is checked here against the plain computation on
random inputs made of the pieces that matter, so a speed-up that changes a result fails.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from qcdc_cli.extract.named import _NAMED, named_matches
from qcdc_cli.read.layout import (
    _ENDS_SENTENCE,
    _cut,
    _ends_sentence,
    _wrap_cuts,
    _wrap_cuts_by_line,
    join_wrapped_text,
)

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
    "- ", "1. ", "a) ", "IV. ", "Điều 2", "Chương I", "A", "\u00a0", "\x1c",
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
