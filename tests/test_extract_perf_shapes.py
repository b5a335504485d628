"""Extraction on the input shapes that once made it super-linear, and its fast paths.

The shapes (numbers on one long line, a table of cited plans, a file of newlines, ...) are
timed at 256 KB and 1 MB by benchmarks/bench_extract.py; here they run at a small size and
the RESULT is checked, so a speed-up that changes what is extracted fails a test. The
properties check each fast path against the plain definition it replaces (a whole-text
scan, a regex `finditer` or `sub`), which is what keeps the results identical.
"""

from __future__ import annotations

from collections import Counter

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from qcdc_cli.extract.header import _SegmentLines, _strip_markdown
from qcdc_cli.extract.mentions import _SPACES
from qcdc_cli.extract.mentions import patterns as _patterns
from qcdc_cli.extract.relations import (
    _BREAKS,
    _COORDINATION,
    _SPLIT_ONLY_SPACES,
    _cue_matches,
    _sentence_text,
)
from qcdc_cli.extract.relations import Breaks as _Breaks
from qcdc_cli.extract.text import extract_text
from qcdc_cli.read.normalize import LineIndex

N = 2000  # rows, lines or repetitions: large enough for a quadratic pass to show, fast when linear


def _codes(extraction) -> Counter[str]:
    return Counter(p.code for p in extraction.problems)


def test_numbers_on_one_line(vocab):
    text = "".join(f"{i}-KH/TU " for i in range(1, N + 1))
    x = extract_text(text, vocab)
    assert [r.number for r in x.references] == [f"{i}-KH/TU" for i in range(1, N + 1)]
    sixth = x.references[5].mentions[0]
    assert (sixth.line, sixth.column, sixth.as_written) == (1, text.index("6-KH/TU") + 1, "6-KH/TU")


def test_one_number_repeated_on_one_line(vocab):
    x = extract_text("1-KH/TU " * N, vocab)
    assert [(r.number, len(r.mentions)) for r in x.references] == [("1-KH/TU", N)]


def test_so_number_lines(vocab):
    x = extract_text("".join(f"Số {i}-KH/TU\n" for i in range(1, N + 1)), vocab)
    assert (x.self.number, x.self.line) == ("1-KH/TU", 1)  # the first line is the header
    assert len(x.references) == N - 1
    assert x.references[-1].mentions[0].line == N


def test_same_number_lines_are_self_mentions(vocab):
    x = extract_text("Số 1-KH/TU\n" * N, vocab)
    assert x.self.number == "1-KH/TU"
    assert x.references == []
    assert _codes(x)["self-mention"] == N - 1


def test_chain_of_implemented_plans(vocab):
    """ "Thực hiện Kế hoạch số 1-KH/TU, Thực hiện Kế hoạch số 2-KH/TU, ...": each plan is
    reported to implement the next, in one sentence that never ends."""
    x = extract_text("".join(f"Thực hiện Kế hoạch số {i}-KH/TU, " for i in range(1, N + 1)), vocab)
    assert len(x.references) == N
    assert len(x.reported_relations) == N - 1
    first = x.reported_relations[0]
    assert (first.source, first.relation, first.target, first.cue) == ("1-KH/TU", "implements", "2-KH/TU", "Thực hiện")
    assert len(first.text) == 400 and first.text.endswith("...")  # the run-on sentence is cut


def test_table_of_cited_plans(vocab):
    rows = "".join(
        f"| {i} | Kế hoạch số {i}-KH/TU ngày 3/4/2020 của Tỉnh ủy về công tác dân vận |\n" for i in range(1, N + 1)
    )
    x = extract_text("| STT | Văn bản |\n|---|---|\n" + rows, vocab)
    assert len(x.references) == N
    assert Counter((r.date, r.issuer, r.relation) for r in x.references) == {("2020-04-03", "Tỉnh ủy", "cites"): N}


