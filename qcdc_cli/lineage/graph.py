"""The lineage graph: documents and the typed, evidenced links between them.

Edges point from the citing document to the cited one (13-KH/ĐUK → 26-KH/TU), so a
document's *parents* are what it implements or cites and its *children* what cites it.
Three kinds of evidence make links: what a document says of itself ("Thực hiện Kết
luận số 120-KL/TW ..."), what it reports about others ("Kế hoạch số 26-KH/TU ... về
triển khai thực hiện Kết luận số 120-KL/TW"), and the registry (120-KL/TW continues
30-CT/TW). Every link keeps all of its evidence.

`LineageGraph` is the only place that imports networkx (lazily: `qcdc --help` must not
pay for it). It can be built from a catalog (`build_graph`) or from rows a store
loaded (`LineageGraph.from_links`); queries never assume the whole corpus is loaded.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from qcdc_cli.models import DocNode, Evidence, Link, relation_rank
from qcdc_cli.resolve.resolve import (
    FILE_PREFIX,
    Catalog,
    CitingUnit,
    Context,
    Known,
    reference_for,
)

if TYPE_CHECKING:
    import networkx as nx

    from qcdc_cli.knowledge.schema import Registry
    from qcdc_cli.models import Mention, Reference

Direction = Literal["up", "down", "both"]


@dataclass(slots=True)
class Issue:
    """Something about a citation a reader must see: a discrepancy or an ambiguity."""

    kind: Literal["discrepancy", "ambiguous"]
    source: str  # id of the citing document
    number: str  # the number as the citation writes it
    message: str
    target: str | None = None  # id of the document concerned
    candidates: tuple[str, ...] = ()
    evidence: Evidence | None = None


@dataclass(slots=True)
class TreeNode:
    """One line of a trace tree: a document, the link that led to it, what is below."""

    id: str
    via: Link | None = None  # None for the traced document itself
    children: list[TreeNode] = field(default_factory=list)
    mark: Literal["cycle", "repeat", "depth"] | None = None  # why it is not expanded
    hidden: int = 0  # links not shown because of the depth limit


@dataclass(slots=True)
class Trace:
    """Everything a renderer needs for one `qcdc trace`: pure data, sorted."""

    target: str
    direction: Direction
    depth: int | None
    nodes: list[DocNode]  # every document shown
    links: list[Link]  # every link between them, folded ones included
    folded: list[Link]  # shortcut links the trees do not draw
    up: TreeNode | None = None
    down: TreeNode | None = None
    cycles: list[list[str]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    truncated: bool = False  # the depth limit hid documents
    speakers: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    _by_id: dict[str, DocNode] = field(default_factory=dict, init=False, repr=False, compare=False)

    def node(self, ident: str) -> DocNode:
        """A shown document by id (renderers ask once per tree line: no linear scan)."""
        if len(self._by_id) != len(self.nodes):
            self._by_id = {n.id: n for n in self.nodes}
        return self._by_id[ident]

    def said_by(self, evidence: Evidence) -> str | None:
        return said_by(self.speakers, evidence)


class LineageGraph:
    """A directed graph of DocNodes and Links (citing → cited) around networkx."""

    def __init__(self) -> None:
        import networkx as nx  # lazy: only commands that trace pay for networkx

        self._g: nx.DiGraph = nx.DiGraph()
        self.issues: list[Issue] = []
        self._issue_keys: set[tuple[str, str, str, str]] = set()
        # evidence already on a link, for links evidence was merged into: a hub link
        # (26-KH/TU → 120-KL/TW, reported by every plan below) gathers thousands
        self._evidence_seen: dict[tuple[str, str], set[tuple]] = {}
        # which document of a file says what: path -> [(first line, id)], so evidence
        # from a file holding two documents (13-KH/ĐUK + the text of 120-KL/TW) is
        # attributed to the right one
        self.speakers: dict[str, list[tuple[int, str]]] = {}

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

    def add_node(self, node: DocNode) -> None:
        """Add a document; a second description of it fills what the first lacks."""
        if node.id in self._g:
            old: DocNode = self._g.nodes[node.id]["doc"]
            for name in DocNode.__slots__:  # type: ignore[attr-defined]
                value = getattr(old, name)
                if value is None or value is False:
                    setattr(old, name, getattr(node, name))
            return
        self._g.add_node(node.id, doc=node)

    def add_link(self, link: Link) -> None:
        """Add a link; links between the same two documents merge, strongest relation
        wins, and every piece of evidence is kept once."""
        if link.source == link.target:
            return
        for end in (link.source, link.target):
            if end not in self._g:
                self.add_node(_bare_node(end))
        data = self._g.get_edge_data(link.source, link.target)
        if data is not None:
            old: Link = data["link"]
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
        self._g.add_edge(link.source, link.target, link=merged)

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
        return ident in self._g

    def __len__(self) -> int:
        return self._g.number_of_nodes()

    def node(self, ident: str) -> DocNode:
        return self._g.nodes[ident]["doc"]

    def nodes(self) -> list[DocNode]:
        return [self._g.nodes[n]["doc"] for n in sorted(self._g)]

    def links(self) -> list[Link]:
        succ = self._g._succ  # plain dicts: the edge views cost more than the sort
        return [succ[u][v]["link"] for u, v in sorted((u, v) for u, nbrs in succ.items() for v in nbrs)]

    def link(self, source: str, target: str) -> Link | None:
        data = self._g.get_edge_data(source, target)
        return data["link"] if data else None

    def parents(self, ident: str, relations: Sequence[str] | None = None) -> list[Link]:
        """Links to what `ident` implements or cites, strongest first."""
        links = [data["link"] for data in self._g._succ[ident].values()]
        return _ordered(links, relations, lambda link: link.target)

    def children(self, ident: str, relations: Sequence[str] | None = None) -> list[Link]:
        """Links from what implements or cites `ident`, strongest first."""
        links = [data["link"] for data in self._g._pred[ident].values()]
        return _ordered(links, relations, lambda link: link.source)

    def roots(self) -> list[str]:
        """Documents that cite nothing known: the central roots of an up-trace."""
        return sorted(n for n in self._g if self._g.out_degree(n) == 0)

    def reach(
        self,
        ident: str,
        direction: Literal["up", "down"],
        relations: Sequence[str] | None = None,
        depth: int | None = None,
    ) -> set[str]:
        """Every document above (`up`) or below (`down`) `ident`, itself included; with
        `depth`, only those at most that many links away."""
        adjacency = self._g._succ if direction == "up" else self._g._pred
        allowed = set(relations) if relations is not None else None
        seen = {ident}
        level = [ident]
        steps = 0
        while level and (depth is None or steps < depth):
            steps += 1
            following = []
            for current in level:
                for nxt, data in adjacency[current].items():
                    if nxt not in seen and (allowed is None or data["link"].relation in allowed):
                        seen.add(nxt)
                        following.append(nxt)
            level = following
        return seen

    def subgraph(self, ids: Iterable[str]) -> LineageGraph:
        """The documents `ids` with the links among them and the issues about them."""
        keep = set(ids) & set(self._g)
        out = LineageGraph()
        for n in sorted(keep):
            out.add_node(self.node(n))
        for u, v in sorted(self._g.subgraph(keep).edges):
            out.add_link(self._g.edges[u, v]["link"])
        for issue in self.issues:
            if issue.source in keep or issue.target in keep:
                out.add_issue(issue)
        out.speakers = {p: list(v) for p, v in self.speakers.items()}
        return out

    def _view(self, ids: Iterable[str], relations: Sequence[str] | None = None) -> LineageGraph:
        """The documents `ids` with the links among them (of `relations` only), sharing
        their DocNode and Link objects: what a trace reads, copied in bulk, never merged
        again (networkx's lazy subgraph views cost more per step than this copy)."""
        import networkx as nx

        keep = set(ids) & set(self._g)
        allowed = set(relations) if relations is not None else None
        g = nx.DiGraph()
        g.add_nodes_from((n, self._g.nodes[n]) for n in keep)
        adj = self._g._succ
        g.add_edges_from(
            (u, v, data)
            for u in keep
            for v, data in adj[u].items()
            if v in keep and (allowed is None or data["link"].relation in allowed)
        )
        out = LineageGraph.__new__(LineageGraph)
        out._g = g
        out.issues = [i for i in self.issues if i.source in keep or i.target in keep]
        out._issue_keys = {(i.kind, i.source, i.number, i.message) for i in out.issues}
        out._evidence_seen = {}
        out.speakers = self.speakers
        return out

    def cycles(self) -> list[list[str]]:
        """Citation cycles (a document that cites its own descendant), each rotated to
        start at its smallest id."""
        import networkx as nx

        found: list[list[str]] = []
        if nx.is_directed_acyclic_graph(self._g):
            return found
        for cycle in nx.simple_cycles(self._g):
            i = cycle.index(min(cycle))
            found.append(cycle[i:] + cycle[:i])
        return sorted(found)

    def shortcuts(self) -> set[tuple[str, str]]:
        """Links that another path already implies: 13-KH/ĐUK → 120-KL/TW when
        13-KH/ĐUK → 26-KH/TU → 120-KL/TW exists. Folding them lets a chain read in order.

        A link a text states is folded only by a path whose first step a text states
        too (the document names the parent it goes through): the registry's background
        (120-KL/TW continues 65-KL/TW) never hides what a document says of itself
        (120-KL/TW continues 30-CT/TW)."""
        import networkx as nx

        g = self._g
        stated = {
            (u, v)
            for u, nbrs in g._succ.items()
            for v, data in nbrs.items()
            if any(ev.registry is None for ev in data["link"].evidence)
        }
        if nx.is_directed_acyclic_graph(g):
            dag, part_of, cyclic = g, None, set()
        else:  # documents on a cycle become one node of a DAG of strongly connected parts
            dag = nx.condensation(g)
            part_of = dag.graph["mapping"]
            cyclic = {n for n, c in part_of.items() if len(dag.nodes[c]["members"]) > 1}
        # what each node leads up to, children before parents: a citation graph is
        # shallow, so these sets stay small and each link costs a few lookups
        above: dict = {}
        for node in reversed(list(nx.topological_sort(dag))):
            reach: set = set()
            for v in dag._succ[node]:
                reach.add(v)
                reach |= above[v]
            above[node] = reach
        out = set()
        for u, nbrs in g._succ.items():
            for w in nbrs:
                first = stated if (u, w) in stated else None
                if u in cyclic:
                    # a path back through `u` does not count: search, avoiding it
                    found = _other_path(g, u, w, first)
                elif part_of is None:
                    found = any(v != w and (first is None or (u, v) in first) and w in above[v] for v in nbrs)
                else:
                    # `u` is on no cycle, so no path from its parents comes back to it
                    pw = part_of[w]
                    found = any(
                        v != w and (first is None or (u, v) in first) and (part_of[v] == pw or pw in above[part_of[v]])
                        for v in nbrs
                    )
                if found:
                    out.add((u, w))
        return out

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
        cut: Container[tuple[str, str]] = _Shortcuts(self._g, relations) if fold else set()
        for way in ("up", "down"):
            if direction not in (way, "both"):
                continue
            tree = _tree(self, ident, way, depth, cut, relations)  # type: ignore[arg-type]
            trees[way] = tree
            ids = _tree_ids(tree)
            shown |= ids
            truncated = truncated or _has_mark(tree, "depth")
            succ = self._g._succ
            for u in ids:  # sorted below, once
                for v, data in succ[u].items():
                    if v in ids and (allowed is None or data["link"].relation in allowed):
                        all_links[(u, v)] = data["link"]
                        if (u, v) in cut:
                            folded[(u, v)] = data["link"]
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
        )


