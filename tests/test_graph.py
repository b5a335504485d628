"""The lineage graph: evidence on every link, folding, cycles, depth, and the seed shapes."""

from __future__ import annotations

import pytest
from graph_factories import QCDC_DOCS, doc, extraction, ref, registry, shortcuts, vocab_of
from hypothesis import given
from hypothesis import strategies as st

from qcdc_cli.lineage.graph import LineageGraph, build_graph
from qcdc_cli.models import DocNode, Evidence, Link, ReportedRelation
from qcdc_cli.resolve.resolve import Catalog


def ev(line: int, path: str = "a.txt", text: str = "Thực hiện ...") -> Evidence:
    return Evidence(path=path, line=line, text=text)


def lineage(docs=QCDC_DOCS, corpus=(), texts=None):
    reg = registry(docs)
    catalog = Catalog.build(reg, vocab_of(reg), corpus)
    return catalog, build_graph(catalog, reg, texts)


def tree_lines(node, depth=0):
    """A tree as ["  id relation mark"] lines: what the reader sees, without styling."""
    rel = node.via.relation if node.via else "-"
    out = [f"{'  ' * depth}{node.id} {rel}" + (f" [{node.mark}]" if node.mark else "")]
    for child in node.children:
        out += tree_lines(child, depth + 1)
    return out


# ---- a literal graph, as a store would load it

CHAIN = [
    Link("13-KH/ĐUK@Lai Châu", "26-KH/TU@Lai Châu", "implements", [ev(19)]),
    Link("13-KH/ĐUK@Lai Châu", "120-KL/TW", "implements", [ev(17)]),
    Link("13-KH/ĐUK@Lai Châu", "30-CT/TW", "cites", [ev(23)]),
    Link("26-KH/TU@Lai Châu", "120-KL/TW", "implements", [ev(19)]),
    Link("120-KL/TW", "30-CT/TW", "continues", [Evidence(registry="TW:KL:120@XI")]),
]


def test_from_links_makes_bare_nodes_for_unloaded_ends():
    g = LineageGraph.from_links([DocNode("120-KL/TW", "120-KL/TW", in_corpus=True)], CHAIN)
    assert g.node("26-KH/TU@Lai Châu").number == "26-KH/TU"
    assert g.node("120-KL/TW").in_corpus
    assert len(g) == 4


def test_links_between_the_same_documents_merge_their_evidence():
    g = LineageGraph()
    g.add_link(Link("b", "a", "cites", [ev(5)]))
    g.add_link(Link("b", "a", "implements", [ev(2)]))
    g.add_link(Link("b", "a", "cites", [ev(5)]))
    [link] = g.links()
    assert link.relation == "implements"
    assert [e.line for e in link.evidence] == [2, 5]


def test_up_trace_folds_shortcuts_so_the_chain_reads_in_order():
    g = LineageGraph.from_links([], CHAIN)
    t = g.trace("13-KH/ĐUK@Lai Châu", "up")
    assert tree_lines(t.up) == [
        "13-KH/ĐUK@Lai Châu -",
        "  26-KH/TU@Lai Châu implements",
        "    120-KL/TW implements",
        "      30-CT/TW continues",
    ]
    assert [(lk.source, lk.target) for lk in t.folded] == [
        ("13-KH/ĐUK@Lai Châu", "120-KL/TW"),
        ("13-KH/ĐUK@Lai Châu", "30-CT/TW"),
    ]
    assert len(t.links) == 5  # folded links stay in the data


def test_registry_background_never_folds_what_a_text_states():
    links = [
        *CHAIN,
        Link("120-KL/TW", "65-KL/TW", "continues", [Evidence(registry="TW:KL:120@XI")]),
        Link("65-KL/TW", "30-CT/TW", "continues", [Evidence(registry="TW:KL:65@X")]),
    ]
    links[4] = Link("120-KL/TW", "30-CT/TW", "continues", [ev(65), Evidence(registry="TW:KL:120@XI")])
    t = LineageGraph.from_links([], links).trace("120-KL/TW", "up")
    assert tree_lines(t.up) == [
        "120-KL/TW -",
        "  30-CT/TW continues",
        "  65-KL/TW continues",
        "    30-CT/TW continues [repeat]",
    ]


