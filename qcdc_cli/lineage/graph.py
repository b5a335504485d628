"""The lineage graph: documents and the typed, evidenced links between them.

Edges point from the citing document to the cited one (13-KH/ĐUK → 26-KH/TU), so a
document's *parents* are what it implements or cites and its *children* what cites it.
Three kinds of evidence make links: what a document says of itself ("Thực hiện Kết
luận số 120-KL/TW ..."), what it reports about others ("Kế hoạch số 26-KH/TU ... về
triển khai thực hiện Kết luận số 120-KL/TW"), and the registry (120-KL/TW continues
30-CT/TW). Every link keeps all of its evidence.

`LineageGraph` keeps its documents and links in plain dicts (a trace over an index
must not pay ~70 ms to import networkx); networkx is imported only where an algorithm
needs it (the citation cycles of a graph that has one). It can be built from a catalog
(`build_graph`) or from rows a store loaded (`LineageGraph.from_links`); queries never
assume the whole corpus is loaded.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Literal

from qcdc_cli.models import DocNode, Evidence, Link, relation_rank
from qcdc_cli.resolve.resolve import (
    FILE_PREFIX,
    Catalog,
)

if TYPE_CHECKING:
    import networkx as nx

    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.resolve.resolve import CitingUnit

from qcdc_cli.lineage.build import corpus_links, quote
from qcdc_cli.lineage.trace import (
    IMPLEMENTING,
    Direction,
    Issue,
    Trace,
    TreeNode,
    _has_mark,
    _repoint,
    _Shortcuts,
    _tree,
    _tree_ids,
    said_by,
)

__all__ = ["IMPLEMENTING", "Direction", "Issue", "LineageGraph", "Trace", "TreeNode", "build_graph", "quote", "said_by"]


class LineageGraph:
    """A directed graph of DocNodes and Links (citing → cited) in plain dicts."""

    def __init__(self) -> None:
        self._nodes: dict[str, DocNode] = {}
        self._succ: dict[str, dict[str, Link]] = {}  # citing -> cited -> link
        self._pred: dict[str, dict[str, Link]] = {}  # cited -> citing -> link
        self.issues: list[Issue] = []
        self._issue_keys: set[tuple[str, str, str, str]] = set()
        # evidence already on a link, for links evidence was merged into: a hub link
        # (26-KH/TU → 120-KL/TW, reported by every plan below) gathers thousands
        self._evidence_seen: dict[tuple[str, str], set[tuple]] = {}
        # which document of a file says what: path -> [(first line, id)], so evidence
        # from a file holding two documents (13-KH/ĐUK + the text of 120-KL/TW) is
        # attributed to the right one
        self.speakers: dict[str, list[tuple[int, str]]] = {}
        # evidence rows a store left out of each link (index.derived.index_graph(lean=True):
        # a text view prints a link's first two and how many more)
        self.elided: dict[tuple[str, str], int] = {}
        # the shortcut decisions of traces, by relations: another trace of the same graph
        # (`trace` after the `shown` of index.derived's thin read) asks the same questions
        self._cuts: dict[tuple[str, ...] | None, _Shortcuts] = {}

    # ---- building

    @classmethod
    def from_links(
        cls,
        nodes: Iterable[DocNode],
        links: Iterable[Link],
        issues: Iterable[Issue] = (),
        speakers: Mapping[str, list[tuple[int, str]]] | None = None,
    ) -> LineageGraph:
        """A graph from stored rows; a link to a node not given gets a bare node.

        `speakers` (path -> [(first line, id)]) says which document of a file each
        evidence line belongs to; without it evidence is attributed by path alone."""
        graph = cls()
        graph.speakers = {p: sorted(v) for p, v in (speakers or {}).items()}
        for node in nodes:
            graph.add_node(node)
        for link in links:
            graph.add_link(link)
        for issue in issues:
            graph.add_issue(issue)
        return graph

    @classmethod
    def from_unique_links(cls, links: Iterable[Link]) -> LineageGraph:
        """A graph of links as a store holds them (index.derived's skeleton): each pair of
        documents once, never a document to itself, evidence as `add_link` keeps it
        (unique, in its order); a bare node for each end. Added without merging: what
        `from_links` would make of them, at a fraction of the cost."""
        graph = cls()
        nodes, succ, pred = graph._nodes, graph._succ, graph._pred
        for link in links:
            source, target = link.source, link.target
            for end in (source, target):
                if end not in nodes:
                    nodes[end] = _bare_node(end)
                    succ[end] = {}
                    pred[end] = {}
            succ[source][target] = pred[target][source] = link
        return graph

    def refine(
        self,
        nodes: Iterable[DocNode],
        links: Iterable[Link],
        issues: Iterable[Issue] = (),
        speakers: Mapping[str, list[tuple[int, str]]] | None = None,
    ) -> None:
        """Give a graph read thinly (index.derived: bare nodes, links with one piece of
        evidence) the full rows of some documents and links: each replaces what the graph
        has (a link keeps its ends and relation, takes all its evidence, as `add_link`
        would order it); issues and speakers are added as `from_links` adds them. A link
        refined is stated by a text when it was (index.derived reads the text's evidence
        first), so the shortcut decisions of traces so far stand."""
        for node in nodes:
            if node.id in self._nodes:
                self._nodes[node.id] = node
            else:
                self.add_node(node)
        for link in links:
            if self._succ.get(link.source, {}).get(link.target) is None:
                self.add_link(link)
                continue
            evidence = (
                sorted(_unique(link.evidence), key=_evidence_order) if len(link.evidence) > 1 else list(link.evidence)
            )
            merged = Link(link.source, link.target, link.relation, evidence)
            self._succ[link.source][link.target] = self._pred[link.target][link.source] = merged
        for issue in issues:
            self.add_issue(issue)
        for path, spans in (speakers or {}).items():
            self.speakers[path] = sorted({*self.speakers.get(path, []), *spans})

    def add_node(self, node: DocNode) -> None:
        """Add a document; a second description of it fills what the first lacks."""
        self._cuts.clear()
        old = self._nodes.get(node.id)
        if old is not None:
            for name in DocNode.__slots__:
                value = getattr(old, name)
                if value is None or value is False:
                    setattr(old, name, getattr(node, name))
            return
        self._nodes[node.id] = node
        self._succ[node.id] = {}
        self._pred[node.id] = {}

    def add_link(self, link: Link) -> None:
        """Add a link; links between the same two documents merge, strongest relation
        wins, and every piece of evidence is kept once."""
        if link.source == link.target:
            return
        self._cuts.clear()
        for end in (link.source, link.target):
            if end not in self._nodes:
                self.add_node(_bare_node(end))
        old = self._succ[link.source].get(link.target)
        if old is not None:
            if relation_rank(link.relation) < relation_rank(old.relation):
                old.relation = link.relation
            key = (link.source, link.target)
            seen = self._evidence_seen.get(key)
            if seen is None:
                seen = self._evidence_seen[key] = {_evidence_key(ev) for ev in old.evidence}
            for ev in link.evidence:
                ev_key = _evidence_key(ev)
                if ev_key not in seen:
                    seen.add(ev_key)
                    # after its equals, as a stable sort of the appended list would
                    insort(old.evidence, ev, key=_evidence_order)
            return
        evidence = (
            sorted(_unique(link.evidence), key=_evidence_order) if len(link.evidence) > 1 else list(link.evidence)
        )
        merged = Link(link.source, link.target, link.relation, evidence)
        self._succ[link.source][link.target] = self._pred[link.target][link.source] = merged

    def add_speaker(self, path: str, first_line: int, ident: str) -> None:
        """Record that lines from `first_line` of `path` are the text of `ident`."""
        spans = self.speakers.setdefault(path, [])
        if (first_line, ident) not in spans:
            spans.append((first_line, ident))
            spans.sort()

    def said_by(self, evidence: Evidence) -> str | None:
        return said_by(self.speakers, evidence)

    def add_issue(self, issue: Issue) -> None:
        """Record an issue once: the first evidence of it is enough to find it."""
        key = (issue.kind, issue.source, issue.number, issue.message)
        if key not in self._issue_keys:
            self._issue_keys.add(key)
            self.issues.append(issue)

    # ---- reading

    def __contains__(self, ident: object) -> bool:
        return ident in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def node(self, ident: str) -> DocNode:
        return self._nodes[ident]

    def nodes(self) -> list[DocNode]:
        nodes = self._nodes
        return [nodes[n] for n in sorted(nodes)]

    def links(self) -> list[Link]:
        succ = self._succ
        return [succ[u][v] for u, v in sorted((u, v) for u, nbrs in succ.items() for v in nbrs)]

    def link(self, source: str, target: str) -> Link | None:
        return self._succ.get(source, {}).get(target)

    def parents(self, ident: str, relations: Sequence[str] | None = None) -> list[Link]:
        """Links to what `ident` implements or cites, strongest first."""
        return _ordered(list(self._succ[ident].values()), relations, lambda link: link.target)

    def children(self, ident: str, relations: Sequence[str] | None = None) -> list[Link]:
        """Links from what implements or cites `ident`, strongest first."""
        return _ordered(list(self._pred[ident].values()), relations, lambda link: link.source)

    def roots(self) -> list[str]:
        """Documents that cite nothing known: the central roots of an up-trace."""
        return sorted(n for n, parents in self._succ.items() if not parents)

    def to_networkx(self) -> nx.DiGraph:
        """The graph as a networkx DiGraph (nodes carry `doc`, edges `link`), for the
        algorithms and writers that need networkx itself."""
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from((n, {"doc": doc}) for n, doc in self._nodes.items())
        g.add_edges_from((u, v, {"link": link}) for u, nbrs in self._succ.items() for v, link in nbrs.items())
        return g

    def reach(
        self,
        ident: str,
        direction: Literal["up", "down"],
        relations: Sequence[str] | None = None,
        depth: int | None = None,
    ) -> set[str]:
        """Every document above (`up`) or below (`down`) `ident`, itself included; with
        `depth`, only those at most that many links away."""
        adjacency = self._succ if direction == "up" else self._pred
        allowed = set(relations) if relations is not None else None
        seen = {ident}
        level = [ident]
        steps = 0
        while level and (depth is None or steps < depth):
            steps += 1
            following = []
            for current in level:
                for nxt, link in adjacency[current].items():
                    if nxt not in seen and (allowed is None or link.relation in allowed):
                        seen.add(nxt)
                        following.append(nxt)
            level = following
        return seen

    def subgraph(self, ids: Iterable[str]) -> LineageGraph:
        """The documents `ids` with the links among them and the issues about them."""
        keep = set(ids) & self._nodes.keys()
        out = LineageGraph()
        for n in sorted(keep):
            out.add_node(self.node(n))
        for source, target in sorted((u, v) for u in keep for v in self._succ[u] if v in keep):
            out.add_link(self._succ[source][target])
        for issue in self.issues:
            if issue.source in keep or issue.target in keep:
                out.add_issue(issue)
        out.speakers = {p: list(v) for p, v in self.speakers.items()}
        out.elided = self.elided
        return out

    def _view(self, ids: Iterable[str], relations: Sequence[str] | None = None) -> LineageGraph:
        """The documents `ids` with the links among them (of `relations` only), sharing
        their DocNode and Link objects: what a trace reads, copied in bulk, never merged
        again)."""
        keep = set(ids) & self._nodes.keys()
        allowed = set(relations) if relations is not None else None
        out = LineageGraph.__new__(LineageGraph)
        out._nodes = {n: self._nodes[n] for n in keep}
        out._succ = {n: {} for n in keep}
        out._pred = {n: {} for n in keep}
        for u in keep:
            for v, link in self._succ[u].items():
                if v in keep and (allowed is None or link.relation in allowed):
                    out._succ[u][v] = out._pred[v][u] = link
        out.issues = [i for i in self.issues if i.source in keep or i.target in keep]
        out._issue_keys = {(i.kind, i.source, i.number, i.message) for i in out.issues}
        out._evidence_seen = {}
        out.speakers = self.speakers
        out.elided = self.elided
        out._cuts = {}
        return out

    def as_of(self, day: str, keep: str | None = None) -> LineageGraph:
        """The graph as it stood on `day` (ISO): without the documents issued after it
        (undated ones stay, and `keep`, the document asked about)."""
        ids = [n for n, doc in self._nodes.items() if n == keep or not doc.date or doc.date <= day]
        return self._view(ids)

    def cycles(self) -> list[list[str]]:
        """Citation cycles (a document that cites its own descendant), each rotated to
        start at its smallest id. networkx is imported only when there is one."""
        found: list[list[str]] = []
        if _acyclic(self._succ):
            return found
        import networkx as nx

        for cycle in nx.simple_cycles(self.to_networkx()):
            i = cycle.index(min(cycle))
            found.append(cycle[i:] + cycle[:i])
        return sorted(found)

    # ---- the trace

    def trace(
        self,
        ident: str,
        direction: Direction = "up",
        *,
        depth: int | None = None,
        relations: Sequence[str] | None = None,
        fold: bool = True,
    ) -> Trace:
        """The chain above `ident` to its roots and/or the tree below it.

        Shortcut links are folded (kept in `Trace.folded`), a document reached twice is
        drawn once, a cycle is cut where it closes, and `depth` limits the levels.
        """
        trees: dict[str, TreeNode] = {}
        shown: set[str] = {ident}
        all_links: dict[tuple[str, str], Link] = {}
        folded: dict[tuple[str, str], Link] = {}
        truncated = False
        allowed = set(relations) if relations is not None else None
        # the tree is grown in the whole graph: what is above (below) a document of the
        # part above (below) `ident` is in that part too, so nothing else is read
        cut: Container[tuple[str, str]] = self._shortcuts(relations) if fold else set()
        for way in ("up", "down"):
            if direction not in (way, "both"):
                continue
            adjacency = self._succ if way == "up" else self._pred
            tree = _tree(self, ident, way, depth, cut, relations, partial(_links_of, adjacency))
            trees[way] = tree
            ids = _tree_ids(tree)
            shown |= ids
            truncated = truncated or _has_mark(tree, "depth")
            succ = self._succ
            for u in ids:  # sorted below, once
                for v, link in succ[u].items():
                    if v in ids and (allowed is None or link.relation in allowed):
                        all_links[(u, v)] = link
                        if (u, v) in cut:
                            folded[(u, v)] = link
        own = {k: self._own_first(lk) for k, lk in all_links.items()}
        for tree in trees.values():
            _repoint(tree, own)
        all_links, folded = own, {k: own[k] for k in folded}
        view = self._view(shown, relations)
        return Trace(
            target=ident,
            direction=direction,
            depth=depth,
            nodes=view.nodes(),
            links=[all_links[k] for k in sorted(all_links)],
            folded=[folded[k] for k in sorted(folded)],
            up=trees.get("up"),
            down=trees.get("down"),
            cycles=view.cycles(),
            issues=sorted(view.issues, key=lambda i: (i.source, i.number, i.message)),
            truncated=truncated,
            speakers=view.speakers,
            elided={k: self.elided[k] for k in all_links if k in self.elided} if self.elided else {},
        )

    def _shortcuts(self, relations: Sequence[str] | None) -> _Shortcuts:
        key = None if relations is None else tuple(relations)
        found = self._cuts.get(key)
        if found is None:
            found = self._cuts[key] = _Shortcuts(self._succ, relations)
        return found

    def _own_first(self, link: Link) -> Link:
        """The link with the citing document's own lines first, then what other
        documents report of it, then the registry: a plan's title says more of what it
        implements than another file's account of it."""
        if len(link.evidence) < 2:
            return link
        path = self.node(link.source).path if link.source in self._nodes else None

        def own(ev: Evidence) -> bool:
            if ev.registry is not None or ev.path is None:
                return False
            who = said_by(self.speakers, ev)
            return who == link.source if who is not None else ev.path == path

        first = [ev for ev in link.evidence if own(ev)]
        if not first or link.evidence[: len(first)] == first:
            return link
        rest = [ev for ev in link.evidence if not own(ev)]
        return Link(link.source, link.target, link.relation, first + rest)


