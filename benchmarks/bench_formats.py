"""Reading speed per format beside plain text, the memory of a 200-page PDF, and (with
--evaluate) the comparison behind README "Formats": qcdc's readers against viparse and
pdfplumber on the same generated files.

Run: .venv/bin/python benchmarks/bench_formats.py [--pages 200] [--evaluate]

Needs LibreOffice (`soffice`) to make the .pdf and .doc files; prints figures only.
Files are made by tests/formats_factory.py: the decree of Nghị định 30/2020/NĐ-CP's layout,
padded with body paragraphs to the size asked for. Speed: best of 3, wall time, reading
only (extraction is benchmarks/bench_extract.py). Memory: peak RSS of a fresh process
that reads the PDF, beside that of one that reads the plain text.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from formats_factory import HEADER_LEFT, HEADER_RIGHT, clean_text, convert, make_docx, make_html, soffice

from qcdc_cli.read.files import read_document

PARAGRAPHS_PER_PAGE = 12  # FILLER paragraphs (3 lines each) on one A4 page as LibreOffice sets them


def best_of(fn: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def pdf_pages(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def peak_rss_mb(path: Path) -> float:
    """Peak resident memory (MB) of a fresh interpreter that reads `path` (VmHWM: ru_maxrss
    would carry over the parent's peak across fork and exec)."""
    code = (
        "import sys\nfrom qcdc_cli.read.files import read_document\n"
        "read_document(sys.argv[1])\n"
        "print([l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')][0])"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def speed(folder: Path, pages: int) -> None:
    filler = pages * PARAGRAPHS_PER_PAGE
    txt = folder / "big.txt"
    txt.write_text(clean_text(filler), encoding="utf-8")
    docx = make_docx(folder / "big.docx", filler=filler)
    html = folder / "big.html"
    body = "".join(f"<p>{line}</p>\n" for line in clean_text(filler).splitlines())
    html.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    files = {"text": txt, "docx": docx, "html": html}
    if soffice():
        files["pdf"] = convert([docx], "pdf", folder)[0]
        files["doc"] = convert([docx], "doc", folder)[0]
    page_count = pdf_pages(files["pdf"]) if "pdf" in files else pages
    print(f"{'format':6} {'size':>9} {'seconds':>8} {'MB/s':>7} {'pages/s':>8}  ({page_count} pages of text)")
    for name, path in files.items():
        size = path.stat().st_size
        seconds = best_of(lambda p=path: read_document(p), 1 if name == "doc" else 3)
        rate = page_count / seconds
        print(f"{name:6} {size / 1e6:8.2f}M {seconds:8.3f} {size / 1e6 / seconds:7.2f} {rate:8.0f}")
    if "pdf" in files:
        print(
            f"peak RSS reading the {page_count}-page PDF: {peak_rss_mb(files['pdf']):.0f} MB "
            f"(the same text as .txt: {peak_rss_mb(txt):.0f} MB)"
        )
    else:
        print("soffice not installed: no .pdf/.doc figures")


# ---- evaluation: the same files through each candidate


def summary(text: str) -> dict[str, Any]:
    from qcdc_cli.extract.text import extract_text
    from qcdc_cli.knowledge.registry import load_registry
    from qcdc_cli.knowledge.vocabulary import Vocabulary

    ex = extract_text(text, Vocabulary.from_registry(load_registry(())))
    return {
        "number": ex.self.number,
        "date": ex.self.date,
        "refs": {(r.number, r.date, r.relation) for r in ex.references},
        "rels": {(r.source, r.relation, r.target) for r in ex.reported_relations},
    }


def score(text: str, clean: dict[str, Any]) -> tuple[int, int, int]:
    """(facts right, facts in all, header cells on lines of their own out of 7)."""
    got = summary(text)
    facts = 2 + len(clean["refs"]) + len(clean["rels"])
    right = (got["number"] == clean["number"]) + (got["date"] == clean["date"])
    right += len(got["refs"] & clean["refs"]) + len(got["rels"] & clean["rels"])
    lines = {line.strip() for line in text.splitlines()}
    return right, facts, sum(cell in lines for cell in [*HEADER_LEFT, *HEADER_RIGHT])


def candidates() -> dict[str, Callable[[Path], str]]:
    out: dict[str, Callable[[Path], str]] = {
        "qcdc (python-docx, pypdfium2, html.parser)": lambda p: read_document(p).text
    }
    try:
        import viparse

        out["viparse.load"] = lambda p: "\n".join(d.text for d in viparse.load(str(p)))
    except ImportError:
        pass
    try:
        import pdfplumber

        def plumber(p: Path) -> str:
            if p.suffix != ".pdf":
                raise ValueError("PDF only")
            with pdfplumber.open(str(p)) as pdf:
                return "\n".join(page.extract_text() or "" for page in pdf.pages)

        out["pdfplumber.extract_text"] = plumber
    except ImportError:
        pass
    return out


def evaluate(folder: Path) -> None:
    files = {f"docx-{h}": make_docx(folder / f"e-{h}.docx", header=h) for h in ("table", "rows", "tabs")}
    files["docx-vntime"] = make_docx(folder / "e-vntime.docx", legacy_font=True)
    files["html"] = make_html(folder / "e.html")
    if soffice():
        pdfs = convert([files[k] for k in ("docx-table", "docx-rows", "docx-tabs", "docx-vntime")], "pdf", folder)
        files.update({f"pdf-{h}": p for h, p in zip(("table", "rows", "tabs", "vntime"), pdfs, strict=True)})
        files["doc-table"] = convert([files["docx-table"]], "doc", folder)[0]
    long = make_docx(folder / "e-long.docx", filler=20 * PARAGRAPHS_PER_PAGE)
    long_pdf = convert([long], "pdf", folder)[0] if soffice() else None
    clean = summary(clean_text())
    print("| file | " + " | ".join(candidates()) + " |")
    print("|---|" + "---|" * len(candidates()))
    for name, path in files.items():
        cells = []
        for read in candidates().values():
            try:
                start = time.perf_counter()
                text = read(path)
                ms = (time.perf_counter() - start) * 1000
                right, facts, apart = score(text, clean)
                cells.append(f"{right}/{facts} facts, {apart}/7 cells, {ms:.0f} ms")
            except Exception as e:  # a candidate that cannot read the format
                cells.append(f"fails: {type(e).__name__}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    if long_pdf is not None:
        pages = pdf_pages(long_pdf)
        row = []
        for read in candidates().values():
            try:
                seconds = best_of(lambda r=read: r(long_pdf), 1)
                row.append(f"{pages / seconds:.0f} pages/s")
            except Exception as e:
                row.append(f"fails: {type(e).__name__}")
        print(f"| {pages}-page PDF | " + " | ".join(row) + " |")
    print()
    for dist in ("python-docx", "pypdfium2", "viparse", "pdfplumber"):
        try:
            meta = md.metadata(dist)
            licence = meta.get("License-Expression") or meta.get("License") or "see classifiers"
            print(f"{dist}: {md.version(dist)}, {licence}, installs {installed_mb(dist):.1f} MB with its requirements")
        except md.PackageNotFoundError:
            print(f"{dist}: not installed")


def installed_mb(dist: str, seen: set[str] | None = None) -> float:
    """Size on disk of a distribution and its (non-extra) requirements, each counted once."""
    seen = set() if seen is None else seen
    key = re.sub(r"[-_.]+", "-", dist).lower()
    if key in seen:
        return 0.0
    seen.add(key)
    try:
        d = md.distribution(dist)
    except md.PackageNotFoundError:
        return 0.0
    total = sum(f.size or 0 for f in d.files or []) / 1e6
    for req in d.requires or []:
        if "extra ==" in req:
            continue
        total += installed_mb(re.split(r"[ ;<>=!~\[(]", req, maxsplit=1)[0], seen)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--evaluate", action="store_true", help="compare with viparse and pdfplumber")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as tmp:
        if args.evaluate:
            evaluate(Path(tmp))
        else:
            speed(Path(tmp), args.pages)


if __name__ == "__main__":
    main()
