"""The folder digests a re-ingest trusts instead of reading every files row back
(index.walkdigest) decide every file as the plain comparison does (every files row read
whole, `plan` over them), and a whole ingest over them ends as one without them: random
touches, edits, additions, removals, renames, moves, folders removed or replacing a
file; a killed run, a write by other code, --force, another extractor key, several
roots and a store that is not SQLite."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest
from ingest_fakes import fake_extract, write_corpus

from qcdc_cli.app import ingest as ingest_module
from qcdc_cli.app.ingest import Options, _digests, _gone, _known, extractor_key, ingest, plan
from qcdc_cli.index.store import Store
from qcdc_cli.index.walkdigest import META_KEY, Digests
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.read.walk import walk


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def _run(root: Path | list[Path], db: Path, vocab, **options) -> dict:
    roots = root if isinstance(root, list) else [root]
    with Store.open_writer(db) as store:
        events = list(ingest(roots, store, vocab, Options(jobs=1, **options), extractor=fake_extract))
    said = events[-1].summary.to_dict()
    said.pop("derive_seconds")
    return said


def _plain(store: Store, root: Path, key: str):
    walked = walk([os.path.abspath(root)])
    known = store.known_files()
    tasks, unchanged = plan(walked, known, key, False)
    return tasks, unchanged, _gone(walked, known.keys())


def _by_digests(store: Store, root: Path, key: str):
    """The comparison a run makes, without forgetting the digests (no write)."""
    walked = walk([os.path.abspath(root)])
    digests = Digests(walked, key, store.get_meta(META_KEY))
    answered = digests.known(store, walked) is not None
    known, same, gone = _known(store, walked, key, False, Digests(walked, key, store.get_meta(META_KEY)))
    tasks, unchanged = plan(walked, known, key, False, same)
    return (tasks, unchanged, gone), answered


def _triggers(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    finally:
        con.close()


def _meta(db: Path) -> str | None:
    con = sqlite3.connect(db)
    try:
        row = con.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
        return row[0] if row else None
    finally:
        con.close()


def _without_digests(db: Path, twin: Path) -> None:
    shutil.copy(db, twin)
    con = sqlite3.connect(twin)
    with con:
        con.execute("DELETE FROM meta WHERE key = ?", (META_KEY,))
        for name in ("insert", "update", "delete"):
            con.execute(f"DROP TRIGGER IF EXISTS qcdc_walk_digests_{name}")
    con.close()


def _files(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return (
            con.execute("SELECT path, size, mtime_ns, sha256, status, extractor FROM files ORDER BY path").fetchall()
            + con.execute("SELECT count(*) FROM documents").fetchall()
        )
    finally:
        con.close()


def _mutate(rng: random.Random, root: Path, seed: int) -> set[str]:
    """A few random changes to the tree; what kinds were made."""
    files = sorted(p for p in root.rglob("*.txt") if p.is_file())
    folders = sorted({p.parent for p in files} - {root})
    kinds = set()
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(["touch", "edit", "add", "remove", "rename", "move", "rmdir", "dir-for-file", "other"])
        files = sorted(p for p in root.rglob("*.txt") if p.is_file())
        if not files:
            break
        p = rng.choice(files)
        if kind == "touch":  # same bytes, another mtime
            os.utime(p, ns=(0, p.stat().st_mtime_ns + 1_000_000_000))
        elif kind == "edit":  # same size, same mtime: only the bytes differ
            st = p.stat()
            data = bytearray(p.read_bytes())
            data[-2] = ord("x") if data[-2] != ord("x") else ord("y")
            p.write_bytes(bytes(data))
            os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
        elif kind == "add":
            (p.parent / f"new-{seed}-{rng.randint(0, 9999)}.txt").write_text("Số 9-KH/TU\nmới\n", encoding="utf-8")
        elif kind == "remove":
            p.unlink()
        elif kind == "rename":  # os.rename keeps size and mtime
            p.rename(p.with_name("r" + p.name))
        elif kind == "move":
            p.rename(rng.choice(folders) / ("m" + p.name))
        elif kind == "rmdir":
            shutil.rmtree(rng.choice([f for f in folders if f.exists()] or [p.parent]))
        elif kind == "dir-for-file":
            p.unlink()
            p.mkdir()
        else:
            (p.parent / "notes.bin").write_bytes(b"x")
        kinds.add(kind)
    return kinds


def test_digests_decide_as_the_plain_comparison_and_ingest_ends_the_same(tmp_path: Path, vocab) -> None:
    key = extractor_key(vocab)
    answered = 0
    for seed in range(14):
        rng = random.Random(seed)
        root = tmp_path / f"c{seed}"
        write_corpus(root, 30)
        (root / "Hà_Tĩnh" / "sâu").mkdir()
        (root / "Hà_Tĩnh" / "sâu" / "kh_deep.txt").write_text("Số 77-KH/TU\nsâu\n", encoding="utf-8")
        (root / "kh_top.txt").write_text("Số 78-KH/TU\ngốc\n", encoding="utf-8")
        db = tmp_path / f"i{seed}.sqlite"
        _run(root, db, vocab, prune=bool(seed % 2))
        assert _meta(db) is not None and len(_triggers(db)) == 3
        for _round in range(3):
            kinds = _mutate(rng, root, seed)
            with Store.open_writer(db) as store:
                got, used = _by_digests(store, root, key)
                assert got == _plain(store, root, key), kinds
            answered += used
            twin = tmp_path / f"twin{seed}.sqlite"
            _without_digests(db, twin)
            prune = rng.random() < 0.7
            assert _run(root, db, vocab, prune=prune) == _run(root, twin, vocab, prune=prune)
            assert _files(db) == _files(twin)
            assert (_meta(twin) is None) == (_meta(db) is None)
    assert answered >= 14  # most comparisons were answered by the digests


def test_an_unchanged_run_reads_no_row_back(tmp_path: Path, vocab, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "c"
    write_corpus(root, 20)
    db = tmp_path / "i.sqlite"
    _run(root, db, vocab)

    def refused(*a, **k):
        raise AssertionError("rows compared one by one")

    monkeypatch.setattr(Store, "known_stats", refused)
    monkeypatch.setattr(Store, "known_files", refused)
    assert _run(root, db, vocab)["unchanged"] == 20


def test_a_killed_run_leaves_no_digests(tmp_path: Path, vocab, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "c"
    files = write_corpus(root, 20)
    db = tmp_path / "i.sqlite"
    _run(root, db, vocab)
    files[3].write_text(files[3].read_text(encoding="utf-8") + "\nThêm.\n", encoding="utf-8")

    def killed(*a, **k):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(ingest_module, "_write", killed)
        with pytest.raises(KeyboardInterrupt):
            _run(root, db, vocab)
    assert _meta(db) is None and _triggers(db) == []
    assert _run(root, db, vocab)["read"] == 1
    assert _meta(db) is not None


def test_a_write_by_other_code_forgets_the_digests(tmp_path: Path, vocab) -> None:
    root = tmp_path / "c"
    files = write_corpus(root, 20)
    db = tmp_path / "i.sqlite"
    _run(root, db, vocab)
    con = sqlite3.connect(db)
    with con:  # what an older qcdc or a hand-made edit could do
        con.execute("UPDATE files SET extractor = 'older' WHERE path = ?", (str(files[4]),))
    con.close()
    assert _meta(db) is None
    assert _run(root, db, vocab)["read"] == 1


def test_force_and_another_key(tmp_path: Path, vocab) -> None:
    root = tmp_path / "c"
    write_corpus(root, 20)
    db = tmp_path / "i.sqlite"
    _run(root, db, vocab)
    assert _run(root, db, vocab, force=True)["read"] == 20
    walked = walk([os.path.abspath(root)])
    with Store.open_writer(db) as store:
        said = store.get_meta(META_KEY)
        assert said is not None
        assert len(Digests(walked, extractor_key(vocab), said).matched) == 5
        assert Digests(walked, "another key", said).matched == set()
        assert Digests(walked, extractor_key(vocab), said, force=True).matched == set()


def test_several_roots_and_other_stores_keep_no_digests(tmp_path: Path, vocab) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_corpus(a, 5)
    write_corpus(b, 5, prefix="o")
    db = tmp_path / "i.sqlite"
    _run([a, b], db, vocab)
    assert _meta(db) is None
    assert _run([a, b], db, vocab)["unchanged"] == 10

    class NotSqlite:
        con = None

    assert _digests(NotSqlite(), walk([a]), "k", False) is None  # type: ignore[arg-type]


def test_a_folder_with_a_missing_file_kept_has_no_digest(tmp_path: Path, vocab) -> None:
    """Its rows are not what was walked: its files are compared row by row next time."""
    import json

    root = tmp_path / "c"
    files = write_corpus(root, 20)
    db = tmp_path / "i.sqlite"
    _run(root, db, vocab)
    files[0].unlink()
    assert _run(root, db, vocab)["missing"] == 1
    dirs = json.loads(_meta(db) or "{}")["dirs"]
    assert str(files[0].parent) not in dirs and str(files[1].parent) in dirs


@pytest.mark.parametrize("seed", range(5))
def test_the_walks_runs_group_files_as_their_paths_do(tmp_path: Path, seed: int) -> None:
    """Digests group files by folder from read.walk.Walk.runs, not from each path."""
    rng = random.Random(seed)
    folders = [tmp_path / "t"]
    for i in range(12):
        folders.append(rng.choice(folders) / f"{rng.choice('abz')}{i}")
        folders[-1].mkdir(parents=True)
    for i in range(40):
        (rng.choice(folders) / f"{rng.choice('acy')}{i}.txt").write_text("x" * i)
    loose = tmp_path / "loose.txt"
    loose.write_text("y")
    walked = walk([tmp_path / "t", loose, folders[3]])
    by_path: dict[str, list] = {}
    for c in walked.candidates:
        by_path.setdefault(c.path.rpartition(os.sep)[0], []).append(c)
    assert Digests(walked, "k", None).groups == by_path
    assert len(by_path) > 3


def test_names_that_are_not_utf8_are_compared_row_by_row(tmp_path: Path, vocab) -> None:
    """A folder (or file) whose name is not UTF-8 has BLOB paths in the index: it never
    gets a digest, and a run over it decides and ends as one without digests."""
    key = extractor_key(vocab)
    root = tmp_path / "c"
    write_corpus(root, 10)
    bad = os.fsencode(root) + b"/T\xe2y"
    os.mkdir(bad)
    for i in range(3):
        with open(bad + f"/kh_{i}.txt".encode(), "w", encoding="utf-8") as f:
            f.write(f"Số {i + 50}-KH/TU\nx\n")
    with open(os.fsencode(root / "Hà_Tĩnh") + b"/b\xffd.txt", "w", encoding="utf-8") as f:
        f.write("Số 60-KH/TU\ny\n")
    db = tmp_path / "i.sqlite"
    _run(root, db, vocab, prune=True)
    for step in range(3):
        if step == 1:
            os.remove(bad + b"/kh_0.txt")
        if step == 2:
            with open(bad + b"/kh_9.txt", "w", encoding="utf-8") as f:
                f.write("Số 70-KH/TU\nz\n")
        with Store.open_writer(db) as store:
            got, _ = _by_digests(store, root, key)
            assert got == _plain(store, root, key), step
        twin = tmp_path / "twin.sqlite"
        _without_digests(db, twin)
        assert _run(root, db, vocab, prune=True) == _run(root, twin, vocab, prune=True)
        assert _files(db) == _files(twin)


@pytest.mark.parametrize("said", ["not json", "[]", '{"key": 1}', '{"dirs": 3}'])
def test_digests_that_are_not_ours_are_none(tmp_path: Path, vocab, said: str) -> None:
    root = tmp_path / "c"
    write_corpus(root, 5)
    walked = walk([os.path.abspath(root)])
    assert Digests(walked, extractor_key(vocab), said).matched == set()
