"""The trace paths without rich and networkx give what rich and networkx give.

render.plain lays a trace out as rich does on a console that is not a terminal; it is
compared with rich itself on random texts and trees and on every trace of an index of
a generated corpus. LineageGraph keeps its links in dicts; its cycle test is compared
with networkx on random graphs.
"""

from __future__ import annotations

import importlib.util
import io
import random
import sys
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich._wrap import divide_line
from rich.cells import cell_len
from rich.console import Console

from qcdc_cli.lineage.graph import LineageGraph, _acyclic
from qcdc_cli.models import DocNode, Link
from qcdc_cli.render.plain import SIMPLE_RANGES, Branch, Styled, divide_simple, lay_out, to_rich

REPO = Path(__file__).resolve().parent.parent


def rich_text(renderable: object, width: int) -> str:
    """What `_console.stdout_console` prints when stdout is a file: rich, no colour."""
    out = io.StringIO()
    Console(file=out, width=width, emoji=False, highlight=False, markup=False, soft_wrap=False).print(renderable)
    return out.getvalue()


def test_every_simple_character_is_one_cell_for_rich():
    for low, high in SIMPLE_RANGES:
        wide = [hex(c) for c in range(low, high + 1) if cell_len(chr(c)) != 1]
        assert not wide


SIMPLE = "aăâbđeêoôơuưy ÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰ0123456789/-.,:;“”…→·⚠ "
simple_words = st.lists(st.text(alphabet=SIMPLE.replace(" ", ""), min_size=1, max_size=70), max_size=30)
spaces = st.sampled_from([" ", "  ", "   "])


@settings(max_examples=400, deadline=None)
@given(simple_words, st.lists(spaces, min_size=31, max_size=31), spaces, st.integers(4, 90))
def test_divide_simple_breaks_where_rich_breaks(words, gaps, lead, width):
    text = lead + "".join(w + g for w, g in zip(words, gaps, strict=False))
    assert divide_simple(text, width) == divide_line(text, width, fold=True)


# any text a document can hold once sanitized: wide (CJK) and combining characters,
# other spaces, the letters and punctuation of the labels
ANY = SIMPLE + "漢字ｶ\u0301\u0323\u00a0\u2003\u3000\u200b·x\\"
label_text = st.text(alphabet=ANY + "\n", max_size=260)


@st.composite
def branches(draw, depth: int = 0) -> Branch:
    branch = Branch(Styled(draw(label_text), draw(st.sampled_from(["", "bold", "dim"]))), "dim")
    if depth < 4:
        for child in draw(st.lists(branches(depth + 1), max_size=3)):
            branch.children.append(child)
    return branch


