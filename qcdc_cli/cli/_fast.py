"""Answers `qcdc` gives without importing Typer, from what Typer answered before.

Importing Typer costs ~6x a bare `python -c pass`, more than a help screen takes in all
and half a one-file `check`. So `main()` first tries two fast paths, both served from one
cache file that the Typer path filled:

- help screens (`qcdc --help`, `qcdc check -h`, ...): the text Typer printed for the same
  argv, program name, terminal size, tty-ness, stream encoding and the environment
  variables that colour, width or language read (`_ENV`);
- plain `check` and `extract` runs: argv parsed with a spec of the command's parameters
  made from the click command Typer builds (option strings, types, choices, defaults,
  callbacks), then the same function Typer's command calls (`cli._check_body.run`,
  `cli._extract_body.run`), with Typer's handling of exits, ^C and closed pipes.
- plain `trace`, `show` and `coverage` runs (an ID, `--db`, a direction, `--depth`):
  parsed by cli._fast_lineage without the cache, then run as above (`LINEAGE`);
- plain `ingest` runs (PATHs, `--db`, `--prune`, `--force`, `--quiet`, `--format`):
  parsed by cli._fast_ingest, then run as above (under the collector's usual policy).

Anything else goes to Typer, which answers as always (errors included): an option or
form the spec does not take (`-fjson`, `--help`, unknown options), a missing value, a
choice Typer would refuse, a path it would refuse, a callback that raises, shell
completion or QCDC_DEBUG in the environment, Windows (where Typer expands wildcards), a
command whose parameters the spec cannot describe (cli.make_spec). tests/test_fast_cli.py
checks the parse against Typer's on random argv.

The cache file is keyed by the Python version and by the path, size and mtime of every
module of qcdc_cli and of typer (the test Python applies to its own .pyc files, here to
the nanosecond). A missing, damaged (checksum), foreign or stale file is a miss: the
Typer path answers and rewrites it. QCDC_FAST=0 turns the fast paths off.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType
    from typing import Any

_FORMAT = 1
# help screens kept per section: one per argv, terminal size and environment seen, so a
# user who resizes the terminal often would otherwise grow the file every run reads
MAX_ENTRIES = 200
# the commands with a fast run: name -> the module whose `run` the Typer command calls
BODIES = {"check": "qcdc_cli.cli._check_body", "extract": "qcdc_cli.cli._extract_body"}
# plain runs of these parsed by cli._fast_lineage (no cache, no spec: a fixed few forms)
LINEAGE = ("trace", "show", "coverage")
HELP_FLAGS = ("--help", "-h")
# what a help screen may depend on besides argv and the terminal (click, typer, rich, gettext)
_ENV = (
    "COLUMNS",
    "LINES",
    "NO_COLOR",
    "FORCE_COLOR",
    "TERM",
    "COLORTERM",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_MESSAGES",
    "LC_CTYPE",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "TYPER_USE_RICH",
)


def attempt(args: list[str], make_spec: Callable[[str], dict[str, Any] | None]) -> _Miss | None:
    """Answer `args` and exit, or return what the Typer run should record (None: nothing).

    `make_spec` (cli.make_spec) makes a command's spec from Typer on a miss."""
    name = args[0] if args else ""
    if name in LINEAGE and not is_help(args) and _enabled(os.environ):  # trace, show, coverage
        from qcdc_cli.cli._fast_lineage import BODIES as LINEAGE_BODIES
        from qcdc_cli.cli._fast_lineage import parse as parse_lineage

        lineage_kwargs = parse_lineage(name, args[1:])
        if lineage_kwargs is not None:
            with _OneShotCollector():
                run_body(name, lineage_kwargs, LINEAGE_BODIES[name])  # exits
    if name == "ingest" and not is_help(args) and _enabled(os.environ):
        from qcdc_cli.cli._fast_ingest import BODY as INGEST_BODY
        from qcdc_cli.cli._fast_ingest import parse as parse_ingest

        ingest_kwargs = parse_ingest(args[1:])
        if ingest_kwargs is not None:
            run_body(name, ingest_kwargs, INGEST_BODY)  # exits
    if not (is_help(args) or name in BODIES) or not _enabled(os.environ):
        return None  # stats, export, ...: Typer, at no cost here
    path, key = _cache_file()
    if path is None:
        return None
    data = _read(path, key)
    if is_help(args):
        hkey = help_key(args)
        text = data["help"].get(hkey)
        if text is None:
            return _HelpMiss(path, key, hkey)
        _answer_help(text)
    if name in BODIES:
        spec = data["spec"].get(name)
        if spec is None:
            return _SpecMiss(path, key, name, make_spec)
        if spec:
            try:
                kwargs = parse(spec, args[1:])
            except Exception:  # a spec this code cannot read: Typer answers
                kwargs = None
            if kwargs is not None:
                with _OneShotCollector():
                    run_body(name, kwargs)  # exits
    return None


