"""A file added whose text holds no document number (here, bytes that decode as UTF-16
to a few odd characters) re-resolves the index instead of failing on an empty SQL
condition (index/reresolve.py `_citing_docs` with no serial to look up), and the
patched index equals one resolved in full."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import SAMPLES
from test_incremental import _derived, _full_copy, _ingest

from qcdc_cli.knowledge.registry import load_registry, load_vocabulary


def test_a_file_without_a_number_is_re_resolved_as_in_full(tmp_path: Path) -> None:
    vocab, registry = load_vocabulary(), load_registry(())
    root = tmp_path / "corpus"
    shutil.copytree(SAMPLES, root)
    db = tmp_path / "i.sqlite"
    _ingest(root, db, vocab, registry)
    (root / "odd.txt").write_bytes(b"\xff\xfe\x00bad\x00" * 2)
    summary = _ingest(root, db, vocab, registry)
    assert summary.read == 1 and not summary.failed
    assert summary.derive_seconds is not None
    full = _full_copy(db, tmp_path / "full.sqlite", vocab, registry)
    assert _derived(db) == _derived(full)