parts = st.lists(st.one_of(st.builds(Styled, label_text), branches()), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(parts, st.integers(30, 200))
def test_lay_out_prints_what_rich_prints(drawn, width):
    assert lay_out(drawn, width) == rich_text(to_rich(drawn), width)


def test_lay_out_leaves_tabs_and_narrow_labels_to_rich():
    assert lay_out([Styled("a\tb")], 80) is None
    deep = root = Branch(Styled("root"))
    for _ in range(30):
        deep = deep.add(Styled("x"))
    assert lay_out([root], 100) is None
    assert lay_out([root], 200) == rich_text(to_rich([root]), 200)


def test_styled_keeps_rich_spans():
    line = Styled("  ", "yellow").append("a", "cyan").append("b")
    line.append_text(Styled("cd", "bold").append("e", "dim"))
    text = line.to_rich()
    assert text.plain == "  abcde" and str(text.style) == "yellow"
    assert [(s.start, s.end, str(s.style)) for s in text.spans] == [(2, 3, "cyan"), (4, 7, "bold"), (6, 7, "dim")]


# ---------------------------------------------------------------- a generated corpus


@pytest.fixture(scope="module")
def generated_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from qcdc_cli.cli import app

    spec = importlib.util.spec_from_file_location("gen_corpus", REPO / "benchmarks" / "gen_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_corpus", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    root = tmp_path_factory.mktemp("gen")
    module.generate(root / "corpus", 400, 11)
    db = root / "index.sqlite"
    result = CliRunner().invoke(app, ["ingest", str(root / "corpus"), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    return db


def test_every_trace_of_a_generated_index_prints_as_rich_prints_it(generated_index):
    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.derived import index_catalog, index_graph
    from qcdc_cli.render.trace import render_trace, trace_text

    with open_reader(generated_index) as store:
        ids = sorted(row[0] for row in store.con.execute("SELECT id FROM nodes"))
        rng = random.Random(5)
        for ident in [*rng.sample(ids, 60), "120-KL/TW", "30-CT/TW"]:
            names = index_catalog(store, ident).vocab.type_names
            direction = rng.choice(["up", "down", "both"])
            depth = rng.choice([None, 1, 2])
            graph = index_graph(store, ident, direction, depth)
            trace = graph.trace(ident, direction, depth=depth, fold=rng.random() < 0.8)
            for width, lang in ((200, "en"), (rng.randint(40, 160), "vi")):
                expected = rich_text(render_trace(trace, names, lang), width)
                assert trace_text(trace, names, lang, width) == expected, (ident, direction, depth, width)


# ---------------------------------------------------------------- cycles without networkx


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 9), st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=25))
def test_cycles_are_networkx_s(n, edges):
    nodes = [DocNode(f"{i}-KH/TU", f"{i}-KH/TU") for i in range(n)]
    links = [Link(f"{u % n}-KH/TU", f"{v % n}-KH/TU", "implements") for u, v in edges]
    graph = LineageGraph.from_links(nodes, links)
    g = graph.to_networkx()
    assert _acyclic(graph._succ) == nx.is_directed_acyclic_graph(g)
    expected = sorted(c[c.index(min(c)) :] + c[: c.index(min(c))] for c in nx.simple_cycles(g))
    assert graph.cycles() == expected


# ---------------------------------------------------------------- a trace read thinly


def test_a_trace_read_thinly_answers_as_one_read_whole(generated_index):
    """index_graph(shown=...) reads in full only what the trace shows: the same trace
    (every field but the speakers of files it does not quote) and the same outputs."""
    from dataclasses import fields

    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.derived import index_catalog, index_graph
    from qcdc_cli.render.graph_export import render_json
    from qcdc_cli.render.trace import trace_text

    relations = [None, None, ["implements"], ["implements", "cites", "based_on"], ["guides", "continues"]]
    with open_reader(generated_index) as store:
        ids = sorted(row[0] for row in store.con.execute("SELECT id FROM nodes"))
        rng = random.Random(8)
        thinner = 0
        for ident in [*rng.sample(ids, 80), "120-KL/TW", "30-CT/TW", "05-CT/TW@XII"]:
            if ident not in ids:
                continue
            names = index_catalog(store, ident).vocab.type_names
            direction = rng.choice(["up", "down", "both"])
            depth = rng.choice([1, 1, 2, 3])
            options = {"depth": depth, "relations": rng.choice(relations), "fold": rng.random() < 0.8}

            def shown(graph, start, direction=direction, options=options):
                return [n.id for n in graph.trace(start, direction, **options).nodes]

            whole = index_graph(store, ident, direction, depth)
            thin = index_graph(store, ident, direction, depth, shown=shown)
            thinner += len(thin.nodes()) < len(whole.nodes()) or sum(
                map(len, (lk.evidence for lk in thin.links()))
            ) < sum(map(len, (lk.evidence for lk in whole.links())))
            expected, got = whole.trace(ident, direction, **options), thin.trace(ident, direction, **options)
            for f in fields(expected):
                if f.name not in ("speakers", "_by_id"):
                    assert getattr(got, f.name) == getattr(expected, f.name), (ident, direction, options, f.name)
            assert render_json(got) == render_json(expected)
            assert trace_text(got, names, "en", 200) == trace_text(expected, names, "en", 200)
        assert thinner > 10  # the thin reading did leave things out


def random_index(path: Path, rng: random.Random) -> list[str]:
    """An index holding only derived rows of a random graph: links of every relation (a
    few against the hierarchy, so cycles), evidence from texts and from the registry in
    the order the graph keeps it, files holding two documents, issues between any two."""
    from qcdc_cli.index.rows import Derived, EvidenceRow, IssueRow, LinkRow, SpeakerRow, known_row
    from qcdc_cli.index.store import Store
    from qcdc_cli.lineage.graph import _evidence_order
    from qcdc_cli.models import Evidence
    from qcdc_cli.resolve.resolve import Known

    n = rng.randint(4, 30)
    ids = [f"{i}-KH/TU" for i in range(n)]
    files = [f"f{i % max(1, n - 3)}.txt" for i in range(n)]  # the last ones share files
    rows = Derived()
    for i, ident in enumerate(ids):
        rows.nodes.append(known_row(Known(ident, type="KH", issuer_code="TU", id=ident, paths=[files[i]]), None))
        rows.speakers.append(SpeakerRow(files[i], 1 if i < n - 3 else 20, ident))
    relations = ["implements", "implements", "guides", "continues", "cites", "based_on", "related"]
    pairs = {
        (u, v)
        for _ in range(rng.randint(n, 4 * n))
        for u, v in [rng.sample(range(n), 2)]
        if u > v or rng.random() < 0.1
    }
    for u, v in sorted(pairs):
        rows.links.append(LinkRow(ids[u], ids[v], rng.choice(relations)))
        evidence = []
        for _ in range(rng.randint(0, 4)):
            if rng.random() < 0.35:
                evidence.append(Evidence(registry=f"R{rng.randint(0, 3)}"))
            else:
                evidence.append(
                    Evidence(rng.choice([files[u], rng.choice(files)]), rng.randint(1, 40), f"t{rng.randint(0, 9)}")
                )
        unique = {(e.path, e.line, e.text, e.registry): e for e in evidence}.values()
        for seq, e in enumerate(sorted(unique, key=_evidence_order)):
            rows.evidence.append(EvidenceRow(ids[u], ids[v], seq, e.path, e.line, e.text, e.registry))
    for k in range(rng.randint(0, 2 * n)):
        source, target = rng.choice(ids), rng.choice([*ids, None])
        kind = rng.choice(["discrepancy", "ambiguous"])
        rows.issues.append(IssueRow(kind, source, "1-KH/TU", f"m{k}", target, "", files[0], 3, "x", None))
    with Store.open_writer(path) as store:
        store.replace_derived(rows, "test")
    return ids


@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False))
def test_thin_traces_of_random_graphs_are_the_whole_ones(tmp_path_factory, rnd):
    from dataclasses import fields

    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.derived import index_graph

    db = tmp_path_factory.mktemp("thin") / "index.sqlite"
    ids = random_index(db, rnd)
    chains = [None, ["implements"], ["implements", "guides", "cites"], ["continues", "guides", "based_on"]]
    with open_reader(db) as store:
        for ident in rnd.sample(ids, min(6, len(ids))):
            direction = rnd.choice(["up", "down", "both"])
            depth = rnd.choice([1, 1, 2, 3])
            options = {"depth": depth, "relations": rnd.choice(chains), "fold": rnd.random() < 0.8}

            def shown(graph, start, direction=direction, options=options):
                return [n.id for n in graph.trace(start, direction, **options).nodes]

            expected = index_graph(store, ident, direction, depth).trace(ident, direction, **options)
            got = index_graph(store, ident, direction, depth, shown=shown).trace(ident, direction, **options)
            for f in fields(expected):
                if f.name not in ("speakers", "_by_id"):
                    assert getattr(got, f.name) == getattr(expected, f.name), (ident, direction, options, f.name)
