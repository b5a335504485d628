"""`--format html` pages (issue 15): self-contained, everything escaped, and checked in a
real browser (headless Chromium) when one is installed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CLI_ENV, REPO, SAMPLES
from typer.testing import CliRunner

HOSTILE_TITLE = '<script>alert("t")</script><b>đậm</b> javascript:alert(1) [bold]x[/bold]'
HOSTILE_QUOTE = '<img src=x onerror=alert(1)> <a href="javascript:alert(2)">bấm</a>'
HOSTILE = f"""\tTỈNH ỦY LAI CHÂU
*
Số 77-KH/TU
Lai Châu, ngày 05 tháng 5 năm 2016

KẾ HOẠCH
{HOSTILE_TITLE}

Thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị {HOSTILE_QUOTE}, Ban Thường vụ Tỉnh ủy xây dựng Kế hoạch.
"""


def invoke(args: list[str]) -> str:
    from qcdc_cli.cli import app

    result = CliRunner().invoke(app, args, env={**CLI_ENV, "LANG": "C"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, folder / sample.name)
    (folder / "laichau_77-KH-TU_2016.txt").write_text(HOSTILE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pages(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pages")
    db = out / "index.sqlite"
    invoke(["ingest", str(corpus), "--db", str(db), "-q"])
    made = {
        "trace": invoke(["trace", "30-CT/TW", "--down", "--corpus", str(corpus), "-f", "html"]),
        "trace-json": invoke(["trace", "30-CT/TW", "--down", "--corpus", str(corpus), "-f", "json"]),
        "show": invoke(["show", "120-KL/TW", "--corpus", str(corpus), "-f", "html"]),
        "coverage": invoke(["coverage", "120-KL/TW", "--db", str(db), "-f", "html", "--as-of", "2026-01-01"]),
        "export": invoke(["export", "--db", str(db), "-f", "html"]),
        "export-root": invoke(["export", "--db", str(db), "-f", "html", "--root", "120-KL/TW"]),
    }
    paths = {}
    for name, text in made.items():
        paths[name] = out / f"{name}.{'json' if name.endswith('json') else 'html'}"
        paths[name].write_text(text, encoding="utf-8")
    return paths


HTML_PAGES = ["trace", "show", "coverage", "export", "export-root"]


@pytest.mark.parametrize("name", HTML_PAGES)
def test_pages_are_self_contained_and_script_free(pages: dict[str, Path], name: str) -> None:
    page = pages[name].read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|javascript:)""", page, re.I)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert not re.search(r"<[^>]*\son\w+\s*=", page, re.I)  # no event handler on any element


@pytest.mark.parametrize("name", ["trace", "export", "export-root"])
def test_hostile_text_is_escaped(pages: dict[str, Path], name: str) -> None:
    page = pages[name].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page  # the title, as text
    if name != "export-root":
        assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the evidence, as text
    assert "<b>" not in page and "<img" not in page and "<a " not in page


def test_the_trace_svg_draws_every_document(pages: dict[str, Path]) -> None:
    page = pages["trace"].read_text(encoding="utf-8")
    data = json.loads(pages["trace-json"].read_text(encoding="utf-8"))
    drawn = set(re.findall(r'<g class="node[^"]*" data-id="([^"]*)"', page))
    import html

    assert {html.unescape(d) for d in drawn} == {n["id"] for n in data["nodes"]}
    assert 'class="node outside"' in page  # documents outside the corpus are dashed
    assert "<title>" in page and "<details>" in page  # evidence on hover and on click


def test_coverage_page_highlights_missing_provinces(pages: dict[str, Path]) -> None:
    page = pages["coverage"].read_text(encoding="utf-8")
    assert page.count('<tr class="missing">') == 33  # of 34 provinces, only Lai Châu has acted
    assert "Lai Châu" in page


