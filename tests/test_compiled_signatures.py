"""cli._compiled keeps the docstrings dataclasses write (from `inspect.signature`) so a
fast-path run need not import `inspect`: a kept text is reused only for a class with the
same `signature_key`, so two classes with one key must have one signature text.

- random dataclasses (few names, types and defaults, so keys often coincide): equal keys
  always mean equal `str(inspect.signature(cls))`;
- classes whose signature is not their own `__init__`'s get no key (inspect answers);
- in fresh processes, cold then warm: qcdc's dataclasses get the same docstrings as
  without the cache, and a warm check never imports `inspect`.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import CLI_ENV, REPO
from hypothesis import given
from hypothesis import strategies as st

from qcdc_cli.cli._compiled import _Signatures, signature_key

NAMES = ["a", "b", "self", "path"]
TYPES = ["str", "int", "str | None", "list[str]", "Any"]
DEFAULTS = [None, 0, 1, "", "x", 1.5, (), "None", "0"]


@st.composite
def specs(draw: st.DrawFn) -> tuple[Any, ...]:
    names = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=3))
    fields = []
    for name in names:  # `_make` gives a default to a plain field after one with
        kind = draw(st.sampled_from(["plain", "default", "factory"]))
        fields.append((name, draw(st.sampled_from(TYPES)), kind, draw(st.sampled_from(DEFAULTS))))
    return (draw(st.sampled_from(["C", "D"])), tuple(fields), draw(st.booleans()), draw(st.booleans()))


def _make(spec: tuple[Any, ...]) -> type:
    """A dataclass as a module with `from __future__ import annotations` writes it."""
    name, fields, kw_only, slots = spec
    made = []
    seen_default = False
    for field_name, annotation, kind, default in fields:
        if seen_default and kind == "plain":
            kind = "default"  # dataclasses: no field without a default after one with
        seen_default = seen_default or kind != "plain"
        if kind == "plain":
            made.append((field_name, annotation))
        elif kind == "default":
            made.append((field_name, annotation, dataclasses.field(default=default)))
        else:
            made.append((field_name, annotation, dataclasses.field(default_factory=list)))
    return dataclasses.make_dataclass(name, made, kw_only=kw_only, slots=slots)


@st.composite
def neighbours(draw: st.DrawFn) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Two specs: unrelated, or the second the first with one thing changed."""
    first = draw(specs())
    name, fields, kw_only, slots = first
    change = draw(st.sampled_from(["other", "name", "kw_only", "slots", "field"]))
    if change == "other" or (change == "field" and not fields):
        return first, draw(specs())
    if change == "name":
        return first, ("D" if name == "C" else "C", fields, kw_only, slots)
    if change == "kw_only":
        return first, (name, fields, not kw_only, slots)
    if change == "slots":
        return first, (name, fields, kw_only, not slots)
    i = draw(st.integers(0, len(fields) - 1))
    field_name, annotation, kind, default = fields[i]
    what = draw(st.sampled_from(["type", "default", "kind"]))
    if what == "type":
        annotation = draw(st.sampled_from(TYPES))
    elif what == "default":
        default = draw(st.sampled_from(DEFAULTS))
    else:
        kind = draw(st.sampled_from(["default", "factory"]))
    changed = (*fields[:i], (field_name, annotation, kind, default), *fields[i + 1 :])
    return first, (name, changed, kw_only, slots)


@given(pair=neighbours())
def test_classes_with_one_key_have_one_signature(pair: tuple[tuple[Any, ...], tuple[Any, ...]]) -> None:
    first, second = pair
    one, other = _make(first), _make(second)
    key_one, key_other = signature_key(one), signature_key(other)
    assert key_one is not None and key_other is not None
    assert signature_key(_make(first)) == key_one  # the same class, made again
    if key_one == key_other:
        assert str(inspect.signature(one)) == str(inspect.signature(other))


@given(spec=specs())
def test_a_kept_text_is_inspect_s(spec: tuple[Any, ...]) -> None:
    cls = _make(spec)
    kept: dict[Any, Any] = {}
    cold = _Signatures({}, kept)
    assert str(cold.signature(cls)) == str(inspect.signature(cls))
    assert cold.new
    warm = _Signatures(dict(kept), {})
    assert warm.signature(cls) == str(inspect.signature(cls))
    assert not warm.new


class _Meta(type):
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return super().__call__(*args, **kwargs)


def _others() -> list[type]:
    @dataclasses.dataclass
    class New:
        a: int = 0

        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            return super().__new__(cls)

    @dataclasses.dataclass
    class Meta(metaclass=_Meta):
        a: int = 0

    @dataclasses.dataclass
    class Signed:
        a: int = 0

    Signed.__signature__ = inspect.Signature()  # type: ignore[attr-defined]

    @dataclasses.dataclass
    class Typed:
        a: int = 0

    Typed.__init__.__annotations__["a"] = int  # a real type, as without __future__ annotations

    @dataclasses.dataclass(init=False)
    class NoInit:
        a: int = 0

    return [New, Meta, Signed, Typed, NoInit, int, dict]


@pytest.mark.parametrize("cls", _others(), ids=lambda c: c.__name__)
def test_classes_whose_signature_depends_on_more_have_no_key(cls: type) -> None:
    assert signature_key(cls) is None
    kept: dict[Any, Any] = {}
    try:
        expected: Any = str(inspect.signature(cls))
    except (TypeError, ValueError) as e:
        expected = type(e)
    try:
        found: Any = str(_Signatures({}, kept).signature(cls))
    except (TypeError, ValueError) as e:
        found = type(e)
    assert found == expected
    assert kept == {}


_DOCS = """
import importlib, json, os, pkgutil, sys
from qcdc_cli.cli._compiled import cached
import qcdc_cli

def docs():
    import dataclasses
    found = {}
    for info in pkgutil.walk_packages(qcdc_cli.__path__, "qcdc_cli."):
        if info.name == "qcdc_cli.__main__":
            continue  # runs the CLI
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == info.name:
                found[f"{info.name}.{cls.__qualname__}"] = cls.__doc__
    return found

if sys.argv[1] == "plain":
    found = docs()
else:
    with cached(sys.argv[1]):
        found = docs()
print(json.dumps(found))
"""


def test_qcdc_dataclasses_get_the_docstrings_they_get_without_the_cache(tmp_path: Path) -> None:
    folder = str(tmp_path / "cache")
    found = []
    for mode in ["plain", folder, folder]:
        done = subprocess.run(
            [sys.executable, "-c", _DOCS, mode], cwd=REPO, capture_output=True, text=True, check=True, timeout=120
        )
        found.append(json.loads(done.stdout))
    assert len(found[0]) > 50
    assert sum(1 for doc in found[0].values() if doc and "(" in doc) > 5  # some written by dataclasses
    assert found[0] == found[1] == found[2]


_PROBE = """
import sys
from qcdc_cli.cli import main
sys.argv = ["qcdc", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("inspect" in sys.modules, file=sys.stderr)
"""


def test_a_warm_check_does_not_import_inspect(tmp_path: Path) -> None:
    env = {**os.environ, **CLI_ENV, "QCDC_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("QCDC_FAST", None)
    args = ["check", str(REPO / "samples" / "hatinh_02-NQ-TU_2017.txt")]
    loaded = []
    for _ in range(3):  # Typer fills the spec, the fast path fills the code, then warm
        done = subprocess.run(
            [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env, timeout=120
        )
        loaded.append(done.stderr.strip().splitlines()[-1])
    assert loaded[-1] == "False"
