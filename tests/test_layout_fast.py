"""read.layout's join_wrapped_text and remap_lines (rewritten for ingest speed: no list of
every character, the cheap test first) against their plain character-by-character
versions, kept here as the reference, on random texts and on the samples."""

from __future__ import annotations

import bisect
import copy
import itertools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.models import Extraction
from qcdc_cli.read import layout
from qcdc_cli.read.files import read_document

SAMPLES = Path(__file__).parent.parent / "samples"


def plain_join(text: str) -> str:
    """join_wrapped_text as it was: every character in a list, every test on every line."""
    lines = text.split("\n")
    out = list(text)
    pos = 0
    for a, b in itertools.pairwise(lines):
        end = pos + len(a)
        body = a.rstrip("\r").rstrip()
        dangles = body.endswith(tuple(" " + w for w in layout._DANGLING_WORDS)) and b.strip()
        head = b.lstrip()[:2]
        named_ends = (" ủy", " uỷ", " Ban", " Bộ", " Sở", " Thủ tướng", " Chủ tịch", " Trung ương")
        named = body.endswith(named_ends) and len(head) == 2 and head[0].isupper() and head[1].islower()
        if (
            len(body.split()) >= 3
            and not layout._ENDS_SENTENCE.search(body)
            and (layout._CONTINUES.match(b) or dangles or named)
            and not layout._LIST_ITEM.match(b.lstrip())
        ):
            out[end] = " "
            if a.endswith("\r"):
                out[end - 1] = " "
        pos = end + 1
    return "".join(out)


def plain_remap(extraction: Extraction, original: str, joined: str) -> Extraction:
    """remap_lines as it was: line starts found character by character."""
    if joined == original:
        return extraction
    starts = [0] + [i + 1 for i, ch in enumerate(joined) if ch == "\n"]
    breaks = [i for i, ch in enumerate(original) if ch == "\n"]

    def original_line(offset: int) -> int:
        return bisect.bisect_left(breaks, offset) + 1

    def from_logical(line: int | None) -> int | None:
        return original_line(starts[line - 1]) if line is not None and 0 < line <= len(starts) else line

    for ref in extraction.references:
        for m in ref.mentions:
            m.line = original_line(m.start)
            m.column = m.start - (breaks[m.line - 2] + 1 if m.line > 1 else 0) + 1
    for rel in extraction.reported_relations:
        rel.line = from_logical(rel.line) or rel.line
    for problem in extraction.problems:
        problem.line = from_logical(problem.line)
    for named in extraction.named_references:
        named.line = from_logical(named.line) or named.line
    for segment in extraction.segments:
        segment.start_line = original_line(segment.start)
    extraction.self.line = from_logical(extraction.self.line)
    return extraction


# lines that wrap and lines that do not: lower case and digit starts, list items, CRLF,
# sentence ends, short headings
PIECES = [
    "Thực hiện Kết luận số 120-KL/TW của Bộ Chính trị về",
    "Thực hiện Kế hoạch số 56-KH/HU của Ban Thường vụ Huyện ủy",
    "Lục Nam về thực hiện",
    "Quyết định số 1719/QĐ-TTg ngày 14/10/2021 của Thủ tướng",
    "Chính phủ phê duyệt Chương trình;",
    "Phó Trưởng Ban",
    "TỈNH ỦY BẮC GIANG",
    "Ngày 12/4, Ban Thường vụ Tỉnh uỷ ",
    "năm 2018 của",
    "tiếp tục thực hiện Chỉ thị số 30-CT/TW",
    "2016 của Ban Bí thư;",
    "- nội dung một",
    "a) điểm a",
    "1. Mục một",
    "KẾ HOẠCH",
    "Điều 1. Phạm vi",
    "(khóa XII) đã nêu rõ",
    "đ) điểm đ",
    "   thụt lề vào",
    "  a) điểm thụt lề",
    "  2. mục thụt lề",
    "",
    "\r",
    "câu kết thúc.",
    "III. Tổ chức",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.sampled_from(["\n", "\r\n"]))
def test_join_wrapped_text_is_the_plain_version(pieces: list[str], newline: str) -> None:
    text = newline.join(pieces)
    assert layout.join_wrapped_text(text) == plain_join(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .;\n\r-1)đ", max_size=200))
def test_join_wrapped_text_is_the_plain_version_on_any_text(text: str) -> None:
    assert layout.join_wrapped_text(text) == plain_join(text)


def test_remap_lines_is_the_plain_version_on_the_samples_and_wrapped_texts() -> None:
    vocab = load_vocabulary()
    texts = [read_document(path).text for path in sorted(SAMPLES.glob("*.txt"))]
    texts += ["\n".join(PIECES[i:] + PIECES[:i]) for i in range(len(PIECES))]
    wrapped = 0
    for text in texts:
        joined = layout.join_wrapped_text(text)
        wrapped += joined != text
        extraction = extract_text(joined, vocab)
        expected = plain_remap(copy.deepcopy(extraction), text, joined)
        assert layout.remap_lines(extraction, text, joined) == expected
    assert wrapped >= 5  # the remapping was exercised
