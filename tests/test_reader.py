"""reader.py: document bytes to text, in the encodings Vietnamese offices actually use,
and one clear InputError naming the file for everything that is not a readable text.
"""

from __future__ import annotations

import codecs
import itertools
import os
import unicodedata
from pathlib import Path

import pytest
from conftest import SAMPLE_FILES

from qcdc_cli.errors import InputError, QcdcError
from qcdc_cli.extract.text import extract_text
from qcdc_cli.knowledge.vocabulary import Vocabulary
from qcdc_cli.read.files import decode_bytes, read_document

PLAN = (
    "TỈNH ỦY THỪA THIÊN HUẾ\n"
    "Số 62-KH/TU\n"
    "Thành phố Huế, ngày 30 tháng 7 năm 2010\n\n"
    "KẾ HOẠCH\nvề tiếp tục thực hiện Chỉ thị 30-CT/TW của Bộ Chính trị (khóa VIII)\n\n"
    "Thực hiện Kết luận 65-KL/TW, ngày 04/3/2010 của Ban Bí thư Trung ương Đảng; "
    "căn cứ Nghị định số 04/2015/NĐ-CP ngày 09/01/2015 của Chính phủ.\n"
)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes for Vietnamese text.

    cp1258 has the base letters (Â Ê Ô Ă Ơ Ư Đ) but not the toned vowels: tones are
    combining marks. Python's codec does not decompose, so each toned letter is split
    into its cp1258 base letter plus tone marks here, as Vietnamese Windows software writes it.
    """
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for order in itertools.permutations(marks):
            for k in range(len(order), -1, -1):
                composed = unicodedata.normalize("NFC", base + "".join(order[:k])) + "".join(order[k:])
                try:
                    out.append(composed.encode("cp1258"))
                    break
                except UnicodeEncodeError:
                    continue
            else:
                continue
            break
        else:
            raise ValueError(f"{ch!r} has no cp1258 form")
    return b"".join(out)


def summary(text: str, vocab: Vocabulary) -> tuple[object, ...]:
    """What extraction reads, without offsets (decoded texts differ in length)."""
    ex = extract_text(text, vocab)
    refs = sorted((r.number, r.relation, r.date, r.issuer) for r in ex.references)
    return ex.self.number, ex.self.date, ex.self.province, refs


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---- encodings ----


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(PLAN.encode("utf-8"), "utf-8", id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + PLAN.encode("utf-8"), "utf-8-sig", id="utf-8-bom"),
        pytest.param(PLAN.encode("utf-16"), "utf-16", id="utf-16-bom"),
        pytest.param(codecs.BOM_UTF16_BE + PLAN.encode("utf-16-be"), "utf-16", id="utf-16-be-bom"),
        pytest.param(PLAN.encode("utf-32"), "utf-32", id="utf-32-bom"),
    ],
)
def test_decodes_unicode_files(tmp_path: Path, vocab: Vocabulary, data: bytes, encoding: str) -> None:
    decoded = read_document(write(tmp_path, "plan.txt", data))
    assert decoded.encoding == encoding
    assert decoded.text == PLAN  # the BOM is not part of the text
    assert summary(decoded.text, vocab) == summary(PLAN, vocab)
    assert summary(PLAN, vocab)[0] == "62-KH/TU"


def test_crlf_file_keeps_its_line_ends(tmp_path: Path) -> None:
    crlf = PLAN.replace("\n", "\r\n")
    decoded = read_document(write(tmp_path, "plan.txt", crlf.encode("utf-8")))
    assert decoded.text == crlf  # offsets point into the file as it is


def test_crlf_file_extracts_like_lf(vocab: Vocabulary) -> None:
    crlf = PLAN.replace("\n", "\r\n")
    assert summary(crlf, vocab) == summary(PLAN, vocab)
    reported = extract_text(crlf, vocab).reported_relations
    assert [(r.source, r.relation, r.target) for r in reported] == []


def test_decodes_windows_1258(tmp_path: Path, vocab: Vocabulary) -> None:
    data = to_cp1258(PLAN)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test is about the fallback, so the bytes must not be UTF-8
    decoded = read_document(write(tmp_path, "plan.txt", data))
    assert decoded.encoding == "cp1258"
    assert decoded.text != PLAN  # combining tone marks ...
    assert unicodedata.normalize("NFC", decoded.text) == PLAN  # ... that compose back
    assert summary(decoded.text, vocab) == summary(PLAN, vocab)


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.stem)
def test_windows_1258_samples_extract_like_utf8(tmp_path: Path, vocab: Vocabulary, sample: Path) -> None:
    """Every seed text, re-encoded the legacy way, reads the same numbers, dates and relations."""
    text = sample.read_text(encoding="utf-8")
    decoded = read_document(write(tmp_path, sample.name, to_cp1258(text)))
    assert decoded.encoding == "cp1258"
    assert summary(decoded.text, vocab) == summary(text, vocab)


def test_windows_1258_spans_point_into_the_decoded_text(vocab: Vocabulary) -> None:
    decoded = decode_bytes(to_cp1258(PLAN))
    ex = extract_text(decoded.text, vocab)
    assert ex.references
    for ref in ex.references:
        for m in ref.mentions:
            assert decoded.text[m.start : m.end] == m.as_written


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_decodes_utf16_without_bom(tmp_path: Path, vocab: Vocabulary, encoding: str) -> None:
    decoded = read_document(write(tmp_path, "plan.txt", PLAN.encode(encoding)))
    assert decoded.encoding == encoding
    assert decoded.text == PLAN
    assert summary(decoded.text, vocab) == summary(PLAN, vocab)


def test_decodes_ascii_utf16_le_without_bom(tmp_path: Path) -> None:
    text = "So 62-KH/TU\nThuc hien Ket luan 65-KL/TW\n"
    decoded = read_document(write(tmp_path, "plan.txt", text.encode("utf-16-le")))
    assert decoded.text == text


def test_decodes_utf16_le_without_bom_when_it_opens_with_latin1(tmp_path: Path) -> None:
    """The case the current heuristic does catch: the first 32 characters are all below U+0100."""
    text = "-" * 40 + "\n" + PLAN
    decoded = read_document(write(tmp_path, "plan.txt", text.encode("utf-16-le")))
    assert decoded.encoding == "utf-16-le"
    assert decoded.text == text


# ---- what is not a readable text: one InputError naming the file ----


def assert_input_error(excinfo: pytest.ExceptionInfo[InputError], path: Path, problem: str) -> None:
    err = excinfo.value
    assert isinstance(err, QcdcError) and err.exit_code == 2
    assert err.path == str(path)
    assert problem in err.problem
    message = str(err)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message  # one line on stderr


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(b"", "empty file", id="empty"),
        pytest.param(b" \n\t\r\n", "empty file", id="whitespace-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20, "binary", id="png"),
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)) * 8, "not a readable PDF", id="pdf-like"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "a ZIP archive, not a Word document", id="zip-docx"),
        pytest.param(codecs.BOM_UTF8 + b"\xff\xfe\xfd", "not valid utf-8-sig", id="bad-bytes-after-bom"),
    ],
)
def test_unreadable_content(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(InputError) as excinfo:
        read_document(path)
    assert_input_error(excinfo, path, problem)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as excinfo:
        read_document(tmp_path)
    assert_input_error(excinfo, tmp_path, "is a directory")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "không-có.txt"
    with pytest.raises(InputError) as excinfo:
        read_document(path)
    assert_input_error(excinfo, path, "no such file")


def test_permission_denied(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.txt", PLAN.encode("utf-8"))
    path.chmod(0)
    try:
        try:
            with path.open("rb"):
                pytest.skip("chmod 000 does not deny reading here (running as root)")
        except PermissionError:
            pass
        with pytest.raises(InputError) as excinfo:
            read_document(path)
        assert_input_error(excinfo, path, "permission denied")
    finally:
        path.chmod(0o600)


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", PLAN.encode("utf-8"))
    size = os.path.getsize(path)
    with pytest.raises(InputError) as excinfo:
        read_document(path, max_bytes=size - 1)
    assert_input_error(excinfo, path, "too large")
    assert str(size) in excinfo.value.problem
    assert read_document(path, max_bytes=size).text == PLAN  # the limit itself is allowed


def test_decode_bytes_names_its_source() -> None:
    with pytest.raises(InputError) as excinfo:
        decode_bytes(b"\x00\x01\x02\x03" * 10, "upload #3")
    assert str(excinfo.value).startswith("upload #3: ")