def test_number_after_a_file_of_newlines(vocab):
    x = extract_text("\n" * 50_000 + "Kết luận số 120-KL/TW ngày 07/01/2016", vocab)
    ref = x.references[0]
    assert (ref.number, ref.date, ref.mentions[0].line) == ("120-KL/TW", "2016-01-07", 50_001)


def test_title_after_many_blank_lines(vocab):
    text = (
        "TỈNH ỦY HUẾ\nSố 5-KH/TU\nKẾ HOẠCH\n"
        + "\n \n" * 20_000
        + "về công tác dân vận\nThực hiện Kết luận số 120-KL/TW\n"
    )
    x = extract_text(text, vocab)
    assert (x.self.number, x.self.title) == ("5-KH/TU", "về công tác dân vận")
    assert [(r.number, r.relation) for r in x.references] == [("120-KL/TW", "implements")]


def test_signature_then_title_repeated(vocab):
    x = extract_text("KT. CHỦ TỊCH\nKế hoạch số 5-KH/TU\n" * 500, vocab)
    assert len(x.segments) == 501  # each title line after a signature starts a document
    assert {s.number for s in x.segments[1:]} == {"5-KH/TU"}
    assert x.segments[-1].start_line == 1000


def test_numbers_without_blocker_letters(vocab):
    """ "1-V/I": no letter other than I, V, X, so sentence breaks are read in one region."""
    x = extract_text("1-V/I " * N, vocab)
    assert [(r.number, len(r.mentions)) for r in x.references] == [("1-V/I", N)]


@pytest.mark.parametrize("fill", [" ", "\t", " ,"])
def test_a_long_gap_between_two_numbers(fill, vocab):
    """A run of spaces between two numbers once made the list check quadratic (35 s for 80,000)."""
    x = extract_text("Thực hiện Kế hoạch số 1-KH/TU" + fill * 50_000 + "2-KH/TU", vocab)
    listed = "implements" if "," in fill else "cites"  # a comma lists the second number with the first
    assert [(r.number, r.relation) for r in x.references] == [("1-KH/TU", "implements"), ("2-KH/TU", listed)]


@pytest.mark.parametrize("text", ["-" * 100_000, "*" * 100_000, " " * 100_000 + "x", "/" * 100_000])
def test_runs_of_one_character(text, vocab):
    x = extract_text(text, vocab)
    assert (x.references, x.reported_relations, len(x.segments)) == ([], [], 1)


# --- fast paths against their definitions -------------------------------------------------

_BREAK_PARTS = [".", ";", "!", "?", ":", "\n", " ", "\t", "\r", "-", "+", "•", "*", "1", "12", "I", "V", "X", "a", ")"]


@given(
    st.lists(st.sampled_from([*_BREAK_PARTS, "Đ", "\n\n", ":\n", "1.", "\nI.", "–"]), max_size=80).map("".join),
    st.lists(st.tuples(st.integers(-3, 90), st.integers(-3, 90)), min_size=1, max_size=8),
)
def test_breaks_found_around_a_place_are_those_of_the_whole_text(text, queries):
    everywhere = [m.start() for m in _BREAKS.finditer(text)]
    breaks = _Breaks(text)
    for lo, hi in queries:
        assert breaks.between(lo, hi) == [b for b in everywhere if lo <= b < hi]
        inside = [b for b in everywhere if min(lo, hi) < b < max(lo, hi)] if lo < hi else None
        if inside is not None:
            assert breaks.same_sentence(lo, hi) == (not inside)


_CUE_PARTS = ["thực hiện", "THỰC HIỆN", "Thực\n hiện", "căn cứ vào", "ſửa đổi", "sửa đổi, bổ sung", "triển \u212ahai"]


@given(
    st.lists(st.sampled_from([*_CUE_PARTS, "ß", "İ", "x", " ", "\n", "bãi bỏ", "hủy bỏ", "a"]), max_size=25).map(
        "".join
    ),
    st.integers(0, 200),
    st.integers(0, 200),
)
def test_cues_tried_at_first_words_are_the_cues_a_scan_finds(vocab, text, lo, hi):
    pats = _patterns(vocab)
    lo, hi = min(lo, len(text)), min(max(lo, hi), len(text))
    expected = [m.span() for m in pats.cues.finditer(text, lo, hi)]
    assert [m.span() for m in _cue_matches(text, lo, hi, pats)] == expected