def test_no_fold_draws_every_link():
    g = LineageGraph.from_links([], CHAIN)
    t = g.trace("13-KH/ĐUK@Lai Châu", "up", fold=False)
    assert t.folded == []
    assert tree_lines(t.up)[1:3] == ["  120-KL/TW implements", "    30-CT/TW continues"]


def test_down_trace_and_depth_limit():
    g = LineageGraph.from_links([], CHAIN)
    t = g.trace("30-CT/TW", "down", depth=1)
    assert tree_lines(t.down) == ["30-CT/TW -", "  120-KL/TW continues [depth]"]
    assert t.truncated and t.down.children[0].hidden == 1
    full = g.trace("30-CT/TW", "down")
    assert tree_lines(full.down)[-1] == "      13-KH/ĐUK@Lai Châu implements"
    assert not full.truncated


def test_cycles_are_cut_and_reported():
    links = [Link("a", "b", "implements"), Link("b", "c", "implements"), Link("c", "a", "cites")]
    g = LineageGraph.from_links([], links)
    t = g.trace("a", "up")
    assert tree_lines(t.up) == [
        "a -",
        "  b implements",
        "    c implements",
        "      a cites [cycle]",
    ]
    assert t.cycles == [["a", "b", "c"]]


def test_relation_filter():
    g = LineageGraph.from_links([], CHAIN)
    t = g.trace("13-KH/ĐUK@Lai Châu", "up", relations=["implements"])
    assert {n.id for n in t.nodes} == {"13-KH/ĐUK@Lai Châu", "26-KH/TU@Lai Châu", "120-KL/TW"}


def test_a_document_reached_twice_is_drawn_once():
    links = [
        Link("p", "x", "implements"),
        Link("p", "y", "implements"),
        Link("x", "root", "implements"),
        Link("y", "root", "implements"),
    ]
    t = LineageGraph.from_links([], links).trace("p", "up")
    assert tree_lines(t.up) == [
        "p -",
        "  x implements",
        "    root implements",
        "  y implements",
        "    root implements [repeat]",
    ]


# ---- built from extractions: the three kinds of evidence

LAICHAU_TEXT = "\n".join(
    ["KẾ HOẠCH"] * 16
    + [
        "Triển khai thực hiện Kết luận số 120-KL/TW, ngày 07/01/2016 của Bộ Chính trị",
        "",
        "Thực hiện Kế hoạch số 26-KH/TU, ngày 01/3/2016 của Tỉnh ủy Lai Châu về triển khai "
        "thực hiện Kết luận số 120-KL/TW. Ban Thường vụ xây dựng kế hoạch.",
    ]
)


def laichau():
    pos = LAICHAU_TEXT.index("26-KH/TU")
    cite26 = ref("26-KH/TU", "implements", date="2016-03-01", issuer="Tỉnh ủy Lai Châu", line=19)
    cite26.mentions[0].start, cite26.mentions[0].end = pos, pos + 8
    return extraction(
        "13-KH/ĐUK",
        province="Lai Châu",
        date="2016-04-11",
        issuer="ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
        refs=[
            ref("120-KL/TW", "implements", date="2016-01-07", issuer="Bộ Chính trị", line=17),
            cite26,
            ref("30-CT/TW", date="1998-02-18", line=23),
        ],
        reported=[
            ReportedRelation(
                "26-KH/TU",
                "implements",
                "120-KL/TW",
                19,
                "triển khai thực hiện",
                "Thực hiện Kế hoạch số 26-KH/TU, ngày 01/3/2016 của Tỉnh ủy Lai Châu ...",
            )
        ],
    )


