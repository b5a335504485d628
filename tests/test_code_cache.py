"""The code digests derive_key and extractor_key use are kept across runs under the
source files' (path, size, mtime_ns) (codehash.stat_digest): always the digest of the
files as they are now, whether kept, missing, damaged or stale."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qcdc_cli.app.ingest import EXTRACTOR_CODE
from qcdc_cli.codehash import PACKAGE_DIR, code_digest, digest_files, source_files, stat_digest
from qcdc_cli.index.derived import DERIVE_CODE


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "qcdc_cli"
    shutil.copytree(PACKAGE_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def fresh(root: Path, units: tuple[str, ...]) -> str:
    return digest_files(root, source_files(*units, root=root))


@pytest.mark.parametrize("units", [DERIVE_CODE, EXTRACTOR_CODE], ids=["derive", "extractor"])
def test_an_edited_added_or_removed_source_changes_the_kept_digest(copy: Path, tmp_path: Path, units) -> None:
    folder = tmp_path / "cache"
    before = stat_digest(*units, root=copy, folder=folder)
    assert before == fresh(copy, units)
    assert stat_digest(*units, root=copy, folder=folder) == before  # kept: the same
    assert len(list(folder.iterdir())) == 1
    header = copy / "extract" / "header.py"
    original = header.read_bytes()
    stat = header.stat()
    header.write_bytes(original.replace(b"def ", b"def  ", 1))  # one byte longer
    os.utime(header, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same mtime: the size says it
    edited = stat_digest(*units, root=copy, folder=folder)
    assert edited == fresh(copy, units) != before
    header.write_bytes(original.replace(b"def ", b"fed ", 1))  # same size, a later mtime
    os.utime(header, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert stat_digest(*units, root=copy, folder=folder) == fresh(copy, units) != edited
    header.write_bytes(original)
    os.utime(header, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert stat_digest(*units, root=copy, folder=folder) == before
    (copy / "index" / "added.py").write_text("X = 1\n")
    added = stat_digest(*units, root=copy, folder=folder)
    assert added == fresh(copy, units) != before
    (copy / "index" / "added.py").unlink()
    assert stat_digest(*units, root=copy, folder=folder) == before
    assert len(list(folder.iterdir())) == 1  # rewritten in place, nothing left behind


@pytest.mark.parametrize("damage", ["", "garbage", "x" * 64 + " " + "0" * 64, "\xff"])
def test_a_damaged_or_foreign_kept_digest_is_hashed_again(copy: Path, tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "cache"
    right = stat_digest(*DERIVE_CODE, root=copy, folder=folder)
    (kept,) = folder.iterdir()
    key = kept.read_text().split()[0]
    kept.write_text(damage.replace("x" * 64, key), encoding="latin-1")  # a wrong digest under the right key too
    again = stat_digest(*DERIVE_CODE, root=copy, folder=folder)
    if damage.startswith("x"):  # a well-formed entry is trusted, as a .pyc is: the key is the stats
        assert again == "0" * 64
    else:
        assert again == right


def test_the_package_s_kept_digests_are_code_digest_s(tmp_path: Path) -> None:
    for units in (DERIVE_CODE, EXTRACTOR_CODE):
        assert stat_digest(*units, folder=tmp_path) == code_digest(*units)
        assert stat_digest(*units, folder=tmp_path) == code_digest(*units)  # from the file


def test_no_cache_folder_hashes_every_time(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qcdc_cli.config.cache_dir", lambda environ: None)
    assert stat_digest(*DERIVE_CODE, root=copy) == fresh(copy, DERIVE_CODE)


def test_the_keys_are_the_ones_hashed_from_the_files(vocab) -> None:
    import hashlib

    from qcdc_cli import __version__
    from qcdc_cli.app.ingest import extractor_key
    from qcdc_cli.index.derived import _registry_json, derive_key
    from qcdc_cli.knowledge.registry import load_registry

    registry = load_registry()
    h = hashlib.sha256(_registry_json(registry).encode())
    h.update(code_digest(*DERIVE_CODE).encode())
    assert derive_key(registry) == h.hexdigest()[:16]
    h = hashlib.sha256(__version__.encode())
    h.update(code_digest(*EXTRACTOR_CODE).encode())
    h.update(repr(vocab).encode())
    assert extractor_key(vocab) == f"{__version__}+{h.hexdigest()[:16]}"
