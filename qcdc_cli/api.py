"""The library API: qcdc from Python, typed results, no printing.

    import qcdc_cli
    text = qcdc_cli.read_document("ke-hoach.docx")
    found = qcdc_cli.extract_text(text)
    index = qcdc_cli.Index("lineage.sqlite")
    index.ingest(["plans/"])
    print(index.trace("13-KH/ĐUK", direction="up"))

Every function here calls the same use case (`qcdc_cli.app`) as the command of the
same name, so the library and the CLI cannot disagree. `qcdc_cli.<name>` loads this
module only on first use: `import qcdc_cli` stays free.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from qcdc_cli.app.ingest import Summary
    from qcdc_cli.index.queries import Stats, UnresolvedDocument
    from qcdc_cli.lineage.graph import Issue, TreeNode
    from qcdc_cli.lineage.graph import Trace as GraphTrace
    from qcdc_cli.lint.lint import Diagnostic
    from qcdc_cli.models import DocNode, Extraction, Link

Direction = Literal["up", "down", "both"]


def read_document(path: str | os.PathLike[str]) -> str:
    """The decoded text of a document file (InputError naming the file when it cannot be read)."""
    from qcdc_cli.read.files import read_document as read

    return read(path).text


def extract_text(text: str, registry: Sequence[str | os.PathLike[str]] = ()) -> Extraction:
    """Every number in `text` with its date, issuer and relation, and the text's own
    identity (`.self`, `.references`), read with the bundled registry plus `registry` files."""
    from qcdc_cli.extract.text import extract_text as extract
    from qcdc_cli.knowledge.registry import load_vocabulary

    return extract(text, load_vocabulary([Path(p) for p in registry]))


def check_text(
    text: str, registry: Sequence[str | os.PathLike[str]] = (), rules: Iterable[str] | None = None
) -> list[Finding]:
    """The findings `qcdc check` reports for a draft with this text (registry rules
    included; index rules need `qcdc check --db`)."""
    from qcdc_cli.app.check import check_text as check

    return check(text, [Path(p) for p in registry], frozenset(rules) if rules is not None else None)


@dataclass
class Trace:
    """A traced document: the tree up to the central directive and/or down to what
    implements it, every link with its evidence. `str()` is a plain-text tree."""

    data: GraphTrace
    type_names: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    @property
    def target(self) -> str:
        return self.data.target

    @property
    def nodes(self) -> list[DocNode]:
        return self.data.nodes

    @property
    def links(self) -> list[Link]:
        return self.data.links

    @property
    def up(self) -> TreeNode | None:
        return self.data.up

    @property
    def down(self) -> TreeNode | None:
        return self.data.down

    @property
    def issues(self) -> list[Issue]:
        return self.data.issues

    def __str__(self) -> str:
        from rich.console import Console

        from qcdc_cli.render.trace import render_trace

        out = io.StringIO()
        Console(file=out, width=100, color_system=None, highlight=False, emoji=False).print(
            render_trace(self.data, self.type_names)
        )
        return out.getvalue()


@dataclass(frozen=True)
class CoveringDocument:
    """A document in the corpus that acts on the root, directly or down the chain."""

    id: str
    number: str | None
    date: str | None
    issuer: str | None
    province: str | None
    unit: str | None  # the province it is counted under (after mergers)
    direct: bool
    via: tuple[str, ...]
    path: str | None


@dataclass(frozen=True)
class Coverage:
    """Who has acted on `root`: documents by unit, and the units with none."""

    root: str
    relations: tuple[str, ...]
    by_unit: dict[str, tuple[CoveringDocument, ...]]
    missing: tuple[str, ...]
    covered: int
    gazetteer: int

    @property
    def documents(self) -> list[CoveringDocument]:
        return [d for docs in self.by_unit.values() for d in docs]

    @classmethod
    def from_report(cls, report: dict[str, Any]) -> Coverage:
        fields = CoveringDocument.__dataclass_fields__

        def document(d: dict[str, Any]) -> CoveringDocument:
            kept: dict[str, Any] = {k: (tuple(v) if k == "via" else v) for k, v in d.items() if k in fields}
            return CoveringDocument(**kept)

        return cls(
            root=report["root"],
            relations=tuple(report["relations"]),
            by_unit={unit: tuple(document(d) for d in docs) for unit, docs in report["provinces"].items()},
            missing=tuple(report["missing"]),
            covered=report["covered"],
            gazetteer=report["gazetteer"],
        )


class Index:
    """The embedded lineage index at `path` (SQLite, created on first ingest)."""

    def __init__(self, path: str | os.PathLike[str], registry: Sequence[str | os.PathLike[str]] = ()) -> None:
        self.path = Path(path)
        self.registry = [Path(p) for p in registry]

    def ingest(
        self, paths: Iterable[str | os.PathLike[str]], *, jobs: int | None = None, force: bool = False
    ) -> Summary:
        """Read files and folders into the index (incremental: unchanged files are not
        opened again); a file that cannot be read is listed in `Summary.failed`."""
        from qcdc_cli.app.ingest import Finished, Options, ingest
        from qcdc_cli.index.store import Store
        from qcdc_cli.knowledge.registry import load_registry, load_vocabulary

        summary = None
        with Store.open_writer(self.path) as store:
            events = ingest(
                [Path(p) for p in paths],
                store,
                load_vocabulary(self.registry),
                Options(jobs=jobs, force=force),
                registry=load_registry(self.registry),
            )
            for event in events:
                if isinstance(event, Finished):
                    summary = event.summary
        assert summary is not None
        return summary

    def trace(
        self,
        number: str,
        direction: Direction = "up",
        *,
        depth: int | None = None,
        province: str | None = None,
        year: int | None = None,
    ) -> Trace:
        """Where the document `number` comes from (`up`), what implements it (`down`), or both."""
        from qcdc_cli.app.lineage import lineage

        found = lineage(
            number, province=province, year=year, scope=direction, depth=depth, registry=self.registry, db=self.path
        )
        return Trace(found.graph.trace(found.known.id, direction, depth=depth), found.catalog.vocab.type_names)

    def stats(self) -> Stats:
        """Counts across the index: documents by type, level, province and year; references
        by what resolution made of them; files by status."""
        from qcdc_cli.index.store import Store

        with Store.open_reader(self.path) as store:
            return store.stats()

    def unresolved(self, limit: int | None = None) -> list[UnresolvedDocument]:
        """Documents cited but neither in the index nor in the registry, most cited first."""
        from qcdc_cli.index.store import Store

        with Store.open_reader(self.path) as store:
            return store.unresolved(limit)

    def coverage(self, number: str, *, as_of: str | None = None) -> Coverage:
        """Which provinces have a document implementing `number`, and which have none."""
        import datetime as dt

        from qcdc_cli.app.coverage import coverage_report

        when = as_of or dt.date.today().isoformat()
        return Coverage.from_report(coverage_report(number, self.path, self.registry, as_of=when)[0])


if TYPE_CHECKING:
    Finding = Diagnostic
else:

    def __getattr__(name: str) -> Any:
        if name == "Finding":  # the type of check_text's results, loaded on demand
            from qcdc_cli.lint.lint import Diagnostic

            return Diagnostic
        raise AttributeError(name)
