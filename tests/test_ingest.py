"""`ingest`: incremental, parallel, crash-safe reading of folders into the index.

Every test with an index runs on both backends (`index_db`/`new_index` in conftest: an
SQLite file, then a new PostgreSQL database, marked `postgres`); the one test of what
only SQLite does (a second ingest refused by the file lock) says so."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from index_dump import dump as index_dump
from ingest_fakes import SEGMENT_MARK, fake_extract, plan_text, write_corpus

from qcdc_cli.app import ingest as ingest_module
from qcdc_cli.app.ingest import Deriving, FileDone, Finished, Options, Planned, Summary, ingest
from qcdc_cli.errors import StoreError
from qcdc_cli.index import derived as derived_module
from qcdc_cli.index.backend import open_reader, open_writer
from qcdc_cli.index.dburl import db_url
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.read.walk import walk

TESTS = Path(__file__).parent
REPO = TESTS.parent
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(scope="module")
def vocab():
    return load_vocabulary()


def run(
    paths: list[Path], db: Path, vocab, extractor: Callable = fake_extract, registry=None, **options
) -> tuple[Summary, list]:
    options.setdefault("jobs", 1)
    with open_writer(db) as store:
        events = list(ingest(paths, store, vocab, Options(**options), extractor=extractor, registry=registry))
    assert isinstance(events[0], Planned) and isinstance(events[-1], Finished)
    return events[-1].summary, events


def dump(db: Path) -> dict:
    with open_reader(db) as s:
        return index_dump(s)


# ---- incremental


def test_unchanged_reingest_opens_no_file(
    tmp_path: Path, index_db: Path, vocab, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_corpus(tmp_path / "c", 40)
    db = index_db
    first, _ = run([tmp_path / "c"], db, vocab)
    assert (first.read, first.unchanged) == (40, 0)
    before = dump(db)

    opened: list[str] = []
    real = ingest_module._process
    monkeypatch.setattr(ingest_module, "_process", lambda task: opened.append(task.path) or real(task))
    again, events = run([tmp_path / "c"], db, vocab)
    assert opened == []
    assert (again.read, again.unchanged, again.same_content) == (0, 40, 0)
    assert not any(isinstance(e, FileDone) for e in events)
    assert dump(db) == before
    assert again.index["documents"] == 40 and again.exit_code == 0


def test_a_file_with_a_new_mtime_but_the_same_bytes_is_hashed_not_extracted(
    tmp_path: Path, index_db: Path, vocab
) -> None:
    (path,) = write_corpus(tmp_path / "c", 1)
    db = index_db
    run([tmp_path / "c"], db, vocab)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    calls: list[str] = []

    def counting(text, vocab):
        calls.append(text)
        return fake_extract(text, vocab)

    summary, _ = run([tmp_path / "c"], db, vocab, extractor=counting)
    assert (summary.read, summary.same_content, calls) == (0, 1, [])
    assert dump(db)["files"][0][2] == path.stat().st_mtime_ns  # the new mtime is remembered
    assert run([tmp_path / "c"], db, vocab)[0].unchanged == 1


def test_a_modified_file_replaces_its_old_references(tmp_path: Path, index_db: Path, vocab) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    path = folder / "ht_62.txt"
    path.write_text(plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW", ("101-QĐ/TW",)), encoding="utf-8")
    db = index_db
    run([folder], db, vocab)
    path.write_text(plan_text("62-KH/TU", "Hà Tĩnh", "121-KL/TW", ("8-QĐ/TW",)), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns + 10**9))
    summary, _ = run([folder], db, vocab)
    assert summary.read == 1
    refs = dump(db)["refs"]
    assert sorted(r[2] for r in refs) == ["121-KL/TW", "30-CT/TW", "8-QĐ/TW"]
    with open_reader(db) as s:
        assert s.con.execute("SELECT count(*) FROM mentions WHERE number = '101-QĐ/TW'").fetchone()[0] == 0


def test_a_deleted_file_is_pruned_only_with_prune(tmp_path: Path, index_db: Path, vocab) -> None:
    paths = write_corpus(tmp_path / "c", 5)
    other = write_corpus(tmp_path / "elsewhere", 2, prefix="x")
    db = index_db
    run([tmp_path / "c"], db, vocab)
    run([tmp_path / "elsewhere"], db, vocab)
    paths[2].unlink()
    kept, _ = run([tmp_path / "c"], db, vocab)
    assert (kept.missing, kept.pruned, kept.index["documents"]) == (1, 0, 7)
    pruned, _ = run([tmp_path / "c"], db, vocab, prune=True)
    assert (pruned.missing, pruned.pruned, pruned.index["documents"]) == (0, 1, 6)
    indexed = {row[0] for row in dump(db)["files"]}
    assert str(paths[2]) not in indexed
    assert {str(p) for p in other} <= indexed  # files outside the walked folder stay


def test_a_new_extractor_reads_everything_again(
    tmp_path: Path, index_db: Path, vocab, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_corpus(tmp_path / "c", 3)
    db = index_db
    run([tmp_path / "c"], db, vocab)
    monkeypatch.setattr(ingest_module, "extractor_key", lambda vocab: "0.2.0+other")
    summary, _ = run([tmp_path / "c"], db, vocab)
    assert (summary.read, summary.unchanged) == (3, 0)
    assert {row[7] for row in dump(db)["files"]} == {"0.2.0+other"}


def test_force_reads_everything_again(tmp_path: Path, index_db: Path, vocab) -> None:
    write_corpus(tmp_path / "c", 3)
    db = index_db
    run([tmp_path / "c"], db, vocab)
    assert run([tmp_path / "c"], db, vocab, force=True)[0].read == 3


# ---- what lands


def test_a_file_holding_two_documents_gives_two_document_rows(tmp_path: Path, index_db: Path, vocab) -> None:
    path = tmp_path / "laichau.txt"
    path.write_text(
        plan_text("13-KH/ĐUK", "Lai Châu", "120-KL/TW")
        + f"{SEGMENT_MARK}\nSố 120-KL/TW\nThực hiện Chỉ thị số 30-CT/TW\n",
        encoding="utf-8",
    )
    run([path], index_db, vocab)
    d = dump(index_db)
    assert [(r[1], r[2]) for r in d["documents"]] == [(0, "13-KH/ĐUK"), (1, "120-KL/TW")]
    assert [(r[1], r[2], r[7]) for r in d["refs"] if r[1] == 1] == [(1, "30-CT/TW", "implements")]


def test_sequential_and_parallel_runs_store_the_same(tmp_path: Path, new_index, vocab) -> None:
    write_corpus(tmp_path / "c", 120)
    a, b = new_index("one.sqlite"), new_index("two.sqlite")
    one, _ = run([tmp_path / "c"], a, vocab, jobs=1)
    two, _ = run([tmp_path / "c"], b, vocab, jobs=2)
    assert one.read == two.read == 120
    assert dump(a) == dump(b)


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese offices wrote it: precomposed Â Ê Ô Ơ Ư Ă Đ, with tone
    marks as separate combining characters."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        marks = [c for c in unicodedata.normalize("NFD", ch) if c in TONE_MARKS]
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if c not in TONE_MARKS)
        out.append(unicodedata.normalize("NFC", base) + "".join(marks))
    return "".join(out).encode("cp1258")


def test_non_utf8_encodings_are_reported(tmp_path: Path, index_db: Path, vocab) -> None:
    text = plan_text("19-KH/TU", "Tây Ninh", "120-KL/TW")
    (tmp_path / "a_utf16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "b_cp1258.txt").write_bytes(to_cp1258(text))
    (tmp_path / "c_utf8.txt").write_bytes(text.encode("utf-8"))
    summary, _ = run([tmp_path], index_db, vocab)
    assert summary.read == 3 and not summary.failed
    assert summary.encodings == {
        "utf-16": [str(tmp_path / "a_utf16.txt")],
        "cp1258": [str(tmp_path / "b_cp1258.txt")],
    }
    # every decoding found the same numbers
    numbers = {r[0]: r[2] for r in dump(index_db)["documents"]}
    assert set(numbers.values()) == {"19-KH/TU"}


def test_a_file_name_that_is_not_utf8_is_kept_exactly(tmp_path: Path, index_db: Path, vocab) -> None:
    """A Latin-1 name from an old archive: stored as its bytes on both backends, so the
    next ingest finds it unchanged, a new mtime is remembered, and --prune forgets it."""
    folder = tmp_path / "c"
    folder.mkdir()
    raw = os.fsencode(folder)
    names = [b"caf\xe9.txt", b"\xc4\x90\xe0.txt", "Đà Nẵng.txt".encode()]
    for i, name in enumerate(names):
        with open(raw + b"/" + name, "w", encoding="utf-8") as f:
            f.write(plan_text(f"{i + 1}-KH/TU", "Lai Châu", "120-KL/TW"))
    first, _ = run([folder], index_db, vocab)
    assert (first.read, first.failed) == (3, [])
    again, _ = run([folder], index_db, vocab)
    assert (again.read, again.unchanged) == (0, 3)
    latin = os.fsdecode(raw + b"/" + names[0])  # as the walk gives it: surrogate escapes
    with open_reader(index_db) as s:
        assert latin in s.known_files()
    os.utime(latin, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    touched, _ = run([folder], index_db, vocab)
    assert (touched.read, touched.same_content, touched.unchanged) == (0, 1, 2)
    with open_reader(index_db) as s:
        assert s.known_files()[latin].mtime_ns == os.stat(latin).st_mtime_ns
    os.unlink(latin)
    pruned, _ = run([folder], index_db, vocab, prune=True)
    assert (pruned.read, pruned.pruned, pruned.index["files"]) == (0, 1, 2)
    with open_reader(index_db) as s:
        assert latin not in s.known_files() and len(s.known_files()) == 2


# ---- walking and bad files


def test_walk_reports_what_it_skips_and_does_not_follow_loops(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.MD").write_text("x")
    (tmp_path / "scan.png").write_bytes(b"%PDF")
    (tmp_path / "memo.xlsx").write_bytes(b"PK")
    (tmp_path / "README").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "hidden.txt").write_text("x")
    (tmp_path / "notes.txt").mkdir()  # a folder that looks like a file
    (tmp_path / "notes.txt" / "inner.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)
    (tmp_path / "sub" / "linked.txt").symlink_to(tmp_path / "a.txt")
    w = walk([tmp_path])
    rel = [os.path.relpath(c.path, tmp_path) for c in w.candidates]
    assert rel == ["a.txt", "b.MD", "notes.txt/inner.txt", "sub/linked.txt"]
    assert dict(w.skipped_other) == {".png": 1, ".xlsx": 1, "(none)": 1}
    assert [(os.path.relpath(p, tmp_path), r.split(" (")[0]) for p, r in w.failures] == [
        ("sub/up", "symbolic link loop")
    ]


def test_every_bad_file_is_recorded_with_its_reason_and_the_others_land(
    tmp_path: Path, index_db: Path, vocab, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = tmp_path / "c"
    write_corpus(c, 3)
    (c / "empty.txt").write_bytes(b"")
    (c / "blank.md").write_bytes(b"  \r\n\n ")
    (c / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (c / "undecodable.txt").write_bytes(b"K\x81 ho\x8dch s\x90 62-KH/TU")
    (c / "big.txt").write_bytes(plan_text("1-KH/TU", "Hà Tĩnh", "120-KL/TW").encode() * 50)
    (c / "loop.txt").symlink_to(c / "loop.txt")
    (c / "broken.txt").symlink_to(c / "nowhere.txt")
    os.mkfifo(c / "pipe.txt")
    (c / "boom.txt").write_text(plan_text("9-KH/TU", "Hà Tĩnh", "120-KL/TW") + "BOOM\n")
    denied = c / "denied.txt"
    denied.write_text(plan_text("5-KH/TU", "Hà Tĩnh", "120-KL/TW"))
    denied.chmod(0)
    if IS_ROOT:  # root reads anything: make the open fail the way it does for a user
        real_open = os.open

        def deny(path, *args, **kw):
            if str(path) == str(denied):
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, *args, **kw)

        monkeypatch.setattr(ingest_module.os, "open", deny)

    def extractor(text, vocab):
        if "BOOM" in text:
            raise ValueError("extractor bug")
        return fake_extract(text, vocab)

    db = index_db
    summary, _ = run([c], db, vocab, extractor=extractor, max_bytes=4000)
    reasons = {os.path.basename(p): r for p, r in summary.failed}
    assert reasons == {
        "empty.txt": "empty file",
        "blank.md": "empty file",
        "binary.txt": "binary file (contains NUL bytes), not a text document",
        "undecodable.txt": "not UTF-8, UTF-16 or Windows-1258 text",
        "big.txt": reasons["big.txt"],
        "loop.txt": "symbolic link loop",
        "broken.txt": "broken symbolic link",
        "pipe.txt": "not a regular file (named pipe)",
        "boom.txt": "internal error in extraction: ValueError: extractor bug",
        "denied.txt": "permission denied",
    }
    assert reasons["big.txt"].startswith("too large (")
    assert summary.exit_code == 1 and summary.read == 3
    d = dump(db)
    assert len(d["documents"]) == 3
    assert {os.path.basename(r[0]): r[6] for r in d["files"] if r[5] == "failed"} == reasons
    # a failed file is tried again next time; the good ones are not
    again, _ = run([c], db, vocab, extractor=extractor, max_bytes=4000)
    assert (again.read, again.unchanged, len(again.failed)) == (0, 3, 10)


def test_a_file_that_becomes_unreadable_loses_its_old_rows(tmp_path: Path, index_db: Path, vocab) -> None:
    (path,) = write_corpus(tmp_path / "c", 1)
    db = index_db
    run([tmp_path / "c"], db, vocab)
    path.write_bytes(b"")
    summary, _ = run([tmp_path / "c"], db, vocab)
    assert summary.failed == [(str(path), "empty file")]
    assert dump(db)["documents"] == []


def test_missing_path_arguments_are_failures(tmp_path: Path, index_db: Path, vocab) -> None:
    summary, _ = run([tmp_path / "nope"], index_db, vocab)
    assert summary.failed == [(str(tmp_path / "nope"), "no such file or folder")]
    assert summary.exit_code == 1


def test_a_file_named_explicitly_is_read_whatever_its_suffix(tmp_path: Path, index_db: Path, vocab) -> None:
    path = tmp_path / "plan.text"
    path.write_text(plan_text("62-KH/TU", "Hà Tĩnh", "120-KL/TW"), encoding="utf-8")
    summary, _ = run([path], index_db, vocab)
    assert summary.read == 1


# ---- crashes and concurrency

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    from ingest_fakes import fake_extract
    from qcdc_cli.app.ingest import Options, ingest
    from qcdc_cli.index.backend import open_writer
    from qcdc_cli.knowledge.registry import load_vocabulary

    def slow(text, vocab):
        time.sleep({delay})
        return fake_extract(text, vocab)

    if __name__ == "__main__":
        with open_writer(Path(sys.argv[2])) as store:
            for _ in ingest([Path(sys.argv[1])], store, load_vocabulary(), Options(jobs={jobs}),
                            extractor=slow):
                pass
    """
)


