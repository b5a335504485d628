"""What the standard library compiles at import, kept across runs for the fast path.

Two things a one-file `qcdc check` otherwise compiles again on every start, together
about a quarter of its run on Python 3.11:

- dataclass methods: `@dataclass` writes the source of each class's `__init__`,
  `__repr__`, `__eq__`, ... and compiles it (~50 classes). What `compile` returns
  depends only on that text and the interpreter, so the code objects are kept and
  given to `exec` instead of the text (by binding the name `exec` in the dataclasses
  module, which its `_create_fn` calls, for the block only); so are the docstrings
  dataclasses writes for classes without one (from `inspect.signature`, so `inspect`,
  a tenth of a check, is not imported: `_import_dataclasses`, `_Signatures`);
- stdlib `re` patterns of the code (~50, see `re_patterns`): `re` keeps compiled
  patterns in `re._cache`; the arguments `re._compiler.compile` hands to `_sre.compile`
  are kept and the cache is filled from them before the run (Python 3.11 only, whose
  `re` works this way; a pattern that warns while compiling is never kept).

Both come out the same as compiled (tests/test_fast_cli.py compares them). The files
(marshal, as in `__pycache__`) are trusted like Python's own `__pycache__`: they live in
the user's cache folder, keyed by the interpreter; a damaged, truncated or foreign file
fails its checksum or version line and is ignored, then rewritten. Used by cli._fast
around a command's run only; QCDC_FAST=0 turns it off with the fast path.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

_FORMAT = 2  # 2: method code marshalled one by one; signature texts
_MAX_ENTRIES = 2000  # ~1 KB each; beyond this, a rewrite keeps only the entries this run used


def _version_line(what: str) -> bytes:
    return f"qcdc {what} {_FORMAT} python {sys.version} optimize {sys.flags.optimize}".encode()


def cache_path(folder: str, what: str = "dataclasses") -> str:
    return os.path.join(folder, f"{what}-{sys.implementation.cache_tag or 'python'}.marshal")


def read(path: str, what: str = "dataclasses") -> dict[Any, Any]:
    """The file's entries; {} when missing, damaged or foreign."""
    import marshal
    import zlib

    try:
        with open(path, "rb") as f:
            raw = f.read()
        head, checksum, body = raw.split(b"\n", 2)
        if head != _version_line(what) or checksum != b"%08x" % zlib.crc32(body):
            return {}
        entries = marshal.loads(body)
        return entries if isinstance(entries, dict) else {}
    except Exception:  # any damage at all: compile again and rewrite
        return {}


def write(path: str, entries: dict[Any, Any], what: str = "dataclasses") -> None:
    """Atomically; a folder that cannot be written only means no cache."""
    import marshal
    import zlib

    from qcdc_cli.cachefile import write_atomic

    try:
        body = marshal.dumps(entries)
    except ValueError:  # a value marshal refuses: no cache
        return
    write_atomic(path, _version_line(what) + b"\n" + b"%08x" % zlib.crc32(body) + b"\n" + body, f".{what}-")


@contextlib.contextmanager
def cached(folder: str | None) -> Iterator[None]:
    """Within the block, dataclass methods and stdlib patterns come from `folder`."""
    with re_patterns(folder), dataclass_code(folder):
        yield


@contextlib.contextmanager
def dataclass_code(folder: str | None) -> Iterator[None]:
    """Within the block, dataclasses compile each method source once per cache folder,
    and the docstrings they write come from `_Signatures` (without `inspect`)."""
    if folder is None:
        yield
        return
    dataclasses = _import_dataclasses()
    if "exec" in vars(dataclasses):  # already inside
        yield
        return
    import marshal
    from types import CodeType

    path = cache_path(folder)
    stored = read(path)
    used: dict[Any, Any] = {}
    new = False

    def cached_exec(source: Any, globals: Any = None, locals: Any = None) -> None:
        nonlocal new
        if not isinstance(source, str):
            return builtins.exec(source, globals, locals)
        blob = stored.get(source)
        code = None
        if isinstance(blob, bytes):  # marshalled on its own: only the classes built are read
            with contextlib.suppress(Exception):
                code = marshal.loads(blob)
        if not isinstance(code, CodeType):
            # what exec(source) compiles: file "<string>", no __future__ flags of ours
            code = compile(source, "<string>", "exec", dont_inherit=True)
            blob = marshal.dumps(code)
            new = True
        used[source] = blob
        return builtins.exec(code, globals, locals)

    signatures = _Signatures(stored, used)
    before = dataclasses.inspect
    dataclasses.exec = cached_exec
    dataclasses.inspect = signatures
    try:
        yield
    finally:
        del dataclasses.exec
        dataclasses.inspect = before
        if new or signatures.new:
            keep = {**stored, **used} if len(stored) + len(used) <= _MAX_ENTRIES else used
            write(path, keep)


