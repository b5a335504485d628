"""Text views read lean (index_graph(lean=True)) print what they print read whole.

A text trace prints each link's first evidence (its source's own lines first) and how
many more; Store.subgraph_rows(elided=...) reads only the rows that can be printed. Its
premise, that a document speaks only in files it was read from, is checked on an index
of a generated corpus and of the samples; the outputs are compared on random graphs
with many pieces of evidence per link (with LEAN_FIRST small, so the links read whole
again are exercised too) and on every kind of trace of the generated corpus.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from pathlib import Path

from test_corpus import samples_index  # noqa: F401  (a fixture)
from test_trace_plain import generated_index  # noqa: F401  (a fixture)

from qcdc_cli.index import lean as store_module


def evidence_index(path: Path, rng: random.Random) -> list[str]:
    """Derived rows of a random graph whose links carry up to 14 pieces of evidence: the
    citing document's own lines, lines of files shared by two documents, other files'
    reports and the registry's, in the order the graph keeps them."""
    from qcdc_cli.index.rows import Derived, EvidenceRow, IssueRow, LinkRow, SpeakerRow, known_row
    from qcdc_cli.index.store import Store
    from qcdc_cli.lineage.graph import _evidence_order
    from qcdc_cli.models import Evidence
    from qcdc_cli.resolve.resolve import Known

    n = rng.randint(3, 18)
    ids = [f"{i}-KH/TU" for i in range(n)]
    files = [f"f{i % max(1, n - 3)}.txt" for i in range(n)]  # the last ones share files
    rows = Derived()
    for i, ident in enumerate(ids):
        rows.nodes.append(known_row(Known(ident, type="KH", issuer_code="TU", id=ident, paths=[files[i]]), None))
        rows.speakers.append(SpeakerRow(files[i], 1 if i < n - 3 else 20, ident))
    relations = ["implements", "implements", "guides", "continues", "cites", "based_on"]
    pairs = {
        (u, v)
        for _ in range(rng.randint(n, 3 * n))
        for u, v in [rng.sample(range(n), 2)]
        if u > v or rng.random() < 0.1
    }
    for u, v in sorted(pairs):
        rows.links.append(LinkRow(ids[u], ids[v], rng.choice(relations)))
        evidence = []
        for _ in range(rng.choice([0, 1, 2, 3, 6, 14])):
            roll = rng.random()
            if roll < 0.15:
                evidence.append(Evidence(registry=f"R{rng.randint(0, 3)}"))
            elif roll < 0.55:
                evidence.append(Evidence(files[u], rng.randint(1, 40), f"own{rng.randint(0, 9)}"))
            else:
                evidence.append(
                    Evidence(rng.choice([*files, "other.txt"]), rng.randint(1, 40), f"t{rng.randint(0, 9)}")
                )
        unique = {(e.path, e.line, e.text, e.registry): e for e in evidence}.values()
        for seq, e in enumerate(sorted(unique, key=_evidence_order)):
            rows.evidence.append(EvidenceRow(ids[u], ids[v], seq, e.path, e.line, e.text, e.registry))
    for k in range(rng.randint(0, n)):
        source, target = rng.choice(ids), rng.choice([*ids, None])
        rows.issues.append(IssueRow("discrepancy", source, "1-KH/TU", f"m{k}", target, "", files[0], 3, "x", None))
    with Store.open_writer(path) as store:
        store.replace_derived(rows, "test")
    return ids


def same_text_traces(store, ident: str, rng: random.Random, names=None) -> bool:
    """A random trace of `ident` printed from a lean and from a whole read; whether the
    lean read left anything out."""
    from qcdc_cli.index.derived import index_graph
    from qcdc_cli.render.trace import trace_text

    direction = rng.choice(["up", "down", "both"])
    depth = rng.choice([None, 1, 2])
    chains = [None, ["implements"], ["implements", "guides", "cites"]]
    options = {"depth": depth, "relations": rng.choice(chains), "fold": rng.random() < 0.8}

    def shown(graph, start):
        return [n.id for n in graph.trace(start, direction, **options).nodes]

    thin = shown if depth is not None and rng.random() < 0.7 else None
    whole = index_graph(store, ident, direction, depth, shown=thin)
    lean = index_graph(store, ident, direction, depth, shown=thin, lean=True)
    expected = whole.trace(ident, direction, **options)
    got = lean.trace(ident, direction, **options)
    assert [n.id for n in got.nodes] == [n.id for n in expected.nodes]
    for width, lang in ((200, "en"), (60, "vi")):
        assert trace_text(got, names or {}, lang, width) == trace_text(expected, names or {}, lang, width), (
            ident,
            direction,
            options,
        )
    return bool(lean.elided)


@contextmanager
def lean_first(value: int):
    """lean.LEAN_FIRST set to `value` for a while: small, links are read whole again."""
    before = store_module.LEAN_FIRST
    store_module.LEAN_FIRST = value
    try:
        yield
    finally:
        store_module.LEAN_FIRST = before


