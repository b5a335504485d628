"""Legacy Word (.doc), RTF and OpenDocument through an external converter.

LibreOffice (`soffice --headless --convert-to docx`) turns them into .docx, read like
any other (tables, headers and all); without it, antiword reads .doc as plain text. Each
run gets its own LibreOffice profile (parallel ingest workers must not share one) and a
time limit: a file that makes the converter hang is killed and reported, not waited on.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from qcdc_cli.errors import InputError

TIME_LIMIT = 60.0  # seconds; LibreOffice converts a 50-page .doc in ~3 s here
_NAMES = {"doc": "legacy Word (.doc)", "rtf": "RTF", "odt": "OpenDocument"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, kind: str, source: str, time_limit: float = TIME_LIMIT) -> bytes:
    """The .docx LibreOffice makes of `data`; InputError if it is missing, fails or hangs."""
    program = soffice()
    if program is None:
        hint = " or antiword" if kind == "doc" else ""
        raise InputError(source, f"reading {_NAMES[kind]} files needs LibreOffice (soffice){hint}; it is not installed")
    with tempfile.TemporaryDirectory(prefix="qcdc-convert-") as tmp:
        folder = Path(tmp)
        src = folder / f"in.{kind}"
        src.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(folder / "out"),
            str(src),
        ]
        _run(command, source, time_limit, "LibreOffice")
        out = folder / "out" / "in.docx"
        if not out.is_file():
            raise InputError(source, f"LibreOffice could not convert this {_NAMES[kind]} file")
        return out.read_bytes()


def antiword_text(data: bytes, source: str, time_limit: float = TIME_LIMIT) -> str | None:
    """The text antiword reads from a .doc, or None when antiword is not installed."""
    program = shutil.which("antiword")
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="qcdc-antiword-") as tmp:
        src = Path(tmp) / "in.doc"
        src.write_bytes(data)
        out = _run([program, "-m", "UTF-8.txt", "-w", "0", str(src)], source, time_limit, "antiword")
    return out.decode("utf-8", "replace")


def _run(command: list[str], source: str, time_limit: float, name: str) -> bytes:
    """Run a converter in its own process group; kill the whole group past `time_limit`."""
    env = {**os.environ, "HOME": os.environ.get("HOME", tempfile.gettempdir())}
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    ) as proc:
        try:
            out, err = proc.communicate(timeout=time_limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise InputError(source, f"{name} took longer than {time_limit:g} s; stopped") from None
    if proc.returncode != 0:
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise InputError(source, f"{name} failed ({message[-1] if message else f'exit {proc.returncode}'})")
    return out