def _import_dataclasses() -> Any:
    """`dataclasses`, imported without `inspect` when neither is imported yet.

    It imports `inspect` (with ast, dis, tokenize: ~10 ms, a tenth of a one-file check)
    only to write a docstring for a class that has none (`inspect.signature`). While it
    is imported a placeholder stands in `sys.modules`; then its name `inspect` is bound
    to `_Later`, which imports the real module on first use."""
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        import dataclasses

        return dataclasses
    placeholder = type(sys)("inspect")
    sys.modules["inspect"] = placeholder
    try:
        import dataclasses
    finally:
        if sys.modules.get("inspect") is placeholder:
            del sys.modules["inspect"]
    if getattr(dataclasses, "inspect", None) is placeholder:
        dataclasses.inspect = _Later()  # type: ignore[attr-defined]
    return dataclasses


class _Later:
    """Stands for `inspect` in `dataclasses` until it is read: then imports it."""

    def __getattr__(self, name: str) -> Any:
        import dataclasses
        import inspect

        dataclasses.inspect = inspect  # type: ignore[attr-defined]
        return getattr(inspect, name)


_CO_VARARGS, _CO_VARKEYWORDS = 0x04, 0x08


class _Signatures:
    """`inspect` for dataclasses within the block: `signature(cls)` is the text
    `inspect.signature(cls)` gave in an earlier run for a class whose signature depends
    only on what `signature_key` lists; anything else is the real `inspect`'s."""

    def __init__(self, stored: dict[Any, Any], used: dict[Any, Any]) -> None:
        self.stored, self.used, self.new = stored, used, False

    def signature(self, cls: Any) -> Any:
        key = signature_key(cls)
        text = self.stored.get(key) if key is not None else None
        if isinstance(text, str):
            self.used[key] = text
            return text  # dataclasses takes str() of it
        import inspect

        found = inspect.signature(cls)  # raises what dataclasses expects
        if key is not None:
            self.used[key] = str(found)
            self.new = True
        return found

    def __getattr__(self, name: str) -> Any:
        import inspect

        return getattr(inspect, name)


def signature_key(cls: Any) -> tuple[Any, ...] | None:
    """Everything `str(inspect.signature(cls))` reads, for a plain class whose signature
    is that of the pure-Python `__init__` in its own namespace (what dataclasses makes)
    with string or None annotations; None for any other class.

    inspect.signature (3.11) takes such a class's `__init__` when the class has no
    `__wrapped__`, `__signature__` or `_partialmethod`, its metaclass is `type` and it
    defines no `__new__`; then the parameters come from the code's argument counts,
    names and flags, the defaults (shown by repr) and the annotations, less the first."""
    try:
        if type(cls) is not type or "__new__" in cls.__dict__:
            return None
        if any(hasattr(cls, name) for name in ("__wrapped__", "__signature__", "_partialmethod")):
            return None
        from types import FunctionType

        found = cls.__dict__.get("__init__")
        if not isinstance(found, FunctionType) or getattr(cls, "__init__", None) is not found:
            return None
        init: Any = found
        if any(hasattr(init, name) for name in ("__wrapped__", "__signature__", "_partialmethod")):
            return None
        code = init.__code__
        count = code.co_argcount + code.co_kwonlyargcount
        flags = code.co_flags & (_CO_VARARGS | _CO_VARKEYWORDS)
        count += bool(flags & _CO_VARARGS) + bool(flags & _CO_VARKEYWORDS)
        annotations = init.__annotations__
        if not isinstance(annotations, dict) or not all(v is None or type(v) is str for v in annotations.values()):
            return None
        defaults = tuple(repr(d) for d in init.__defaults__ or ())
        kwdefaults = tuple((k, repr(v)) for k, v in (init.__kwdefaults__ or {}).items())
        return (
            "signature",
            code.co_argcount,
            code.co_posonlyargcount,
            code.co_kwonlyargcount,
            flags,
            code.co_varnames[:count],
            defaults,
            kwdefaults,
            tuple(annotations.items()),
        )
    except Exception:
        return None