def test_lean_traces_of_random_graphs_print_as_whole_ones(tmp_path):
    from qcdc_cli.index.backend import open_reader

    elided = 0
    for seed in range(80):
        rnd = random.Random(seed)
        db = tmp_path / f"{seed}.sqlite"
        ids = evidence_index(db, rnd)
        with open_reader(db) as store, lean_first(rnd.choice([1, 2, 3, 8])):
            for ident in rnd.sample(ids, min(5, len(ids))):
                elided += same_text_traces(store, ident, rnd)
    assert elided > 20  # the lean reads did leave evidence out


def test_lean_traces_of_a_generated_corpus_print_as_whole_ones(generated_index):  # noqa: F811
    from qcdc_cli.index.backend import open_reader
    from qcdc_cli.index.derived import index_catalog

    with open_reader(generated_index) as store:
        ids = sorted(row[0] for row in store.con.execute("SELECT id FROM nodes"))
        rng = random.Random(13)
        elided = 0
        for ident in [*rng.sample(ids, 50), "120-KL/TW", "30-CT/TW", "05-CT/TW@XII"]:
            if ident in ids:
                with lean_first(rng.choice([2, 3, 8])):  # a 400-document corpus has few long links
                    elided += same_text_traces(store, ident, rng, index_catalog(store, ident).vocab.type_names)
        assert elided >= 1  # a 400-document corpus has few long links: the random graphs have more


def speakers_outside_their_paths(db: Path) -> list[tuple[str, str]]:
    from qcdc_cli.index.backend import open_reader

    with open_reader(db) as store:
        paths = {i: set(p.split("\n")) for i, p in store.con.execute("SELECT id, paths FROM nodes")}
        return [(p, i) for p, i in store.con.execute("SELECT path, id FROM speakers") if p not in paths.get(i, ())]


def test_documents_speak_only_in_files_they_were_read_from(generated_index, samples_index):  # noqa: F811
    """The premise of the lean read: a speakers row names one of its document's paths."""
    for db in (generated_index, samples_index):
        assert speakers_outside_their_paths(db) == []


def test_the_derive_key_hashes_the_registry_as_model_dump_json(tmp_path):
    """index.derived._registry_json (the key every trace checks) is model_dump_json's text:
    the bundled registry, and one with a document retitled and given an alias."""
    from dataclasses import replace

    from qcdc_cli.index.derived import _registry_json
    from qcdc_cli.knowledge.registry import load_registry

    registry = load_registry()
    assert _registry_json(registry) == registry.model_dump_json()
    first = registry.documents[0]
    other = replace(registry, documents=[replace(first, title="x\u00a0“ơ”", aliases=["Z-1"]), *registry.documents[1:]])
    assert _registry_json(other) == other.model_dump_json() != registry.model_dump_json()


def test_hidden_counts_without_sorting_are_the_sorted_ones():
    """lineage.trace._tree counts the links hidden at the depth limit from the unordered
    adjacency: the same marks and counts as from the ordered, filtered links."""
    from functools import partial

    from qcdc_cli.lineage.graph import LineageGraph, _links_of
    from qcdc_cli.lineage.trace import _Shortcuts, _tree
    from qcdc_cli.models import DocNode, Evidence, Link

    def walk(tree):
        yield tree.id, tree.mark, tree.hidden, tree.via and (tree.via.source, tree.via.target)
        for child in tree.children:
            yield from walk(child)

    relations = ["implements", "implements", "guides", "continues", "cites", "based_on"]
    checked = 0
    for seed in range(300):
        rng = random.Random(seed)
        n = rng.randint(2, 14)
        ids = [f"{i}-KH/TU" for i in range(n)]
        links = [
            Link(
                ids[u],
                ids[v],
                rng.choice(relations),
                [Evidence(registry="R") if rng.random() < 0.2 else Evidence("f", 1)],
            )
            for _ in range(rng.randint(1, 4 * n))
            for u, v in [rng.sample(range(n), 2)]
        ]
        graph = LineageGraph.from_links([DocNode(i, i) for i in ids], links)
        for way in ("up", "down"):
            root = rng.choice(ids)
            depth = rng.choice([1, 2, 3])
            chosen = rng.choice([None, ["implements"], ["implements", "cites", "guides"]])
            cut = _Shortcuts(graph._succ, chosen) if rng.random() < 0.8 else set()
            adjacency = graph._succ if way == "up" else graph._pred
            fast = _tree(graph, root, way, depth, cut, chosen, partial(_links_of, adjacency))
            plain = _tree(graph, root, way, depth, cut, chosen)
            assert list(walk(fast)) == list(walk(plain)), seed
            checked += any(hidden for _, _, hidden, _ in walk(plain))
    assert checked > 100  # depth limits did hide links
