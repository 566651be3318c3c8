"""The one PDF path: LibreOffice converts the DOCX; the Vietnamese letters survive, concurrent
conversions do not collide, and a missing, failing or hung LibreOffice is a clear error.

Every document type of the catalog goes through it: the PDF's words are the DOCX's, in embedded
fonts that cover Vietnamese. The conversions run wherever LibreOffice is installed; under CI or CDTT_PDF_REQUIRED=1 (set by
scripts/test, whose set-up installs it) a missing LibreOffice fails them instead of skipping."""

import io
import os
import shutil
import subprocess
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from docx import Document

from cdtt.documents.builder import build_docx
from cdtt.documents.pdf import PdfError, docx_to_pdf, soffice

from .catalog import SAMPLES
from .samples import SIGNER, sample_document
from .test_every_document import all_text

REQUIRED = os.environ.get("CI") == "true" or os.environ.get("CDTT_PDF_REQUIRED") == "1"
needs_libreoffice = pytest.mark.skipif(
    not REQUIRED and not (soffice() and shutil.which("pdftotext")),
    reason="LibreOffice or pdftotext not installed (./scripts/setup installs them)",
)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    return " ".join(unicodedata.normalize("NFC", text).split())


def _fonts(pdf: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout
    return [line.split() for line in out.decode().splitlines()[2:]]


@needs_libreoffice
def test_concurrent_conversions_keep_every_vietnamese_letter(tmp_path):
    documents = [
        build_docx(sample_document()),
        build_docx(sample_document(number="12", summary=["Kết quả ngày thứ hai"])),
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(docx_to_pdf, documents))
    for n, pdf in enumerate(pdfs):
        assert pdf.startswith(b"%PDF")
        text = _text(pdf, tmp_path)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Cộng hòa xã hội chủ nghĩa Việt Nam".upper() in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text
        assert "Thanh Hóa, ngày 05 tháng 02 năm 2026" in text
        assert SIGNER in text and "Nơi nhận:" in text and "Lưu: VT, SKHCN." in text
        assert ("Số: 07/BC-SKHCN" if n == 0 else "Số: 12/BC-SKHCN") in text
    # Every font is embedded (the reader needs none of its own to show the letters), and the
    # serif standing in for Times New Roman had every letter: no fallback font was needed.
    fonts = _fonts(pdfs[0], tmp_path)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column
    assert all("LiberationSerif" in row[0] or "TimesNewRoman" in row[0] for row in fonts), fonts


def test_a_missing_libreoffice_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CDTT_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(PdfError, match="chưa cài LibreOffice"):
        docx_to_pdf(build_docx(sample_document()))


def test_a_failing_or_hung_libreoffice_is_a_clear_error(monkeypatch, tmp_path):
    failing = tmp_path / "failing"
    failing.write_text("#!/bin/sh\nexit 3\n")
    hung = tmp_path / "hung"
    hung.write_text("#!/bin/sh\nsleep 30\n")
    for script in (failing, hung):
        script.chmod(0o755)
    monkeypatch.setenv("CDTT_SOFFICE", str(failing))
    with pytest.raises(PdfError, match="không chuyển được"):
        docx_to_pdf(b"not a document")
    monkeypatch.setenv("CDTT_SOFFICE", str(hung))
    with pytest.raises(PdfError, match="sau 1 giây"):
        docx_to_pdf(b"not a document", timeout=1)


def _words(text: str) -> Counter:
    return Counter(unicodedata.normalize("NFC", text).split())


@needs_libreoffice
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_the_pdf_says_what_the_docx_says_in_fonts_that_cover_vietnamese(sample, tmp_path):
    data = build_docx(sample.make())
    pdf = docx_to_pdf(data)
    expected = _words("\n".join(all_text(Document(io.BytesIO(data)))))
    got = _words(_text(pdf, tmp_path))
    # The same words, each as often (the reading order of table cells may differ); only page
    # numbers (from page 2) and the rules under header lines are the PDF's own.
    extra = got - expected
    assert all(w.isdigit() or set(w) == {"─"} for w in extra), extra
    assert not expected - got, expected - got
    fonts = _fonts(pdf, tmp_path)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts
    # The embedded serif is one fontconfig knows to cover Vietnamese.
    covering = subprocess.run(
        ["fc-list", ":lang=vi", "family"], capture_output=True, check=True, text=True
    ).stdout
    for row in fonts:
        family = row[0].split("+")[-1].split("-")[0]  # "ABCDEF+LiberationSerif-Bold"
        assert family.replace(" ", "") in covering.replace(" ", ""), (family, covering)