def test_trace_summary_counts_levels_provinces_and_relations(corpus: Path) -> None:
    out = invoke(["trace", "30-CT/TW", "--down", "--corpus", str(corpus), "--summary"])
    assert "documents by level" in out and "documents by province" in out and "links by relation" in out
    assert re.search(r"^Lai Châu\s+3$", out, re.M)
    vi = invoke(["trace", "30-CT/TW", "--down", "--corpus", str(corpus), "--summary", "--lang", "vi"])
    assert "liên kết theo quan hệ" in vi and "thực hiện" in vi


# ---- a real browser ---------------------------------------------------------------------


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


SHOTS = Path(os.environ.get("QCDC_SCREENSHOTS", REPO / "build" / "screenshots"))


def browse(page: Path, tmp: Path, shot: Path) -> tuple[str, list[str]]:
    """The DOM after load, and every URL the browser asked for (from its net log)."""
    browser = chromium()
    assert browser
    netlog = tmp / f"{page.stem}-net.json"
    common = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]
    common += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    dom = subprocess.run(
        [*common, f"--log-net-log={netlog}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    shot.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [*common, "--window-size=1500,760", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return dom, page_requests(netlog)


def page_requests(netlog: Path) -> list[str]:
    """URLs the page asked for: requests whose initiator is the page's (file: gives
    "null"); the browser's own background traffic has "not an origin"."""
    text = netlog.read_text(encoding="utf-8", errors="replace").rstrip()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short when the browser exits
        log = json.loads(text.rstrip(",") + "]}")
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    return [
        e["params"]["url"]
        for e in log["events"]
        if names.get(e["type"]) == "URL_REQUEST_START_JOB"
        and "url" in e.get("params", {})
        and e["params"].get("initiator") != "not an origin"
    ]


@pytest.mark.skipif(chromium() is None, reason="no chromium: `apt-get install -y chromium` (.ci/run does it)")
@pytest.mark.parametrize("name", ["trace", "coverage"])
def test_pages_in_headless_chromium(pages: dict[str, Path], name: str, tmp_path: Path) -> None:
    shot = SHOTS / f"{name}.png"
    dom, urls = browse(pages[name], tmp_path, shot)
    assert urls == [], urls  # nothing fetched from the network
    assert "<script" not in dom.lower()  # nothing executable got into the document
    assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if name == "trace":
        data = json.loads(pages["trace-json"].read_text(encoding="utf-8"))
        import html

        shown = {html.unescape(d) for d in re.findall(r'<g class="node[^"]*" data-id="([^"]*)"', dom)}
        assert shown == {n["id"] for n in data["nodes"]}  # every document of the trace is drawn
        assert '&lt;script&gt;alert("t")&lt;/script&gt;' in dom  # the hostile title, shown as text
    else:
        assert dom.count('<tr class="missing">') == 33


@pytest.mark.skipif(chromium() is None, reason="no chromium: `apt-get install -y chromium` (.ci/run does it)")
def test_the_network_check_sees_a_page_that_fetches(tmp_path: Path) -> None:
    """The control: a page with a remote image and stylesheet is caught."""
    page = tmp_path / "fetches.html"
    page.write_text('<img src="http://127.0.0.1:9/x.png"><link rel=stylesheet href="https://example.invalid/a.css">')
    _, urls = browse(page, tmp_path, tmp_path / "fetches.png")
    assert "http://127.0.0.1:9/x.png" in urls and "https://example.invalid/a.css" in urls


def test_export_html_of_too_large_an_index_asks_for_a_root(
    pages: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from qcdc_cli.cli import app, corpus

    db = pages["trace"].parent / "index.sqlite"
    monkeypatch.setattr(corpus, "HTML_LIMIT", 3)
    result = CliRunner().invoke(app, ["export", "--db", str(db), "-f", "html"], env={**CLI_ENV, "LANG": "C"})
    assert result.exit_code == 2
    assert "--root" in result.stderr and "graphml" in result.stderr
