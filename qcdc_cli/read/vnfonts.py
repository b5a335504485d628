"""Pre-Unicode Vietnamese fonts to Unicode, through viparse's tables (MIT; imported lazily).

Offices typed in TCVN3 (ABC: .VnTime, .VnArial) and VNI (VNI-Times) fonts until the
2000s: the bytes are Latin-1 letters that only look Vietnamese in that font, so a number
reads right while "ngày 05 tháng 3" reads "ngµy 05 th¸ng 3" and dates are lost. Word files
name the font of every run; PDFs are judged by their text.
"""

from __future__ import annotations

NAMES = {"tcvn3": "TCVN3 (.VnTime)", "vni": "VNI"}


def legacy_encoding(font: str) -> str | None:
    """ "tcvn3" or "vni" for a legacy font's name, else None."""
    name = font.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith(("vni-", "vni ")):
        return "vni"
    return None


def convert(text: str, encoding: str) -> str:
    """`text` written in `encoding` ("tcvn3", "vni") as Unicode (NFC)."""
    import viparse  # type: ignore[import-untyped]

    return viparse.fix(text, encoding=encoding)


def looks_legacy(text: str, encoding: str) -> bool:
    """Whether one line is written in `encoding`: it has that encoding's letters and no
    other non-ASCII character (a Unicode Vietnamese line has ư, ơ, ă, đ, ộ ... outside it),
    so a file mixing a Unicode header with a .VnTime body converts the body only."""
    from viparse.normalize.encodings import CHARMAPS  # type: ignore[import-untyped]

    letters = {ch for source, _ in CHARMAPS[encoding].pairs for ch in source}
    foreign = {ch for ch in text if ord(ch) > 127}
    return bool(foreign) and foreign <= letters


def detect(text: str) -> str | None:
    """The legacy encoding a whole text is in ("tcvn3", "vni"), or None for Unicode."""
    import viparse

    found = viparse.detect_text_encoding(text)
    return found if found in NAMES else None
