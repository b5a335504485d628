"""Every cache file is written through cachefile.write_atomic: whole or not at all, and a
folder that cannot take it is only a miss (False), never an error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qcdc_cli import cachefile


def test_writes_whole_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "cache.bin"
    assert cachefile.write_atomic(target, b"first", ".cache-")
    assert cachefile.write_atomic(target, b"second", ".cache-")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["cache.bin"]


def test_a_folder_not_to_be_made_is_a_miss(tmp_path: Path) -> None:
    target = tmp_path / "gone" / "cache.bin"
    assert not cachefile.write_atomic(target, b"x", ".cache-", make_folder=False)
    assert not (tmp_path / "gone").exists()


def test_a_folder_that_cannot_be_made_is_a_miss(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"not a folder")
    assert not cachefile.write_atomic(tmp_path / "file" / "cache.bin", b"x", ".cache-")


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cache.bin"
    target.write_bytes(b"old")

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "refused")

    monkeypatch.setattr(os, "replace", refuse)
    assert not cachefile.write_atomic(target, b"new", ".cache-")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.bin"]
