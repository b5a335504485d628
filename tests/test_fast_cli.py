"""The start-up fast paths (cli._fast) answer exactly as Typer does, or leave it to Typer.

- the parse: on random argv, whenever the fast parser accepts, Typer accepts too and
  calls the same body with the same arguments (enums as their values);
- help screens and whole runs: byte for byte against QCDC_FAST=0 (Typer only), in fresh
  processes, with the cache empty, filled, damaged or written for other code;
- exits: what a body raises ends the run as Typer's main and run_app end it.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CLI_ENV, REPO
from hypothesis import event, given
from hypothesis import strategies as st

from qcdc_cli.cli import _check_body, _extract_body, _fast, app, make_spec
from qcdc_cli.cli._console import run_app
from qcdc_cli.config import cache_dir
from qcdc_cli.errors import ConfigError

DRAFT = "samples/hatinh_02-NQ-TU_2017.txt"
BODIES = {"check": _check_body, "extract": _extract_body}

OPTIONS = ["--db", "--format", "-f", "--fail-on", "--select", "--ignore", "--lang", "--registry", "--config"]
OPTIONS += ["--as-of", "--help", "-h", "--", "-", "--bogus", "-fjson", "-f=json", "--format=json", "--format="]
OPTIONS += ["--as-of=2023-08-01", "--lang=vi", "--select=QC001", "--db=x.sqlite", "-V", "--version", "-x"]
VALUES = ["json", "jsonl", "text", "sarif", "github", "JSON", "error", "warning", "never", "vi", "en", "EN"]
VALUES += ["QC001,QC002", "QC016", "2023-08-01", "01/08/2023", "1/8/2023", "2023-13-45", "", " ", "x=y"]
VALUES += ["samples", DRAFT, "missing.txt", "a b.txt", "check", "-", "--"]
TOKEN = st.sampled_from(OPTIONS + VALUES)
FORMATS = ["json", "jsonl", "text", "sarif", "github", "JSON", ""]
PATHS = ["x.sqlite", "samples", "-", "a b.yaml", "--", "-f"]
CODES = ["QC001,QC002", "QC016", " ", "", "x=y", "--help", "-"]
# the values each option is likely to take (a value of any kind now and then)
VALUE_FOR = {
    "--db": PATHS,
    "--format": FORMATS,
    "-f": FORMATS,
    "--fail-on": ["error", "warning", "info", "never", "Error"],
    "--select": CODES,
    "--ignore": CODES,
    "--lang": ["vi", "en", "EN"],
    "--registry": PATHS,
    "--config": PATHS,
    "--as-of": ["2023-08-01", "01/08/2023", "1/8/2023", "2023-13-45", "", "today"],
    "--bogus": VALUES,
    "-h": VALUES,
}


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    """Mostly well-formed argv (options with values, `--opt=value`, arguments, `--`), with
    now and then a token anywhere: the fast parser must accept many and agree on each."""
    items: list[list[str]] = [[draw(st.sampled_from(VALUES[-7:]))] for _ in range(draw(st.integers(0, 3)))]
    for _ in range(draw(st.integers(0, 5))):
        option = draw(st.sampled_from(list(VALUE_FOR)))
        value = draw(st.sampled_from(VALUE_FOR[option]) if draw(st.integers(0, 5)) else st.sampled_from(VALUES))
        items.append([f"{option}={value}"] if draw(st.booleans()) else [option, value])
    if draw(st.integers(0, 3)) == 0:
        items.append([draw(TOKEN)])
    order = draw(st.permutations(range(len(items))))
    argv = [token for i in order for token in items[i]]
    if draw(st.integers(0, 4)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), "--")
    return argv


def _typer_kwargs(command: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any] | None:
    """What Typer passes to the body for `qcdc COMMAND ARGV`; None when it does not call it."""
    from typer.main import get_command

    seen: list[dict[str, Any]] = []

    def capture(**kwargs: Any) -> int:
        seen.append(kwargs)
        return 0

    monkeypatch.setattr(BODIES[command], "run", capture)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    try:
        get_command(app).main([command, *argv], prog_name="qcdc", standalone_mode=False)
    except Exception:  # a usage error: Typer refuses
        return None
    finally:
        monkeypatch.undo()
    return seen[0] if seen else None


@pytest.mark.parametrize("command", ["check", "extract"])
@given(argv=argvs() | st.lists(TOKEN, max_size=7))
def test_the_fast_parse_is_typer_s(command: str, argv: list[str]) -> None:
    spec = make_spec(command)
    assert spec
    fast = _fast.parse(spec, argv)
    with pytest.MonkeyPatch.context() as monkeypatch:
        typer = _typer_kwargs(command, argv, monkeypatch)
    event("fast" if fast is not None else "typer accepts" if typer is not None else "typer refuses")
    if fast is not None:
        assert typer == fast


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("check", [DRAFT]),
        ("check", [DRAFT, "samples", "-f", "json", "--fail-on", "never"]),
        ("check", ["--format=sarif", "--select", "QC001,QC002", "--ignore", "QC016", DRAFT, "--lang", "vi"]),
        ("check", ["--as-of", "01/08/2023", "--", "-"]),
        ("check", ["--registry", "a.yaml", "--registry=b.yaml", "--config", "x.toml", "--db", "i.sqlite", DRAFT]),
        ("extract", ["-f", "json", DRAFT]),
        ("extract", [DRAFT, "--format", "jsonl", "--lang=en"]),
    ],
)
def test_plain_runs_take_the_fast_path(command: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    spec = make_spec(command)
    assert spec
    fast = _fast.parse(spec, argv)
    assert fast is not None
    assert fast == _typer_kwargs(command, argv, monkeypatch)


@pytest.mark.parametrize(
    "argv",
    [[], ["--help"], ["-fjson", DRAFT], ["-f=json", DRAFT], ["-f", "JSON", DRAFT], ["--as-of", "2023-13-45", DRAFT]],
)
def test_what_typer_would_refuse_or_read_otherwise_goes_to_typer(argv: list[str]) -> None:
    spec = make_spec("check")
    assert spec
    assert _fast.parse(spec, argv) is None


@given(
    env=st.fixed_dictionaries(
        {},
        optional={
            "QCDC_CACHE_DIR": st.sampled_from(["", "/tmp/c", "rel/c"]),
            "XDG_CACHE_HOME": st.sampled_from(["", "/xdg", "relative"]),
        },
    )
)
def test_the_cache_folder_is_config_s(env: dict[str, str]) -> None:
    expected = cache_dir(env)
    assert _fast.cache_folder(env) == (None if expected is None else str(expected))


# ---------------------------------------------------------------- whole processes

_PROBE = """
import os, sys
from qcdc_cli.cli import main
sys.argv = ["qcdc", *sys.argv[1:]]
try:
    main()
