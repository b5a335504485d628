"""Where an index lives when it is not a file: `postgresql://user@host:port/dbname`.

`--db` and `$QCDC_DB` arrive as a Path, and a Path folds "postgresql://h/db" into
"postgresql:/h/db"; `db_url` gives the URL back. A URL may carry a password
(`postgresql://u:secret@h/db`): qcdc never shows it, `redact` is what messages and
`stats` print. Passwords are better kept out of URLs altogether: libpq also reads them
from PGPASSFILE (~/.pgpass) and PGPASSWORD, and TLS settings (sslmode, sslrootcert,
sslcert, sslkey) pass through from the URL's query or the PGSSL* variables.
"""

from __future__ import annotations

import re
from pathlib import Path, PosixPath
from urllib.parse import parse_qsl, quote, urlencode

_SCHEME = re.compile(r"^(postgres(?:ql)?):/+(.*)$", re.S)
_SECRET_PARAMS = {"password", "sslpassword"}


def is_url(target: Path | str | None) -> bool:
    return target is not None and db_url(target) is not None


def db_url(target: Path | str) -> str | None:
    """The PostgreSQL URL `target` names (with its password, for connecting), else None."""
    if isinstance(target, UrlPath):
        return target.url
    m = _SCHEME.match(str(target))
    return f"{m.group(1)}://{m.group(2)}" if m else None


def as_target(path: Path) -> Path:
    """`path` as the index's name: a UrlPath (printing without password) for a URL."""
    url = db_url(path)
    return UrlPath(url) if url is not None and not isinstance(path, UrlPath) else path


def redact(url: str) -> str:
    """The URL without its password (user info and query), safe to print."""
    m = _SCHEME.match(url)
    if not m:
        return url
    rest = m.group(2)
    rest = re.sub(r"^([^@/?#]*?):[^@/?#]*@", lambda g: f"{g.group(1)}:***@", rest)
    if "?" in rest:
        head, _, query = rest.partition("?")
        pairs = [(k, "***" if k in _SECRET_PARAMS else v) for k, v in parse_qsl(query, keep_blank_values=True)]
        rest = head + "?" + urlencode(pairs, safe="*/:", quote_via=quote)
    return f"{m.group(1)}://{rest}"


class UrlPath(PosixPath):
    """A Path standing for a database URL: prints as the redacted URL (Store.path appears
    in every message), keeps the real one in `url` for connecting."""

    url: str

    def __new__(cls, url: str) -> UrlPath:
        self = super().__new__(cls, redact(url))
        self.url = url
        return self

    def __str__(self) -> str:
        return redact(self.url)

    def __repr__(self) -> str:
        return f"UrlPath({str(self)!r})"
