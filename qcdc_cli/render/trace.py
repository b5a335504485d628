"""Text renderers for `qcdc trace` and `qcdc show`: trees and tables.

Every string that comes from a document (numbers, titles, issuers, quoted sentences,
file names) goes through `_safe()` (or `terminal.safe()`): text with no markup, control
characters made visible. Nothing is interpolated into a markup string.

A trace is built as `render.plain` lines and trees: rich objects for a terminal
(`render_trace`), or the same characters without rich when nothing is drawn in colour
(`trace_text`: a trace written to a file or a pipe). `show` likewise (`show_parts`,
`render_show`, `show_text`): a hub like 120-KL/TW is cited by thousands of documents,
13,000 lines rich took 2 s to lay out; only its table of facts is still laid out by
rich itself (`plain.Grid`, a dozen rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from qcdc_cli.render.messages import msg, relation_name
from qcdc_cli.render.plain import Branch, Grid, Part, Styled, lay_out, to_rich
from qcdc_cli.resolve.resolve import FILE_PREFIX
from qcdc_cli.terminal import sanitize

if TYPE_CHECKING:
    from rich.console import RenderableType

    from qcdc_cli.lineage.graph import Issue, Trace, TreeNode
    from qcdc_cli.models import DocNode, Evidence, Link
    from qcdc_cli.resolve.resolve import Known

MAX_EVIDENCE = 2  # evidence lines shown per link; JSON carries all of them
MAX_TITLE = 110
MAX_QUOTE = 160  # characters of a quoted sentence in a tree; JSON keeps it whole


def vn_date(iso: str | None) -> str | None:
    """2016-03-01 -> 01/03/2016, the way the documents write dates."""
    if not iso or len(iso) != 10:
        return iso
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"


def _safe(text: str | None, style: str = "") -> Styled:
    """`terminal.safe` as a `Styled` line: the text literally, control characters escaped."""
    return Styled(sanitize(text or ""), style)


def type_name(node: DocNode, type_names: Mapping[tuple[str, str], str]) -> str | None:
    """ "Kế hoạch" for KH; the system follows from how the number is written."""
    if not node.type:
        return None
    systems: tuple[str, ...] = ("party", "state")
    if node.number and "-" in node.number.split("/")[0]:
        systems = ("party",)
    elif node.number:
        systems = ("state",)
    for system in systems:
        name = type_names.get((system, node.type))
        if name:
            return name
    return node.type


def node_label(
    node: DocNode,
    type_names: Mapping[tuple[str, str], str],
    *,
    target: bool = False,
    title: bool = True,
    lang: str = "en",
) -> Styled:
    """ "26-KH/TU@Lai Châu  Kế hoạch · Tỉnh ủy Lai Châu · 01/03/2016 · not in corpus"."""
    label = Styled()
    label.append_text(_safe(node.id, "bold" + (" underline" if target else "")))
    bits = [type_name(node, type_names), node.issuer]
    if node.province and f"@{node.province}" not in node.id:
        bits.append(node.province)
    bits.append(vn_date(node.date))
    meta = " · ".join(b for b in bits if b)
    if meta:
        label.append("  ")
        label.append_text(_safe(meta))
    if not node.in_corpus:
        label.append(" · ")
        label.append(msg("trace.not_in_corpus", lang), style="yellow")
    if title and node.title:
        shown = node.title if len(node.title) <= MAX_TITLE else node.title[: MAX_TITLE - 1] + "…"
        label.append("\n")
        label.append_text(_safe(shown, "italic"))
    return label


def evidence_line(ev: Evidence, link: Link, speaker: str | None, lang: str = "en") -> Styled:
    """Where a link comes from: the registry, the citing text, or a text reporting it."""
    line = Styled("  ")
    if ev.registry:
        line.append(msg("evidence.registry", lang), style="cyan")
        line.append_text(_safe(ev.registry))
        return line
    if speaker and speaker != link.source:
        if speaker.startswith(FILE_PREFIX):
            line.append(msg("evidence.reported_in", lang), style="cyan")
        else:
            line.append(msg("evidence.reported_by", lang), style="cyan")
            line.append_text(_safe(speaker, "cyan"))
            line.append(", ")
    where = f"{ev.path}:{ev.line}" if ev.line else ev.path
    line.append_text(_safe(f"{where} (page {ev.page})" if ev.page else where, "dim"))
    if ev.text:
        quoted = ev.text if len(ev.text) <= MAX_QUOTE else ev.text[: MAX_QUOTE - 1] + "…"
        line.append(" “")
        line.append_text(_safe(quoted))
        line.append("”")
    return line


def _edge_label(
    trace: Trace, tree: TreeNode, direction: str, type_names: Mapping[tuple[str, str], str], lang: str
) -> Styled:
    link = tree.via
    assert link is not None
    node = trace.node(tree.id)
    label = Styled()
    relation = relation_name(link.relation, lang, passive=direction != "up")
    label.append(relation, style="green" if link.relation != "cites" else "dim green")
    label.append(" ")
    label.append_text(node_label(node, type_names, lang=lang))
    if tree.mark == "repeat":
        label.append(msg("trace.shown_above", lang), style="dim")
    elif tree.mark == "cycle":
        label.append(msg("trace.cycle", lang), style="red")
    for ev in link.evidence[:MAX_EVIDENCE]:
        label.append("\n")
        label.append_text(evidence_line(ev, link, _speaker(trace, ev), lang))
    count = trace.evidence_count(link)
    if count > MAX_EVIDENCE:
        label.append("\n  " + msg("trace.more_evidence", lang, n=count - MAX_EVIDENCE), style="dim")
    if tree.mark != "repeat":
        for issue in _issues_about(trace.issues, tree.id):
            label.append("\n")
            label.append_text(issue_line(issue, None if issue.source == link.source else issue.source))
    return label


def _speaker(trace: Trace, ev: Evidence) -> str | None:
    who = trace.said_by(ev)
    if who is None and ev.path:
        owners = [n.id for n in trace.nodes if n.path == ev.path]
        who = owners[0] if len(owners) == 1 else None
    return who


def _issues_about(issues: list[Issue], node_id: str) -> list[Issue]:
    return [i for i in issues if i.target == node_id]


def issue_line(issue: Issue, source: str | None = None) -> Styled:
    """ "⚠ message", with the citing document when the context does not show it."""
    line = Styled("  ⚠ ", style="yellow")
    if source:
        line.append_text(_safe(source, "yellow"))
        line.append(": ", style="yellow")
    line.append_text(_safe(issue.message, "yellow"))
    return line


def _grow(branch: Branch, trace: Trace, tree: TreeNode, direction: str, names: Mapping, lang: str) -> None:
    for child in tree.children:
        sub = branch.add(_edge_label(trace, child, direction, names, lang))
        _grow(sub, trace, child, direction, names, lang)
    if tree.mark == "depth":
        key = "trace.more_above" if direction == "up" else "trace.more_below"
        branch.add(Styled(msg(key, lang, n=tree.hidden), style="dim"))


def _drawn_ids(tree: TreeNode) -> set[str]:
    out = {tree.id}
    for child in tree.children:
        out |= _drawn_ids(child)
    return out


def render_trace(trace: Trace, type_names: Mapping[tuple[str, str], str], lang: str = "en") -> RenderableType:
    """The trace as rich trees: the chain up to the central roots, the tree below."""
    return to_rich(trace_parts(trace, type_names, lang))


def trace_text(trace: Trace, type_names: Mapping[tuple[str, str], str], lang: str, width: int) -> str | None:
    """The characters `render_trace` prints on a console `width` cells wide that is not a
    terminal, written without rich; None when only rich can say (render_trace then)."""
    return lay_out(trace_parts(trace, type_names, lang), width)


def trace_parts(trace: Trace, type_names: Mapping[tuple[str, str], str], lang: str = "en") -> list[Part]:
    """The trace as lines and trees: the chain up to the central roots, the tree below."""
    parts: list[Part] = []
    for direction, tree in (("up", trace.up), ("down", trace.down)):
        if tree is None:
            continue
        heading = msg("trace.up" if direction == "up" else "trace.down", lang)
        if trace.direction == "both":
            parts.append(Styled(heading, style="bold"))
        label = node_label(trace.node(tree.id), type_names, target=True, lang=lang)
        for issue in _issues_about(trace.issues, tree.id):
            label.append("\n")
            label.append_text(issue_line(issue, issue.source))
        root = Branch(label, guide_style="dim")
        _grow(root, trace, tree, direction, type_names, lang)
        if not tree.children and tree.mark != "depth":
            root.add(
                Styled(msg("trace.nothing_above" if direction == "up" else "trace.nothing_below", lang), style="dim")
            )
        parts.append(root)
    parts.extend(_footer(trace, lang))
    return parts


def _footer(trace: Trace, lang: str) -> list[Part]:
    out: list[Part] = []
    if trace.folded:
        out.append(Styled(msg("trace.folded", lang), style="dim"))
        for link in trace.folded:
            line = Styled("  ")
            line.append_text(_safe(link.source))
            line.append(f" {relation_name(link.relation, lang)} ", style="dim green")
            line.append_text(_safe(link.target))
            ev = link.evidence[0] if link.evidence else None
            if ev is not None:
                where = f"{msg('evidence.registry', lang)}{ev.registry}" if ev.registry else f"{ev.path}:{ev.line}"
                line.append("  ")
                line.append_text(_safe(where, "dim"))
            out.append(line)
    if trace.cycles:
        out.append(Styled(msg("trace.cycles", lang), style="red"))
        for cycle in trace.cycles:
            out.append(_safe("  " + " → ".join([*cycle, cycle[0]])))
    drawn = set().union(*(_drawn_ids(t) for t in (trace.up, trace.down) if t is not None))
    elsewhere = [i for i in trace.issues if i.target not in drawn]
    if elsewhere:
        out.append(Styled(msg("trace.issues", lang), style="yellow"))
        out.extend(issue_line(issue, issue.source) for issue in elsewhere)
    if trace.truncated:
        out.append(Styled(msg("trace.depth_limited", lang, depth=trace.depth), style="dim"))
    return out


def render_summary(trace: Trace, counts: Mapping[str, Mapping[str, int]], lang: str = "en") -> RenderableType:
    """`trace --summary`: counts by level, province and relation instead of every node."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from qcdc_cli.render.messages import level_name
    from qcdc_cli.terminal import safe

    out: list[RenderableType] = []
    outside = sum(1 for n in trace.nodes if not n.in_corpus)
    head = Text()
    head.append_text(
        safe(msg("summary.head", lang, id=trace.target, n=len(trace.nodes), links=len(trace.links)), "bold")
    )
    head.append("  (" + msg("summary.not_in_corpus", lang, n=outside) + ")")
    out.append(head)
    for key, title in (
        ("level", "summary.by_level"),
        ("province", "summary.by_province"),
        ("relation", "summary.by_relation"),
    ):
        table = Table(box=None, pad_edge=False, show_header=False)
        table.add_column()
        table.add_column(justify="right")
        for value, count in sorted(counts[key].items(), key=lambda kv: (-kv[1], kv[0])):
            if key == "level":
                shown = level_name(value or None, lang)
            elif key == "relation":
                shown = relation_name(value, lang)
            else:
                shown = value or msg("level.unknown", lang)
            table.add_row(safe(shown), f"{count:,}")
        out.append(Text("\n" + msg(title, lang), style="bold"))
        out.append(table)
    return Group(*out)