def _links_of(adjacency: Mapping[str, Mapping[str, Link]], ident: str) -> Iterable[Link]:
    return adjacency[ident].values()


def _ordered(links: list[Link], relations: Sequence[str] | None, other: Callable[[Link], str]) -> list[Link]:
    if relations is not None:
        links = [lk for lk in links if lk.relation in relations]
    return sorted(links, key=lambda lk: (relation_rank(lk.relation), other(lk)))


def _acyclic(succ: Mapping[str, Mapping[str, object]]) -> bool:
    """No directed cycle (Kahn: every node can be taken once all it points to are)."""
    waiting = {n: len(parents) for n, parents in succ.items()}
    pred: dict[str, list[str]] = {}
    for u, parents in succ.items():
        for v in parents:
            pred.setdefault(v, []).append(u)
    ready = [n for n, count in waiting.items() if count == 0]
    taken = 0
    while ready:
        n = ready.pop()
        taken += 1
        for u in pred.get(n, ()):
            waiting[u] -= 1
            if waiting[u] == 0:
                ready.append(u)
    return taken == len(waiting)


def _bare_node(ident: str) -> DocNode:
    """A node known only by its id (a store loaded the link, not the document)."""
    if ident.startswith(FILE_PREFIX):
        return DocNode(id=ident, number=None, path=ident[len(FILE_PREFIX) :])
    number = ident.split("@")[0].split("#")[0]
    return DocNode(id=ident, number=number)


