"""What `qcdc ingest` does once its options are parsed, without Typer: the Typer command
(cli.ingest, which first refuses PATHs that do not exist) and the start-up fast path
(cli._fast_ingest, which takes only PATHs that exist) both call `run`, with --format
and --lang as plain strings; it returns the exit code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from rich.progress import Progress, TaskID

    from qcdc_cli.app.ingest import Summary


def run(
    paths: list[Path],
    db: Path | None,
    jobs: int | None,
    prune: bool,
    force: bool,
    quiet: bool,
    max_size: float,
    output_format: str,
    registry: list[Path] | None,
    lang: str | None,
) -> int:
    """The ingest, its progress on stderr and its summary on stdout."""
    import signal
    import sys

    from qcdc_cli.app.ingest import Deriving, Durable, FileDone, Finished, Options, Planned, ingest
    from qcdc_cli.cli._console import choose_lang, error, print_json
    from qcdc_cli.errors import Interrupted, Terminated
    from qcdc_cli.index.backend import open_writer
    from qcdc_cli.index.store import resolve_db_path
    from qcdc_cli.knowledge.registry import load_registry, load_vocabulary
    from qcdc_cli.terminal import sanitize_name

    chosen_lang = choose_lang(lang)
    vocab = load_vocabulary(registry or ())
    known = load_registry(registry or ())
    db_path = resolve_db_path(db)
    options = Options(jobs=jobs, prune=prune, force=force, max_bytes=int(max_size * 1024 * 1024))
    show_progress = not quiet and sys.stderr.isatty()
    summary = None
    committed = 0
    durable = Durable()  # also counts a commit that landed as the interrupt came
    with _stop_on_sigterm():
        try:
            with open_writer(db_path) as store, _Progress(show_progress, chosen_lang) as progress:
                for event in ingest(paths, store, vocab, options, registry=known, durable=durable):
                    if isinstance(event, Planned):
                        progress.start(event)
                    elif isinstance(event, FileDone):
                        committed = event.committed
                        progress.advance(event)
                    elif isinstance(event, Deriving):
                        committed = event.committed
                        progress.deriving(event.documents)
                    elif isinstance(event, Finished):
                        summary = event.summary
        except KeyboardInterrupt:
            raise Interrupted(max(committed, durable.files), signal.SIGINT) from None
        except Terminated as stop:
            raise Interrupted(max(committed, durable.files), stop.signum) from None
    assert summary is not None
    if output_format == "json":
        print_json({"db": str(db_path), **summary.to_dict()})
    elif quiet:
        for path, reason in summary.failed:
            error(f"{sanitize_name(path)}: {reason}")
    else:
        _print_summary(summary, db_path, chosen_lang)
    return summary.exit_code


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM raises Terminated in the main thread while the ingest runs, so a `kill`
    stops it as cleanly as Ctrl-C: the open batch rolls back, the workers end, and the
    files committed so far stay."""
    import signal

    from qcdc_cli.errors import Terminated

    def stop(signum: int, _frame: object) -> None:
        raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Progress:
    """A rich progress bar on stderr (files, MB, rate, ETA), or nothing at all."""

    def __init__(self, enabled: bool, lang: str = "en") -> None:
        self.enabled = enabled
        self.lang = lang
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.files = 0

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def start(self, planned: object) -> None:
        from qcdc_cli.app.ingest import Planned

        assert isinstance(planned, Planned)
        if not self.enabled or planned.to_read == 0:
            return
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        from qcdc_cli.cli._console import stderr_console

        self.total_files = planned.to_read
        self.bar = Progress(
            TextColumn("ingest"),
            BarColumn(),
            TextColumn("{task.fields[files]}/{task.fields[total_files]} files"),
            DownloadColumn(),
            TransferSpeedColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=stderr_console(),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task(
            "ingest",
            total=max(planned.to_read_bytes, 1),
            files=0,
            total_files=planned.to_read,
            rate="",
        )

    def advance(self, done: object) -> None:
        if self.bar is None or self.task is None:
            return
        from qcdc_cli.app.ingest import FileDone

        assert isinstance(done, FileDone)
        self.files += 1
        elapsed = self.bar.tasks[0].elapsed or 0.0
        rate = f"{self.files / elapsed:,.0f} files/s" if elapsed > 0.5 else ""
        self.bar.update(self.task, advance=done.size, files=self.files, rate=rate)

    def deriving(self, documents: int) -> None:
        """Resolution over the whole index: no per-file progress, a line says why we wait."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
        if self.enabled:
            import sys

            from qcdc_cli.render.messages import msg

            sys.stderr.write(msg("ingest.resolving", self.lang, n=documents) + "\n")


def _print_summary(summary: Summary, db_path: Path, lang: str = "en") -> None:
    from rich.text import Text

    from qcdc_cli.cli._console import stdout_console
    from qcdc_cli.render.messages import msg
    from qcdc_cli.terminal import safe_name as safe

    console = stdout_console()
    index = summary.index
    mb = summary.bytes_read / 1_000_000
    lines = [
        msg("ingest.read", lang, n=summary.read, mb=mb),
        msg("ingest.unchanged", lang, n=summary.unchanged),
    ]
    if summary.same_content:
        lines.append(msg("ingest.same_content", lang, n=summary.same_content))
    lines.append(msg("ingest.failed", lang, n=len(summary.failed)))
    skipped = sum(summary.skipped_other.values())
    if skipped:
        kinds = ", ".join(f"{k} {n:,}" for k, n in summary.skipped_other.most_common(5))
        lines.append(msg("ingest.skipped", lang, n=skipped, kinds=kinds))
    if summary.derive_seconds is not None:
        lines.append(msg("ingest.resolved", lang, s=summary.derive_seconds))
    if summary.pruned:
        lines.append(msg("ingest.pruned", lang, n=summary.pruned))
    if summary.missing:
        lines.append(msg("ingest.missing", lang, n=summary.missing))
    console.print(Text("\n".join(lines)))
    console.print(
        Text(
            msg(
                "ingest.index",
                lang,
                documents=index.get("documents", 0),
                references=index.get("references", 0),
                unresolved=index.get("unresolved", 0),
                files=index.get("files", 0),
            )
        ),
        Text("  "),
        safe(str(db_path)),
        sep="",
        soft_wrap=True,
    )
    for encoding, paths in sorted(summary.encodings.items()):
        console.print(Text(msg("ingest.decoded", lang, encoding=encoding, n=len(paths))))
        for path in paths[:10]:
            console.print(Text("  "), safe(path), sep="", soft_wrap=True)
        if len(paths) > 10:
            console.print(Text(msg("ingest.more", lang, n=len(paths) - 10)))
    if summary.failed:
        console.print(Text(msg("ingest.failed_files", lang, n=len(summary.failed))))
        for path, reason in summary.failed:
            console.print(Text("  "), safe(path), Text(": "), safe(reason), sep="", soft_wrap=True)
