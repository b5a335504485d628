"""An interrupted ingest says how many files it kept, even when Ctrl-C lands as a commit
returns: Python raises a signal's KeyboardInterrupt when the call it arrived in returns,
so a COMMIT can be durable with the line that counts it never run. `app.ingest.Durable`
must then count it (the CLI's "N files committed, run again to finish"), and must not
count a commit that never ran.

The interrupt is raised from the connection itself, right after (or right before) the
batch's COMMIT, which a signal cannot be timed to hit in a subprocess test."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ingest_fakes import write_corpus

from qcdc_cli.app.ingest import Durable, Options, ingest
from qcdc_cli.index import store as store_module
from qcdc_cli.index.store import Batch, Store
from qcdc_cli.knowledge.registry import load_registry, load_vocabulary


class _Interrupting(sqlite3.Connection):
    """A connection that raises KeyboardInterrupt at the batch's first COMMIT, after it
    (`after`: the commit lands) or before it (nothing is committed)."""

    armed = False
    after = True

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        if sql == "COMMIT" and _Interrupting.armed:
            _Interrupting.armed = False
            if not _Interrupting.after:
                raise KeyboardInterrupt
            super().execute(sql, *args)  # the commit lands; the interrupt comes as it returns
            raise KeyboardInterrupt
        return super().execute(sql, *args)


@pytest.fixture
def interrupting(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Interrupting]]:
    real_connect = sqlite3.connect
    real_maybe_commit = Batch.maybe_commit

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return real_connect(*args, factory=_Interrupting, **kwargs)

    def maybe_commit(self: Batch, mark: int = 0) -> bool:
        self.started = float("-inf")  # old enough: this call commits what is pending
        _Interrupting.armed = True  # and that COMMIT is interrupted
        try:
            return real_maybe_commit(self, mark)
        finally:
            _Interrupting.armed = False

    monkeypatch.setattr(store_module.sqlite3, "connect", connect)
    monkeypatch.setattr(Batch, "maybe_commit", maybe_commit)
    yield _Interrupting
    _Interrupting.armed = False


def _files_in(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM files").fetchone()[0])
    finally:
        con.close()


@pytest.mark.parametrize("after", [True, False], ids=["as-the-commit-returns", "before-the-commit"])
def test_an_interrupt_at_a_commit_counts_what_it_kept(
    tmp_path: Path, interrupting: type[_Interrupting], after: bool
) -> None:
    write_corpus(tmp_path / "corpus", 150)  # more than a write group (64): a commit mid-run
    db = tmp_path / "i.sqlite"
    interrupting.after = after
    durable = Durable()
    vocab, registry = load_vocabulary(()), load_registry(())
    with Store.open_writer(db) as store, pytest.raises(KeyboardInterrupt):
        for _ in ingest([tmp_path / "corpus"], store, vocab, Options(jobs=1), registry=registry, durable=durable):
            pass
    kept = _files_in(db)
    assert durable.files == kept
    assert (kept > 0) is after


def test_a_finished_ingest_counts_every_file(tmp_path: Path) -> None:
    write_corpus(tmp_path / "corpus", 70)
    durable = Durable()
    with Store.open_writer(tmp_path / "i.sqlite") as store:
        events = list(ingest([tmp_path / "corpus"], store, load_vocabulary(()), Options(jobs=1), durable=durable))
    assert durable.files == 70 == events[-1].summary.read  # type: ignore[union-attr]
