"""The ingest summary's count of unresolved documents, remembered in the index
(index.incremental.unresolved_count), is the counted one after every kind of change: text
patched, files added, removed, renumbered (re-resolved), failing, or derived in full."""

from __future__ import annotations

import random
import shutil
from contextlib import closing
from pathlib import Path

import pytest
from test_incremental import REPO, _edit_number, _edit_own, _edit_text, _generate, _ingest, _utf8_files

from qcdc_cli.index.rows import UNRESOLVED_KEY
from qcdc_cli.index.store import Store
from qcdc_cli.knowledge.registry import load_registry, load_vocabulary


def _counted(db: Path) -> int:
    with Store.open_reader(db) as store:
        return store.unresolved_count()


@pytest.mark.parametrize("seed", [6, 7])
def test_the_remembered_count_is_the_counted_one_after_random_changes(tmp_path: Path, seed: int) -> None:
    vocab = load_vocabulary()
    registry = load_registry(())
    root = tmp_path / "c"
    _generate(root, 60, seed)
    shutil.copytree(REPO / "samples", root / "samples")
    rng = random.Random(seed)
    db = tmp_path / "i.sqlite"
    assert _ingest(root, db, vocab, registry).index["unresolved"] == _counted(db)
    ways = set()
    for round_ in range(12):
        files = _utf8_files(root)
        what = rng.choice(("none", "text", "number", "own", "add", "remove", "fail"))
        if what == "text":
            _edit_text(rng, rng.choice(files))
        elif what == "number":
            _edit_number(rng, rng.choice(files))
        elif what == "own":
            _edit_own(rng, rng.choice(files))
        elif what == "add":
            src = rng.choice(files)
            shutil.copyfile(src, src.with_name(f"copy{round_}_{src.name}"))
        elif what == "remove":
            rng.choice(files).unlink()
        elif what == "fail":
            rng.choice(files).write_bytes(b"")
        summary = _ingest(root, db, vocab, registry)
        ways.add(what)
        assert summary.index["unresolved"] == _counted(db), (round_, what)
    assert len(ways) >= 4, ways


def test_a_count_left_by_another_derivation_is_not_believed(tmp_path: Path) -> None:
    """The remembered count names the derived tables' key: one written under another
    key (another version's derivation) is counted again; one under this key is used."""
    vocab = load_vocabulary()
    registry = load_registry(())
    root = tmp_path / "c"
    shutil.copytree(REPO / "samples", root)
    db = tmp_path / "i.sqlite"
    real = _ingest(root, db, vocab, registry).index["unresolved"]
    assert real == _counted(db) and real > 0
    with Store.open_writer(db) as store:
        key = store.derived_state()[1]
        assert store.get_meta(UNRESOLVED_KEY) == f"{key}:{real}"
        store.set_meta(UNRESOLVED_KEY, f"not-{key}:{real + 7}")
    assert _ingest(root, db, vocab, registry).index["unresolved"] == real
    with Store.open_writer(db) as store:
        store.set_meta(UNRESOLVED_KEY, f"{key}:{real + 7}")
    assert _ingest(root, db, vocab, registry).index["unresolved"] == real + 7  # remembered, not counted


def test_a_re_resolution_moves_the_remembered_count_without_counting_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After files are added and removed (index.reresolve), the count is brought up to
    date from the rows that changed: the whole table is not counted, and the number is
    the counted one."""
    import sqlite3

    from qcdc_cli.index import queries

    vocab = load_vocabulary()
    registry = load_registry(())
    root = tmp_path / "c"
    _generate(root, 40, 8)
    shutil.copytree(REPO / "samples", root / "samples")
    db = tmp_path / "i.sqlite"
    _ingest(root, db, vocab, registry)
    counts: list[int] = []
    real = queries.unresolved_count
    monkeypatch.setattr(queries, "unresolved_count", lambda con: counts.append(1) or real(con))
    rng = random.Random(8)
    moved = 0
    for round_ in range(6):
        files = _utf8_files(root)
        if round_ % 2:
            rng.choice(files).unlink()
        else:
            src = rng.choice(files)
            shutil.copyfile(src, src.with_name(f"copy{round_}_{src.name}"))
            _edit_own(rng, src.with_name(f"copy{round_}_{src.name}"))
        counts.clear()
        summary = _ingest(root, db, vocab, registry)
        full_counts = len(counts)
        with closing(sqlite3.connect(db)) as con:
            assert summary.index["unresolved"] == real(con), round_
        moved += summary.derived_incrementally and not full_counts
    assert moved >= 3, moved
