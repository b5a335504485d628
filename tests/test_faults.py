"""Faults and hostile input (issue 14): each case with real processes, real signals and,
where this machine allows, real mounts. Every case checks the same promises: no Python
traceback and no "internal error" reach the user, the good files land, exit codes are
those the README gives.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from index_dump import dump
from ingest_fakes import plan_text, write_corpus

from qcdc_cli.index.store import Store

TESTS = Path(__file__).parent
REPO = TESTS.parent
SAMPLES = REPO / "samples"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def qcdc(*args: str | os.PathLike[str] | bytes, timeout: float = 120, **kw) -> subprocess.CompletedProcess[str]:
    """Run the real command line; output decoded leniently (it must be UTF-8 anyway)."""
    done = subprocess.run(
        [sys.executable, "-m", "qcdc_cli", *map(os.fsencode, args)],
        capture_output=True,
        cwd=REPO,
        timeout=timeout,
        **kw,
    )
    out = subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr, out.stderr
    return out


def count_files(db: Path) -> int:
    """Files in the index; 0 while it is not created yet."""
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return con.execute("SELECT count(*) FROM files").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "c"
    write_corpus(root, 1500)
    return root


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of 1 MB mounted for the test (remount it read-only as needed)."""
    where = tmp_path / "mnt"
    where.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.skip(f"cannot mount a tmpfs here ({e}); the case needs a real mount")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


# ---- 1. any file name


def test_a_file_name_that_is_not_utf8_lands_and_is_shown_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "ok.txt").write_text(plan_text("1-KH/TU", "Hà Tĩnh", "120-KL/TW"), encoding="utf-8")
    raw = os.fsencode(folder)
    with open(raw + b"/caf\xe9.txt", "w", encoding="utf-8") as f:  # a Latin-1 name from an old archive
        f.write(plan_text("2-KH/TU", "Lai Châu", "120-KL/TW"))
    with open(raw + b"/bad\xff.txt", "wb"):  # empty: fails, and must be listed by its name
        pass
    db = tmp_path / "i.sqlite"
    first = qcdc("ingest", folder, "--db", db, "-j", "1")
    assert first.returncode == 1  # one bad file; the others land
    assert "bad\\xff.txt: empty file" in first.stdout
    assert count_files(db) == 3
    again = qcdc("ingest", folder, "--db", db, "-j", "1", "-f", "json")
    summary = json.loads(again.stdout)
    assert summary["unchanged"] == 2 and [f["path"][-8:] for f in summary["failed"]] == ["bad\udcff.txt"]
    shown = qcdc("show", "2-KH/TU", "--db", db)
    assert shown.returncode == 0 and "caf\\xe9.txt" in shown.stdout
    extracted = qcdc("extract", folder)  # the shared walker: the same three files
    assert extracted.returncode == 1 and "bad\\xff.txt: empty file" in extracted.stderr
    assert "2-KH/TU" in extracted.stdout


# ---- 2. readers during an ingest


def test_a_reader_sees_one_state_whatever_an_ingest_commits(tmp_path: Path) -> None:
    """What made trace crash with KeyError: the corpus read in four statements, a commit
    between them. A reader now keeps one snapshot until it is closed."""
    from ingest_fakes import fake_extract

    from qcdc_cli.index.corpus import file_rows
    from qcdc_cli.index.rows import FileRecord

    db = tmp_path / "i.sqlite"
    with Store.open_writer(db) as writer:
        text = plan_text("1-KH/TU", "Hà Tĩnh", "120-KL/TW")
        writer.replace_file(FileRecord("/c/a.txt", 1, 1, "h"), file_rows(fake_extract(text), text, lambda _: None))
        with Store.open_reader(db) as reader:
            reader.con.execute("SELECT path FROM files").fetchall()  # a first statement
            text = plan_text("2-KH/TU", "Lai Châu", "120-KL/TW")
            rows = file_rows(fake_extract(text), text, lambda _: None)
            writer.replace_file(FileRecord("/c/b.txt", 1, 1, "h2"), rows)  # committed meanwhile
            corpus, _ = reader.load_corpus()
            assert [path for path, _, _ in corpus] == ["/c/a.txt"]
            assert sum(len(x.references) for _, x, _ in corpus) == 2


