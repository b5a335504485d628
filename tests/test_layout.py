"""Terminal layout (issue 15): at 80 columns, at 200 and piped, no document number, line
list or path is cut; long titles wrap; check's carets stay under their text."""

from __future__ import annotations

import json
import re

import pytest
from conftest import CLI_ENV, SAMPLES
from typer.testing import CliRunner

DRAFT = SAMPLES / "hatinh_02-NQ-TU_2017.txt"
WIDTHS = {"80": {"COLUMNS": "80"}, "200": {"COLUMNS": "200"}, "piped": {"COLUMNS": None}}


def invoke(args: list[str], width: str) -> str:
    from qcdc_cli.cli import app

    env = {**CLI_ENV, "LANG": "C", **WIDTHS[width]}
    result = CliRunner().invoke(app, args, env=env)  # type: ignore[arg-type]
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_extract_never_cuts_a_number_or_a_line_list(width: str) -> None:
    out = invoke(["extract", str(DRAFT)], width)
    data = json.loads(invoke(["extract", "-f", "json", str(DRAFT)], "200"))
    assert "…" not in out.replace(",…", "")  # nothing ellipsized (",…" = more than 6 lines)
    for ref in data[0]["references"]:
        assert re.search(rf"(^|\s){re.escape(ref['number'])}(\s|$)", out, re.M), ref["number"]
        for m in ref["mentions"][:6]:  # each line number whole, never folded into pieces
            assert re.search(rf"(?<![\d/]){m['line']}(?![\d/])", out), (ref["number"], m["line"])
    if width == "80":
        assert max(len(line) for line in out.splitlines()) <= 80


def test_piped_output_is_wide_and_stable() -> None:
    piped = invoke(["extract", str(DRAFT)], "piped")
    assert piped == invoke(["extract", str(DRAFT)], "200")
    assert "\x1b[" not in piped  # plain


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_registry_list_titles_are_readable(width: str) -> None:
    out = invoke(["registry", "list"], width)
    data = json.loads(invoke(["registry", "list", "-f", "json"], "200"))
    joined = " ".join(out.split())
    for doc in data:
        assert doc["number"] in out
        if doc["title"]:
            assert " ".join(doc["title"].split()) in joined or width != "80", doc["title"]
    if width == "80":
        lines = out.splitlines()
        assert max(len(line) for line in lines) <= 80
        # no line carries a single squeezed word of a title
        titles = [line for line in lines if line.startswith("    ")]
        assert titles and sum(len(t.split()) == 1 for t in titles) <= len(titles) // 4


@pytest.mark.parametrize("width", ["80", "200"])
def test_trace_keeps_ids_whole(width: str) -> None:
    out = invoke(["trace", "30-CT/TW", "--down", "--corpus", str(SAMPLES)], width)
    data = json.loads(invoke(["trace", "30-CT/TW", "--down", "--corpus", str(SAMPLES), "-f", "json"], "200"))
    for node in data["nodes"]:
        assert node["id"] in out, node["id"]
    if width == "80":
        assert max(len(line) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("width", [60, 80, 200])
def test_check_snippets_fit_so_carets_stay_under_their_text(width: int) -> None:
    from qcdc_cli.app.check import check_paths
    from qcdc_cli.lint.lint import RULES_BY_CODE
    from qcdc_cli.render.diagnostics import render_text

    reports = check_paths([DRAFT], None, [], frozenset(RULES_BY_CODE), {}).reports
    out = re.sub(r"\x1b\[[0-9;]*m", "", render_text(reports, "en", color=True, width=width))
    lines = out.splitlines()
    carets = [i for i, line in enumerate(lines) if "^" in line and line.lstrip().startswith("|")]
    assert carets
    for i in carets:
        source, marks = lines[i - 1], lines[i]
        assert len(source) <= width and len(marks.split(" ^")[0].rstrip()) <= width
        start = marks.index("^")
        length = marks.count("^")
        marked = source[start : start + length]
        assert marked.strip(), (source, marks)
        assert re.search(r"\d", marked), marked  # the underline sits on the number
