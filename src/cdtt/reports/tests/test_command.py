"""cdtt report build (DESIGN.md §10): the DOCX, the annex and the PDF, exit 0; bad dates refused."""

import io
import os

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from cdtt.documents.pdf import soffice

from .factories import days_ago
from .test_content import docx_text

pytestmark = pytest.mark.django_db
REQUIRED = os.environ.get("CI") == "true" or os.environ.get("CDTT_PDF_REQUIRED") == "1"


def build(*args):
    out = io.StringIO()
    call_command("report", "build", *args, stdout=out)
    return out.getvalue()


def test_build_writes_the_docx_and_the_annex(tree, data, tmp_path):
    docx, annex = tmp_path / "bc.docx", tmp_path / "pl.xlsx"
    said = build(
        "--kind", "ministry", "--unit", "38",
        "--from", f"{data.period_from:%d/%m/%Y}", "--to", f"{data.period_to:%d/%m/%Y}",
        "--cutoff", f"{data.cutoff:%d/%m/%Y}",
        "-o", str(docx), "--annex", str(annex), "--number", "5",
    )  # fmt: skip
    assert "Tỉnh Thanh Hóa" in said
    text = docx_text(docx.read_bytes())
    assert "Số: 05/BC-SKHCN" in text and "1 Tổ công nghệ số cộng đồng" in text
    rows = list(load_workbook(annex).active.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["401", "400", "38"]


def test_the_cut_off_defaults_to_the_end_of_the_period(tree, data, tmp_path):
    docx = tmp_path / "bc.docx"
    build("--kind", "chairman", "--unit", "400", "--from", f"{days_ago(30):%d/%m/%Y}",
          "--to", f"{data.cutoff:%d/%m/%Y}", "-o", str(docx))  # fmt: skip
    assert f"số liệu tính đến hết ngày {data.cutoff:%d/%m/%Y}" in docx_text(docx.read_bytes())


@pytest.mark.parametrize(
    ("start", "cutoff", "message"),
    [(10, -2, "tương lai"), (10, 12, "trước ngày bắt đầu"), (10, "32/13/2024", "dd/mm/yyyy")],
)
def test_bad_dates_are_refused(tree, tmp_path, start, cutoff, message):
    cut = cutoff if isinstance(cutoff, str) else f"{days_ago(cutoff):%d/%m/%Y}"
    with pytest.raises(CommandError, match=message):
        build("--kind", "campaign", "--unit", "38", "--from", f"{days_ago(start):%d/%m/%Y}",
              "--to", f"{days_ago(1):%d/%m/%Y}", "--cutoff", cut, "-o", str(tmp_path / "x.docx"))  # fmt: skip
    assert not (tmp_path / "x.docx").exists()


@pytest.mark.skipif(not REQUIRED and not soffice(), reason="LibreOffice not installed")
def test_build_writes_the_pdf(tree, tmp_path):
    pdf = tmp_path / "bc.pdf"
    build("--kind", "ministry", "--unit", "38", "--from", f"{days_ago(9):%d/%m/%Y}",
          "--to", f"{days_ago(1):%d/%m/%Y}", "-o", str(tmp_path / "bc.docx"), "--pdf", str(pdf))  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