# ------------------------------------------------------------------------ show


def render_show(
    known: Known,
    cites: list[Link],
    cited_by: list[Link],
    issues: list[Issue],
    nodes: Mapping[str, DocNode],
    speakers: Mapping[str, list[tuple[int, str]]],
    type_names: Mapping[tuple[str, str], str],
    lang: str = "en",
    elided: Mapping[tuple[str, str], int] | None = None,
) -> RenderableType:
    """Everything known about one document as rich objects (`show_parts`)."""
    return to_rich(show_parts(known, cites, cited_by, issues, nodes, speakers, type_names, lang, elided))


def show_parts(
    known: Known,
    cites: list[Link],
    cited_by: list[Link],
    issues: list[Issue],
    nodes: Mapping[str, DocNode],
    speakers: Mapping[str, list[tuple[int, str]]],
    type_names: Mapping[tuple[str, str], str],
    lang: str = "en",
    elided: Mapping[tuple[str, str], int] | None = None,
) -> list[Part]:
    """Everything known about one document: metadata, where it was read, its links.
    `elided`: evidence rows of each link a lean read left out (LineageGraph.elided)."""
    from qcdc_cli.lineage.graph import said_by

    node = known.node()
    rows = [
        ("number", known.number or msg("show.no_number", lang)),
        (
            "type",
            " ".join(b for b in (type_name(node, type_names), f"({known.type})" if known.type else "") if b),
        ),
        (
            "issuer",
            " ".join(b for b in (known.issuer, f"({known.issuer_code})" if known.issuer_code else "") if b),
        ),
        ("province", known.province),
        ("date", vn_date(known.date)),
        ("term", msg("show.term_value", lang, term=known.term) if known.term else None),
        ("title", known.title),
        ("known_from", _origin(known, lang)),
        ("registry", known.registry_id),
        ("status", _value("status", known.status, lang)),
        ("valid", _validity(known, lang)),
        ("confidence", _value("confidence", known.confidence, lang)),
    ]
    facts = Grid()
    for name, value in rows:
        if value:
            facts.add_row(Styled(msg(f"show.{name}", lang)), _safe(value))
    for path in known.paths:
        facts.add_row(Styled(msg("show.read_from", lang)), _safe(f"{path}:{known.line}" if known.line else path))
    parts: list[Part] = [_safe(known.id, "bold underline"), facts]
    left_out = elided or {}
    for title, links, other in (("show.cites", cites, "target"), ("show.cited_by", cited_by, "source")):
        parts.append(Styled(msg(title, lang, n=len(links)), style="bold"))
        if not links:
            parts.append(Styled(msg("show.nothing", lang), style="dim"))
        for link in links:
            line = Styled("  ")
            relation = relation_name(link.relation, lang, passive=other != "target")
            line.append(relation, style="green")
            line.append(" ")
            other_id = getattr(link, other)
            if other_id in nodes:
                line.append_text(node_label(nodes[other_id], type_names, title=False, lang=lang))
            else:
                line.append_text(_safe(other_id))
            for ev in link.evidence[:MAX_EVIDENCE]:
                line.append("\n  ")
                line.append_text(evidence_line(ev, link, said_by(speakers, ev), lang))
            count = len(link.evidence) + left_out.get((link.source, link.target), 0)
            if count > MAX_EVIDENCE:
                line.append("\n    " + msg("trace.more_evidence", lang, n=count - MAX_EVIDENCE), style="dim")
            parts.append(line)
    if issues:
        parts.append(Styled(msg("trace.issues", lang), style="yellow"))
        parts.extend(issue_line(issue) for issue in issues)
    return parts


def show_text(parts: list[Part], width: int) -> str | None:
    """The characters rich prints for `show_parts` on a console `width` cells wide that
    is not a terminal; None when only rich can say (render_show then)."""
    return lay_out(parts, width)


def _value(kind: str, value: str | None, lang: str) -> str | None:
    """A registry value (status, confidence) in the catalog's words, else as written."""
    from qcdc_cli.render.messages import CATALOG

    key = f"{kind}.{value}"
    return msg(key, lang) if value and key in CATALOG else value


def _origin(known: Known, lang: str = "en") -> str:
    where = []
    if known.in_corpus:
        where.append(msg("show.the_corpus", lang))
    if known.registry_id:
        where.append(msg("show.the_registry", lang))
    if not where:
        return msg("show.citations_only", lang)
    return msg("show.and", lang).join(where)


def _validity(known: Known, lang: str = "en") -> str | None:
    if not (known.valid_from or known.valid_until):
        return None
    start = vn_date(known.valid_from) or "?"
    end = vn_date(known.valid_until) or msg("show.now", lang)
    return f"{start} – {end}"