def test_trace_show_and_coverage_keep_working_during_an_ingest(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "i.sqlite"
    ingest = subprocess.Popen(
        [sys.executable, "-m", "qcdc_cli", "ingest", str(corpus), "--db", str(db), "-j", "1", "-q"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    readers = [
        ("trace", "120-KL/TW", "--down", "--db", db),
        ("show", "120-KL/TW", "--db", db),
        ("coverage", "120-KL/TW", "--db", db),
    ]
    runs = 0
    try:
        while not db.exists() or count_files(db) == 0:
            assert ingest.poll() is None
            time.sleep(0.05)
        while ingest.poll() is None:
            out = qcdc(*readers[runs % len(readers)])  # no internal error, no traceback
            assert out.returncode in (0, 1), out.stderr
            runs += 1
    finally:
        if ingest.poll() is None:
            ingest.kill()
        _, err = ingest.communicate()
    assert ingest.returncode == 0, err
    assert runs >= 2  # readers did run while files were being committed


def test_a_reader_during_an_ingest_says_it_is_being_updated_not_stopped(tmp_path: Path) -> None:
    db = tmp_path / "i.sqlite"
    assert qcdc("ingest", SAMPLES, "--db", db, "-j", "1").returncode == 0
    with Store.open_writer(db) as s:
        s.mark_stale()  # as an ingest does before its first change
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        during = qcdc("trace", "120-KL/TW", "--db", db)
        counts_during = [qcdc(command, "--db", db) for command in ("stats", "unresolved")]
    finally:
        holder.kill()
        holder.wait()
    assert during.returncode == 0 and "an ingest is updating it" in during.stderr
    for out in counts_during:
        assert out.returncode == 0 and "an ingest is updating the index" in out.stderr, out.stderr
        assert "stopped" not in out.stderr
    after = qcdc("trace", "120-KL/TW", "--db", db)  # the holder died: an interrupted ingest
    assert "the last ingest stopped before resolving" in after.stderr
    for command in ("stats", "unresolved"):
        assert "the last ingest stopped before resolving" in qcdc(command, "--db", db).stderr


# ---- 3. a read-only place


def test_an_index_on_a_read_only_mount_can_be_read(tmpfs: Path) -> None:
    db = tmpfs / "i.sqlite"
    assert qcdc("ingest", SAMPLES, "--db", db, "-j", "1").returncode == 0
    assert not Path(f"{db}-shm").exists()  # readers cannot create it there: the hard case
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    for args in (("stats",), ("unresolved",), ("trace", "120-KL/TW"), ("show", "62-KH/TU@Thừa Thiên Huế")):
        out = qcdc(*args, "--db", db)
        assert out.returncode == 0, (args, out.stderr)
    refused = qcdc("ingest", SAMPLES, "--db", db)
    assert refused.returncode == 2 and "qcdc:" in refused.stderr


# ---- 4. the ingest lock follows the file, not its name

HOLD_LOCK = """
import sys
from pathlib import Path
from qcdc_cli.index.store import Store
with Store.open_writer(Path(sys.argv[1])) as s, s.ingest_lock():
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_the_ingest_lock_holds_through_symbolic_and_hard_links(tmp_path: Path) -> None:
    real = tmp_path / "real.sqlite"
    Store.open_writer(real).close()
    alias = tmp_path / "alias.sqlite"
    alias.symlink_to(real)
    other = tmp_path / "other"
    other.mkdir()
    hard = other / "hard.sqlite"
    os.link(real, hard)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(alias)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        for name in (real, hard):
            out = qcdc("ingest", SAMPLES, "--db", name)
            assert out.returncode == 2 and "another qcdc ingest is writing to this index" in out.stderr
        assert f"pid {holder.pid}" in qcdc("ingest", SAMPLES, "--db", real).stderr
    finally:
        holder.kill()
        holder.wait()
    assert qcdc("ingest", SAMPLES, "--db", hard, "-j", "1").returncode == 0  # released with its holder


# ---- 5. named pipes and devices


def test_pipes_and_devices_are_refused_without_hanging_or_filling_memory(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")  # no writer: an open() for reading would wait forever
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "random.md").symlink_to("/dev/urandom")
    (folder / "ok.txt").write_text(plan_text("1-KH/TU", "Hà Tĩnh", "120-KL/TW"), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    for name, kind in (("pipe.txt", "named pipe"), ("zero.txt", "device"), ("random.md", "device")):
        path = folder / name
        for args in (("extract", path), ("check", path), ("trace", "120-KL/TW", "--corpus", path)):
            out = qcdc(*args, timeout=30)
            assert out.returncode in (1, 2) and f"not a regular file ({kind})" in out.stderr, (args, out.stderr)
    listed = qcdc("extract", folder, timeout=30)
    assert listed.returncode == 1 and "1-KH/TU" in listed.stdout
    assert listed.stderr.count("not a regular file") == 3
    ingested = qcdc("ingest", folder, "--db", tmp_path / "i.sqlite", "-j", "1", timeout=60)
    assert ingested.returncode == 1 and ingested.stdout.count("not a regular file") == 3
    assert max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) < 1_000_000  # kB: no 8 GB read


# ---- 6. --prune forgets only what is gone


def test_prune_keeps_the_files_of_a_folder_it_cannot_list(tmp_path: Path) -> None:
    if not shutil.which("setpriv"):
        pytest.skip("setpriv is needed to drop the capabilities that let root list any folder")
    folder = tmp_path / "c"
    write_corpus(folder, 10)  # five sub-folders of two files
    db = tmp_path / "i.sqlite"
    assert qcdc("ingest", folder, "--db", db, "-j", "1").returncode == 0
    locked = folder / "Hà_Tĩnh"
    (folder / "Lai_Châu" / "kh_00001.txt").unlink()  # really gone
    locked.chmod(0)
    try:
        drop = ["setpriv", "--bounding-set", "-all", "--inh-caps", "-all", "--"]
        probe = subprocess.run([*drop, "ls", str(locked)], capture_output=True)
        if probe.returncode == 0:
            pytest.skip("dropping capabilities does not deny listing here")
        done = subprocess.run(
            [*drop, sys.executable, "-m", "qcdc_cli", "ingest", str(folder), "--db", str(db), "--prune", "-j", "1"],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
    finally:
        locked.chmod(0o755)
    assert done.returncode == 1 and "cannot list folder" in done.stdout, done.stderr
    assert "pruned                 1" in done.stdout
    with Store.open_reader(db) as s:
        paths = {row[0] for row in dump(s)["files"]}
    assert {str(locked / "kh_00000.txt"), str(locked / "kh_00005.txt")} <= paths  # still known
    assert str(folder / "Lai_Châu" / "kh_00001.txt") not in paths


# ---- 7. deep folders and symbolic link diamonds


def test_a_folder_nested_over_a_thousand_deep_is_walked(tmp_path: Path) -> None:
    levels = [str(tmp_path / "c")]
    for _ in range(1100):  # not os.makedirs: it recurses once per level too
        levels.append(os.path.join(levels[-1], "d"))
    for folder in levels:
        os.mkdir(folder)
    bottom = Path(levels[-1]) / "bottom.txt"
    bottom.write_text(plan_text("1-KH/TU", "Hà Tĩnh", "120-KL/TW"), encoding="utf-8")
    try:
        out = qcdc("ingest", tmp_path / "c", "--db", tmp_path / "i.sqlite", "-j", "1")
        assert out.returncode == 0 and count_files(tmp_path / "i.sqlite") == 1
        assert "1-KH/TU" in qcdc("extract", tmp_path / "c").stdout
    finally:  # pytest's own clean-up (shutil.rmtree) recurses once per level
        bottom.unlink()
        for folder in reversed(levels):
            os.rmdir(folder)


def test_symbolic_link_diamonds_are_walked_once_per_folder(tmp_path: Path) -> None:
    root = tmp_path / "c"
    levels = 24  # 2^24 paths to the last folder if each link were followed
    folders = [root / f"l{i:02d}" for i in range(levels + 1)]
    for i, folder in enumerate(folders):
        folder.mkdir(parents=True)
        (folder / f"p{i}.txt").write_text(plan_text(f"{i + 1}-KH/TU", "Hà Tĩnh", "120-KL/TW"), encoding="utf-8")
        if i:
            (folders[i - 1] / "a").symlink_to(folder)
            (folders[i - 1] / "b").symlink_to(folder)
    started = time.monotonic()
    out = qcdc("ingest", root, "--db", tmp_path / "i.sqlite", "-j", "1")
    assert out.returncode == 0 and count_files(tmp_path / "i.sqlite") == levels + 1
    assert time.monotonic() - started < 60


def test_every_command_walks_a_folder_the_same_way(tmp_path: Path) -> None:
    """One walker: `extract` and `check` no longer read inside .git/, as `ingest` never did."""
    folder = tmp_path / "c"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "hidden.txt").write_text(plan_text("9-KH/TU", "Hà Tĩnh", "120-KL/TW"), encoding="utf-8")
    (folder / "a.txt").write_text(plan_text("1-KH/TU", "Hà Tĩnh", "120-KL/TW"), encoding="utf-8")
    extracted = qcdc("extract", folder, "-f", "json")
    assert "1-KH/TU" in extracted.stdout and "9-KH/TU" not in extracted.stdout
    checked = qcdc("check", folder, "-f", "json")
    assert "hidden.txt" not in checked.stdout and "a.txt" in checked.stdout
    assert qcdc("ingest", folder, "--db", tmp_path / "i.sqlite", "-j", "1").returncode == 0
    assert count_files(tmp_path / "i.sqlite") == 1


# ---- 8. full, damaged and newer indexes


def test_a_full_disk_is_named_and_the_index_stays_whole(tmpfs: Path, corpus: Path) -> None:
    db = tmpfs / "i.sqlite"
    out = qcdc("ingest", corpus, "--db", db, "-j", "1")
    assert out.returncode == 2
    assert "disk is full" in out.stderr and "free some space, then run `qcdc ingest` again" in out.stderr
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def ingested_copy(tmp_path: Path, corpus: Path | None = None) -> Path:
    db = tmp_path / "i.sqlite"
    assert qcdc("ingest", corpus or SAMPLES, "--db", db, "-j", "1").returncode == 0
    return db


def test_damaged_pages_are_named_with_what_to_do(tmp_path: Path) -> None:
    db = ingested_copy(tmp_path)
    size = db.stat().st_size
    with open(db, "r+b") as f:  # garbage over the pages after the first few
        f.seek(4096 * 3)
        f.write(os.urandom(size - 4096 * 3))
    for args in (("stats",), ("trace", "120-KL/TW"), ("show", "120-KL/TW"), ("unresolved",)):
        out = qcdc(*args, "--db", db)
        assert out.returncode == 2 and ("damaged" in out.stderr or "not a qcdc index" in out.stderr), out.stderr


def test_a_missing_table_is_named_with_what_to_do(tmp_path: Path) -> None:
    db = ingested_copy(tmp_path)
    con = sqlite3.connect(db)
    con.execute("DROP TABLE links")
    con.close()
    out = qcdc("trace", "120-KL/TW", "--db", db)
    assert out.returncode == 2 and "no such table: links" in out.stderr and "delete it and run" in out.stderr


def test_an_index_from_a_newer_qcdc_in_rollback_journal_mode_is_refused_untouched(tmp_path: Path) -> None:
    db = ingested_copy(tmp_path)
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("PRAGMA user_version = 99")
    con.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = qcdc("ingest", SAMPLES, "--db", db)
    assert out.returncode == 2 and "schema version 99 is newer" in out.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert not Path(f"{db}-wal").exists()


# ---- 9. Ctrl-C and SIGTERM


def start_ingest(corpus: Path, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "qcdc_cli", "ingest", str(corpus), "--db", str(db), "-j", "2"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job is
    )


def wait_for_commits(db: Path, proc: subprocess.Popen[str], at_least: int = 100) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the ingest ended before it could be interrupted"
        try:
            if db.exists() and count_files(db) >= at_least:
                return
        except sqlite3.Error:
            pass
        time.sleep(0.02)
    raise AssertionError("the ingest did not start committing")


def group_gone(pgid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(("how", "code"), [("ctrl-c", 130), ("sigterm", 143)])
def test_an_interrupted_ingest_stops_cleanly_and_the_next_run_finishes_it(
    tmp_path: Path, corpus: Path, how: str, code: int
) -> None:
    db = tmp_path / "i.sqlite"
    proc = start_ingest(corpus, db)
    try:
        wait_for_commits(db, proc)
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends: parent and workers
        else:
            os.kill(proc.pid, signal.SIGTERM)  # `kill PID`: the parent only
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code, err
    assert "Traceback" not in err and "internal error" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("qcdc: interrupted: ")]
    assert len(lines) == 1 and lines[0].endswith(" files committed, run again to finish"), err
    committed = int(lines[0].split()[2].replace(",", ""))
    assert 0 < committed <= count_files(db) < 1500
    assert group_gone(proc.pid), "a worker outlived the interrupted ingest"
    resumed = qcdc("ingest", corpus, "--db", db, "-j", "2")
    assert resumed.returncode == 0
    clean = tmp_path / "clean.sqlite"
    assert qcdc("ingest", corpus, "--db", clean, "-j", "2").returncode == 0
    with Store.open_reader(db) as a, Store.open_reader(clean) as b:
        assert dump(a) == dump(b)


def test_workers_of_a_killed_ingest_die_with_it_silently(tmp_path: Path, corpus: Path) -> None:
    db = tmp_path / "i.sqlite"
    proc = start_ingest(corpus, db)
    try:
        wait_for_commits(db, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert group_gone(proc.pid), "orphaned workers kept running"
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


# ---- 10. what reaches the terminal


def test_a_newline_in_a_file_name_cannot_forge_a_summary_line(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "ok.txt").write_text(plan_text("1-KH/TU", "Hà Tĩnh", "120-KL/TW"), encoding="utf-8")
    (folder / "x\nFAKE LINE: all files ok.txt").write_bytes(b"")
    (folder / "y\u061c\u2028z.txt").write_bytes(b"")
    db = tmp_path / "i.sqlite"
    for args in ((), ("-q",)):
        out = qcdc("ingest", folder, "--db", db, *args)
        assert out.returncode == 1
        shown = out.stdout + out.stderr
        assert not any(line.startswith("FAKE LINE") for line in shown.splitlines()), shown
        assert "x\\x0aFAKE LINE: all files ok.txt: empty file" in shown
        assert "y\\u061c\\u2028z.txt" in shown and "\u061c" not in shown and "\u2028" not in shown


def test_the_sanitizer_escapes_bidi_marks_line_separators_and_undecodable_bytes() -> None:
    from qcdc_cli.terminal import json_text, sanitize, sanitize_name

    assert sanitize("a\u061cb\u2028c\u2029d") == "a\\u061cb\\u2028c\\u2029d"
    assert sanitize("caf\udce9") == "caf\\xe9"  # os.fsdecode of b"caf\xe9"
    assert sanitize("two\nlines") == "two\nlines"  # document text keeps its lines
    assert sanitize_name("two\nlines\t") == "two\\x0alines\\x09"  # a name is one line
    assert json.loads(json_text({"path": "caf\udce9\u2028"})) == {"path": "caf\udce9\u2028"}