class _Shortcuts:
    """The links `LineageGraph.shortcuts` folds, decided one link at a time as a trace
    asks about it, by a search upwards from the link's source. A trace of 30-CT/TW
    --depth 1 asks about a few hundred links of a 100,000-document graph; the upward
    search stays among what the source cites, which in a citation graph is little.

    Searched in the whole graph (links of `relations` only): a path between two
    documents of a trace's part is inside that part, since everything on it leads up
    to (down: reaches) the traced document too, so the answers are those of
    `shortcuts()` on the part."""

    def __init__(self, g: nx.DiGraph, relations: Sequence[str] | None) -> None:
        self._succ = g._succ
        self._allowed = set(relations) if relations is not None else None
        self._known: dict[tuple[str, str], bool] = {}
        self._up: dict[str, dict[str, bool]] = {}
        self._above: dict[str, set[str]] = {}

    def __contains__(self, edge: object) -> bool:
        found = self._known.get(edge)  # type: ignore[arg-type]
        if found is None:
            u, w = edge  # type: ignore[misc]
            up = self.parents(u)
            first_stated = up[w] if w in up else _stated(self._succ[u][w]["link"])
            above = [self.above(v) for v, stated in up.items() if v != w and (stated or not first_stated)]
            # on a cycle, a path back through `u` does not count: search, avoiding it
            cyclic = any(u in a for a in above)
            found = self._other_path(u, w, first_stated) if cyclic else any(w in a for a in above)
            self._known[(u, w)] = found
        return found

    def parents(self, node: str) -> dict[str, bool]:
        """What `node` links to (by `relations`), and whether a text states each link."""
        found = self._up.get(node)
        if found is None:
            allowed = self._allowed
            found = self._up[node] = {
                v: _stated(data["link"])
                for v, data in self._succ[node].items()
                if allowed is None or data["link"].relation in allowed
            }
        return found

    def above(self, node: str) -> set[str]:
        """Everything `node` leads up to, remembered: a plan's siblings share it."""
        found = self._above.get(node)
        if found is None:
            found = self._above[node] = set()
            stack = [node]
            while stack:
                for x in self.parents(stack.pop()):
                    if x not in found:
                        found.add(x)
                        stack.append(x)
        return found

    def _other_path(self, u: str, w: str, first_stated: bool) -> bool:
        """`_other_path` with the first link stated by a text when `first_stated`."""
        first = self.parents(u)
        return _longer_path(self.parents, u, w, lambda v: first[v] or not first_stated)