# The young generation of the cycle collector during a fast run. A one-file check makes
# ~25,000 objects that live to its end (modules, classes, registry records, patterns);
# at Python's default (700) the collector walks them ~35 times and frees almost nothing
# (~6 ms, 5 % of the run). Larger, a short run is never walked, and a long one is still
# collected every YOUNG objects, so memory stays bounded. When the run exits, what it
# made is frozen (gc.freeze): Python's last collection, at shutdown, would walk all of it
# once more (~5 ms) for the rare cycle left, whose memory the exit frees anyway; the
# standard streams are flushed and atexit handlers run as always.
YOUNG = 30_000


class _OneShotCollector:
    """The collector as a run that ends the process wants it (see YOUNG); the threshold is
    given back if the body returns instead of exiting (only under a test's monkeypatch)."""

    def __enter__(self) -> None:
        import gc

        self.threshold = gc.get_threshold()
        gc.set_threshold(YOUNG, *self.threshold[1:])

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        import gc

        if kind is SystemExit:
            gc.freeze()  # the process ends: see YOUNG
        gc.set_threshold(*self.threshold)


def _enabled(environ: Any) -> bool:
    if environ.get("QCDC_FAST", "1") in ("0", "") or environ.get("QCDC_DEBUG"):
        return False
    if os.name == "nt":  # Typer expands wildcards in argv there: the fast parse does not
        return False
    # shell completion (click's _PROG_COMPLETE, Typer's _TYPER_COMPLETE_*) is Typer's
    return not any(name.endswith("_COMPLETE") or name.startswith("_TYPER") for name in environ)


# ---------------------------------------------------------------- the cache file


def cache_folder(environ: Any) -> str | None:
    """config.cache_dir as a string, without importing config (pathlib, dataclasses,
    tomllib: more than this whole path); tests/test_fast_cli.py compares the two."""
    if environ.get("QCDC_CACHE_DIR"):
        return str(environ["QCDC_CACHE_DIR"])
    xdg = environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return os.path.join(xdg, "qcdc")
    home = os.path.expanduser("~")
    if home == "~":  # no HOME and no passwd entry
        return None
    return os.path.join(home, ".cache", "qcdc")


def code_key() -> str:
    """Python's version and the path, size and mtime of every module of qcdc_cli and typer."""
    lines = [f"qcdc cli {_FORMAT} {sys.version} {sys.implementation.cache_tag}"]
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for root in (package, _typer_folder()):
        if root is None:
            lines.append("typer missing")
            continue
        _stat_tree(root, lines)
    return "\n".join(lines)


def _typer_folder() -> str | None:
    found = sys.modules.get("typer")
    if found is not None and getattr(found, "__file__", None):
        return os.path.dirname(os.path.abspath(found.__file__ or ""))
    from importlib.machinery import PathFinder

    spec = PathFinder.find_spec("typer")
    locations = spec.submodule_search_locations if spec is not None else None
    return os.path.abspath(next(iter(locations))) if locations else None


