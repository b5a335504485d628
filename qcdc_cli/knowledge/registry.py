"""Loading the registry: where the bundled YAML files live, reading them safely, merging
user files on top, checking the result, and caching what passed.

Files are read with the YAML safe loader only (a registry may come from anyone), each
validated against `knowledge.schema`, then merged (lists are appended, so a user file
adds documents, issuers and provinces to the bundled ones) and checked as a whole
(`knowledge.checks`). A registry that passed every check is kept in a cache keyed by
the files' bytes and the code that checked them (see `load_registry`), so `qcdc check`
and `qcdc extract` import neither pydantic nor yaml when nothing changed: together
they cost more than the whole check of a draft. A copy of the cached registry keyed by
the files' `os.stat` (see "the fast copy") spares even the hashing and the JSON.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qcdc_cli.codehash import PACKAGE_DIR, code_digest, sha256, source_paths
from qcdc_cli.errors import RegistryError
from qcdc_cli.knowledge.schema import Registry, validate

if TYPE_CHECKING:
    # the checks are imported where they run: only when the registry is not in the cache
    from qcdc_cli.knowledge.checks import Origins, Problem
    from qcdc_cli.knowledge.vocabulary import Vocabulary


REGISTRY_ENV = "QCDC_REGISTRY"  # extra registry files, separated by os.pathsep


# ---------------------------------------------------------------- files and paths


def _data_dir() -> Path:
    """Where the bundled YAML files are: inside the installed package, else the repo.

    A plain path next to this file, not `importlib.resources` (which costs more to
    import than reading the cache): the package is always installed as files.
    """
    packaged = PACKAGE_DIR / "data"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "data"


def default_paths() -> list[Path]:
    """The bundled registry files, in load order."""
    data = _data_dir()
    return [data / "directives.yaml", data / "provinces.yaml"]


def extra_paths_from_env() -> list[Path]:
    value = os.environ.get(REGISTRY_ENV, "")
    return [Path(p) for p in value.split(os.pathsep) if p.strip()]


def _parse(path: Path, raw: bytes) -> dict[str, Any] | Problem:
    import yaml

    from qcdc_cli.knowledge.checks import Problem

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Problem(str(path), "", "registry file is not UTF-8")
    try:
        # The safe loader only (tags like !!python/object are refused), in its C build when
        # libyaml is there: 6x faster on the bundled files (0.6 s -> 0.1 s measured).
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        return Problem(str(path), where, f"not valid YAML: {problem}")
    if data is None:
        return {}
    if not isinstance(data, dict):
        return Problem(str(path), "", "a registry file must be a mapping at the top level")
    return data


# ---------------------------------------------------------------- merging

_LIST_KEYS = ("documents", "issuers", "provinces", "terms")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Lists are appended (a user file adds codes, cues and documents); mappings merge."""
    out = dict(base)
    for key, value in extra.items():
        if key in out and isinstance(out[key], list) and isinstance(value, list):
            out[key] = [*out[key], *value]
        elif key in out and isinstance(out[key], dict) and isinstance(value, dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _record_origins(
    origins: Origins, data: dict[str, Any], path: str, kept: dict[str, list[int]] | None = None
) -> None:
    for key in _LIST_KEYS:
        if isinstance(data.get(key), list):
            if kept is not None and key in kept:  # entries dropped for schema errors keep their file index
                origins.by_key.setdefault(key, []).extend((path, i) for i in kept[key])
            else:
                origins.add(key, path, len(data[key]))
    types = data.get("types")
    if isinstance(types, dict):
        for system in ("party", "state"):
            if isinstance(types.get(system), list):
                origins.add(f"types.{system}", path, len(types[system]))


def _valid_entries(data: Any, error: Any) -> tuple[dict[str, Any] | None, dict[str, list[int]]]:
    """The file without the list entries its schema errors point at, when what is left is
    valid; (None, {}) when an error is elsewhere (a whole table malformed)."""
    from pydantic import ValidationError

    if not isinstance(data, dict):
        return None, {}
    bad: dict[str, set[int]] = {}
    for item in error.errors():
        loc = item["loc"]
        if len(loc) < 2 or loc[0] not in _LIST_KEYS or not isinstance(loc[1], int):
            return None, {}
        bad.setdefault(str(loc[0]), set()).add(loc[1])
    reduced = dict(data)
    kept: dict[str, list[int]] = {}
    for key, indices in bad.items():
        entries = data.get(key)
        if not isinstance(entries, list):
            return None, {}
        kept[key] = [i for i in range(len(entries)) if i not in indices]
        reduced[key] = [entries[i] for i in kept[key]]
    try:
        validate(reduced)
    except ValidationError:
        return None, {}
    return reduced, kept


# ---------------------------------------------------------------- loading


def check_files(paths: Sequence[Path]) -> tuple[Registry | None, list[Problem]]:
    """Read, validate and merge registry files; every problem found, in file order.

    The merged registry is returned even when cross-checks fail (None only when a file
    cannot be read or does not match the schema), so `qcdc registry validate` can report
    everything at once.
    """
    return _check([(path, _read_bytes(path)) for path in paths])


def _read_bytes(path: Path) -> bytes | Problem:
    try:
        return path.read_bytes()
    except OSError as e:
        from qcdc_cli.knowledge.checks import Problem

        return Problem(str(path), "", f"cannot read registry file: {e.strerror or e}")


def _check(sources: Sequence[tuple[Path, bytes | Problem]]) -> tuple[Registry | None, list[Problem]]:
    from pydantic import ValidationError

    from qcdc_cli.knowledge.checks import Origins, Problem, cross_problems, schema_problems

    problems: list[Problem] = []
    merged: dict[str, Any] = {}
    origins = Origins()
    for path, raw in sources:
        data = raw if isinstance(raw, Problem) else _parse(path, raw)
        if isinstance(data, Problem):
            problems.append(data)
            continue
        kept: dict[str, list[int]] | None = None
        try:
            validate(data)  # each file on its own, so errors name it
        except ValidationError as e:
            problems.extend(schema_problems(e, path))
            # the file's valid entries are still cross-checked, so one round reports all
            valid, kept = _valid_entries(data, e)
            if valid is None:
                continue
            data = valid
        _record_origins(origins, data, str(path), kept)
        merged = _merge(merged, data)
    if problems:
        try:
            partial = validate(merged)
        except ValidationError:
            return None, problems
        return None, problems + list(cross_problems(partial, origins))
    registry = validate(merged)
    problems.extend(cross_problems(registry, origins))
    return registry, problems


def load_registry(extra: Sequence[Path] = ()) -> Registry:
    """The bundled registry plus user files (`extra`, then $QCDC_REGISTRY), validated.

    A registry that passed every check is cached (see `_cache_key`); a cache hit skips
    yaml, pydantic and the cross-checks, which are most of `qcdc check`'s start-up.
    """
    return _load(tuple(default_paths()) + tuple(extra) + tuple(extra_paths_from_env()))


_SHOWN = 20  # problems listed in one error message


@cache
def _load(paths: tuple[Path, ...]) -> Registry:
    fast = _fast_file(paths)
    stats = _stats(paths) if fast is not None else None  # before any file is read
    if fast is not None and stats is not None:
        found = _read_fast(fast, stats)
        if found is not None:
            return found
    sources = [(path, _read_bytes(path)) for path in paths]
    contents = [raw for _, raw in sources if isinstance(raw, bytes)]  # else a Problem
    key = _cache_key(contents) if len(contents) == len(sources) else None
    if key is not None:
        path = _cache_file(key)
        if path is not None:
            seen = _stat(str(path))  # before it is read
            plain = _read_plain(path, key)
            cached = _from_plain(plain) if plain is not None else None
            if cached is not None:
                if fast is not None and stats is not None and seen is not None:
                    _write_fast(fast, stats, str(path), seen, plain)
                return cached
    registry, problems = _check(sources)  # the bytes hashed are the bytes checked
    if problems:
        lines = [str(p) for p in problems[:_SHOWN]]
        if len(problems) > _SHOWN:
            more = len(problems) - _SHOWN
            lines.append(f"... and {more} more (qcdc registry validate lists them all)")
        raise RegistryError("invalid registry:\n  " + "\n  ".join(lines))
    assert registry is not None
    if key is not None:
        _write_cache(key, registry)
    return registry


# ---------------------------------------------------------------- the compiled cache

_CACHE_FORMAT = 1
# The code a cached registry depends on: its schema and checks, and what they call.
_CACHED_CODE = ("qcdc_cli.knowledge", "qcdc_cli.models", "qcdc_cli.errors")


def _cache_key(contents: Sequence[bytes]) -> str:
    """sha256 of the registry files' bytes, in load order, and of the code that read them.

    The cache is trusted only because of this key: a cache file that was written for
    other files or by other code is never found (and is JSON, so never executed).
    """
    from qcdc_cli import __version__

    h = sha256(f"qcdc {__version__} cache {_CACHE_FORMAT}\n".encode())
    h.update(code_digest(*_CACHED_CODE).encode())
    for raw in contents:
        h.update(b"file %d\n" % len(raw))
        h.update(raw)
    return h.hexdigest()


def _cache_file(key: str) -> Path | None:
    from qcdc_cli.config import cache_dir

    folder = cache_dir(os.environ)
    return folder / f"registry-{key[:32]}.json" if folder is not None else None


def _read_plain(path: Path, key: str) -> Any:
    """The file's registry as `model_dump()` gave it; None unless it is `key`'s."""
    import json  # not on a warm run: the fast copy answers

    try:
        with path.open("rb") as f:
            data = json.load(f)
        if data.get("key") != key:
            return None
        return data["registry"]
    except Exception:  # any damage at all means: load the YAML and rewrite the cache
        return None


def _from_plain(plain: Any) -> Registry | None:
    try:
        return Registry.from_plain(plain)
    except Exception:  # a table missing or unknown: a stale cache
        return None


def _write_cache(key: str, registry: Registry) -> None:
    """Write atomically (temp file + rename); a cache that cannot be written is skipped."""
    path = _cache_file(key)
    if path is None:
        return
    import json

    from qcdc_cli.cachefile import write_atomic

    body = json.dumps({"key": key, "registry": registry.model_dump()}, ensure_ascii=False)
    if write_atomic(path, body.encode("utf-8"), ".registry-"):
        with contextlib.suppress(OSError):
            _prune(path)


_CACHE_KEPT_DAYS = 30


def _prune(written: Path) -> None:
    """Drop registry caches not rewritten for a month: every edit of a registry file (or
    of qcdc) makes a new key, and the old files would otherwise pile up."""
    import time

    cutoff = time.time() - _CACHE_KEPT_DAYS * 86400
    for old in [*written.parent.glob("registry-*.json"), *written.parent.glob("registry-*.marshal")]:
        with contextlib.suppress(OSError):
            if old != written and old.stat().st_mtime < cutoff:
                old.unlink()


# ---------------------------------------------------------------- the fast copy
#
# Finding the JSON cache costs hashing the registry files and the code (`_cache_key`),
# then decoding JSON: ~5 ms of a ~100 ms `qcdc check`. A copy of what the JSON file held
# is kept as marshal data (strings, lists, dicts: never executed), one file per list of
# registry paths, with what the key was made from as `os.stat` saw it: the registry
# files, every file the code digest hashes, and the JSON file itself. While all of them
# have the same size, mtime, ctime, inode and device (ctime changes with any write and
# cannot be set back), the key and the JSON file are the same, so the copy is used; any
# difference, a missing file or a damaged, truncated or foreign copy is a miss: the
# JSON cache (or the YAML) answers as before and the copy is written again.

_FAST_FORMAT = 1


def _fast_file(paths: tuple[Path, ...]) -> str | None:
    from qcdc_cli.config import cache_dir

    folder = cache_dir(os.environ)
    if folder is None:
        return None
    name = sha256("\0".join(map(str, paths)).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return os.path.join(folder, f"registry-{name}.marshal")


def _stat(path: str) -> tuple[int, ...] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def _code_files() -> list[str]:
    """The files `code_digest(*_CACHED_CODE)` hashes, and the one that sets `__version__`."""
    return [str(PACKAGE_DIR / "__init__.py"), *source_paths(*_CACHED_CODE)]


def _stats(paths: tuple[Path, ...]) -> list[Any] | None:
    """(file, stat) of the registry files and the code; None when one is missing."""
    try:
        files = [*map(str, paths), *_code_files()]
    except OSError:
        return None
    out: list[Any] = []
    for name in files:
        seen = _stat(name)
        if seen is None:
            return None
        out.append((name, seen))
    return out


def _fast_head() -> bytes:
    import sys

    return f"qcdc registry copy {_FAST_FORMAT} python {sys.version}".encode()


def _read_fast(fast: str, stats: list[Any]) -> Registry | None:
    import marshal
    import zlib

    try:
        with open(fast, "rb") as f:
            raw = f.read()
        head, checksum, body = raw.split(b"\n", 2)
        if head != _fast_head() or checksum != b"%08x" % zlib.crc32(body):
            return None
        data = marshal.loads(body)
        if data["stats"] != stats or _stat(data["json"]) != data["json stat"]:
            return None
        return _from_plain(data["registry"])
    except Exception:  # any damage at all: a miss
        return None


def _write_fast(fast: str, stats: list[Any], json_path: str, json_stat: tuple[int, ...], plain: Any) -> None:
    """Atomically; a folder that cannot be written, or data marshal refuses, only
    means no copy."""
    import marshal
    import zlib

    from qcdc_cli.cachefile import write_atomic

    try:
        body = marshal.dumps({"stats": stats, "json": json_path, "json stat": json_stat, "registry": plain})
    except ValueError:
        return
    write_atomic(
        fast, _fast_head() + b"\n" + b"%08x" % zlib.crc32(body) + b"\n" + body, ".registry-", make_folder=False
    )


def load_vocabulary(extra: Sequence[Path] = ()) -> Vocabulary:
    """The vocabulary of the bundled registry plus user registry files (compiled once)."""
    return _vocabulary(tuple(extra))


@cache
def _vocabulary(extra: tuple[Path, ...]) -> Vocabulary:
    from qcdc_cli.knowledge.vocabulary import Vocabulary

    return Vocabulary.from_registry(load_registry(extra))
