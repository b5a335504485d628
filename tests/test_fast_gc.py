"""A fast run (check, extract, trace, show, coverage) makes the cycle collector's young generation larger
(cli._fast.YOUNG) while it runs, and freezes what it made when it exits (the process
ends); when Typer answers instead, nothing is frozen and the threshold is given back."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from qcdc_cli.cli import _check_body, _fast, make_spec

DRAFT = str(REPO / "samples" / "hatinh_02-NQ-TU_2017.txt")


@pytest.fixture
def spec_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QCDC_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.delenv("QCDC_FAST", raising=False)
    monkeypatch.delenv("QCDC_DEBUG", raising=False)
    path, key = _fast._cache_file()
    assert path is not None
    _fast._update(path, key, "spec", "check", make_spec("check"))


def test_the_body_runs_with_the_larger_young_generation(spec_cached: None, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, ...]] = []

    def body(**kwargs: Any) -> int:
        seen.append(gc.get_threshold())
        return 0

    monkeypatch.setattr(_check_body, "run", body)
    before = gc.get_threshold()
    try:
        with pytest.raises(SystemExit) as done:
            _fast.attempt(["check", DRAFT], make_spec)
        assert done.value.code == 0
        assert seen == [(_fast.YOUNG, *before[1:])]
        assert gc.get_freeze_count() > 0  # what the run made, for the way out
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_a_run_typer_answers_keeps_the_threshold(spec_cached: None) -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    assert _fast.attempt(["check", "-fjson", DRAFT], make_spec) is None  # not the fast parse's
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen


def test_a_lineage_run_takes_the_same_collector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from qcdc_cli.cli import _trace_body

    seen: list[tuple[int, ...]] = []

    def body(**kwargs: Any) -> int:
        seen.append(gc.get_threshold())
        return 0

    monkeypatch.delenv("QCDC_FAST", raising=False)
    monkeypatch.delenv("QCDC_DEBUG", raising=False)
    monkeypatch.setattr(_trace_body, "run", body)
    before = gc.get_threshold()
    try:
        with pytest.raises(SystemExit) as done:
            _fast.attempt(["trace", "13-KH/ĐUK", "--db", str(tmp_path / "i.sqlite")], make_spec)
        assert done.value.code == 0
        assert seen == [(_fast.YOUNG, *before[1:])]
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == before
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