def _stat_tree(folder: str, lines: list[str]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        lines.append(f"{folder} unreadable")
        return
    for entry in entries:
        if entry.name.endswith(".py"):
            st = entry.stat()
            lines.append(f"{entry.path} {st.st_size} {st.st_mtime_ns}")
        elif entry.name != "__pycache__" and entry.is_dir():
            _stat_tree(entry.path, lines)


def _cache_file() -> tuple[str | None, str]:
    folder = cache_folder(os.environ)
    if folder is None:
        return None, ""
    import zlib

    key = code_key()
    tag = sys.implementation.cache_tag or "python"
    return os.path.join(folder, f"cli-{tag}-{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}.marshal"), key


def _empty() -> dict[str, Any]:
    return {"help": {}, "spec": {}}


def _read(path: str, key: str) -> dict[str, Any]:
    """The file's help texts and specs; empty when missing, damaged, foreign or stale."""
    import marshal
    import zlib

    try:
        with open(path, "rb") as f:
            raw = f.read()
        head, body = raw.split(b"\n", 1)
        if head != b"qcdc cli %d %08x" % (_FORMAT, zlib.crc32(body)):
            return _empty()
        data = marshal.loads(body)
        if (
            isinstance(data, dict)
            and data.get("key") == key
            and isinstance(data.get("help"), dict)
            and isinstance(data.get("spec"), dict)
        ):
            return data
    except Exception:  # any damage at all: Typer answers and the file is written again
        pass
    return _empty()


def _update(path: str, key: str, section: str, name: str, value: Any) -> None:
    """Add one entry (read again first: another run may have added others); atomic."""
    import marshal
    import zlib

    from qcdc_cli.cachefile import write_atomic

    data = _read(path, key)
    entries = data[section]
    entries.pop(name, None)
    entries[name] = value  # the newest last; the oldest dropped past the cap
    while len(entries) > MAX_ENTRIES:
        del entries[next(iter(entries))]
    data["key"] = key
    try:
        body = marshal.dumps(data)
    except ValueError:  # a value marshal refuses: only means no fast path
        return
    write_atomic(path, b"qcdc cli %d %08x\n" % (_FORMAT, zlib.crc32(body)) + body, ".cli-")


# ---------------------------------------------------------------- help screens


def is_help(args: list[str]) -> bool:
    """`--help` or `-h` after nothing but command names (at most a group and its command)."""
    if not args or args[-1] not in HELP_FLAGS or len(args) > 3:
        return False
    return all(word[:1].isalpha() for word in args[:-1])


def help_key(args: list[str]) -> str:
    """Everything besides the code that the help screen Typer prints may depend on."""
    try:
        size: tuple[int, ...] | str = tuple(os.get_terminal_size(sys.__stdout__.fileno()))  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError) as e:
        size = type(e).__name__
    main = sys.modules.get("__main__")
    streams = [(_isatty(s), getattr(s, "encoding", None), getattr(s, "errors", None)) for s in (sys.stdout, sys.stderr)]
    return repr(
        (
            args,
            sys.argv[0] if sys.argv else None,
            getattr(main, "__package__", None),
            size,
            streams,
            sys.stdout is sys.__stdout__,
            [os.environ.get(name) for name in _ENV],
        )
    )


def _isatty(stream: Any) -> bool | None:
    try:
        return bool(stream.isatty())
    except Exception:
        return None


