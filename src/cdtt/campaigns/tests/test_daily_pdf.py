"""The daily report as PDF beside the DOCX: the same document through the one PDF path."""

import subprocess
import unicodedata

import pytest
from django.urls import reverse

from cdtt.documents.services import letterhead_create
from cdtt.documents.tests.test_pdf import needs_libreoffice

pytestmark = pytest.mark.django_db


@needs_libreoffice
def test_the_daily_report_downloads_as_pdf(field, make_user, login, client, tmp_path):
    admin = make_user("province_admin", field.tree.province)
    head = letterhead_create(
        actor=admin,
        unit=field.tree.province,
        name="Sở KH&CN",
        governing_body="UBND tỉnh Thanh Hóa",
        place="Thanh Hóa",
        signer_name="Trương Văn Đức",
    )
    field.campaign.letterhead = head
    field.campaign.save()
    url = reverse("campaigns:daily", args=[field.campaign.pk])
    page = login(admin).get(url).content.decode()
    assert 'name="format" value="pdf"' in page and "Sở KH&amp;CN" in page
    r = login(admin).get(url, {"format": "pdf", "number": "3"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].endswith('.pdf"')
    path = tmp_path / "report.pdf"
    path.write_bytes(r.content)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    text = " ".join(unicodedata.normalize("NFC", text).split())
    assert "Số: 03/BC-SKHCN" in text and "Trương Văn Đức" in text
    assert f"chiến dịch «{field.campaign.name}»" in text
    # A sibling unit's officer and anonymous users get no report.
    sibling = make_user("commune_officer", field.tree.sibling_commune)
    assert login(sibling).get(url, {"format": "pdf", "unit": "16000"}).status_code == 404
    client.logout()
    assert client.get(url, {"format": "pdf"}).status_code == 302


def test_without_libreoffice_the_page_says_so(field, make_user, login, monkeypatch):
    monkeypatch.setenv("CDTT_SOFFICE", "/nonexistent/soffice")
    admin = make_user("province_admin", field.tree.province)
    url = reverse("campaigns:daily", args=[field.campaign.pk])
    r = login(admin).get(url, {"format": "pdf"})
    assert r.status_code == 503 and r["Content-Type"].startswith("text/html")
    assert "chưa cài LibreOffice" in r.content.decode() and 'role="alert"' in r.content.decode()
    # The Word report is still there.
    assert login(admin).get(url, {"format": "docx"}).status_code == 200
