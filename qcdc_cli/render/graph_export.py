"""Machine formats of a trace: versioned JSON, Mermaid and Graphviz DOT, as strings.

Hand-written writers: no dependency, and every label is quoted and escaped
(../shared/research/ecosystem-perf.md §6: unquoted `/`, `(`, `:` or Vietnamese
letters break both parsers). Output is sorted, so a shuffled corpus gives the same
bytes. Document text is made terminal-safe here too: these formats are often printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from qcdc_cli.terminal import sanitize

if TYPE_CHECKING:
    from qcdc_cli.lineage.graph import Issue, Trace
    from qcdc_cli.models import DocNode, Evidence, Link
    from qcdc_cli.resolve.resolve import Known

SCHEMA_VERSION = 1

_EVIDENCE_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "required": ["path", "line", "text"],
            "properties": {
                "path": {"type": "string"},
                "line": {"type": ["integer", "null"]},
                "text": {"type": ["string", "null"]},
                "page": {"type": "integer"},
            },
            "additionalProperties": False,
        },
        {
            "type": "object",
            "required": ["registry"],
            "properties": {"registry": {"type": "string"}},
            "additionalProperties": False,
        },
    ]
}
_NULLABLE_STRING = {"type": ["string", "null"]}

# JSON Schema (draft 2020-12) of `qcdc trace --format json`; README "Tracing lineage".
TRACE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "qcdc trace",
    "type": "object",
    "required": ["schema_version", "target", "nodes", "edges"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "target": {"type": "string"},
        "direction": {"enum": ["up", "down", "both"]},
        "depth": {"type": ["integer", "null"]},
        "truncated": {"type": "boolean"},
        "nodes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": [
                    "id",
                    "number",
                    "type",
                    "issuer",
                    "province",
                    "date",
                    "title",
                    "in_corpus",
                ],
                "properties": {
                    "id": {"type": "string"},
                    "number": _NULLABLE_STRING,
                    "type": _NULLABLE_STRING,
                    "issuer_code": _NULLABLE_STRING,
                    "issuer": _NULLABLE_STRING,
                    "province": _NULLABLE_STRING,
                    "date": _NULLABLE_STRING,
                    "title": _NULLABLE_STRING,
                    "in_corpus": {"type": "boolean"},
                    "in_registry": {"type": "boolean"},
                    "path": _NULLABLE_STRING,
                },
            },
        },
        "edges": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["source", "target", "relation", "evidence"],
                "properties": {
                    "source": {"type": "string"},
                    "target": {"type": "string"},
                    "relation": {"type": "string"},
                    "folded": {"type": "boolean"},
                    "evidence": {"type": "array", "items": _EVIDENCE_SCHEMA},
                },
            },
        },
        "cycles": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
        "issues": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind", "source", "number", "message"],
            },
        },
    },
}


def node_dict(node: DocNode) -> dict[str, Any]:
    return {
        "id": node.id,
        "number": node.number,
        "type": node.type,
        "issuer_code": node.issuer_code,
        "issuer": node.issuer,
        "province": node.province,
        "date": node.date,
        "title": node.title,
        "in_corpus": node.in_corpus,
        "in_registry": node.in_registry,
        "path": node.path,
    }


def evidence_dict(ev: Evidence) -> dict[str, Any]:
    if ev.registry:
        return {"registry": ev.registry}
    out = {"path": ev.path or "", "line": ev.line, "text": ev.text}
    return {**out, "page": ev.page} if ev.page else out


def edge_dict(link: Link, folded: bool = False) -> dict[str, Any]:
    return {
        "source": link.source,
        "target": link.target,
        "relation": link.relation,
        "folded": folded,
        "evidence": [evidence_dict(ev) for ev in link.evidence],
    }


def issue_dict(issue: Issue) -> dict[str, Any]:
    return {
        "kind": issue.kind,
        "source": issue.source,
        "number": issue.number,
        "target": issue.target,
        "candidates": list(issue.candidates),
        "message": issue.message,
        "evidence": evidence_dict(issue.evidence) if issue.evidence else None,
    }


def trace_dict(trace: Trace) -> dict[str, Any]:
    """The documented JSON shape of a trace (TRACE_SCHEMA)."""
    folded = {(lk.source, lk.target) for lk in trace.folded}
    return {
        "schema_version": SCHEMA_VERSION,
        "target": trace.target,
        "direction": trace.direction,
        "depth": trace.depth,
        "truncated": trace.truncated,
        "nodes": [node_dict(n) for n in trace.nodes],
        "edges": [edge_dict(lk, (lk.source, lk.target) in folded) for lk in trace.links],
        "cycles": trace.cycles,
        "issues": [issue_dict(i) for i in trace.issues],
    }


def to_json(data: Any) -> str:
    """JSON text that is byte-true to the documents and still safe to print."""
    from qcdc_cli.terminal import json_text

    return json_text(data) + "\n"


def render_json(trace: Trace) -> str:
    return to_json(trace_dict(trace))


# ---------------------------------------------------------------- Mermaid


def _mermaid_text(s: str) -> str:
    """A Mermaid label body: entity codes for what its parser or HTML would read."""
    s = sanitize(s).replace("\n", " ")
    s = s.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    return s.replace("[", "#91;").replace("]", "#93;").replace("`", "#96;")


def _short(node: DocNode) -> str:
    bits = [node.id]
    meta = [b for b in (node.issuer, node.date) if b]
    if meta:
        bits.append(" · ".join(meta))
    if not node.in_corpus:
        bits.append("not in corpus")
    return "<br/>".join(_mermaid_text(b) for b in bits)


def render_mermaid(trace: Trace) -> str:
    """A flowchart, cited documents on top; folded shortcuts dotted."""
    ids = {n.id: f"n{i}" for i, n in enumerate(trace.nodes)}
    folded = {(lk.source, lk.target) for lk in trace.folded}
    lines = ["flowchart BT"]
    for node in trace.nodes:
        lines.append(f'  {ids[node.id]}["{_short(node)}"]')
    for link in trace.links:
        arrow = "-.->" if (link.source, link.target) in folded else "-->"
        label = _mermaid_text(link.relation)
        lines.append(f'  {ids[link.source]} {arrow}|"{label}"| {ids[link.target]}')
    lines.append(f"  style {ids[trace.target]} stroke-width:3px")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- DOT


def dot_id(s: str) -> str:
    """A DOT double-quoted string: every id and label, keywords included."""
    s = sanitize(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def render_dot(trace: Trace) -> str:
    """A Graphviz digraph, cited documents on top; not-in-corpus nodes dashed."""
    folded = {(lk.source, lk.target) for lk in trace.folded}
    lines = ["digraph lineage {", "  rankdir=BT;", "  node [shape=box];"]
    for node in trace.nodes:
        label = "\n".join(b for b in (node.id, node.issuer, node.date) if b)
        attrs = [f"label={dot_id(label)}"]
        if node.title:
            attrs.append(f"tooltip={dot_id(node.title)}")
        if not node.in_corpus:
            attrs.append('style="dashed"')
        if node.id == trace.target:
            attrs.append('penwidth="2"')
        lines.append(f"  {dot_id(node.id)} [{', '.join(attrs)}];")
    for link in trace.links:
        attrs = [f"label={dot_id(link.relation)}"]
        if (link.source, link.target) in folded:
            attrs.append('style="dotted"')
        lines.append(f"  {dot_id(link.source)} -> {dot_id(link.target)} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- show


def show_dict(known: Known, cites: list[Link], cited_by: list[Link], issues: list[Issue]) -> dict[str, Any]:
    """The JSON shape of `qcdc show`: the node fields plus what the registry says."""
    doc = node_dict(known.node())
    doc.update(
        {
            "type_name": known.type_name,
            "term": known.term,
            "paths": list(known.paths),
            "line": known.line,
            "registry_id": known.registry_id,
            "status": known.status,
            "valid_from": known.valid_from,
            "valid_until": known.valid_until,
            "confidence": known.confidence,
        }
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "document": doc,
        "cites": [edge_dict(lk) for lk in cites],
        "cited_by": [edge_dict(lk) for lk in cited_by],
        "issues": [issue_dict(i) for i in issues],
    }


# The text formats of a trace, by the name `--format` gives them (trace and export).
TRACE_WRITERS = {"json": render_json, "mermaid": render_mermaid, "dot": render_dot}


def networkx_lines(graph: Any, output_format: str) -> Any:
    """GraphML or GEXF text: networkx's writers, on attributes made safe for XML (no
    None, no control characters, which XML 1.0 cannot carry)."""
    import networkx as nx

    from qcdc_cli.terminal import sanitize

    g = nx.DiGraph()
    for node in graph.nodes():
        described = node_dict(node)
        attrs = {"label": described.pop("id"), **described}
        clean: dict[str, Any] = {
            k: v if isinstance(v, bool) else sanitize(v) for k, v in attrs.items() if v is not None
        }
        g.add_node(sanitize(node.id), **clean)
    for link in graph.links():
        first = link.evidence[0] if link.evidence else None
        where = ""
        if first is not None:
            where = f"registry:{first.registry}" if first.registry else f"{first.path}:{first.line}"
        g.add_edge(
            sanitize(link.source),
            sanitize(link.target),
            relation=link.relation,
            evidence=len(link.evidence),
            source_of=sanitize(where),
            quote=sanitize((first.text or "") if first else ""),
        )
    if output_format == "gexf":
        return (line + "\n" for line in nx.generate_gexf(g))
    return (line + "\n" for line in nx.generate_graphml(g))