def _answer_help(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as e:
        _os_error(e)
    sys.exit(0)


class _Tee:
    """A stream that passes everything on and keeps the text written."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.parts: list[str] = []

    def write(self, text: Any) -> Any:
        if isinstance(text, str):
            self.parts.append(text)
        elif text:  # click probes with b"" whether a stream takes bytes
            self.parts.append("\0binary")  # not replayable: never stored
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Miss:
    """Runs around the Typer path (a context manager) and records its answer."""

    def __init__(self, path: str, key: str) -> None:
        self.path, self.key = path, key

    def __enter__(self) -> _Miss:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        return None


class _HelpMiss(_Miss):
    """Keeps the help text Typer printed, when it printed only that and exited 0."""

    def __init__(self, path: str, key: str, hkey: str) -> None:
        super().__init__(path, key)
        self.hkey = hkey

    def __enter__(self) -> _Miss:
        self.out, self.err = _Tee(sys.stdout), _Tee(sys.stderr)
        sys.stdout, sys.stderr = self.out, self.err
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        if sys.stdout is self.out:
            sys.stdout = self.out._stream
        if sys.stderr is self.err:
            sys.stderr = self.err._stream
        code = value.code if isinstance(value, SystemExit) else (None if kind is None else "raised")
        text = "".join(self.out.parts)
        if code in (0, None) and text and "\0" not in text and not self.err.parts:
            _update(self.path, self.key, "help", self.hkey, text)


class _SpecMiss(_Miss):
    """Writes the command's spec (or False: not describable) before Typer runs it."""

    def __init__(self, path: str, key: str, name: str, make_spec: Callable[[str], Any]) -> None:
        super().__init__(path, key)
        self.name, self.make_spec = name, make_spec

    def __enter__(self) -> _Miss:
        try:
            spec: Any = self.make_spec(self.name)
        except Exception:  # Typer reports whatever is wrong with the command
            return self
        _update(self.path, self.key, "spec", self.name, spec or False)
        return self


# ---------------------------------------------------------------- check and extract


def parse(spec: dict[str, Any], args: list[str]) -> dict[str, Any] | None:
    """The keyword arguments Typer would pass on (enums as their values); None: ask Typer.

    Takes what click's parser takes for these parameters: `--opt value`, `--opt=value`,
    `-o value`, repeated options (the last wins unless repeatable), arguments anywhere,
    `--` before arguments only."""
    options: dict[str, dict[str, Any]] = {opt: p for p in spec["options"] for opt in p["opts"]}
    given: dict[str, list[str]] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            positional.extend(args[i:])
            break
        if arg[:1] != "-" or len(arg) == 1:
            positional.append(arg)
            continue
        name, eq, explicit = arg.partition("=")
        if eq and name[:2] == "--" and name in options:
            text = explicit
        elif arg in options:
            if i == len(args):
                return None  # a missing value: Typer's error
            text = args[i]
            i += 1
        else:
            return None  # unknown, help, short options run together, ...
        given.setdefault(options[name if eq else arg]["name"], []).append(text)
    result: dict[str, Any] = {}
    argument = spec["argument"]
    if not positional:
        return None  # Typer's "Missing argument"
    values = [_convert(argument, v) for v in positional]
    if any(v is _REFUSED for v in values):
        return None
    result[argument["name"]] = values
    for param in spec["options"]:
        raw = given.get(param["name"])
        if raw is None:
            if param["multiple"]:
                value: Any = None
            else:
                value = param["default"]
        else:
            converted = [_convert(param, v) for v in raw]
            if any(v is _REFUSED for v in converted):
                return None
            value = converted if param["multiple"] else converted[-1]
        if param["callback"] is not None:
            value = _callback(param["callback"], value)
            if value is _REFUSED:
                return None
        result[param["name"]] = value
    return result


_REFUSED: Any = object()


def _convert(param: dict[str, Any], value: str) -> Any:
    kind = param["type"]
    if kind == "text":
        return value
    if kind == "choice":
        return value if value in param["choices"] else _REFUSED
    if kind == "path":  # TyperPath: no exists, resolve or writable checks; readable
        from pathlib import Path

        try:
            os.stat(value)
        except OSError:
            return Path(value)
        except ValueError:  # an embedded NUL: Typer's error
            return _REFUSED
        if param["readable"] and not os.access(value, os.R_OK):
            return _REFUSED
        return Path(value)
    return _REFUSED


def _as_of(value: str | None) -> Any:
    """cli._options.as_of_date, which raises a Typer error for a bad date."""
    if value is None:
        return None
    from qcdc_cli.knowledge.terms import parse_day

    try:
        return parse_day(value)
    except ValueError:
        return _REFUSED


# callbacks the fast path knows: the qualified name of the Typer option's callback -> its
# equivalent that returns _REFUSED where the original raises
CALLBACKS = {"qcdc_cli.cli._options.as_of_date": _as_of}


def _callback(name: str, value: Any) -> Any:
    try:
        return CALLBACKS[name](value)
    except Exception:
        return _REFUSED


def run_body(name: str, kwargs: dict[str, Any], module: str | None = None) -> None:
    """Run the command's body (`module`'s `run`, by default BODIES') and exit as Typer's
    standalone main and cli.run_app do."""
    import importlib

    from qcdc_cli.cli._compiled import cached
    from qcdc_cli.cli._console import report_failure

    try:
        try:
            with cached(cache_folder(os.environ)):  # what the stdlib compiled before
                code = importlib.import_module(module or BODIES[name]).run(**kwargs)
        except EOFError:  # click: a blank line and "Aborted!"
            sys.stderr.write("\n")
            sys.stderr.flush()
            sys.stderr.write("Aborted!\n")
            sys.stderr.flush()
            sys.exit(1)
        except KeyboardInterrupt:
            sys.exit(130)
        except OSError as e:
            _os_error(e)
            raise
    except SystemExit:
        raise
    except Exception as e:  # as run_app ends it (QCDC_DEBUG takes the Typer path)
        sys.exit(report_failure(e))
    sys.exit(code)


def _os_error(e: OSError) -> None:
    """A closed pipe ends the run quietly with exit 1, as Typer's main does."""
    import errno

    if e.errno == errno.EPIPE:
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
