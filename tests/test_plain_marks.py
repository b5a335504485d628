"""render.plain writes a line of simple characters and combining diacritics (Vietnamese
typed decomposed) that fits without asking rich: each such character is at most one
cell for rich, and laid out the result is rich's, on random texts and trees."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from test_trace_plain import REPO, rich_text

from qcdc_cli.render.plain import COMBINING_RANGES, SIMPLE_RANGES, Branch, Styled, lay_out, to_rich


def test_every_combining_character_is_at_most_one_cell_for_rich():
    for low, high in COMBINING_RANGES:
        wide = [hex(c) for c in range(low, high + 1) if cell_len(chr(c)) > 1]
        assert not wide


SIMPLE = "".join(chr(c) for low, high in SIMPLE_RANGES for c in range(low, min(high, low + 40) + 1))
MARKS = "".join(chr(c) for low, high in COMBINING_RANGES for c in range(low, high + 1))
marked = st.text(alphabet=st.sampled_from(SIMPLE + MARKS * 3 + " " * 20 + "\n"), max_size=240)


@st.composite
def trees(draw, depth: int = 0) -> Branch:
    branch = Branch(Styled(draw(marked)), "dim")
    if depth < 3:
        branch.children.extend(draw(st.lists(trees(depth + 1), max_size=3)))
    return branch


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.builds(Styled, marked), trees()), min_size=1, max_size=3), st.integers(30, 200))
def test_marked_lines_lay_out_as_rich_lays_them_out(drawn, width):
    assert lay_out(drawn, width) == rich_text(to_rich(drawn), width)


def test_a_decomposed_line_that_fits_loads_no_rich():
    text = unicodedata.normalize("NFD", "Thực hiện Kết luận số 120-KL/TW của Bộ Chính trị")
    code = (
        "import sys; from qcdc_cli.render.plain import Styled, lay_out\n"
        f"out = lay_out([Styled({text!r})], 200)\n"
        "assert out == " + repr(text + "\n") + ", out\n"
        "print('rich' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "False"