finally:
    with open(os.environ["PROBE_OUT"], "a") as f:
        f.write("typer\\n" if "typer" in sys.modules else "fast\\n")
"""


def _qcdc(args: list[str], cache: Path, probe: Path, **env: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **CLI_ENV, "QCDC_CACHE_DIR": str(cache), "PROBE_OUT": str(probe), **env},
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr


def _paths(probe: Path) -> list[str]:
    return probe.read_text().split()


CASES = [
    ["--help"],
    ["-h"],
    ["check", "--help"],
    ["registry", "-h"],
    ["check", DRAFT],
    ["check", DRAFT, "-f", "json", "--fail-on", "never"],
    ["check", "--format=sarif", DRAFT, "missing.txt"],
    ["check", DRAFT, "--as-of", "01/08/2023", "--lang", "vi", "-f", "github"],
    ["extract", "-f", "json", DRAFT],
    ["extract", "missing.txt"],
    ["check", "-fjson", DRAFT],
    ["check", "-f", "bogus", DRAFT],
]


@pytest.mark.parametrize("args", CASES, ids=" ".join)
def test_the_fast_path_answers_as_typer_does(args: list[str], tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    typer_only = _qcdc(args, tmp_path / "c0", probe, QCDC_FAST="0")
    first = _qcdc(args, tmp_path / "c1", probe)  # a miss: Typer answers and fills the cache
    again = _qcdc(args, tmp_path / "c1", probe)
    assert typer_only == first == again
    expected = "fast" if args in CASES[:10] else "typer"
    assert _paths(probe) == ["typer", "typer", expected]


@pytest.mark.parametrize("columns", ["50", "80", "132"])
def test_help_is_kept_per_terminal_width(columns: str, tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    cache = tmp_path / "c"
    for width in ("80", columns, "80", columns):
        assert _qcdc(["--help"], cache, probe, COLUMNS=width) == _qcdc(
            ["--help"], tmp_path / "c0", probe, COLUMNS=width, QCDC_FAST="0"
        )
    assert _paths(probe)[-2:] == ["fast", "typer"]


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_damaged_cache_is_a_miss(damage: str, tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    cache = tmp_path / "c"
    expected = _qcdc(["--help"], cache, probe)
    (found,) = cache.glob("cli-*.marshal")
    raw = found.read_bytes()
    damaged = {
        "truncate": raw[: len(raw) // 2],
        "flip": raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:],
        "garbage": b"qcdc cli 1 00000000\n" + os.urandom(200),
        "empty": b"",
    }[damage]
    found.write_bytes(damaged)
    assert _qcdc(["--help"], cache, probe) == expected
    assert _paths(probe)[-1] == "typer"  # the miss ...
    assert _qcdc(["--help"], cache, probe) == expected
    assert _paths(probe)[-1] == "fast"  # ... rewrote the file


def test_a_cache_written_for_other_code_is_a_miss(tmp_path: Path) -> None:
    key = _fast.code_key()
    path = str(tmp_path / "cli.marshal")
    hkey = "k"
    _fast._update(path, key, "help", hkey, "text")
    assert _fast._read(path, key)["help"] == {hkey: "text"}
    assert _fast._read(path, key + "\nqcdc_cli/x.py 1 2") == {"help": {}, "spec": {}}


def test_help_entries_are_capped_newest_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_fast, "MAX_ENTRIES", 3)
    key = _fast.code_key()
    path = str(tmp_path / "cli.marshal")
    for width in ("80", "100", "120", "80", "140"):  # 80 seen again: it becomes the newest
        _fast._update(path, key, "help", width, f"help at {width}")
    assert list(_fast._read(path, key)["help"]) == ["120", "80", "140"]


def test_the_code_key_sees_every_module(tmp_path: Path) -> None:
    key = _fast.code_key()
    for module in ("qcdc_cli/cli/check.py", "qcdc_cli/cli/_options.py", "typer/main.py", "typer/_click/core.py"):
        assert f"{module} " in key


# ---------------------------------------------------------------- exits


@pytest.mark.parametrize(
    "raised",
    [
        KeyboardInterrupt(),
        EOFError(),
        ConfigError("a bad configuration"),
        RuntimeError("a bug"),
        OSError(errno.EPIPE, "Broken pipe"),
        OSError(errno.ENOSPC, "No space left"),
    ],
    ids=repr,
)
def test_a_body_that_raises_ends_as_under_typer(
    raised: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def body(**kwargs: Any) -> int:
        raise raised

    monkeypatch.setattr(_check_body, "run", body)
    monkeypatch.delenv("QCDC_DEBUG", raising=False)

    def ending(run: Any) -> tuple[Any, str, str]:
        with monkeypatch.context() as m:
            m.setattr(sys, "stdout", sys.stdout)
            m.setattr(sys, "stderr", sys.stderr)
            with pytest.raises(SystemExit) as done:
                run()
            replaced = type(sys.stdout).__name__
        captured = capsys.readouterr()
        return done.value.code, captured.out + replaced, captured.err

    spec = make_spec("check")
    assert spec
    kwargs = _fast.parse(spec, [str(REPO / DRAFT)])
    assert kwargs is not None
    fast = ending(lambda: _fast.run_body("check", kwargs))
    typer = ending(lambda: run_app(app, ["check", str(REPO / DRAFT)]))
    assert fast == typer


# ---------------------------------------------------------------- dataclass code


_METHODS = """
import dataclasses, importlib, marshal, sys
from qcdc_cli.cli._compiled import dataclass_code