# re._cache keys: (type, pattern, flags); kept: str patterns without these flags
_RE_SKIP = 128 | 1  # re.DEBUG, re.TEMPLATE (TEMPLATE warns when compiled)
# functions whose patterns are made from the registry (or the class), never a document:
# (module, function) -> why
KEPT_BUILDERS = {
    ("qcdc_cli.resolve.catalog", "_names_pattern"): "the province names of the registry (~4 ms)",
    ("qcdc_cli.lint.text_rules", "_opening_cue"): "the registry's `implements` cues",
    ("string", "__init_subclass__"): "a string.Template class's pattern",
}


@contextlib.contextmanager
def re_patterns(folder: str | None) -> Iterator[None]:
    """Within the block, `re` finds the patterns compiled in earlier runs in its cache.

    Only patterns of the code are kept: compiled by a module's top-level code, literal
    constants of the function that compiles them, or made by a function of
    KEPT_BUILDERS; never one a function builds otherwise, which could hold words of a
    document."""
    import re

    cache = getattr(re, "_cache", None)
    original = getattr(re, "_compile", None)
    if folder is None or sys.version_info[:2] != (3, 11) or not isinstance(cache, dict) or original is None:
        yield
        return
    import _sre  # type: ignore[import-not-found,unused-ignore]

    path = cache_path(folder, "re")
    stored = read(path, "re")
    for (pattern, flags), args in stored.items():
        key = (str, pattern, flags)
        if key not in cache:
            with contextlib.suppress(Exception):  # not this interpreter's: re compiles it
                cache[key] = _sre.compile(pattern, *args)
    kept: dict[tuple[Any, int], Any] = {}
    own = os.path.dirname(re.__file__) + os.sep

    def compile_and_note(pattern: Any, flags: Any) -> Any:
        compiled = original(pattern, flags)
        if type(pattern) is not str:
            return compiled
        key = (pattern, int(flags))
        if key in stored or key in kept or key[1] & _RE_SKIP:
            return compiled
        frame = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename.startswith(own):
            frame = frame.f_back  # type: ignore[assignment]
        if frame is not None and _of_the_code(pattern, frame):
            kept[key] = compiled
        return compiled

    re._compile = compile_and_note  # type: ignore[attr-defined]
    try:
        yield
    finally:
        re._compile = original  # type: ignore[attr-defined]
        found = {key: args for key, p in kept.items() if (args := _arguments(key[0], key[1], p)) is not None}
        if found:
            write(path, {**stored, **found} if len(stored) + len(found) <= _MAX_ENTRIES else found, "re")


def _of_the_code(pattern: Any, frame: Any) -> bool:
    code = frame.f_code
    if code.co_name == "<module>" or any(c is pattern for c in code.co_consts):
        return True
    return (frame.f_globals.get("__name__"), code.co_name) in KEPT_BUILDERS


def _arguments(pattern: str, flags: int, compiled: Any) -> tuple[Any, ...] | None:
    """What `re._compiler.compile(pattern, flags)` passes to `_sre.compile` after the
    pattern; None when compiling warns or the result is not `compiled`."""
    import _sre  # type: ignore[import-not-found,unused-ignore]
    import warnings
    from re import _compiler, _parser  # type: ignore[attr-defined]

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            parsed = _parser.parse(pattern, flags)
            code = _compiler._code(parsed, flags)
        if caught:
            return None
        groupindex = parsed.state.groupdict
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, i in groupindex.items():
            indexgroup[i] = name
        # plain ints: the opcodes are int subclasses, which marshal does not write
        args = (
            int(flags | parsed.state.flags),
            [int(op) for op in code],
            int(parsed.state.groups - 1),
            dict(groupindex),
            tuple(indexgroup),
        )
        return args if _sre.compile(pattern, *args) == compiled else None
    except Exception:
        return None
