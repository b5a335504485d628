"""What a text view prints of a link's evidence, read without the rest (Store.subgraph_rows
with `elided`): a trace prints each link's first two pieces of evidence, its citing
document's own lines first, and how many more. A hub link reported by every plan below
it has thousands of rows (3,523 for two printed in a commune plan's trace).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qcdc_cli.index.rows import NodeRow
    from qcdc_cli.index.store import Store

# the first rows read of each link's evidence besides those from its source's files;
# LEAN_SHOWN: what a text view prints (render.trace.MAX_EVIDENCE)
LEAN_FIRST = 8
LEAN_SHOWN = 2


Elided = dict[tuple[str, str], int]  # evidence rows left out of each link
EvidenceRows = list[tuple[str, str, str | None, int | None, str | None, str | None]]


def link_evidence(
    store: Store, inside: str, nodes: list[NodeRow], elided: dict[tuple[str, str], int] | None
) -> EvidenceRows:
    """The evidence of the links `inside` (Store.subgraph_rows' join) in link and seq
    order: all of it, or with `elided`, what a text view prints (lean_evidence)."""
    if elided is not None:
        return lean_evidence(store, inside, nodes, elided)
    return store.con.execute(
        "SELECT x.source, x.target, x.path, x.line, x.text, x.registry "
        + inside.format("evidence")
        + " ORDER BY a.id, x.target, x.seq"  # a.id = x.source: the scan order, no sort
    ).fetchall()


def lean_evidence(store: Store, inside: str, nodes: list[NodeRow], elided: dict[tuple[str, str], int]) -> EvidenceRows:
    """subgraph_rows' evidence with `elided`. A row is its citing document's own when
    the document's text says it (lineage.trace.said_by), and a document speaks only in
    files it was read from (speakers rows ⊆ nodes.paths: tests/test_trace_lean.py), so
    the rows from those files are all it can be. The others shown come first in seq
    order: when fewer than LEAN_SHOWN rows from other files are among the first
    LEAN_FIRST, the link is read whole."""
    from qcdc_cli.resolve.known import FILE_PREFIX

    own = {f"{n.id}\n{p}" for n in nodes for p in (n.paths.split("\n") if n.paths else ())}
    own.update(f"{i}\n{i[len(FILE_PREFIX) :]}" for (i,) in store.con.execute("SELECT id FROM temp.sel"))
    store._select(own, table="selo")
    q = store.con.execute
    rows = q(
        "SELECT x.source, x.target, x.path, x.line, x.text, x.registry, x.seq "
        + inside.format("evidence")
        + f" AND (x.seq < {LEAN_FIRST} OR EXISTS (SELECT 1 FROM temp.selo o WHERE o.id = x.source || ? || x.path))"
        " ORDER BY a.id, x.target, x.seq",
        ("\n",),
    ).fetchall()
    totals = {
        (s, t): n
        for s, t, n in q(
            "SELECT x.source, x.target, count(*) " + inside.format("evidence") + " GROUP BY x.source, x.target"
        )
    }
    by_link: dict[tuple[str, str], list[tuple]] = {}
    for row in rows:
        by_link.setdefault((row[0], row[1]), []).append(row)
    out: EvidenceRows = []
    for key, total in totals.items():
        got = by_link.get(key, [])
        # rows from files that are not the source's: surely not its own (the others a
        # trace prints are the first of these and of own files' rows by others)
        others = sum(1 for r in got if r[2] is None or f"{key[0]}\n{r[2]}" not in own)
        if others < LEAN_SHOWN and len(got) < total:
            got = q(
                "SELECT source, target, path, line, text, registry, seq FROM evidence"
                " WHERE source = ? AND target = ? ORDER BY seq",
                key,
            ).fetchall()
        if len(got) < total:
            elided[key] = total - len(got)
        out.extend(r[:6] for r in got)
    out.sort(key=lambda r: (r[0], r[1]))  # stable: each link's rows stay in seq order
    return out
