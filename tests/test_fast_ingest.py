"""Plain `ingest` runs without Typer (cli._fast_ingest) answer exactly as Typer does, or
leave it to Typer:

- the parse: on random argv, whenever the fast parser accepts, Typer accepts too and
  calls the same body (cli._ingest_body.run) with the same arguments;
- whole runs: stdout, stderr and exit code against QCDC_FAST=0, in fresh processes,
  a first run, an unchanged one, one with a file that fails, text, json and quiet
  (the seconds resolution took, which no two runs share, masked).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CLI_ENV, REPO, SAMPLES
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qcdc_cli.cli import _fast, _fast_ingest, _ingest_body, app

# PATH tokens: an existing folder and file (absolute), relative ones, a missing one
PATHS = [str(SAMPLES), str(SAMPLES / "hue_62-KH-TU_2010.txt"), "samples", "missing.txt", "", "-", "a b"]
OPTIONS = ["--db", "--prune", "--force", "--quiet", "-q", "--format", "-f", "--jobs", "-j", "--lang", "--help"]
OPTIONS += ["--", "--bogus", "--db=i.sqlite", "--format=json", "-f=json", "--prune=1", "-fjson", "--max-size"]
VALUES = ["i.sqlite", "", " ", "-", "json", "text", "JSON", "2"]
TOKEN = st.sampled_from(OPTIONS + VALUES + PATHS)
VALUE_FOR = {"--db": VALUES[:4], "--format": VALUES[4:], "-f": VALUES[4:]}


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    """Mostly well-formed argv: PATHs, options with values, flags; now and then a
    repeated option or a token anywhere."""
    items: list[list[str]] = [[draw(st.sampled_from(PATHS))] for _ in range(draw(st.sampled_from([1, 1, 2, 0])))]
    for _ in range(draw(st.integers(0, 4))):
        option = draw(st.sampled_from(["--db", "--format", "-f", "--prune", "--force", "--quiet", "-q"]))
        if option not in VALUE_FOR:
            items.append([option])
            continue
        value = draw(st.sampled_from(VALUE_FOR[option]))
        items.append([f"{option}={value}"] if draw(st.booleans()) else [option, value])
    if draw(st.integers(0, 5)) == 0:
        items.append([draw(TOKEN)])
    order = draw(st.permutations(range(len(items))))
    return [token for i in order for token in items[i]]


def _typer_kwargs(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any] | None:
    """What Typer passes to the body for `qcdc ingest ARGV`; None when it does not call it."""
    from typer.main import get_command

    seen: list[dict[str, Any]] = []

    def capture(**kwargs: Any) -> int:
        seen.append(kwargs)
        return 0

    monkeypatch.setattr(_ingest_body, "run", capture)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    try:
        get_command(app).main(["ingest", *argv], prog_name="qcdc", standalone_mode=False)
    except Exception:  # a usage error: Typer refuses
        return None
    finally:
        monkeypatch.undo()
    return seen[0] if seen else None


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_fast_parse_is_typer_s(data: st.DataObject, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # "samples" exists, "missing.txt" does not
    argv = data.draw(argvs() if data.draw(st.integers(0, 4)) else st.lists(TOKEN, max_size=6))
    fast = _fast_ingest.parse(argv)
    with pytest.MonkeyPatch.context() as patch:
        typer = _typer_kwargs(argv, patch)
    event("fast" if fast is not None else "typer accepts" if typer is not None else "typer refuses")
    if fast is not None:
        assert typer == fast


@pytest.mark.parametrize(
    "argv",
    [
        ["samples"],
        ["samples", "--db", "i.sqlite", "--prune"],
        ["--format", "json", "samples", "--force", "-q", "--db=x.sqlite"],
        ["-f", "text", "samples", str(SAMPLES / "hue_62-KH-TU_2010.txt")],
    ],
)
def test_plain_runs_take_the_fast_path(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    fast = _fast_ingest.parse(argv)
    assert fast is not None
    assert fast == _typer_kwargs(argv, monkeypatch)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["missing.txt"],  # Typer's usage error
        ["samples", "--jobs", "2"],
        ["samples", "--format", "JSON"],
        ["samples", "--prune", "--prune"],
        ["samples", "-q", "--quiet"],
        ["samples", "--help"],
        ["--", "samples"],
        ["samples", "--db"],
    ],
)
def test_anything_else_goes_to_typer(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert _fast_ingest.parse(argv) is None


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
_SECONDS = re.compile(r'("derive_seconds": )[0-9.e-]+|[0-9]+[.,][0-9]+ ?s\b')


def _qcdc(args: list[str], tmp: Path, **env: str) -> tuple[tuple[int, str, str], str]:
    probe = tmp / "probe"
    probe.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        cwd=tmp,
        capture_output=True,
        text=True,
        env={**os.environ, **CLI_ENV, "QCDC_CACHE_DIR": str(tmp / "cache"), "PROBE_OUT": str(probe), **env},
        timeout=300,
    )
    masked = tuple(_SECONDS.sub(lambda m: (m.group(1) or "") + "S", s) for s in (done.stdout, done.stderr))
    return (done.returncode, *masked), probe.read_text().strip()  # type: ignore[return-value]


@pytest.mark.parametrize("options", [[], ["--format", "json"], ["-q", "--prune"]], ids=" ".join)
def test_the_fast_path_answers_as_typer_does(options: list[str], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES, corpus)
    argv = ["ingest", "corpus", "--db", "i.sqlite", *options]
    for step in ("first", "unchanged", "a file fails", "removed"):
        if step == "a file fails":
            (corpus / "bad.txt").write_bytes(b"\x00\x01\x02bad\x00" * 10)  # binary: fails
        if step == "removed":
            (corpus / "hue_62-KH-TU_2010.txt").unlink()
        runs = {}
        for path in ("typer", "fast"):  # each from the index the step starts with
            db = tmp_path / "i.sqlite"
            for old in tmp_path.glob("i.sqlite*"):
                old.unlink()
            if step != "first":
                shutil.copy(tmp_path / "before.sqlite", db)
            runs[path], taken = _qcdc(argv, tmp_path, **({"QCDC_FAST": "0"} if path == "typer" else {}))
            assert taken == path
        assert runs["fast"] == runs["typer"], step
        assert runs["fast"][1] or runs["fast"][2] or (step != "a file fails" and "-q" in options)
        assert runs["fast"][0] == (step in ("a file fails", "removed"))
        shutil.copy(tmp_path / "i.sqlite", tmp_path / "before.sqlite")


def test_the_hook_in_fast_hands_ingest_over() -> None:
    assert _ingest_body.__name__ == _fast_ingest.BODY
    assert "ingest" not in _fast.BODIES and "ingest" not in _fast.LINEAGE
