"""`qcdc show` without rich's layout (render.trace.show_text) prints what rich prints, and
read lean (index_graph(lean=True)) what it prints read whole: every document of an index
of a generated corpus, at the piped width and a narrow one, in both languages.
"""

from __future__ import annotations

import random

from test_trace_lean import lean_first
from test_trace_plain import generated_index, rich_text  # noqa: F401  (a fixture)

from qcdc_cli.render.plain import Grid, Styled, lay_out, to_rich


def show_of(store, ident: str, lang: str, lean: bool):
    """(parts, show text at 200 and 70 cells) as `qcdc show` builds them from an index."""
    from qcdc_cli.index.derived import index_catalog, index_graph
    from qcdc_cli.render.trace import show_parts, show_text

    catalog = index_catalog(store, ident)
    known = next(k for k in catalog.entries if k.id == ident)
    graph = index_graph(store, ident, "near", lean=lean)
    cites, cited_by = graph.parents(ident), graph.children(ident)
    issues = [i for i in graph.issues if ident in (i.source, i.target)]
    nodes = {i: graph.node(i) for i in {lk.target for lk in cites} | {lk.source for lk in cited_by}}
    names = catalog.vocab.type_names
    parts = show_parts(known, cites, cited_by, issues, nodes, graph.speakers, names, lang, graph.elided)
    return parts, [show_text(parts, width) for width in (200, 70)]


def test_every_show_of_a_generated_index_prints_as_rich_prints_it(generated_index):  # noqa: F811
    from qcdc_cli.index.backend import open_reader

    with open_reader(generated_index) as store:
        ids = sorted(row[0] for row in store.con.execute("SELECT id FROM nodes WHERE document_id IS NOT NULL"))
        rng = random.Random(21)
        for ident in [*rng.sample(ids, 40), "120-KL/TW", "30-CT/TW"]:
            lang = rng.choice(["en", "vi"])
            with lean_first(rng.choice([2, 8])):
                parts, texts = show_of(store, ident, lang, lean=True)
                _, whole = show_of(store, ident, lang, lean=False)
            assert texts == whole, ident
            for width, text in zip((200, 70), texts, strict=True):
                assert text == rich_text(to_rich(parts), width), (ident, width)


def test_a_grid_among_lines_prints_as_rich_prints_it():
    grid = Grid()
    grid.add_row(Styled("number"), Styled("120-KL/TW"))
    grid.add_row(Styled("title"), Styled("về tiếp tục đẩy mạnh " * 12))
    grid.add_row(Styled("read from"), Styled("/a/" + "x" * 90 + ".txt:62"))
    parts = [Styled("120-KL/TW", "bold underline"), grid, Styled("Cites (1):", "bold")]
    for width in (200, 80, 40):
        assert lay_out(parts, width) == rich_text(to_rich(parts), width)