def test_graph_from_the_lai_chau_plan():
    path = "samples/laichau_13-KH-DUK_2016.txt"
    _, g = lineage(corpus=[(path, laichau())], texts={path: LAICHAU_TEXT})
    t = g.trace("13-KH/ĐUK@Lai Châu", "up")
    # the registry says 120-KL/TW continues both 65-KL/TW and 30-CT/TW; no text says
    # 120-KL/TW → 30-CT/TW here, so that registry link folds into the longer chain
    assert tree_lines(t.up) == [
        "13-KH/ĐUK@Lai Châu -",
        "  26-KH/TU@Lai Châu implements",
        "    120-KL/TW implements",
        "      65-KL/TW continues",
        "        30-CT/TW continues",
    ]
    own = g.link("13-KH/ĐUK@Lai Châu", "26-KH/TU@Lai Châu")
    assert own.evidence[0].path == path and own.evidence[0].line == 19
    assert own.evidence[0].text.startswith("Thực hiện Kế hoạch số 26-KH/TU")  # the sentence
    assert own.evidence[0].text.endswith("Kết luận số 120-KL/TW.")
    reported = g.link("26-KH/TU@Lai Châu", "120-KL/TW")
    assert g.said_by(reported.evidence[0]) == "13-KH/ĐUK@Lai Châu"
    registry_link = g.link("120-KL/TW", "30-CT/TW")
    assert registry_link.evidence == [Evidence(registry="TW:KL:120@XI")]
    node26 = g.node("26-KH/TU@Lai Châu")
    assert (node26.in_corpus, node26.issuer, node26.date) == (
        False,
        "Tỉnh ủy Lai Châu",
        "2016-03-01",
    )


def tuyenquang():
    return extraction(
        None,
        province="Tuyên Quang",
        issuer="Ủy ban nhân dân tỉnh",
        refs=[
            ref(
                "30-CTr/TU",
                "implements",
                date="2013-09-10",
                term="XV",
                line=4,
                issuer="Ban Chấp hành Đảng bộ tỉnh",
                type_word="Chương trình hành động",
            ),
            ref(
                "25-NQ/TU",
                date="2013-06-03",
                term="XI",
                line=4,
                type_word="Nghị quyết",
                issuer="Hội nghị lần thứ bảy Ban Chấp hành Trung ương Đảng",
            ),
        ],
        reported=[ReportedRelation("30-CTr/TU", "implements", "25-NQ/TU", 4, "thực hiện", "...")],
    )


def test_plan_without_number_traces_through_its_parent_and_reports_the_discrepancy():
    """25-NQ/TU "ngày 03/6/2013 ... Ban Chấp hành Trung ương" is 25-NQ/TW miswritten: the
    link goes to the document it fits, never silently (the discrepancy says why)."""
    path = "samples/tuyenquang_ubnd_dan-van_2013.txt"
    _, g = lineage(corpus=[(path, tuyenquang())])
    t = g.trace(f"file:{path}", "up")
    assert tree_lines(t.up) == [
        f"file:{path} -",
        "  30-CTr/TU@Tuyên Quang implements",
        "    25-NQ/TW implements",
    ]
    [issue] = [i for i in t.issues if i.number == "25-NQ/TU"]
    assert issue.kind == "discrepancy" and issue.target == "25-NQ/TW"
    assert issue.candidates == ("25-NQ/TW",)
    assert "25-NQ/TW" in issue.message


def test_two_provinces_with_the_same_number_stay_apart():
    hue = extraction(
        "62-KH/TU",
        province="Thừa Thiên Huế",
        date="2010-07-30",
        refs=[ref("65-KL/TW", "implements", date="2010-03-04")],
    )
    lc = extraction("62-KH/TU", province="Lai Châu", date="2012-03-01", refs=[ref("120-KL/TW", "implements")])
    below = extraction("07-KH/HU", province="Lai Châu", date="2012-05-01", refs=[ref("62-KH/TU", "implements")])
    _, g = lineage(corpus=[("hue.txt", hue), ("lc.txt", lc), ("hu.txt", below)])
    assert g.link("07-KH/HU@Lai Châu", "62-KH/TU@Lai Châu") is not None
    assert g.link("07-KH/HU@Lai Châu", "62-KH/TU@Thừa Thiên Huế") is None
    t = g.trace("62-KH/TU@Thừa Thiên Huế", "up")
    assert tree_lines(t.up) == [
        "62-KH/TU@Thừa Thiên Huế -",
        "  65-KL/TW implements",
        "    30-CT/TW continues",
    ]


def test_two_terms_with_the_same_number_stay_apart():
    docs = [
        doc("05-CT/TW", term="XII", date="2016-05-15"),
        doc("05-CT/TW", term="XIII", date="2021-12-01"),
    ]
    old = extraction("10-KH/TU", province="Hà Tĩnh", date="2017-01-01", refs=[ref("05-CT/TW", "implements")])
    new = extraction(
        "10-KH/TU",
        province="Hà Tĩnh",
        date="2022-03-01",
        refs=[ref("05-CT/TW", "implements", date="2021-12-01")],
    )
    _, g = lineage(docs, [("old.txt", old), ("new.txt", new)])
    assert g.link("10-KH/TU@Hà Tĩnh#2017", "05-CT/TW@XII") is not None
    assert g.link("10-KH/TU@Hà Tĩnh#2022", "05-CT/TW@XIII") is not None
    assert len(g.links()) == 2