# The list-joining pattern as first written (extract.py keeps it in a comment): the
# possessive version must accept exactly the same gaps.
_PLAIN_COORDINATION = regex.compile(
    r"[\s,]*(?:ngày[\s,]*)?(?:của[ \t]+[^;:.\n,]{0,100}?)?[ \t]*(?:,|;|và|cùng|,[ \t]*và)[ \t]*"
    r"(?:\p{L}+(?:[ \t]+\p{L}+){0,4}[ \t]*(?:số)?[ \t]*:?)?[ \t]*",
    regex.IGNORECASE,
)
_GAP_PARTS = [
    " ",
    "  ",
    "\t",
    "\n",
    ",",
    ";",
    "và",
    "VÀ",
    "cùng",
    "ngày",
    "của",
    "Bộ Chính trị",
    "số",
    ":",
    "1",
    "x",
    ".",
]


@given(st.lists(st.sampled_from(_GAP_PARTS), max_size=14).map("".join))
def test_list_gap_pattern_accepts_what_the_plain_pattern_accepts(gap):
    assert (_COORDINATION.fullmatch(gap) is None) == (_PLAIN_COORDINATION.fullmatch(gap) is None)


@pytest.mark.parametrize("length", [95, 99, 100, 101, 105])
@pytest.mark.parametrize("tail", [",", ", Kết luận", " và x", ";", "  1"])
def test_list_gap_pattern_at_the_length_limit_of_the_body(length, tail):
    for body in ("x" * length, ("x " * length)[:length], " " * length):
        gap = "của " + body + "  " + tail
        assert (_COORDINATION.fullmatch(gap) is None) == (_PLAIN_COORDINATION.fullmatch(gap) is None), gap


_MARKDOWN = regex.compile(r"^[\s#>*_]+|[\s*_]+$")


@given(
    st.lists(st.sampled_from([" ", "\t", "\n", "#", ">", "*", "_", "a", "Đ", "\u00a0", "\x1c"]), max_size=12).map(
        "".join
    )
)
def test_markdown_strip_is_the_regex_substitution(line):
    assert _strip_markdown(line) == _MARKDOWN.sub("", line)


@given(
    st.lists(
        st.sampled_from([" ", "  ", "\n", "\t", ";", ":", "ab", "\u00a0", "\x1c", "\u2028", "x" * 30]), max_size=200
    ).map("".join),
    st.integers(0, 2000),
    st.integers(0, 2000),
)
def test_reported_sentence_is_the_cleaned_slice(text, start, end):
    start, end = min(start, len(text)), min(max(start, end), len(text))
    cleaned = _SPACES.sub(" ", text[start:end]).strip(" \t\r\n;:")
    expected = cleaned[:397] + "..." if len(cleaned) > 400 else cleaned
    assert _sentence_text(text, start, end) == expected


def test_split_only_spaces_are_what_str_split_and_regex_disagree_on():
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    by_regex = set(regex.findall(r"\s", every))
    by_python = {c for c in every if c.isspace()}
    assert by_python - by_regex == set(_SPLIT_ONLY_SPACES)
    assert by_regex <= by_python


@given(st.lists(st.sampled_from(["\n", "a", "bc", "\n\n"]), max_size=15).map("".join), st.data())
def test_segment_lines_are_the_lines_of_the_slice(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    expected: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        expected.append((pos, stop))
        pos = stop + 1
    lines = _SegmentLines(LineIndex(text), start, end)
    assert [lines[j] for j in range(lines.count)] == expected
    assert lines.slice(0, len(expected) + 2) == expected
    assert lines.slice(1, 3) == expected[1:3]
    for j, (line_start, line_end) in enumerate(expected):
        assert lines.index_of(line_start) == j
        if line_end < end:  # the newline ending the line belongs to it
            assert lines.index_of(line_end) == j