def methods():
    found = {}
    for name in sys.argv[3:]:
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == name:
                for attr in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__lt__"):
                    code = getattr(getattr(cls, attr, None), "__code__", None)
                    if code is not None and code.co_filename == "<string>":
                        found[f"{name}.{cls.__qualname__}.{attr}"] = code
    return found

if sys.argv[2] == "plain":
    found = methods()
else:
    with dataclass_code(sys.argv[2]):
        found = methods()
    assert "exec" not in vars(dataclasses)
with open(sys.argv[1], "wb") as f:
    f.write(marshal.dumps(found))
"""


def test_dataclasses_built_from_cached_code_are_the_ones_compiled(tmp_path: Path) -> None:
    """The stages' dataclasses, built with and without cli._dataclass_code (cold, then
    warm from the file), get the same generated methods (fresh interpreters each)."""
    import marshal

    from qcdc_cli.cli._compiled import cache_path

    names = ["qcdc_cli.models", "qcdc_cli.knowledge.schema", "qcdc_cli.lint.draft", "qcdc_cli.resolve.known"]
    folder = str(tmp_path / "cache")
    found = []
    for run, mode in enumerate(["plain", folder, folder]):
        out = tmp_path / f"run{run}"
        subprocess.run([sys.executable, "-c", _METHODS, str(out), mode, *names], cwd=REPO, check=True, timeout=120)
        found.append(marshal.loads(out.read_bytes()))
        if run == 1:
            assert Path(cache_path(folder)).stat().st_size > 1000
    assert len(found[0]) > 50
    assert found[0] == found[1] == found[2]


@given(data=st.binary(max_size=5000))
def test_the_builtin_sha256_is_hashlib_s(data: bytes) -> None:
    import hashlib

    from qcdc_cli.codehash import sha256

    assert sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()


_PATTERNS = """
import re, sys
from qcdc_cli.cli._compiled import re_patterns

