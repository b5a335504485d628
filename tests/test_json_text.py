"""terminal.json_text writes what the standard library writes, whichever encoder runs."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from qcdc_cli.terminal import _RAW_IN_JSON, json_text

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(st.characters(codec=None, exclude_categories=())),  # surrogates, controls, bidi
    st.sampled_from(["Kế hoạch số 62-KH/TU", "Ð\u0301", "\u202e\u200b\x1b[31m", "\ud800"]),
)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20,
)


def _reference(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@given(DATA)
def test_indented_json_is_the_standard_librarys(data: object) -> None:
    assert json_text(data) == _reference(data)


@given(st.recursive(st.floats(allow_nan=False, allow_infinity=False), lambda inner: st.lists(inner, max_size=3)))
def test_floats_keep_their_value(data: object) -> None:
    assert json.loads(json_text(data)) == data


def test_data_orjson_cannot_write_falls_back_to_the_standard_library() -> None:
    data = {"path": "k\udcff.txt", "big": 2**80}
    assert json_text(data) == _reference(data)


def test_dataclasses_are_written_as_their_fields_by_either_encoder() -> None:
    from qcdc_cli.extract.text import extract_text
    from qcdc_cli.knowledge.registry import load_vocabulary

    found = extract_text("Thực hiện Kết luận số 120-KL/TW ngày 07/01/2016 của Bộ Chính trị.", load_vocabulary())
    assert json_text({"path": "a.txt", **found.fields()}) == _reference({"path": "a.txt", **found.to_dict()})
    odd = {"path": "k\udcff.txt", **found.fields()}  # orjson refuses it: the standard library writes it
    assert json_text(odd) == _reference({"path": "k\udcff.txt", **found.to_dict()})
