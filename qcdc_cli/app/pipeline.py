"""Use cases that touch files: read, decode and hand text to the pure stages.

Nothing here prints; the CLI decides what to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from qcdc_cli.errors import InputError
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.models import Extraction

if TYPE_CHECKING:
    from qcdc_cli.read.decode import Decoded


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders expand to their document files (read.walk: the walker every
    command shares), in sorted order, with the files found there that cannot be read
    (a named pipe called x.txt), so reading them reports why."""
    from qcdc_cli.read.walk import LOOP, walk

    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        walked = walk([path])
        found = [Path(c.path) for c in walked.candidates]
        found += [Path(p) for p, reason in walked.failures if reason != LOOP and not reason.startswith("cannot list")]
        out.extend(sorted(found))
    return out


def extract_file(path: Path, vocab: Vocabulary) -> Extraction:
    """Read one file and extract it; an unreadable file raises InputError."""
    from qcdc_cli.read.files import read_document

    return extract_decoded(read_document(path), vocab)


def extract_decoded(
    decoded: Decoded, vocab: Vocabulary, extractor: Callable[..., Extraction] | None = None
) -> Extraction:
    """Extraction of a read file: from its logical text (hard wraps joined), with line
    numbers put back on the file's own lines and the reader's notes (Decoded.finish)."""
    if extractor is None:
        from qcdc_cli.extract.text import extract_text

        extractor = extract_text
    return decoded.finish(extractor(decoded.logical, vocab))


def extract_paths(paths: Iterable[Path], vocab: Vocabulary) -> Iterator[tuple[str, Extraction | InputError]]:
    """Each path with its extraction, or with the InputError that stopped it."""
    for path in paths:
        try:
            yield str(path), extract_file(path, vocab)
        except InputError as e:
            yield str(path), e


# ---- lineage over a corpus given on the command line (until the index exists)


if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from qcdc_cli.lineage.graph import LineageGraph
    from qcdc_cli.resolve.resolve import Catalog


def read_corpus(
    paths: Iterable[Path], vocab: Vocabulary, pages: dict[str, tuple[int | None, ...]] | None = None
) -> tuple[list[tuple[str, Extraction]], dict[str, str], list[InputError]]:
    """Extractions and texts of the files and folders `paths`; unreadable files apart.
    `pages`, if given, gets the page of each line of every PDF read."""
    corpus: list[tuple[str, Extraction]] = []
    texts: dict[str, str] = {}
    errors: list[InputError] = []
    files = expand_paths(paths)
    if not files:
        return corpus, texts, errors
    from qcdc_cli.read.files import read_document

    for path in files:
        try:
            decoded = read_document(path)
        except InputError as e:
            errors.append(e)
            continue
        corpus.append((str(path), extract_decoded(decoded, vocab)))
        texts[str(path)] = decoded.logical  # offsets as in the file; evidence quotes whole sentences
        if pages is not None and any(decoded.pages):
            pages[str(path)] = decoded.pages
    return corpus, texts, errors


def build_lineage(
    corpus_paths: Iterable[Path], registry_paths: Sequence[Path] = (), db_path: Path | None = None
) -> tuple[Catalog, LineageGraph, list[InputError]]:
    """(catalog, graph, errors) of the registry, the index at `db_path` (if given) and
    the texts under `corpus_paths` (a file read now replaces the index's copy of it)."""
    from qcdc_cli.knowledge.registry import load_registry
    from qcdc_cli.lineage.graph import build_graph
    from qcdc_cli.resolve.resolve import Catalog

    registry = load_registry(registry_paths)
    vocab = Vocabulary.from_registry(registry)
    pages: dict[str, tuple[int | None, ...]] = {}
    corpus, texts, errors = read_corpus(corpus_paths, vocab, pages)
    quotes: dict[tuple[str, int], str] = {}
    if db_path is not None:
        fresh = {str(Path(p).resolve()) for p, _ in corpus}
        stored, quotes = corpus_from_index(db_path)
        corpus += [(p, ex) for p, ex in stored if str(Path(p).resolve()) not in fresh]
    catalog = Catalog.build(registry, vocab, corpus)
    graph = build_graph(catalog, registry, texts, quotes)
    if pages:
        evidence = [ev for link in graph.links() for ev in link.evidence]
        evidence += [issue.evidence for issue in graph.issues if issue.evidence is not None]
        for ev in evidence:
            lines = pages.get(ev.path or "")
            if lines and ev.line and 0 < ev.line <= len(lines):
                ev.page = lines[ev.line - 1]  # evidence from a PDF names its page
    return catalog, graph, errors