def built_in_a_function(text):
    return re.compile(re.escape(text) + "x")

with re_patterns(sys.argv[1]):
    import qcdc_cli.terminal, qcdc_cli.lint.text_rules, qcdc_cli.read.layout, json.decoder
    built_in_a_function("words of a document")
    re.compile("[[a]")  # warns (a nested set): never kept
"""


def test_stdlib_patterns_from_the_cache_are_the_ones_compiled(tmp_path: Path) -> None:
    """Module-level `re` patterns are kept, and rebuilt they equal a fresh compile (Pattern
    equality compares the compiled code); run-time and warning patterns are not kept."""
    import _sre  # type: ignore[import-not-found,unused-ignore]
    import re

    from qcdc_cli.cli._compiled import cache_path, read

    folder = str(tmp_path / "cache")
    for _ in range(2):
        subprocess.run([sys.executable, "-c", _PATTERNS, folder], cwd=REPO, check=True, timeout=120)
    kept = read(cache_path(folder, "re"), "re")
    if sys.version_info[:2] != (3, 11):
        assert kept == {}
        return
    assert len(kept) > 10
    for (pattern, flags), args in kept.items():
        assert _sre.compile(pattern, *args) == re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
        assert "document" not in pattern
        assert pattern != "[[a]"
    from qcdc_cli import terminal

    assert (terminal._UNSAFE.pattern, terminal._UNSAFE.flags & ~re.UNICODE) in {(p, f & ~re.UNICODE) for p, f in kept}


def test_a_spec_the_code_cannot_read_goes_to_typer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    probe = tmp_path / "probe"
    args = ["check", DRAFT, "-f", "json"]
    expected = _qcdc(args, tmp_path / "c0", probe, QCDC_FAST="0")
    monkeypatch.setenv("QCDC_CACHE_DIR", str(tmp_path / "c"))
    path, key = _fast._cache_file()
    assert path is not None
    _fast._update(path, key, "spec", "check", {"options": "not a list"})
    assert _qcdc(args, tmp_path / "c", probe) == expected
    assert _paths(probe)[-1] == "typer"
