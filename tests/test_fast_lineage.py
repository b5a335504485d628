"""Plain `trace`, `show` and `coverage` runs without Typer (cli._fast_lineage) answer
exactly as Typer does, or leave it to Typer:

- the parse: on random argv, whenever the fast parser accepts, Typer accepts too and
  calls the same body with the same arguments;
- whole runs: byte for byte (stdout, stderr, exit code) against QCDC_FAST=0, in fresh
  processes over an index of the samples, answers and errors alike.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CLI_ENV, REPO, SAMPLES
from hypothesis import event, given, settings
from hypothesis import strategies as st

from qcdc_cli.cli import _coverage_body, _fast, _fast_lineage, _show_body, _trace_body, app

BODIES = {"trace": _trace_body, "show": _show_body, "coverage": _coverage_body}
IDS = ["120-KL/TW", "01-KH/ĐU@An Giang", "file:samples/x.txt", "x", "-x", "", "trace", "a=b"]
OPTIONS = ["--db", "--up", "--down", "--both", "--depth", "-d", "--format", "-f", "--lang", "--province", "-p"]
OPTIONS += ["--summary", "--no-fold", "--all", "--relation", "--help", "-h", "--", "-", "--bogus", "--db=i.sqlite"]
OPTIONS += ["--depth=2", "-d=1", "--depth=0", "--up=1", "-d1"]
VALUES = ["i.sqlite", "samples", "a b.sqlite", "", " ", "-", "x=y", "1", "2", "0", "01", "+1", "1_0", " 3", "²", "json"]
TOKEN = st.sampled_from(OPTIONS + VALUES + IDS)
VALUE_FOR = {"--db": VALUES[:7], "--depth": VALUES[7:], "-d": VALUES[7:], "--format": ["text", "json"]}


@st.composite
def argvs(draw: st.DrawFn, command: str) -> list[str]:
    """Mostly well-formed argv for `command`: an ID, options with values, a direction
    flag; now and then a second ID, a second flag or a token anywhere."""
    items: list[list[str]] = [[draw(st.sampled_from(IDS))] for _ in range(draw(st.sampled_from([1, 1, 1, 0, 2])))]
    takes = ["--db"] + (["--depth", "-d", "--up", "--down", "--both"] if command == "trace" else [])
    for _ in range(draw(st.integers(0, 3))):
        option = draw(st.sampled_from(takes))
        if option not in VALUE_FOR:
            items.append([option])
            continue
        value = draw(st.sampled_from(VALUE_FOR[option]))
        items.append([f"{option}={value}"] if draw(st.booleans()) else [option, value])
    if draw(st.integers(0, 5)) == 0:
        items.append([draw(TOKEN)])
    order = draw(st.permutations(range(len(items))))
    return [token for i in order for token in items[i]]


def _typer_kwargs(command: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any] | None:
    """What Typer passes to the body for `qcdc COMMAND ARGV`; None when it does not call it."""
    from typer.main import get_command

    seen: list[dict[str, Any]] = []

    def capture(**kwargs: Any) -> None:
        seen.append(kwargs)

    monkeypatch.setattr(BODIES[command], "run", capture)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    try:
        get_command(app).main([command, *argv], prog_name="qcdc", standalone_mode=False)
    except Exception:  # a usage error: Typer refuses
        return None
    finally:
        monkeypatch.undo()
    return seen[0] if seen else None


@pytest.mark.parametrize("command", list(BODIES))
@settings(max_examples=400)
@given(data=st.data())
def test_the_fast_parse_is_typer_s(command: str, data: st.DataObject) -> None:
    argv = data.draw(argvs(command) if data.draw(st.integers(0, 4)) else st.lists(TOKEN, max_size=6))
    fast = _fast_lineage.parse(command, argv)
    with pytest.MonkeyPatch.context() as monkeypatch:
        typer = _typer_kwargs(command, argv, monkeypatch)
    event("fast" if fast is not None else "typer accepts" if typer is not None else "typer refuses")
    if fast is not None:
        assert typer == fast


PLAIN = [
    ("trace", ["01-KH/ĐU@An Giang", "--db", "i.sqlite"]),
    ("trace", ["--db=i.sqlite", "01-KH/TU@Hà Tĩnh", "--both"]),
    ("trace", ["120-KL/TW", "--down", "--depth", "1", "--db", "i.sqlite"]),
    ("trace", ["120-KL/TW", "-d", "2", "--up"]),
    ("trace", ["--depth=3", "120-KL/TW"]),
    ("show", ["120-KL/TW", "--db", "i.sqlite"]),
    ("coverage", ["120-KL/TW", "--db", "i.sqlite"]),
]


@pytest.mark.parametrize(("command", "argv"), PLAIN)
def test_plain_runs_take_the_fast_path(command: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _fast_lineage.parse(command, argv)
    assert fast is not None
    assert fast == _typer_kwargs(command, argv, monkeypatch)


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("trace", ["120-KL/TW", "--up", "--down"]),  # Typer's usage error
        ("trace", ["120-KL/TW", "--depth", "0"]),
        ("trace", ["120-KL/TW", "--format", "json"]),  # not a plain run: Typer
        ("trace", ["120-KL/TW", "--help"]),
        ("show", ["120-KL/TW", "--depth", "1"]),
        ("coverage", ["120-KL/TW", "--up"]),
        ("trace", []),
        ("trace", ["a", "b"]),
    ],
)
def test_anything_else_goes_to_typer(command: str, argv: list[str]) -> None:
    assert _fast_lineage.parse(command, argv) is None


# ---------------------------------------------------------------- whole processes

_PROBE = """
import os, sys
from qcdc_cli.cli import main
sys.argv = ["qcdc", *sys.argv[1:]]
try:
    main()
