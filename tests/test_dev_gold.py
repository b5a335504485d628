"""Regression test against the gold annotations of the five bundled samples.

Same comparison as ../shared/tools/score_extract.py: numbers compared after NFC, Ð→Đ,
white space removed, case folded, leading zeros dropped; an `optional` (malformed) gold
reference may be reported either way.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.registry import load_vocabulary
from qcdc_cli.read.files import read_document

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.yaml"))


def norm(number):
    if not number:
        return None
    s = unicodedata.normalize("NFC", number).replace("\u00d0", "\u0110")
    return re.sub(r"^0+(?=\d)", "", re.sub(r"\s+", "", s).casefold())


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem for p in GOLD])
def test_sample_matches_gold(gold_path):
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    text = read_document(ROOT / "samples" / f"{gold_path.stem}.txt").text
    extraction = extract_text(text, load_vocabulary())
    me = extraction.self
    assert norm(me.number) == norm(gold["self"]["number"])
    assert me.date == gold["self"]["date"]
    assert me.province == gold["self"]["province"]
    predicted = {norm(r.number): r for r in extraction.references}
    expected = {norm(r["number"]): r for r in gold["refs"]}
    for r in gold["refs"]:  # a malformed number may also be reported as it was written
        written = norm(r.get("as_written"))
        if r.get("optional") and written in predicted and norm(r["number"]) not in predicted:
            predicted[norm(r["number"])] = predicted.pop(written)
    required = {n for n, r in expected.items() if not r.get("optional")}
    assert required <= set(predicted), f"missed {required - set(predicted)}"
    assert set(predicted) <= set(expected), f"extra {set(predicted) - set(expected)}"
    for n, g in expected.items():
        if n not in predicted:
            continue
        if g.get("date"):
            assert predicted[n].date == g["date"], n
        assert (predicted[n].relation == "implements") == (g["relation"] == "implements"), n
