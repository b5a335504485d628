"""The rows of a part of the lineage graph (Store.subgraph_rows), and of them only what a
text view prints when asked: a trace prints each link's first two pieces of evidence,
its citing document's own lines first, and how many more; a hub link reported by every
plan below it has thousands of rows (3,523 for two printed in a commune plan's trace).
`show` prints only the document's own links; `coverage` no evidence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from qcdc_cli.index.rows import IssueRow, LinkRow, SpeakerRow, Subgraph, columns

if TYPE_CHECKING:
    from qcdc_cli.index.rows import NodeRow
    from qcdc_cli.index.store import Store

# the first rows read of each link's evidence besides those from its source's files;
# LEAN_SHOWN: what a text view prints (render.trace.MAX_EVIDENCE)
LEAN_FIRST = 8
LEAN_SHOWN = 2
LOOKUPS = 100  # rows looked up by primary key in one query (lean_evidence)


Elided = dict[tuple[str, str], int]  # evidence rows left out of each link
EvidenceRows = list[tuple[str, str, str | None, int | None, str | None, str | None]]


def read_subgraph(
    store: Store,
    ids: Iterable[str],
    about: Iterable[str] = (),
    elided: Elided | None = None,
    evidence: bool = True,
    star: str | None = None,
) -> Subgraph:
    """Store.subgraph_rows. With `elided` (a dict to fill with how many rows of each link
    were left out), of each link's evidence what a text view prints; not `evidence`, none
    (`coverage` counts documents); with `star` (a document of `ids`), only the links to
    and from it (`show`), the other documents without theirs."""
    about = list(about)
    store._select(ids)
    q = store.con.execute
    literal = "'" + star.replace("'", "''") + "'" if star is not None else ""

    def inside(table: str) -> str:
        # from each selected source along its primary key, then keep selected targets: with a
        # plain "source IN sel AND target IN sel" SQLite looks up every pair of ids (6 s for
        # 5,000 ids); EXISTS keeps the target test out of the index lookup (20 ms)
        join = (
            f"FROM temp.sel a CROSS JOIN {table} x ON x.source = a.id"
            " WHERE EXISTS (SELECT 1 FROM temp.sel b WHERE b.id = x.target)"
        )
        return join + (f" AND (x.source = {literal} OR x.target = {literal})" if star is not None else "")

    nodes = store._nodes("id IN (SELECT id FROM temp.sel) ORDER BY id")
    said = link_evidence(store, inside, nodes, elided) if evidence else []
    paths = sorted({row[2] for row in said if row[2]})
    # what the documents shown say; not every issue any document raises about a hub
    # like 30-CT/TW (thousands in a national corpus)
    issues = [
        IssueRow(*r)
        for r in q(
            f"SELECT {columns(IssueRow)} FROM issues"
            " WHERE source IN (SELECT id FROM temp.sel)"
            f" OR target IN ({', '.join('?' * len(about))}) ORDER BY seq",
            about,
        )
    ]
    paths += sorted({row.path for row in issues if row.path})
    store._select(paths, table="selp")
    return Subgraph(
        nodes=nodes,
        links=[
            LinkRow(*r) for r in q(f"SELECT {columns(LinkRow, 'x')} " + inside("links") + " ORDER BY a.id, x.target")
        ],
        evidence=said,
        issues=issues,
        speakers=[
            SpeakerRow(*r)
            for r in q(
                f"SELECT {columns(SpeakerRow)} FROM speakers WHERE path IN (SELECT id FROM temp.selp)"
                " ORDER BY path, first_line"
            )
        ],
    )


def link_evidence(
    store: Store, inside: Callable[[str], str], nodes: list[NodeRow], elided: Elided | None
) -> EvidenceRows:
    """The evidence of the links `inside` (read_subgraph's join) in link and seq
    order: all of it, or with `elided`, what a text view prints (lean_evidence)."""
    if elided is not None:
        return lean_evidence(store, inside, nodes, elided)
    return store.con.execute(
        "SELECT x.source, x.target, x.path, x.line, x.text, x.registry "
        + inside("evidence")
        + " ORDER BY a.id, x.target, x.seq"  # a.id = x.source: the scan order, no sort
    ).fetchall()


def lean_evidence(store: Store, inside: Callable[[str], str], nodes: list[NodeRow], elided: Elided) -> EvidenceRows:
    """subgraph_rows' evidence with `elided`. A row is its citing document's own when
    the document's text says it (lineage.trace.said_by), and a document speaks only in
    files it was read from (speakers rows ⊆ nodes.paths: tests/test_trace_lean.py), so
    the rows from those files are all it can be. The others shown come first in seq
    order: when fewer than LEAN_SHOWN rows from other files are among the first
    LEAN_FIRST, the link is read whole. One pass over the links' rows counts them and
    finds the source's own past the first (each then looked up whole): a count and a
    filtered read, each a pass, took half as long again (`show 120-KL/TW`: 4,300 links)."""
    from qcdc_cli.resolve.known import FILE_PREFIX

    own = {f"{n.id}\n{p}" for n in nodes for p in (n.paths.split("\n") if n.paths else ())}
    own.update(f"{i}\n{i[len(FILE_PREFIX) :]}" for (i,) in store.con.execute("SELECT id FROM temp.sel"))
    q = store.con.execute
    # one pass over the links' rows: every row's place and file (to count them and find the
    # source's own), the rest of a row only among each link's first LEAN_FIRST
    first = f"WHEN x.seq < {LEAN_FIRST} THEN"
    by_link: dict[tuple[str, str], list[tuple]] = {}
    totals: dict[tuple[str, str], int] = {}
    later: list[tuple[str, str, int]] = []  # the source's own rows past the first
    rows: list[tuple] = []
    source = target = None
    count = 0
    # the rows come a link at a time (the ORDER BY): counted per link, not per row in a dict
    for row in q(
        f"SELECT x.source, x.target, x.path, CASE {first} x.line END, CASE {first} x.text END,"
        f" CASE {first} x.registry END, x.seq " + inside("evidence") + " ORDER BY a.id, x.target, x.seq"
    ):
        if row[1] != target or row[0] != source:
            if source is not None:
                totals[(source, target)] = count  # type: ignore[index]
            source, target, count, rows = row[0], row[1], 0, []
            by_link[(source, target)] = rows
        count += 1
        if row[6] < LEAN_FIRST:
            rows.append(row)
        elif row[2] is not None and f"{source}\n{row[2]}" in own:
            later.append((row[0], row[1], row[6]))
    if source is not None:
        totals[(source, target)] = count  # type: ignore[index]
    for i in range(0, len(later), LOOKUPS):  # own rows past the first, whole, in their links' seq order
        chunk = later[i : i + LOOKUPS]
        # ORs of the primary key, each a lookup (a row-value IN list scans the whole table)
        for row in q(
            "SELECT source, target, path, line, text, registry, seq FROM evidence WHERE "
            + " OR ".join(["(source = ? AND target = ? AND seq = ?)"] * len(chunk))
            + " ORDER BY source, target, seq",
            [v for k in chunk for v in k],
        ):
            by_link.setdefault((row[0], row[1]), []).append(row)  # after the link's first rows
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