def corpus_from_index(db_path: Path) -> tuple[list[tuple[str, Extraction]], dict[tuple[str, int], str]]:
    """The extractions an index holds, rebuilt from its rows, and the evidence line it
    kept for each mention ((path, start) -> line): what `build_lineage` needs."""
    from qcdc_cli.index.backend import open_reader

    with open_reader(db_path) as store:  # one read transaction: one state of the index
        files, quotes = store.load_corpus()
    return [(path, extraction) for path, extraction, _ in files], quotes


# ---- lineage over the index, a piece at a time: qcdc_cli.index.derived (index_catalog,
# index_graph), which owns the derived tables both ways


COVERAGE_RELATIONS = ("implements", "continues", "guides")


def coverage_of(
    graph: LineageGraph,
    root: str,
    units: Sequence[str],
    successors: Mapping[str, str | None],
    relations: Sequence[str] = COVERAGE_RELATIONS,
    national: Callable[[str | None], bool] | None = None,
) -> dict[str, Any]:
    """Who has acted on `root`: the corpus documents that implement it, directly or down
    the chain (`relations`), grouped by province and issuing unit, and the gazetteer
    `units` (province names) with none. Central documents (`national` issuer codes, no
    province) are listed apart, under "central": they belong to no province.

    A document of a province later merged counts for the unit it became (`successors`:
    "Thừa Thiên Huế" -> "Huế"), so a 2016 plan still covers today's unit. Pure: no I/O.
    """
    names = set(units)
    below = graph.reach(root, "down", relations) - {root}
    reached = below | {root}  # once: a set built per document made this quadratic
    documents: list[dict[str, Any]] = []
    for ident in sorted(below):
        node = graph.node(ident)
        if not node.in_corpus:
            continue
        via = sorted(lk.target for lk in graph.parents(ident, relations) if lk.target in reached)
        documents.append(
            {
                "id": node.id,
                "number": node.number,
                "date": node.date,
                "issuer": node.issuer,
                "issuer_code": node.issuer_code,
                "province": node.province,
                "unit": _current_unit(node.province, names, successors),
                "direct": root in via,
                "via": via,
                "path": node.path,
            }
        )
    central = [d for d in documents if d["province"] is None and national and national(d["issuer_code"])]
    documents = [d for d in documents if d not in central]
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for doc in documents:
        by_unit.setdefault(str(doc["unit"] or "(unknown)"), []).append(doc)
    covered = {u for u in by_unit if u in names}
    return {
        "root": root,
        "relations": list(relations),
        "documents": len(documents),
        "central": sorted(central, key=lambda d: (d["date"] or "", d["id"])),
        "provinces": {
            unit: sorted(docs, key=lambda d: (d["date"] or "", d["id"])) for unit, docs in sorted(by_unit.items())
        },
        "missing": sorted(names - covered),
        "covered": len(covered),
        "gazetteer": len(names),
    }


def _current_unit(province: str | None, names: set[str], successors: Mapping[str, str | None]) -> str | None:
    """The gazetteer unit a document's province is, or became by merger; else its own
    name (a province outside the units asked about)."""
    current, seen = province, set()
    while current is not None and current not in names and current not in seen:
        seen.add(current)
        current = successors.get(current)
    return current if current is not None else province