def _stated(link: Link) -> bool:
    """Does a text state this link (not only the registry)?"""
    return any(ev.registry is None for ev in link.evidence)


def _other_path(g: nx.DiGraph, u: str, w: str, first: set[tuple[str, str]] | None) -> bool:
    """Is `w` reachable from `u` by two or more hops (first hop in `first`, if given)?"""
    return _longer_path(g.successors, u, w, lambda v: first is None or (u, v) in first)


def _longer_path(next_of: Callable[[str], Iterable[str]], u: str, w: str, first_ok: Callable[[str], bool]) -> bool:
    """Is `w` reachable from `u` by two or more hops along `next_of`, the first hop to a
    node `first_ok` accepts? (A link u -> w with such a path beside it is a shortcut.)"""
    stack = [v for v in next_of(u) if v != w and first_ok(v)]
    seen = {u, *stack}
    while stack:
        for x in next_of(stack.pop()):
            if x == w:
                return True
            if x not in seen:
                seen.add(x)
                stack.append(x)
    return False


def said_by(speakers: Mapping[str, list[tuple[int, str]]], evidence: Evidence) -> str | None:
    """The document whose text an evidence line is in, when the graph knows it."""
    if evidence.path is None:
        return None
    who = None
    for first, ident in speakers.get(evidence.path, []):
        if evidence.line is None or first <= evidence.line:
            who = ident
    return who