def test_ambiguous_reference_is_an_issue_not_a_guess():
    docs = [
        doc("05-CT/TW", term="XII", date="2016-05-15"),
        doc("05-CT/TW", term="XIII", date="2021-12-01"),
    ]
    plan = extraction("10-KH/TU", province="Hà Tĩnh", date="2023-01-01", refs=[ref("05-CT/TW")])
    _, g = lineage(docs, [("p.txt", plan)])
    assert g.parents("10-KH/TU@Hà Tĩnh") == []
    [issue] = g.issues
    assert issue.kind == "ambiguous" and issue.candidates == ("05-CT/TW@XII", "05-CT/TW@XIII")


@pytest.mark.parametrize("direction", ["up", "down", "both"])
def test_trace_of_a_registry_only_document(direction):
    _, g = lineage()
    t = g.trace("120-KL/TW", direction)
    ids = {n.id for n in t.nodes}
    assert ("30-CT/TW" in ids) == (direction != "down")


# ---- the linear-time bookkeeping gives what the plain algorithms give


_IDS = [f"{i}-KH/TU@Lai Châu" for i in range(1, 8)]


evidence = st.builds(
    Evidence,
    st.sampled_from(["hue/62.txt", "laichau/13.txt", None]),
    st.sampled_from([None, 3, 12]),
    st.sampled_from(["Thực hiện Kết luận số 120-KL/TW", "Căn cứ Chỉ thị số 30-CT/TW", None]),
    st.sampled_from([None, "TW:KL:120@XI"]),
)


@given(st.lists(st.lists(evidence, max_size=4), max_size=6))
def test_evidence_is_kept_once_in_order_as_sorting_after_each_link_does(batches):
    graph = LineageGraph()
    kept: list[Evidence] = []
    for batch in batches:
        graph.add_link(Link("13-KH/ĐUK@Lai Châu", "120-KL/TW", "cites", list(batch)))
        for ev in batch:  # what add_link did before: append the new ones, sort again
            if ev not in kept:
                kept.append(ev)
        kept.sort(key=lambda e: (e.registry is not None, e.path or "", e.line or 0, e.text or "", e.registry or ""))
    link = graph.link("13-KH/ĐUK@Lai Châu", "120-KL/TW")
    assert (link.evidence if link else []) == kept


def tree_shape(node):
    via = (node.via.source, node.via.target) if node.via else None
    return (node.id, via, node.mark, node.hidden, [tree_shape(c) for c in node.children])


typed_links = st.lists(
    st.tuples(
        st.sampled_from(_IDS),
        st.sampled_from(_IDS),
        st.sampled_from(["implements", "cites", "continues", "based_on"]),
        st.booleans(),
    ),
    max_size=20,
)


@given(
    typed_links,
    st.sampled_from(_IDS),
    st.sampled_from(["up", "down"]),
    st.sampled_from([None, 0, 1, 2]),
    st.sampled_from([None, ("implements", "continues")]),
)
def test_trace_folds_as_the_whole_part_s_shortcuts_do(edges, ident, way, depth, relations):
    """A trace decides folding link by link and reads only `depth` + 1 levels; the same
    tree as from its whole part and that part's `shortcuts()`."""
    from qcdc_cli.lineage.trace import _tree

    graph = LineageGraph()
    graph.add_node(DocNode(id=ident, number=ident.split("@")[0]))
    for source, target, relation, from_registry in edges:
        ev = Evidence(registry="TW:KL:120@XI") if from_registry else Evidence("a.txt", 3, f"{source} {target}")
        graph.add_link(Link(source, target, relation, [ev]))
    part = graph._view(graph.reach(ident, way, relations), relations)
    cut = shortcuts(part)
    expected = _tree(part, ident, way, depth, cut)
    got = graph.trace(ident, way, depth=depth, relations=relations)
    assert tree_shape(got.up if way == "up" else got.down) == tree_shape(expected)
    assert {(lk.source, lk.target) for lk in got.folded} == {
        (u, v) for u, v in cut if {u, v} <= {n.id for n in got.nodes}
    }
