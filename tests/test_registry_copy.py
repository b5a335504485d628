"""The fast copy of the registry cache (knowledge.registry, "the fast copy"): used only
while every file the cache key was made from, and the JSON cache file, is as `os.stat`
saw it; a damaged, foreign or stale copy is a miss that loads as before and is written
again. Loads come out equal to a cold load (YAML, pydantic, checks)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_registry import OVERLAY, fresh_load, refuse_full_load, vocabulary_fields, write

import qcdc_cli.knowledge.registry as registry_module
from qcdc_cli.config import CACHE_ENV
from qcdc_cli.knowledge.registry import REGISTRY_ENV
from qcdc_cli.knowledge.schema import Registry


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    monkeypatch.delenv(REGISTRY_ENV, raising=False)
    registry_module._load.cache_clear()
    yield folder
    registry_module._load.cache_clear()


def refuse_json(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Count reads of the JSON cache (a load from the copy reads none)."""
    reads: list[Path] = []
    original = registry_module._read_plain

    def counted(path: Path, key: str) -> object:
        reads.append(path)
        return original(path, key)

    monkeypatch.setattr(registry_module, "_read_plain", counted)
    return reads


def warm_up(extra: tuple[Path, ...] = ()) -> Registry:
    """The cold load writes the JSON cache; the next, a hit there, writes the copy."""
    cold = fresh_load(extra)
    fresh_load(extra)
    return cold


def test_the_copy_gives_the_registry_and_vocabulary_of_a_cold_load(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = warm_up()
    assert len(list(cache.glob("registry-*.marshal"))) == 1
    refuse_full_load(monkeypatch)
    reads = refuse_json(monkeypatch)
    warm = fresh_load()
    assert reads == []  # from the copy
    assert warm is not cold and warm == cold
    assert warm.model_dump_json() == cold.model_dump_json()
    assert vocabulary_fields(warm) == vocabulary_fields(cold)


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "foreign"])
def test_a_damaged_copy_is_a_miss_and_is_written_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    cold = warm_up()
    (copy,) = cache.glob("registry-*.marshal")
    raw = copy.read_bytes()
    damaged = {
        "truncate": raw[: len(raw) // 2],
        "flip": raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:],
        "garbage": raw.split(b"\n", 1)[0] + b"\n00000000\n" + os.urandom(200),
        "empty": b"",
        "foreign": raw.replace(b"python 3.", b"python 2.", 1),
    }[damage]
    copy.write_bytes(damaged)
    reads = refuse_json(monkeypatch)
    assert fresh_load() == cold
    assert len(reads) == 1  # the miss read the JSON cache ...
    assert copy.read_bytes() == raw  # ... and wrote the copy again
    assert fresh_load() == cold
    assert len(reads) == 1


def _same_size_same_mtime(path: Path, old: str, new: str) -> None:
    """Edit the file without changing its size or mtime (only its ctime moves)."""
    before = path.stat()
    text = path.read_text("utf-8")
    assert len(old.encode()) == len(new.encode()) and old in text
    path.write_text(text.replace(old, new), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns


def test_an_edited_registry_file_is_read_again_even_with_its_size_and_mtime(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "laichau.yaml", OVERLAY)
    doc = "ĐUKCCQ:KH:13@2016#Lai Châu"
    first = warm_up((path,)).document(doc)
    assert first is not None and first.date == "2016-04-11"
    _same_size_same_mtime(path, '"2016-04-11"', '"2016-04-12"')
    changed = fresh_load((path,)).document(doc)
    assert changed is not None and changed.date == "2016-04-12"


def test_a_changed_code_file_is_a_miss(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = tmp_path / "code.py"
    code.write_text("x = 1\n")
    files = registry_module._code_files()
    monkeypatch.setattr(registry_module, "_code_files", lambda: [*files, str(code)])
    warm_up()
    reads = refuse_json(monkeypatch)
    fresh_load()
    assert reads == []
    code.write_text("x = 2\n")
    fresh_load()
    assert len(reads) == 1
    code.unlink()  # a file gone: never from the copy
    fresh_load()
    assert len(reads) == 2


def test_the_code_files_are_those_the_key_hashes() -> None:
    from qcdc_cli.codehash import PACKAGE_DIR, source_files

    hashed = {str(p) for p in source_files(*registry_module._CACHED_CODE)}
    assert set(registry_module._code_files()) == hashed | {str(PACKAGE_DIR / "__init__.py")}


def test_a_rewritten_json_cache_is_a_miss(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = warm_up()
    (json_file,) = cache.glob("registry-*.json")
    json_file.write_bytes(json_file.read_bytes())  # the same bytes, written again
    reads = refuse_json(monkeypatch)
    assert fresh_load() == cold
    assert len(reads) == 1


def test_each_list_of_registry_files_has_its_copy(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "laichau.yaml", OVERLAY)
    bundled = warm_up()
    with_overlay = warm_up((path,))
    assert len(list(cache.glob("registry-*.marshal"))) == 2
    reads = refuse_json(monkeypatch)
    assert fresh_load() == bundled
    assert fresh_load((path,)) == with_overlay != bundled
    assert reads == []