def _tree(
    graph: LineageGraph,
    root: str,
    direction: Literal["up", "down"],
    depth: int | None,
    cut: Container[tuple[str, str]],
    relations: Sequence[str] | None = None,
) -> TreeNode:
    expanded: set[str] = set()

    def grow(node: TreeNode, chain: frozenset[str], level: int) -> None:
        expanded.add(node.id)
        step = graph.parents(node.id, relations) if direction == "up" else graph.children(node.id, relations)
        step = [lk for lk in step if (lk.source, lk.target) not in cut]
        if depth is not None and level >= depth:
            node.hidden = len(step)
            if step:
                node.mark = "depth"
            return
        for link in step:
            nxt = link.target if direction == "up" else link.source
            child = TreeNode(nxt, via=link)
            node.children.append(child)
            if nxt in chain:
                child.mark = "cycle"
            elif nxt in expanded:
                child.mark = "repeat"
            else:
                grow(child, chain | {nxt}, level + 1)

    top = TreeNode(root)
    grow(top, frozenset({root}), 0)
    return top


def _tree_ids(tree: TreeNode) -> set[str]:
    out = {tree.id}
    for child in tree.children:
        out |= _tree_ids(child)
    return out


def _has_mark(tree: TreeNode, mark: str) -> bool:
    return tree.mark == mark or any(_has_mark(c, mark) for c in tree.children)


