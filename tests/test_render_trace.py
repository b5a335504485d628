"""Renderers of a trace: deterministic, escaped, and never interpreting document text."""

from __future__ import annotations

import io
import json
import random

import jsonschema
import pytest
from graph_factories import QCDC_DOCS, extraction, ref, registry, vocab_of
from rich.console import Console

from qcdc_cli.lineage.graph import LineageGraph, build_graph
from qcdc_cli.models import DocNode, Evidence, Link, ReportedRelation
from qcdc_cli.render.graph_export import TRACE_SCHEMA, render_dot, render_json, render_mermaid
from qcdc_cli.render.trace import render_show, render_trace
from qcdc_cli.resolve.resolve import Catalog


def corpus():
    return [
        (
            "samples/laichau.txt",
            extraction(
                "13-KH/ĐUK",
                province="Lai Châu",
                date="2016-04-11",
                issuer="ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
                title="Triển khai thực hiện Kết luận số 120-KL/TW",
                refs=[
                    ref("120-KL/TW", "implements", date="2016-01-07", line=17),
                    ref(
                        "26-KH/TU",
                        "implements",
                        date="2016-03-01",
                        issuer="Tỉnh ủy Lai Châu",
                        line=19,
                    ),
                ],
                reported=[
                    ReportedRelation(
                        "26-KH/TU",
                        "implements",
                        "120-KL/TW",
                        19,
                        None,
                        "Thực hiện Kế hoạch số 26-KH/TU, ngày 01/3/2016 của Tỉnh ủy Lai Châu",
                    )
                ],
            ),
        ),
        (
            "samples/hue.txt",
            extraction(
                "62-KH/TU",
                province="Thừa Thiên Huế",
                date="2010-07-30",
                issuer="TỈNH ỦY THỪA THIÊN HUẾ",
                refs=[
                    ref("30-CT/TW", "implements", term="VIII", line=11),
                    ref("65-KL/TW", "implements", date="2010-03-04", line=16),
                ],
            ),
        ),
        (
            "samples/hatinh.txt",
            extraction(
                "02-NQ/TU",
                province="Hà Tĩnh",
                date="2017-05-12",
                refs=[ref("120-KL/TW", date="2016-01-07", line=50), ref("30-CT/TW", line=50)],
            ),
        ),
    ]


def lineage(items):
    reg = registry(QCDC_DOCS)
    catalog = Catalog.build(reg, vocab_of(reg), items)
    return catalog, build_graph(catalog, reg)


def text_of(renderable, *, terminal: bool = False) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=200,
        emoji=False,
        highlight=False,
        markup=False,
        force_terminal=terminal,
        color_system="truecolor" if terminal else None,
    )
    console.print(renderable)
    return out.getvalue()


def all_formats(graph, catalog, target, direction):
    t = graph.trace(target, direction)
    return {
        "text": text_of(render_trace(t, catalog.vocab.type_names)),
        "json": render_json(t),
        "mermaid": render_mermaid(t),
        "dot": render_dot(t),
    }


@pytest.mark.parametrize(
    ("target", "direction"),
    [("13-KH/ĐUK@Lai Châu", "up"), ("30-CT/TW", "down"), ("120-KL/TW", "both")],
)
def test_shuffled_corpus_renders_identically(target, direction):
    items = corpus()
    first = all_formats(*reversed(lineage(items)), target, direction)
    for seed in (1, 2, 3):
        shuffled = items[:]
        random.Random(seed).shuffle(shuffled)
        assert all_formats(*reversed(lineage(shuffled)), target, direction) == first


def test_text_tree_of_the_lai_chau_chain():
    catalog, graph = lineage(corpus())
    out = text_of(render_trace(graph.trace("13-KH/ĐUK@Lai Châu", "up"), catalog.vocab.type_names))
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[:8] == [
        "13-KH/ĐUK@Lai Châu  Kế hoạch · ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH · 11/04/2016",
        "Triển khai thực hiện Kết luận số 120-KL/TW",
        "└── implements 26-KH/TU@Lai Châu  Kế hoạch · Tỉnh ủy Lai Châu · 01/03/2016 · not in corpus",
        "      samples/laichau.txt:19 “26-KH/TU”",
        "    └── implements 120-KL/TW  Kết luận · Bộ Chính trị (khóa XI) · 07/01/2016 · not in corpus",
        "        về tiếp tục đẩy mạnh, nâng cao chất lượng, hiệu quả việc xây dựng và thực hiện quy chế dân chủ ở cơ sở",
        "          reported by 13-KH/ĐUK@Lai Châu, samples/laichau.txt:19 “Thực hiện Kế hoạch số 26-KH/TU, ngày 01/3/2016 của Tỉnh ủy Lai Châu”",
        "        └── continues 65-KL/TW  Kết luận · Bộ Chính trị (khóa X) · 04/03/2010 · not in corpus",
    ]
    assert "Shortcut links folded" in out
    assert "13-KH/ĐUK@Lai Châu implements 120-KL/TW  samples/laichau.txt:17" in out


