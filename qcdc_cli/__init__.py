"""qcdc: trace Vietnamese Party and State documents through the hierarchy that issued them.

The library API (see README "Python API"): `read_document`, `extract_text`,
`check_text` and `Index` (`ingest`, `trace`, `stats`, `unresolved`, `coverage`),
loaded from `qcdc_cli.api` on first use so that `import qcdc_cli` (and `qcdc --help`)
stays fast. The stages themselves live in the packages below, in data-flow order:
read, knowledge, extract, resolve, lineage, lint, index, app, render, cli.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "Coverage",
    "Finding",
    "Index",
    "Trace",
    "__version__",
    "check_text",
    "extract_text",
    "read_document",
]

TYPE_CHECKING = False  # not typing's: `import typing` alone is a tenth of `qcdc --help`
if TYPE_CHECKING:
    from typing import Any

    from qcdc_cli.api import Coverage, Finding, Index, Trace, check_text, extract_text, read_document


def __getattr__(name: str) -> Any:
    if name in __all__:
        from qcdc_cli import api

        return getattr(api, name)
    raise AttributeError(f"module 'qcdc_cli' has no attribute {name!r}")
