"""The cross-run cache of compiled patterns (knowledge.patterns): a pattern rebuilt from
the file is the pattern `regex.compile` makes, and a file it cannot trust is ignored."""

from __future__ import annotations

import functools
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex
from conftest import REPO, SAMPLE_FILES
from hypothesis import given
from hypothesis import strategies as st

from qcdc_cli.extract.mentions import patterns
from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge import patterns as cache
from qcdc_cli.knowledge.vocabulary import Vocabulary

_EARLIER: dict[tuple[str, int], regex.Pattern[str]] = {}  # compiled before a test's fresh state


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The module's state as in a new process, its file in `tmp_path` (restored after)."""
    monkeypatch.setenv("QCDC_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("QCDC_PATTERN_CACHE", raising=False)
    saved = (cache._compiled, cache._stored, cache._used, cache._new, cache._path)
    _EARLIER.update(cache._compiled)
    cache._compiled, cache._stored, cache._used, cache._new, cache._path = {}, None, set(), False, None
    try:
        yield tmp_path
    finally:
        cache._compiled, cache._stored, cache._used, cache._new, cache._path = saved


def _new_process(fresh: Path) -> None:
    cache.save()
    cache._compiled, cache._stored, cache._used, cache._new, cache._path = {}, None, set(), False, None


def _used_patterns(vocab: Vocabulary) -> list[tuple[str, int]]:
    for path in SAMPLE_FILES:  # every pattern the extractor compiles, module level and lazy
        extract_text(path.read_text(encoding="utf-8"), vocab)
    return sorted({*_EARLIER, *cache._compiled})


def test_every_pattern_rebuilt_from_the_file_is_regex_compile_s(fresh: Path, vocab: Vocabulary) -> None:
    keys = _used_patterns(vocab)
    assert len(keys) > 50
    for pattern, flags in keys:
        cache.compile_regex(pattern, flags)
    _new_process(fresh)
    assert list(fresh.glob("patterns-*.marshal"))
    for pattern, flags in keys:
        from_file = cache.compile_regex(pattern, flags)
        plain = regex.compile(pattern, flags)
        assert from_file is not plain
        assert from_file._pickled_data == plain._pickled_data  # type: ignore[attr-defined]
        assert (from_file.pattern, from_file.flags, from_file.groupindex) == (
            plain.pattern,
            plain.flags,
            plain.groupindex,
        )
    assert cache._new is False  # all found in the file: nothing to write again


SAMPLE_TEXT = "".join(path.read_text(encoding="utf-8") for path in SAMPLE_FILES)


@functools.cache
def _all_patterns(vocab: Vocabulary) -> list[tuple[regex.Pattern[str], regex.Pattern[str]]]:
    """(rebuilt from its program, compiled by regex) for every pattern extraction uses."""
    for path in SAMPLE_FILES:
        extract_text(path.read_text(encoding="utf-8"), vocab)
    found = [p for p in cache._compiled.values() if isinstance(p, regex.Pattern)]
    return [(cache._rebuild(p._pickled_data), regex.compile(p.pattern, p.flags)) for p in found]  # type: ignore[attr-defined]


@given(st.integers(0, len(SAMPLE_TEXT)), st.integers(1, 400), st.text(max_size=20))
def test_a_pattern_from_the_file_matches_as_the_compiled_one(
    vocab: Vocabulary, start: int, size: int, noise: str
) -> None:
    """Matches and captures of rebuilt programs (forward and REVERSE patterns) on random
    windows of the samples, with noise, are those of freshly compiled patterns."""
    text = SAMPLE_TEXT[start : start + size] + noise
    pairs = _all_patterns(vocab)
    assert len(pairs) > 50
    for rebuilt, plain in pairs:
        got = [(m.span(), m.groups()) for m in rebuilt.finditer(text)]
        assert got == [(m.span(), m.groups()) for m in plain.finditer(text)], plain.pattern[:80]


def test_a_damaged_or_foreign_file_is_ignored_and_rewritten(fresh: Path) -> None:
    cache.compile_regex(r"(?P<n>\d+)-KH/TU", regex.IGNORECASE)
    _new_process(fresh)
    (path,) = fresh.glob("patterns-*.marshal")
    good = path.read_bytes()
    head, digest, body = good.split(b"\n", 2)
    for bad in (
        good[: len(good) // 2],  # truncated
        head + b"\n" + digest + b"\n" + body[:-1] + bytes([body[-1] ^ 1]),  # one bit flipped
        head.replace(b"patterns 1", b"patterns 0") + b"\n" + digest + b"\n" + body,  # another format
        b"not a cache at all",
    ):
        path.write_bytes(bad)
        _new_process(fresh)
        assert cache._load() == {}
        got = cache.compile_regex(r"(?P<n>\d+)-KH/TU", regex.IGNORECASE)
        assert got.match("62-kh/tu").group("n") == "62"
        _new_process(fresh)
        assert path.read_bytes() == good  # compiled again and rewritten


def test_no_cache_folder_or_switched_off_means_plain_compile(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCDC_PATTERN_CACHE", "0")
    assert cache.compile_regex(r"a+b").match("aab")
    _new_process(fresh)
    assert not list(fresh.glob("patterns-*"))


_KEYS = """
import json, os
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge import patterns
vocab = load_vocabulary()
for path in {paths!r}:
    extract_text(open(path, encoding="utf-8").read(), vocab)
print(json.dumps(sorted(patterns._compiled)))
"""


def test_pattern_texts_are_the_same_in_every_process(tmp_path: Path) -> None:
    """Patterns built from sets or dicts must not depend on string hashing, or every run
    would miss the cache (and write it again)."""
    script = _KEYS.format(paths=[str(p) for p in SAMPLE_FILES])
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "QCDC_CACHE_DIR": str(tmp_path)}
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, env=env)
        assert done.returncode == 0, done.stderr
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1]


