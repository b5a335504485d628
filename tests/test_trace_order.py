"""lineage.trace._tree, given a node's links unordered (as LineageGraph.trace gives
them), keeps those not folded and sorts them as graph.parents/children sort all: the
same trees as from the ordered links filtered after, at every depth and none."""

from __future__ import annotations

import random
from functools import partial


def test_trees_from_unordered_links_are_the_ordered_ones():
    from qcdc_cli.lineage.graph import LineageGraph, _links_of
    from qcdc_cli.lineage.trace import _Shortcuts, _tree
    from qcdc_cli.models import DocNode, Evidence, Link

    def walk(tree):
        yield tree.id, tree.mark, tree.hidden, tree.via and (tree.via.source, tree.via.target, tree.via.relation)
        for child in tree.children:
            yield from walk(child)

    relations = ["implements", "implements", "guides", "continues", "cites", "based_on", "related", "amends"]
    wide = 0
    for seed in range(300):
        rng = random.Random(seed)
        n = rng.randint(2, 16)
        ids = [f"{rng.randint(1, 99)}-KH/TU@{i}" for i in range(n)]
        links = [
            Link(
                ids[u], ids[v], rng.choice(relations), [Evidence(registry="R") if rng.random() < 0.2 else Evidence("f")]
            )
            for _ in range(rng.randint(1, 4 * n))
            for u, v in [rng.sample(range(n), 2)]
        ]
        graph = LineageGraph.from_links([DocNode(i, i) for i in ids], links)
        for way in ("up", "down"):
            root = rng.choice(ids)
            depth = rng.choice([None, None, 1, 2, 3])
            chosen = rng.choice([None, ["implements"], ["cites", "implements", "guides"]])
            cut = _Shortcuts(graph._succ, chosen) if rng.random() < 0.8 else set()
            adjacency = graph._succ if way == "up" else graph._pred
            fast = list(walk(_tree(graph, root, way, depth, cut, chosen, partial(_links_of, adjacency))))
            assert fast == list(walk(_tree(graph, root, way, depth, cut, chosen))), seed
            wide += sum(1 for *_, via in fast if via) > 3
    assert wide > 100  # trees with several links, to order