def _evidence_order(ev: Evidence) -> tuple:
    return (ev.registry is not None, ev.path or "", ev.line or 0, ev.text or "", ev.registry or "")


def _evidence_key(ev: Evidence) -> tuple:
    """What makes two pieces of evidence equal (Evidence itself is not hashable)."""
    return (ev.path, ev.line, ev.text, ev.registry)


def _unique(items: Iterable[Evidence]) -> list[Evidence]:
    """Each piece of evidence once, first occurrence kept, in a single pass."""
    seen: set[tuple] = set()
    out: list[Evidence] = []
    for ev in items:
        key = _evidence_key(ev)
        if key not in seen:
            seen.add(key)
            out.append(ev)
    return out


# ------------------------------------------------------------- from a catalog


def build_graph(
    catalog: Catalog,
    registry: Registry | None = None,
    texts: Mapping[str, str] | None = None,
    quotes: Mapping[tuple[str, int], str] | None = None,
    each: Callable[[CitingUnit], None] | None = None,
    drain: bool = False,
) -> LineageGraph:
    """The lineage of everything the catalog knows.

    Evidence quotes the sentence a number stands in: from `texts` (path → decoded
    text), else from `quotes` ((path, mention start) → the line an index kept), else
    the number as written. `each` and `drain`: lineage.build.corpus_links.
    """
    graph = LineageGraph()
    for known in catalog.entries:
        graph.add_node(known.node())
    corpus_links(graph, catalog, registry, texts, quotes, each, drain)
    return graph
