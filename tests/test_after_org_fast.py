"""The issuer after a number through `_after_org` (issue 13) against the plain pattern."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qcdc_cli.extract.mentions import _AFTER_ORG, _AFTER_ORG_DATE, _ORG_DATE_FIRST, _after_org, _first_after

_PARTS = [
    " ", "  ", "\t", ")", ",", ".", "\n", "“", '"', "1", "(", ";", ":", "của", "Của", "CỦA", "Bộ", "Ban", "ban hành",
    "Ban hành", "Chính trị", "Chính phủ", "Tỉnh ủy", "UBND", "về", "và", "Và", "ngày", "số", "thực hiện", "Ủy ban",
    " của Bộ", " của Ban", " Ban Chỉ đạo", "x", "Ab", "ſ", "K", "tỉnh Lào Cai", "Abcdefghijklmnopqrstuvwxyz", "Hà Nội Thành phố Hồ Chí Minh",
]  # fmt: skip


def _seen(m):
    return m and (m.span(), m.groupdict())


@settings(max_examples=1500)
@given(st.lists(st.sampled_from(_PARTS), max_size=30).map("".join), st.integers(0, 8), st.integers(0, 400))
def test_after_org_is_the_plain_pattern(text, pos, length):
    pos = min(pos, len(text))
    end = min(len(text), pos + length)
    assert _seen(_after_org(text, pos, end)) == _seen(_AFTER_ORG.match(text, pos, end))


def test_after_org_bodies_past_the_bound_fall_back() -> None:
    for n in (95, 99, 100, 101, 102, 130):
        text = " của B" + "x" * n + " về"
        assert _seen(_after_org(text, 0, len(text))) == _seen(_AFTER_ORG.match(text, 0, len(text)))
    assert _AFTER_ORG.match(" của B" + "x" * 99 + " về") is not None
    assert _AFTER_ORG.match(" của B" + "x" * 101 + " về") is None


@settings(max_examples=1500)
@given(
    st.lists(st.sampled_from([*_PARTS, "ngày 12/3/2020", " ngày 1 tháng 2 năm 2019", "c", "C", ",,"]), max_size=30).map(
        "".join
    ),
    st.integers(0, 8),
)
def test_org_date_starts_with_c_after_spaces_and_commas(text, pos):
    pos = min(pos, len(text))
    end = min(len(text), pos + 200)
    if _AFTER_ORG_DATE.match(text, pos, end) is not None:
        assert _first_after(text, pos, end, " \t,") in _ORG_DATE_FIRST