def _ordered(links: list[Link], relations: Sequence[str] | None, other: Callable[[Link], str]) -> list[Link]:
    if relations is not None:
        links = [lk for lk in links if lk.relation in relations]
    return sorted(links, key=lambda lk: (relation_rank(lk.relation), other(lk)))


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
) -> LineageGraph:
    """The lineage of everything the catalog knows.

    Evidence quotes the sentence a number stands in: from `texts` (path → decoded
    text), else from `quotes` ((path, mention start) → the line an index kept), else
    the number as written.
    """
    graph = LineageGraph()
    for known in catalog.entries:
        graph.add_node(known.node())
    for unit in catalog.units:
        _unit_links(graph, catalog, unit, (texts or {}).get(unit.path), quotes or {})
    if registry is not None:
        for doc in registry.documents:
            source = catalog.by_registry_id(doc.id)
            for rel in doc.relations:
                target = catalog.by_registry_id(rel.target) or catalog.get(rel.target)
                if source is None or target is None:
                    continue
                graph.add_link(Link(source.id, target.id, rel.type, [Evidence(registry=doc.id)]))
    return graph


def _unit_links(
    graph: LineageGraph,
    catalog: Catalog,
    unit: CitingUnit,
    text: str | None,
    quotes: Mapping[tuple[str, int], str],
) -> None:
    me = catalog.document_of(unit)
    graph.add_speaker(unit.path, 1 if unit.segment == 0 else (unit.info.line or 1), me.id)
    ctx = catalog.context_of(unit)
    for ref in unit.references:
        if ref.malformed:
            continue
        strongest = [m for m in ref.mentions if m.relation == ref.relation] or ref.mentions
        evidence = [_mention_evidence(unit.path, m, text, quotes) for m in strongest]
        target = _target(graph, catalog, me, ref, ctx, evidence[0] if evidence else None)
        if target is not None:
            graph.add_link(Link(me.id, target.id, ref.relation, evidence))
    for rel in unit.reported:
        evidence = Evidence(path=unit.path, line=rel.line, text=_squeeze(rel.text))
        source = _target(graph, catalog, me, reference_for(rel.source, unit.references), ctx, evidence)
        target = _target(graph, catalog, me, reference_for(rel.target, unit.references), ctx, evidence)
        if source is not None and target is not None:
            graph.add_link(Link(source.id, target.id, rel.relation, [evidence]))


def _target(
    graph: LineageGraph,
    catalog: Catalog,
    me: Known,
    ref: Reference,
    ctx: Context,
    evidence: Evidence | None,
) -> Known | None:
    """The document a reference means, recording what the reader must be told."""
    res = catalog.resolve(ref, ctx)
    for d in res.discrepancies:
        concerned = res.document or d.document
        graph.add_issue(
            Issue(
                "discrepancy",
                me.id,
                ref.number,
                d.message,
                concerned.id if concerned else None,
                (d.document.id,) if d.document else (),
                evidence,
            )
        )
    if res.status == "ambiguous":
        ids = tuple(k.id for k in res.candidates)
        why = f"{ref.number} could be {', '.join(ids)}: {res.reason}"
        graph.add_issue(Issue("ambiguous", me.id, ref.number, why, None, ids, evidence))
    return res.document


def _mention_evidence(path: str, mention: Mention, text: str | None, quotes: Mapping[tuple[str, int], str]) -> Evidence:
    if text:
        quoted = quote(text, mention.start, mention.end)
    else:
        quoted = _squeeze(quotes.get((path, mention.start)) or mention.as_written)
    return Evidence(path=path, line=mention.line, text=quoted)


def quote(text: str, start: int, end: int, limit: int = 220) -> str:
    """The sentence around text[start:end], on one line, at most about `limit` chars."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left = max(text.rfind(". ", line_start, start), text.rfind("; ", line_start, start))
    left = line_start if left < 0 else left + 2
    right_dot = [i for i in (text.find(". ", end, line_end), text.find("; ", end, line_end)) if i >= 0]
    right = min(right_dot) + 1 if right_dot else line_end
    if right - left > limit:
        half = limit // 2
        left = max(left, start - half)
        right = min(right, end + half)
        return _squeeze(("…" if left > line_start else "") + text[left:right] + "…")
    return _squeeze(text[left:right])


def _squeeze(s: str) -> str:
    return " ".join(s.split())
