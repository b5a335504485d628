"""cli._compiled.re_patterns keeps the stdlib patterns of the code, never a document's:
top-level ones, literal constants of a function and those of KEPT_BUILDERS
(made from the registry), each rebuilt equal to a fresh compile; patterns a function
builds from its arguments are not kept. Fresh interpreters, cold then warm."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

_RUN = """
import re, sys
from qcdc_cli.cli._compiled import re_patterns

def literal(text):
    return re.match(r"^(\\w+)-literal-(\\d+)$", text)

def built(text):
    return re.compile(re.escape(text) + "-built")

with re_patterns(sys.argv[1]):
    from qcdc_cli.knowledge.registry import load_vocabulary
    from qcdc_cli.lint import text_rules
    from qcdc_cli.resolve.resolve import Catalog
    from qcdc_cli.knowledge.registry import load_registry
    literal("a-literal-1")
    built("words of a document")
    vocab = load_vocabulary()
    catalog = Catalog.build(load_registry(), vocab)
    catalog.province_in("Tỉnh ủy Lai Châu")
    print(text_rules._opening_cue(vocab).pattern)
"""


def _run(folder: Path, seed: str = "random") -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(folder)], cwd=REPO, capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="re_patterns keeps nothing on other versions")
def test_patterns_of_the_code_are_kept_and_rebuilt_equal(tmp_path: Path) -> None:
    import _sre  # type: ignore[import-not-found,unused-ignore]
    import re

    from qcdc_cli.cli._compiled import cache_path, read

    folder = tmp_path / "cache"
    _run(folder)
    _run(folder)
    kept = read(cache_path(str(folder), "re"), "re")
    for (pattern, flags), args in kept.items():
        assert _sre.compile(pattern, *args) == re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
    patterns = {p for p, _ in kept}
    assert r"^(\w+)-literal-(\d+)$" in patterns
    assert any(isinstance(p, str) and p.startswith(r"(?<!\w)(?=(") and "LAI\\ CHÂU" in p for p in patterns)
    assert not any("document" in str(p) or "built" in str(p) for p in patterns)


def test_the_opening_cue_pattern_is_the_same_in_every_run(tmp_path: Path) -> None:
    """Else each run (another hash seed) would add one more kept pattern to the file."""
    assert len({_run(tmp_path / "c", seed) for seed in ("0", "1", "2", "3")}) == 1
