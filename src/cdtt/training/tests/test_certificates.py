"""Certificates: the public answer (API and page), masking, revocation, unknown codes, the PDF
and the whole course's job."""

import pytest

from cdtt.training import services
from cdtt.training.certificates import certificate_docx, mask_name
from cdtt.training.models import Completion
from cdtt.training.tests.factories import Training


@pytest.fixture
def done(tree, make_user):
    t = Training(tree, make_user)
    services.enrol(actor=t.user, course=t.course, person=t.person)
    services.attendance_set(actor=t.officer, session=t.session, person=t.person, present=True)
    services.test_submit(actor=t.user, course=t.course, person=t.person, answers=t.right_answers())
    t.completion = Completion.objects.get()
    return t


def test_mask_name():
    assert mask_name("Nguyễn Văn An") == "Nguyễn V. A**"
    assert mask_name("An") == "A***"


def test_the_api_answers_anyone_with_the_name_masked(client, done):
    response = client.get(f"/api/v1/certificates/{done.completion.code}")
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is True
    assert data["holder"] == "Nguyễn V. A**"
    assert "Nguyễn Văn An" not in response.content.decode()
    assert data["course"] == done.course.title
    assert data["issuer"] == done.organizer.name


def test_an_unknown_code_is_404(client, db):
    assert client.get("/api/v1/certificates/ZZZZ-ZZZZ").status_code == 404
    page = client.get("/verify/ZZZZ-ZZZZ")
    assert page.status_code == 404
    assert "Không có giấy chứng nhận" in page.content.decode()


def test_a_revoked_certificate_says_so(client, done):
    services.completion_revoke(actor=done.officer, completion=done.completion, reason="Cấp nhầm")
    assert client.get(f"/api/v1/certificates/{done.completion.code}").json()["valid"] is False
    page = client.get(f"/verify/{done.completion.code}").content.decode()
    assert "đã bị thu hồi" in page


def test_the_public_page_shows_a_valid_certificate(client, done):
    page = client.get(f"/verify/{done.completion.code.lower()}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "còn hiệu lực" in text and "Nguyễn V. A**" in text and "Nguyễn Văn An" not in text


def test_the_certificate_document_carries_the_code_and_a_qr(done):
    from io import BytesIO

    from docx import Document

    doc = Document(BytesIO(certificate_docx(done.completion)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert done.completion.code in text and "GIẤY CHỨNG NHẬN" in text.upper()
    assert doc.inline_shapes  # the QR code


def test_revoked_certificates_leave_the_members_trained(done):
    from cdtt.figures.catalogue import figures_of

    assert figures_of(done.tree.commune, codes=["members_trained"]) == {"members_trained": 1}
    services.completion_revoke(actor=done.officer, completion=done.completion, reason="Cấp nhầm")
    assert figures_of(done.tree.commune, codes=["members_trained"]) == {"members_trained": 0}