def start_writer(tmp_path: Path, corpus: Path, db: Path, jobs: int = 2, delay: float = 0.002) -> subprocess.Popen:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(tests=str(TESTS), delay=delay, jobs=jobs))
    return subprocess.Popen(
        [sys.executable, str(script), str(corpus), str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # workers of a killed pool complain of broken pipes
    )


def wait_for_files(db: Path, at_least: int, proc: subprocess.Popen, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the writer finished before it could be interrupted"
        try:
            with open_reader(db) as s:
                n = s.totals().files
        except (StoreError, sqlite3.Error):  # not there yet
            n = 0
        if n >= at_least:
            return n
        time.sleep(0.02)
    raise AssertionError("the writer did not start writing")


def test_an_ingest_killed_mid_run_is_completed_by_the_next_run(tmp_path: Path, new_index, vocab) -> None:
    corpus = tmp_path / "c"
    write_corpus(corpus, 1500)
    db = new_index("killed.sqlite")
    proc = start_writer(tmp_path, corpus, db)
    try:
        done = wait_for_files(db, 200, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    if db_url(db) is None:
        con = sqlite3.connect(db)  # recovers the WAL the killed writer left
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()
    with open_reader(db) as s:
        files, docs, mentions = s.con.execute(
            "SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM documents), (SELECT count(*) FROM mentions)"
        ).fetchone()
    assert done <= files < 1500
    assert docs == files and mentions == 3 * files  # whole files only: one plan, 3 numbers each

    resumed, _ = run([corpus], db, vocab, jobs=2)
    assert resumed.read == 1500 - files and resumed.unchanged == files
    clean = new_index("clean.sqlite")
    run([corpus], clean, vocab, jobs=2)
    assert dump(db) == dump(clean)


def test_a_second_ingest_fails_clearly_while_readers_keep_working(tmp_path: Path, vocab) -> None:
    """SQLite only: one ingest at a time, the others refused (a server takes several at
    once: tests/test_postgres_concurrency.py)."""
    corpus = tmp_path / "c"
    write_corpus(corpus, 600)
    db = tmp_path / "i.sqlite"
    proc = start_writer(tmp_path, corpus, db, jobs=1, delay=0.005)
    try:
        wait_for_files(db, 20, proc)
        with pytest.raises(StoreError, match="another qcdc ingest is writing to this index"):
            run([corpus], db, vocab)
        cli = subprocess.run(
            [sys.executable, "-m", "qcdc_cli", "ingest", str(corpus), "--db", str(db)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert cli.returncode == 2
        assert "another qcdc ingest is writing to this index" in cli.stderr
        counts = []
        for _ in range(50):
            with open_reader(db) as reader:
                counts.append(reader.totals().files)
            time.sleep(0.01)
        assert counts == sorted(counts) and counts[-1] > counts[0]  # it kept writing meanwhile
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    summary, _ = run([corpus], db, vocab)  # after it, the next ingest runs normally
    assert (summary.read, summary.unchanged) == (0, 600)


# ---- resolution over the whole index


def test_resolution_runs_again_only_when_something_changed(tmp_path: Path, index_db: Path, vocab) -> None:
    paths = write_corpus(tmp_path / "c", 6)
    db = index_db
    first, events = run([tmp_path / "c"], db, vocab)
    assert first.derive_seconds is not None and any(isinstance(e, Deriving) for e in events)
    assert dump(db)["resolutions"]  # every reference has its row
    again, events = run([tmp_path / "c"], db, vocab)
    assert again.derive_seconds is None and not any(isinstance(e, Deriving) for e in events)
    paths[0].unlink()
    assert run([tmp_path / "c"], db, vocab, prune=True)[0].derive_seconds is not None


def test_an_ingest_killed_before_resolving_is_resolved_by_the_next_run(tmp_path: Path, index_db: Path, vocab) -> None:
    write_corpus(tmp_path / "c", 6)
    db = index_db
    run([tmp_path / "c"], db, vocab)
    before = dump(db)
    with open_writer(db) as s:
        s.mark_stale()  # what a run killed between its first write and its resolution leaves
        s.con.execute("DELETE FROM resolutions")
    summary, _ = run([tmp_path / "c"], db, vocab)
    assert (summary.read, summary.derive_seconds is not None) == (0, True)
    assert dump(db) == before


def test_a_registry_that_knows_a_cited_document_resolves_it(tmp_path: Path, index_db: Path, vocab) -> None:
    from qcdc_cli.knowledge.registry import load_registry
    from qcdc_cli.knowledge.schema import RegistryDocument

    write_corpus(tmp_path / "c", 3)
    db = index_db
    bare = load_registry().model_copy(update={"documents": []})
    run([tmp_path / "c"], db, vocab, registry=bare)
    statuses = {(r[2], r[3]) for r in dump(db)["resolutions"]}
    assert ("120-KL/TW", "unknown") in statuses
    kl = RegistryDocument(
        id="120-KL/TW", number="120-KL/TW", system="party", type="KL", issuer_code="TW", issuer="Bộ Chính trị",
        date="2016-01-07",
    )  # fmt: skip
    summary, _ = run([tmp_path / "c"], db, vocab, registry=bare.model_copy(update={"documents": [kl]}))
    assert summary.read == 0 and summary.derive_seconds is not None
    statuses = {(r[2], r[3]) for r in dump(db)["resolutions"]}
    assert ("120-KL/TW", "resolved") in statuses and ("120-KL/TW", "unknown") not in statuses


# ---- the command


def test_ingest_command_summary_exit_codes_and_formats(
    tmp_path: Path, index_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    import shutil

    from qcdc_cli.cli import app
    from qcdc_cli.cli._console import run_app

    corpus = tmp_path / "c"
    shutil.copytree(REPO / "samples", corpus)
    (corpus / "scan.png").write_bytes(b"%PDF-1.4")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "legacy.txt").write_bytes(to_cp1258(plan_text("19-KH/TU", "Tây Ninh", "120-KL/TW")))
    db = index_db

    def cli(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as e:
            run_app(app, ["ingest", str(corpus), "--db", str(db), *args])
        out = capsys.readouterr()
        return int(e.value.code or 0), out.out, out.err

    code, out, err = cli()
    assert code == 1 and err == ""  # stderr is not a terminal: no progress bar
    assert "files read             6  (" in out and "failed                 1" in out
    assert "skipped                1  other files (.png 1)" in out
    assert f"failed files (1):\n  {corpus / 'empty.txt'}: empty file" in out
    assert f"decoded as cp1258: 1 files\n  {corpus / 'legacy.txt'}" in out
    code, out, _ = cli("-f", "json")
    data = json.loads(out)
    assert code == 1 and (data["read"], data["unchanged"]) == (0, 6)
    assert data["failed"] == [{"path": str(corpus / "empty.txt"), "reason": "empty file"}]
    assert data["index"]["documents"] == 7  # 13-KH/ĐUK carries 120-KL/TW; legacy.txt is one more
    (corpus / "empty.txt").unlink()
    code, out, err = cli("--quiet", "--prune")
    assert (code, out, err) == (0, "", "")
    code, out, _ = cli("-f", "json")
    assert code == 0 and json.loads(out)["index"]["files"] == 6


# ---- deriving


@pytest.mark.parametrize("enabled", [True, False])
def test_derive_leaves_garbage_collection_as_it_found_it(
    tmp_path: Path, index_db: Path, vocab, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    """derive turns the cyclic collector off while it builds; a caller's setting, on or
    off, is what remains afterwards, also when resolution fails halfway."""
    import gc

    from qcdc_cli.knowledge.registry import load_registry

    write_corpus(tmp_path / "c", 6)
    db = index_db
    run([tmp_path / "c"], db, vocab)
    registry = load_registry(())

    def broken_graph(*args, **kwargs):
        assert not gc.isenabled()
        raise RuntimeError("resolution failed halfway")

    try:
        if not enabled:
            gc.disable()
        with open_writer(db) as store:
            derived_module.derive(store, vocab, registry, "key")
        assert gc.isenabled() is enabled
        monkeypatch.setattr("qcdc_cli.lineage.graph.build_graph", broken_graph)
        with open_writer(db) as store, pytest.raises(RuntimeError, match="halfway"):
            derived_module.derive(store, vocab, registry, "key")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
