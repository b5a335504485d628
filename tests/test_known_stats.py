"""The re-ingest's fast comparison of a walk with the index (app.ingest._known over
Store.known_stats and known_files_at) decides every file as the plain one does (every
files row read whole, `plan` over them): random touches, edits, removals, additions,
failed rows, rows of another extractor and paths outside the walked folder."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest
from ingest_fakes import fake_extract, write_corpus

from qcdc_cli.app.ingest import Options, _gone, _known, extractor_key, ingest, plan
from qcdc_cli.index.store import Store
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.read.walk import walk


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def _plain(store: Store, root: Path, key: str, force: bool = False):
    walked = walk([os.path.abspath(root)])
    known = store.known_files()
    tasks, unchanged = plan(walked, known, key, force)
    gone = _gone(walked, known.keys())
    return tasks, unchanged, gone, {p: known[p] for p in gone}


def _fast(store: Store, root: Path, key: str, force: bool = False):
    walked = walk([os.path.abspath(root)])
    known, same, gone = _known(store, walked, key, force)
    tasks, unchanged = plan(walked, known, key, force, same)
    return tasks, unchanged, gone, {p: known[p] for p in gone}


@pytest.mark.parametrize("seed", range(6))
def test_the_fast_comparison_decides_as_the_plain_one(tmp_path: Path, vocab, seed: int) -> None:
    rng = random.Random(seed)
    root = tmp_path / "c"
    files = write_corpus(root, 40)
    other = tmp_path / "other"
    write_corpus(other, 3, prefix="o")
    db = tmp_path / "i.sqlite"
    with Store.open_writer(db) as store:
        list(ingest([root, other], store, vocab, Options(jobs=1), extractor=fake_extract))
    key = extractor_key(vocab)
    for p in rng.sample(files, 6):  # touched: same bytes, another mtime
        os.utime(p, ns=(0, os.stat(p).st_mtime_ns + 1_000_000_000))
    for p in rng.sample(files, 4):  # edited: another size
        p.write_text(p.read_text(encoding="utf-8") + "\nThêm.\n", encoding="utf-8")
    for p in rng.sample(files, 3):
        if p.exists():
            p.unlink()
    (root / f"new-{seed}.txt").write_text("Số 9-KH/TU\nmới\n", encoding="utf-8")
    con = sqlite3.connect(db)
    with con:
        paths = [r[0] for r in con.execute("SELECT path FROM files ORDER BY id")]
        for p in rng.sample(paths, 3):
            con.execute("UPDATE files SET status = 'failed', error = 'x' WHERE path = ?", (p,))
        for p in rng.sample(paths, 3):
            con.execute("UPDATE files SET extractor = 'older' WHERE path = ?", (p,))
        for p in rng.sample(paths, 2):
            con.execute("UPDATE files SET extractor = NULL WHERE path = ?", (p,))
    con.close()
    with Store.open_writer(db) as store:
        for force in (False, True):
            want = _plain(store, root, key, force)
            got = _fast(store, root, key, force)
            assert got == want
            tasks, unchanged, gone, _ = got
            assert len(tasks) + len(unchanged) == len(walk([root]).candidates)
            assert force or (tasks and unchanged and gone)


@pytest.mark.parametrize("seed", range(8))
def test_one_root_finds_what_is_gone_as_the_plain_comparison(tmp_path: Path, vocab, seed: int) -> None:
    """An index of one folder walked again (what `_known` answers without comparing
    every indexed path with the walk when the counts say nothing is gone): random
    touches, edits, removals, additions and failed rows, each alone or together, and a
    folder that stands where an indexed file was."""
    rng = random.Random(seed)
    root = tmp_path / "c"
    files = write_corpus(root, 30)
    db = tmp_path / "i.sqlite"
    with Store.open_writer(db) as store:
        list(ingest([root], store, vocab, Options(jobs=1), extractor=fake_extract))
    key = extractor_key(vocab)
    if seed % 2:
        for p in rng.sample(files, 3):
            os.utime(p, ns=(0, os.stat(p).st_mtime_ns + 1_000_000_000))
    if seed % 3 == 0:
        (root / f"new-{seed}.txt").write_text("Số 9-KH/TU\nmới\n", encoding="utf-8")
    removed = rng.sample(files, seed % 4)
    for p in removed:
        p.unlink()
    if seed == 5:
        removed[0].mkdir()  # a folder where a file was: walked, not gone
    if seed >= 6:
        con = sqlite3.connect(db)
        with con:
            con.execute("UPDATE files SET status = 'failed', error = 'x' WHERE id = 1")
        con.close()
    with Store.open_writer(db) as store:
        for force in (False, True):
            assert _fast(store, root, key, force) == _plain(store, root, key, force)
        assert len(_fast(store, root, key, False)[2]) == len(removed) - (seed == 5)
