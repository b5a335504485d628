"""What a trace returns and how its trees grow: folding shortcuts, marking repeats and cycles.

Pure functions over adjacency the graph hands in (no networkx import here): the tree of
documents above or below one, the links folded behind a longer implementing path, and
which document of a file an evidence line belongs to.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from qcdc_cli.models import DocNode, Evidence, Link, relation_rank


class _Steps(Protocol):
    def parents(self, ident: str, relations: Sequence[str] | None = None) -> list[Link]: ...
    def children(self, ident: str, relations: Sequence[str] | None = None) -> list[Link]: ...


Direction = Literal["up", "down", "both"]
# the links a folding path may follow: each step carries out the one above it
IMPLEMENTING = frozenset({"implements", "guides", "continues"})


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
    elided: dict[tuple[str, str], int] = field(default_factory=dict)  # LineageGraph.elided of its links
    _by_id: dict[str, DocNode] = field(default_factory=dict, init=False, repr=False, compare=False)

    def node(self, ident: str) -> DocNode:
        """A shown document by id (renderers ask once per tree line: no linear scan)."""
        if len(self._by_id) != len(self.nodes):
            self._by_id = {n.id: n for n in self.nodes}
        return self._by_id[ident]

    def said_by(self, evidence: Evidence) -> str | None:
        return said_by(self.speakers, evidence)

    def evidence_count(self, link: Link) -> int:
        """How much evidence `link` has, rows a store left out included."""
        return len(link.evidence) + self.elided.get((link.source, link.target), 0)


def _repoint(tree: TreeNode, links: Mapping[tuple[str, str], Link]) -> None:
    """Make a tree's links the reordered copies a trace returns."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.via is not None:
            node.via = links.get((node.via.source, node.via.target), node.via)
        stack.extend(node.children)


class _Shortcuts:
    """The links a trace folds, decided one link at a time as the trace asks about it.

    A link u → w is a shortcut when a longer path of implementing links (implements,
    guides, continues) leads from u to w: 13-KH/ĐUK → 120-KL/TW beside 13-KH/ĐUK
    implements 26-KH/TU implements 120-KL/TW. A `based_on` or `cites` step never makes
    one ("Căn cứ 10-CT/TW" + 10-CT/TW continues 30-CT/TW does not imply that the plan
    implements 30-CT/TW), and a link a text states is folded only by a path whose first
    step a text states too: the registry's background never hides what a document says.

    Decided by a search upwards from the link's source, remembered: a trace of 30-CT/TW
    --depth 1 asks about a few hundred links of a 100,000-document graph, and the
    search stays among what the source implements. Searched in the whole graph (links
    of `relations` only): a path between two documents of a trace's part is inside
    that part, so the answers are those of the same rule on the part."""

    def __init__(self, succ: Mapping[str, Mapping[str, Link]], relations: Sequence[str] | None) -> None:
        self._succ = succ  # the graph's adjacency: node -> parent -> Link
        self._chain = IMPLEMENTING if relations is None else IMPLEMENTING & set(relations)
        self._known: dict[tuple[str, str], bool] = {}
        self._up: dict[str, dict[str, bool]] = {}
        self._above: dict[str, set[str]] = {}

    def __contains__(self, edge: object) -> bool:
        if not isinstance(edge, tuple):
            return False
        found = self._known.get(edge)
        if found is None:
            u, w = edge
            up = self._up.get(u)
            if up is None:
                up = self.parents(u)
            first_stated = _stated(self._succ[u][w])
            cyclic = found = False
            for v, stated in up.items():
                if v == w or not (stated or not first_stated):
                    continue
                above = self._above.get(v)
                if above is None:
                    above = self.above(v)
                if u in above:  # on a cycle, a path back through `u` does not count: search, avoiding it
                    cyclic = True
                    break
                found = found or w in above
            if cyclic:
                found = self._other_path(u, w, first_stated)
            self._known[(u, w)] = found
        return found

    def parents(self, node: str) -> dict[str, bool]:
        """What `node` implements, guides or continues (within `relations`), and whether a
        text states each link: the steps a folding path can take."""
        found = self._up.get(node)
        if found is None:
            chain = self._chain
            found = self._up[node] = {
                v: _stated(link) for v, link in self._succ[node].items() if link.relation in chain
            }
        return found

    def above(self, node: str) -> set[str]:
        """Everything `node` leads up to by implementing links, remembered: a plan's
        siblings share it."""
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
        """A path of two or more implementing links from `u` to `w` not through `u`
        again, its first link stated by a text when `first_stated`."""
        first = self.parents(u)
        return _longer_path(self.parents, u, w, lambda v: first[v] or not first_stated)


def _stated(link: Link) -> bool:
    """Does a text state this link (not only the registry)?"""
    for ev in link.evidence:  # noqa: SIM110 (a loop: any() with a generator costs twice as much)
        if ev.registry is None:
            return True
    return False


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
    graph: _Steps,
    root: str,
    direction: Literal["up", "down"],
    depth: int | None,
    cut: Container[tuple[str, str]],
    relations: Sequence[str] | None = None,
    unordered: Callable[[str], Iterable[Link]] | None = None,
) -> TreeNode:
    """The tree `direction` of `root`. `unordered`: a node's links that way in any order,
    to count those hidden at the depth limit without sorting them (a hub's level below
    holds thousands)."""
    expanded: set[str] = set()
    allowed = None if relations is None else set(relations)
    is_cut = cut.__contains__  # called, not `in`: tens of thousands of times for a hub

    def grow(node: TreeNode, chain: frozenset[str], level: int) -> None:
        expanded.add(node.id)
        if depth is not None and level >= depth and unordered is not None:
            hidden = 0
            for lk in unordered(node.id):
                if (allowed is None or lk.relation in allowed) and not is_cut((lk.source, lk.target)):
                    hidden += 1
            node.hidden = hidden
            if hidden:
                node.mark = "depth"
            return
        if unordered is not None:
            # the links kept, then sorted as graph.parents/children sort them (each other
            # end once: the same order as sorting all and dropping the cut ones after;
            # tests/test_trace_order.py)
            kept = [
                lk
                for lk in unordered(node.id)
                if (allowed is None or lk.relation in allowed) and not is_cut((lk.source, lk.target))
            ]
            if direction == "up":
                step = sorted(kept, key=lambda lk: (relation_rank(lk.relation), lk.target))
            else:
                step = sorted(kept, key=lambda lk: (relation_rank(lk.relation), lk.source))
        else:
            step = graph.parents(node.id, relations) if direction == "up" else graph.children(node.id, relations)
            step = [lk for lk in step if not is_cut((lk.source, lk.target))]
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