def test_down_trace_lists_every_plan_beneath_30_ct_tw():
    catalog, graph = lineage(corpus())
    t = graph.trace("30-CT/TW", "down")
    ids = {n.id for n in t.nodes}
    assert {"13-KH/ĐUK@Lai Châu", "62-KH/TU@Thừa Thiên Huế", "02-NQ/TU@Hà Tĩnh"} <= ids
    out = text_of(render_trace(t, catalog.vocab.type_names))
    assert "continued by 120-KL/TW" in out and "implemented by 26-KH/TU@Lai Châu" in out


# ---- document text is never interpreted

HOSTILE = "Kết luận [bold]GIẢ MẠO[/bold] [link=https://evil.example/phish]120-KL/TW[/link] \x1b[2J\x1b[H \u202eabc :white_check_mark:"


def hostile_graph():
    nodes = [
        DocNode(
            "13-KH/ĐUK@Lai Châu",
            "13-KH/ĐUK",
            "KH",
            "ĐUK",
            HOSTILE,
            "Lai Châu",
            "2016-04-11",
            HOSTILE,
            True,
            False,
            "a.txt",
        ),
        DocNode('9-KH/TU@"x"', "9-KH/TU", title=HOSTILE),
    ]
    links = [Link("13-KH/ĐUK@Lai Châu", '9-KH/TU@"x"', "implements", [Evidence("a.txt", 3, HOSTILE)])]
    return LineageGraph.from_links(nodes, links)


def test_markup_and_escapes_in_documents_print_as_plain_text():
    t = hostile_graph().trace("13-KH/ĐUK@Lai Châu", "up")
    out = text_of(render_trace(t, vocab_of(registry()).type_names), terminal=True)
    assert "[bold]GIẢ MẠO[/bold]" in out
    assert "[link=https://evil.example/phish]120-KL/TW[/link]" in out
    assert ":white_check_mark:" in out and "✅" not in out
    assert "\x1b]8;" not in out  # no OSC 8 hyperlink
    assert "\x1b[2J" not in out and "\x1b[H" not in out and "\u202e" not in out
    assert "\\x1b[2J\\x1b[H" in out and "\\u202e" in out


def test_show_never_interprets_document_text():
    catalog, graph = lineage(corpus())
    known = catalog.get("13-KH/ĐUK@Lai Châu")
    known.title = HOSTILE
    nodes = {n.id: n for n in graph.nodes()}
    view = render_show(
        known,
        graph.parents(known.id),
        graph.children(known.id),
        [],
        nodes,
        graph.speakers,
        catalog.vocab.type_names,
    )
    out = text_of(view, terminal=True)
    assert "[bold]GIẢ MẠO[/bold]" in out and "\x1b[2J" not in out and "\\x1b[2J" in out
    assert "implements 26-KH/TU@Lai Châu" in text_of(view)


def test_machine_formats_escape_what_their_parsers_read():
    t = hostile_graph().trace("13-KH/ĐUK@Lai Châu", "up")
    dot = render_dot(t)
    assert '"9-KH/TU@\\"x\\""' in dot and "\x1b" not in dot and "\u202e" not in dot
    mermaid = render_mermaid(t)
    assert 'n1["9-KH/TU@#quot;x#quot;' in mermaid and "\x1b" not in mermaid
    assert "[bold]" not in mermaid  # brackets are entity codes inside labels
    data = render_json(t)
    assert "\u202e" not in data and "\\u202e" in data and "\x1b" not in data
    assert json.loads(data)["nodes"][0]["title"] == HOSTILE  # byte-true once parsed


def test_json_matches_its_schema():
    _, graph = lineage(corpus())
    for target, direction in (("13-KH/ĐUK@Lai Châu", "up"), ("30-CT/TW", "down")):
        data = json.loads(render_json(graph.trace(target, direction)))
        jsonschema.validate(data, TRACE_SCHEMA)
        assert data["schema_version"] == 1 and data["target"] == target
    edge = next(e for e in data["edges"] if e["source"] == "120-KL/TW" and e["target"] == "65-KL/TW")
    assert edge["evidence"] == [{"registry": "TW:KL:120@XI"}]


def test_mermaid_and_dot_shapes():
    _, graph = lineage(corpus())
    t = graph.trace("62-KH/TU@Thừa Thiên Huế", "up")
    mermaid = render_mermaid(t).splitlines()
    assert mermaid[0] == "flowchart BT"
    assert mermaid[1].startswith('  n0["30-CT/TW<br/>')  # nodes sorted by id
    assert '  n1 -->|"implements"| n2' in mermaid  # 62-KH/TU → 65-KL/TW
    assert '  n1 -.->|"implements"| n0' in mermaid  # the folded shortcut to 30-CT/TW
    dot = render_dot(t)
    assert '"62-KH/TU@Thừa Thiên Huế" -> "65-KL/TW" [label="implements"];' in dot
    assert '"62-KH/TU@Thừa Thiên Huế" -> "30-CT/TW" [label="implements", style="dotted"];' in dot