finally:
    with open(os.environ["PROBE_OUT"], "a") as f:
        import gc  # the fast path froze what the run made: the process ends with the run
        f.write("typer\\n" if "typer" in sys.modules else "fast\\n" if gc.get_freeze_count() else "fast, not frozen\\n")
"""


@pytest.fixture(scope="module")
def samples_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    db = tmp_path_factory.mktemp("idx") / "index.sqlite"
    result = CliRunner().invoke(app, ["ingest", str(SAMPLES), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    return db


def _qcdc(args: list[str], tmp: Path, probe_code: str = _PROBE, **env: str) -> tuple[tuple[int, str, str], str]:
    """The run's exit, stdout and stderr, and what `probe_code` wrote when it ended (one
    cache folder per test: a second call runs warm)."""
    probe = tmp / "probe"
    probe.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", probe_code, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **CLI_ENV, "QCDC_CACHE_DIR": str(tmp / "cache"), "PROBE_OUT": str(probe), **env},
        timeout=120,
    )
    return (done.returncode, done.stdout, done.stderr), probe.read_text().strip()


RUNS = [
    ["trace", "30-CT/TW", "--down"],
    ["trace", "30-CT/TW", "--down", "--depth", "1"],
    ["trace", "30-CT/TW", "--both", "-d", "2"],
    ["trace", "05-CT/TW"],
    ["show", "30-CT/TW"],
    ["coverage", "30-CT/TW"],
    ["trace", "999-XX/TW"],  # unknown: the error, exit 1
    ["show", "999-XX/TW"],
    ["coverage", "999-XX/TW"],
]


@pytest.mark.parametrize("args", RUNS, ids=" ".join)
def test_the_fast_path_answers_as_typer_does(args: list[str], samples_index: Path, tmp_path: Path) -> None:
    argv = [*args, "--db", str(samples_index)]
    typer_only, path = _qcdc(argv, tmp_path, QCDC_FAST="0")
    assert path == "typer"
    fast, path = _qcdc(argv, tmp_path)
    assert path == "fast"
    assert fast == typer_only
    assert fast[1] or fast[2]  # it answered something


def test_the_hook_in_fast_hands_these_commands_over() -> None:
    assert set(_fast.LINEAGE) == set(_fast_lineage.BODIES)


_REGEX_PROBE = """
import os, sys
from qcdc_cli.cli import main
sys.argv = ["qcdc", *sys.argv[1:]]
try:
    main()
finally:
    with open(os.environ["PROBE_OUT"], "w") as f:
        f.write("regex" if "regex" in sys.modules else "no regex")
"""


@pytest.mark.parametrize("args", [["trace", "30-CT/TW", "--down"], ["show", "30-CT/TW"]], ids=" ".join)
def test_a_warm_lineage_run_makes_no_pattern(args: list[str], samples_index: Path, tmp_path: Path) -> None:
    """Places and the pattern cache import `regex` only when a pattern is made (~15 ms
    of a trace otherwise); the first run validates the registry, which makes some."""
    argv = [*args, "--db", str(samples_index)]
    seen = []
    for _ in range(2):
        done, wrote = _qcdc(argv, tmp_path, _REGEX_PROBE)
        assert done[0] == 0, done[2]
        seen.append(wrote)
    assert seen[1] == "no regex", seen