_WORDS = st.sampled_from(["Kế hoạch", "kế hoạch số", "Nghị quyết", "Chỉ thị", "Quyết định số", "Thông báo"])


@given(st.lists(st.one_of(_WORDS, st.text(alphabet=" \t:\nsốa1", max_size=4)), max_size=8), st.randoms())
def test_the_order_of_equally_long_type_words_does_not_change_a_match(
    vocab: Vocabulary, parts: list[str], shuffle: random.Random
) -> None:
    """The type-word alternation is sorted by length; words of one length used to come in
    set order (a new order each run), now in the vocabulary's. Any order of equally long
    words matches the same: two different words of one length never match the same text."""
    words = sorted(vocab.type_words, key=len, reverse=True)
    shuffled = sorted(shuffle.sample(words, len(words)), key=len, reverse=True)
    mine = patterns(vocab)
    assert mine.words_alt == "|".join(regex.escape(w) for w in words)
    other_alt = "|".join(regex.escape(w) for w in shuffled)
    other = regex.compile(mine.type_word_before.pattern.replace(mine.words_alt, other_alt), mine.type_word_before.flags)
    text = "".join(parts)
    for end in range(len(text) + 1):
        got = mine.type_word_before.search(text, 0, end)
        want = other.search(text, 0, end)
        assert (got and (got.span(), got.groupdict())) == (want and (want.span(), want.groupdict()))


@given(
    st.lists(
        st.sampled_from(["tỉnh ", "Tỉnh ", "thành phố ", "TP. ", "Huế", "Lai Châu", "Hà Nội", "x", " "]), max_size=6
    )
)
def test_the_order_of_equally_long_province_names_does_not_change_a_match(vocab: Vocabulary, parts: list[str]) -> None:
    """places._body_regex: names of one length used to come in set order, now in the
    gazetteer's; case-sensitive literals of one length never match the same text."""
    from qcdc_cli.knowledge.places import _body_regex

    mine = _body_regex(vocab)
    names = sorted(dict.fromkeys(n for p in vocab.provinces for n in p.names), key=len, reverse=True)
    alt = "|".join(regex.escape(n) for n in names)
    assert alt in mine.pattern
    for seed in range(3):
        shuffled = sorted(random.Random(seed).sample(names, len(names)), key=len, reverse=True)
        other = regex.compile(mine.pattern.replace(alt, "|".join(regex.escape(n) for n in shuffled)), mine.flags)
        for name in ("Lai Châu", "Thừa Thiên Huế", "Hà Nội", "Bà Rịa - Vũng Tàu"):
            text = "".join(parts) + name + "".join(reversed(parts))
            got = [(m.span(), m.group("name")) for m in mine.finditer(text)]
            assert got == [(m.span(), m.group("name")) for m in other.finditer(text)]


def test_locale_and_debug_patterns_are_never_stored(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Their programs depend on the run (its locale) or print while compiling."""
    cache.compile_regex(r"(?P<x>a)b", regex.IGNORECASE)
    before = set(cache._load())
    for flags in (regex.LOCALE, regex.DEBUG):
        assert cache.compile_regex("ab", flags).match("ab")
    capsys.readouterr()  # DEBUG's dump
    assert set(cache._load()) == before
    assert not {k for k in cache._compiled if k[1] & (regex.LOCALE | regex.DEBUG)}
