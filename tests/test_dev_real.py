"""The accuracy ratchet: extraction scored on real texts it was not written against.

`../shared/dev-real` holds real official texts with gold annotations (not ours to
redistribute, so they stay outside the repository) and `../shared/seeds` the seed texts.
Each is scored by the shared scorer itself (`../shared/tools/score_extract.py`, run on the
`qcdc extract --format json` of this checkout), and every figure must stay at or above the
level reached: accuracy cannot silently regress. Raise a level when a change lifts it.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_extract.py"

# Levels reached (issue 11). Each figure of the scorer's summary line, at least this.
DEV_REAL_LEVELS = {
    "refs_f1": 1.000,
    "self": 1.000,  # own number accuracy
    "self_date": 1.000,
    "ref_dates": 1.000,
    "implements_p": 1.000,
    "implements_r": 1.000,
    "based_on_p": 1.000,
    "based_on_r": 1.000,
}
SEED_LEVELS = dict.fromkeys(DEV_REAL_LEVELS, 1.000)
MAX_FALSE_SELF = 0  # texts without a number of their own that were given one

SETS = [
    ("dev-real", SHARED / "dev-real" / "docs", SHARED / "dev-real" / "gold", DEV_REAL_LEVELS),
    ("seeds", SHARED / "seeds", SHARED / "dev-gold", SEED_LEVELS),
]

_SUMMARY = re.compile(
    r"F1=(?P<refs_f1>[\d.]+).*?\| self (?P<self_ok>\d+)/(?P<self_all>\d+)=[\d.]+ false_self=(?P<false_self>\d+)"
    r" self_date (?P<sd_ok>\d+)/(?P<sd_all>\d+) \| ref_dates \d+/\d+=(?P<ref_dates>[\d.]+)"
    r" \| implements P=(?P<implements_p>[\d.]+) R=(?P<implements_r>[\d.]+)"
    r" \| based_on P=(?P<based_on_p>[\d.]+) R=(?P<based_on_r>[\d.]+)"
)


def score(docs: Path, gold: Path) -> dict[str, float]:
    """The scorer's summary figures for `qcdc extract` of this checkout over one set."""
    command = f"{shlex.quote(sys.executable)} -m qcdc_cli extract --format json"
    proc = subprocess.run(
        [sys.executable, str(SCORER), "--docs", str(docs), "--gold", str(gold), "--cmd", command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    found = _SUMMARY.search(summary)
    assert found, f"no summary from the scorer: {proc.stdout[-500:]} {proc.stderr[-2000:]}"
    g = found.groupdict()
    return {
        "refs_f1": float(g["refs_f1"]),
        "self": int(g["self_ok"]) / int(g["self_all"]) if int(g["self_all"]) else 1.0,
        "self_date": int(g["sd_ok"]) / int(g["sd_all"]) if int(g["sd_all"]) else 1.0,
        "ref_dates": float(g["ref_dates"]),
        "implements_p": float(g["implements_p"]),
        "implements_r": float(g["implements_r"]),
        "based_on_p": float(g["based_on_p"]),
        "based_on_r": float(g["based_on_r"]),
        "false_self": float(g["false_self"]),
    }


@pytest.mark.parametrize(("docs", "gold", "levels"), [s[1:] for s in SETS], ids=[s[0] for s in SETS])
def test_accuracy_does_not_fall_below_the_level_reached(docs: Path, gold: Path, levels: dict[str, float]) -> None:
    if not SCORER.exists() or not docs.is_dir() or not gold.is_dir():
        pytest.skip(f"the shared scorer and texts are not beside this checkout ({SHARED} has no {docs.name})")
    figures = score(docs, gold)
    fallen = {k: (figures[k], level) for k, level in levels.items() if figures[k] < level - 1e-9}
    assert not fallen, f"below the level reached (figure, level): {fallen}"
    assert figures["false_self"] <= MAX_FALSE_SELF
