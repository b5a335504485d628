"""The fast paths of knowledge/places.py against their plain versions: the province scan
of a body (`body_matches` against `finditer`) and the gazetteer's keys made in bulk
(against `unit_key`/`loose_key` one name at a time)."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from qcdc_cli.knowledge import places
from qcdc_cli.knowledge.registry import load_vocabulary

_VOCAB = load_vocabulary()
_BODY = places._body_regex(_VOCAB)


def _strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _spellings(name: str) -> list[str]:
    """A name as texts write it: as is, capitals, lower case, without diacritics, with
    "Ð" (U+00D0) for "Đ", decomposed, wrapped across a line."""
    out = [name, name.upper(), name.lower(), _strip(name), _strip(name).upper()]
    out += [s.replace("Đ", "\u00d0").replace("đ", "\u00f0") for s in out[:2]]
    out += [unicodedata.normalize("NFD", name), name.replace(" ", "\n", 1), name.replace(" ", "  ")]
    return out


_NAMES = sorted({s for p in _VOCAB.provinces for n in (*p.names, *p.places) for s in _spellings(n)})
_CUES = sorted(
    {
        s
        for cue in ("tỉnh", "Tỉnh", "thành phố", "Thành phố", "Tỉnh ủy", "Tỉnh uỷ", "Thành ủy", "TP", "TP.", "Tp.")
        for s in _spellings(cue)
    }
    | {"tỉn", "Thành", "thành  phố", "T", "t", "TPP"}
)
_PROSE = ["trên địa bàn", "hòa bình", "Hòa Bình", "ban hành", "chỉnh", "x", "A", "ỉnh", "hành", "phố", "ủy", "Đ", "ð"]
_GLUE = ["", " ", "  ", "\t", "\n", ", ", ".", "(", ")", "\u0301", "-"]
_piece = st.one_of(st.sampled_from(_NAMES), st.sampled_from(_CUES), st.sampled_from(_PROSE), st.sampled_from(_GLUE))
_texts = st.lists(_piece, max_size=40).map("".join)


def _plain_scan(text: str) -> list[tuple[tuple[int, int], str, str]]:
    return [(m.span(), m[0], m["name"]) for m in _BODY.finditer(text)]


def _fast_scan(text: str) -> list[tuple[tuple[int, int], str, str]]:
    return [(m.span(), m[0], m["name"]) for m in places.body_matches(_BODY, text)]


@settings(max_examples=3000, deadline=None)
@given(_texts)
def test_body_matches_are_finditer(text: str) -> None:
    assert _fast_scan(text) == _plain_scan(text)
    plain = places._plain(text)
    assert _fast_scan(plain) == _plain_scan(plain)


def test_body_matches_finds_something() -> None:
    """The comparison above is not vacuous: names after a cue are found, glued ones not."""
    text = "trên địa bàn tỉnh Tuyên Quang, Thành phố Hà Nội; TP. Hồ Chí Minh và xtỉnh Lai Châu"
    assert [m["name"] for m in places.body_matches(_BODY, text)] == ["Tuyên Quang", "Hà Nội", "Hồ Chí Minh"]
    assert _fast_scan(text) == _plain_scan(text)


def test_body_starts_cover_the_pattern() -> None:
    """Each alternative of the pattern's opening group begins with one of `_BODY_STARTS`."""
    opening = _BODY.pattern.split("(?:", 1)[1].split(")", 1)[0]
    for alternative in opening.split("|"):
        literal = alternative.replace("\\.?", "").replace("\\", "")
        assert literal.startswith(places._BODY_STARTS), alternative


_LETTERS = (
    "aAđĐðÐoOuUyYhHnN .\t" + "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b" + "òóỏõọÒÓỎÕỌùúủũụÙÚỦŨỤỳýỷỹỵỲÝỶỸỴàÀơƠưƯ"
)
_names = st.lists(st.text(alphabet=_LETTERS, max_size=12), min_size=1, max_size=30)


@settings(max_examples=2000, deadline=None)
@given(_names)
def test_many_keys_are_the_keys_one_at_a_time(names: list[str]) -> None:
    assert places.many_keys(names) == [(places.unit_key(n), places.loose_key(n)) for n in names]


def test_many_keys_with_a_newline_in_a_name() -> None:
    names = ["Tam Đường", "Hoà\nBình", "Thuỷ"]
    assert places.many_keys(names) == [(places.unit_key(n), places.loose_key(n)) for n in names]


def test_gazetteer_is_the_table_filed_one_unit_at_a_time() -> None:
    from importlib.resources import files

    text = files("qcdc_cli.knowledge").joinpath(places._TABLE).read_text(encoding="utf-8")
    plain = places.Gazetteer()
    for unit in places._parse_table(text):
        plain.add(unit)
    fast = places.gazetteer()
    assert len(fast.by_key) > 5000
    assert list(fast.by_key.items()) == list(plain.by_key.items())
    assert list(fast.by_loose.items()) == list(plain.by_loose.items())


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from([places.DISTRICT_KINDS, places.COMMUNE_KINDS]),
    st.lists(
        st.sampled_from(
            ["Thị", "trấn", "xã", "Xã", "Phường", "Huyện", "Quận", "Thành", "phố", "Thị xã", " ", "", "Bản Hon"]
        )
    ).map(" ".join),
)
def test_split_kind_is_the_longest_kind_first(kinds: tuple[str, ...], full: str) -> None:
    expected = ("", full)
    for kind in sorted(kinds, key=len, reverse=True):
        if full.startswith(kind + " "):
            expected = (kind, full[len(kind) + 1 :])
            break
    assert places._split_kind(full, kinds) == expected
