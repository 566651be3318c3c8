"""The letterhead of the daily report: a letterhead record the campaign form picks (checked with
someone allowed, someone of a sibling unit, and someone anonymous), printed in the DOCX with the
number and the signer typed on the daily summary page."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cdtt.audit.models import AuditEntry
from cdtt.campaigns.forms import CampaignForm
from cdtt.campaigns.models import Campaign
from cdtt.campaigns.reports import report_letterhead
from cdtt.campaigns.services import campaign_create, campaign_update
from cdtt.documents.models import DEFAULT_RECIPIENTS
from cdtt.documents.services import letterhead_create, letterhead_update
from cdtt.documents.text import in_sentence
from cdtt.geo.models import Level
from cdtt.testing import make_unit

pytestmark = pytest.mark.django_db

LETTERHEAD = {
    "name": "Văn phòng UBND tỉnh",
    "governing_body": "UBND tỉnh Thanh Hóa",
    "issuing_body": "Văn phòng UBND tỉnh Thanh Hóa",
    "symbol": "vpubnd",
    "place": "Thanh Hóa",
    "signer_authority": "KT. CHÁNH VĂN PHÒNG",
    "signer_title": "Phó Chánh Văn phòng",
    "signer_name": "Lê Thị Hoa",
    "recipients": "- Bộ Khoa học và Công nghệ (để b/c);\r\n\r\n  Thường trực Tỉnh ủy (để b/c);\r\n",
}


def _post(field, **changes):
    """The campaign form as the browser posts it: the campaign's own values, and changes."""
    c = field.campaign
    return {
        "name": c.name,
        "description": c.description,
        "starts_on": c.starts_on.strftime("%d/%m/%Y"),
        "ends_on": c.ends_on.strftime("%d/%m/%Y"),
        "status": c.status,
        "scope_units": [u.pk for u in c.scope_units.all()],
        "services": [s.pk for s in c.services.all()],
        "letterhead": c.letterhead_id or "",
        **changes,
    }


def _letterhead(admin, field, **fields):
    return letterhead_create(actor=admin, unit=field.tree.province, **{**LETTERHEAD, **fields})


def _docx(response):
    from docx import Document

    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(response.content))
    header = [p.text for row in doc.tables[0].rows for c in row.cells for p in c.paragraphs]
    sign = [p.text for c in doc.tables[-1].rows[0].cells for p in c.paragraphs]
    body = "\n".join(p.text for p in doc.paragraphs)
    return header, sign, body


def test_a_campaign_without_a_letterhead_reports_under_the_departments(field):
    c = Campaign.objects.get(pk=field.campaign.pk)
    assert c.letterhead is None
    head = report_letterhead(c, field.tree.commune)
    assert head.issuing_body == "Sở Khoa học và Công nghệ" and head.symbol == "SKHCN"
    assert (head.signer_authority, head.signer_title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    assert head.signer_name == "" and head.recipients == DEFAULT_RECIPIENTS
    assert head.governing_body == "UBND Tỉnh Thanh Hóa" and head.place == "Thanh Hóa"


def test_the_campaign_form_picks_a_letterhead(field, make_user, login):
    admin = make_user("province_admin", field.tree.province)
    head = _letterhead(admin, field)
    url = reverse("campaigns:edit", args=[field.campaign.pk])
    page = login(admin).get(url).content.decode()
    assert 'name="letterhead"' in page and "Văn phòng UBND tỉnh" in page
    r = login(admin).post(url, _post(field, letterhead=head.pk))
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Campaign.objects.get(pk=field.campaign.pk)
    assert c.letterhead == head
    # The rest of the campaign is as it was, and the change is in the audit log.
    assert c.name == field.campaign.name and c.starts_on == field.campaign.starts_on
    assert c.services.count() == 2
    entry = AuditEntry.objects.filter(action="campaign.update").latest("id")
    assert entry.changes["letterhead"] == "Văn phòng UBND tỉnh" and "name" not in entry.changes
    # Cleared, the report goes back to the Department's letterhead.
    r = login(admin).post(url, _post(field, letterhead=""))
    assert r.status_code == 302
    assert Campaign.objects.get(pk=field.campaign.pk).letterhead is None


def test_a_new_campaign_takes_a_letterhead_of_its_creators_scope_only(field, make_user, login):
    admin = make_user("province_admin", field.tree.province)
    head = _letterhead(admin, field)
    page = login(admin).get(reverse("campaigns:new")).content.decode()
    assert 'name="letterhead"' in page
    c = campaign_create(
        actor=admin,
        name="Chiến dịch có phần đầu văn bản",
        starts_on=field.campaign.starts_on,
        ends_on=field.campaign.ends_on,
        scope_units=[field.tree.province],
        letterhead=head,
    )
    c.refresh_from_db()
    assert c.letterhead == head
    # A letterhead of another province is refused by the service and absent from the form.
    neighbour = make_unit("40", "Nghệ An", Level.PROVINCE)
    other_admin = make_user("province_admin", neighbour)
    theirs = letterhead_create(actor=other_admin, unit=neighbour, **LETTERHEAD)
    with pytest.raises(ValidationError):
        campaign_create(
            actor=admin,
            name="Mẫu của tỉnh khác",
            starts_on=field.campaign.starts_on,
            ends_on=field.campaign.ends_on,
            scope_units=[field.tree.province],
            letterhead=theirs,
        )
    assert not Campaign.objects.filter(name="Mẫu của tỉnh khác").exists()
    form = CampaignForm(instance=field.campaign, user=admin)
    assert list(form.fields["letterhead"].queryset) == [head]
    url = reverse("campaigns:edit", args=[field.campaign.pk])
    r = login(admin).post(url, _post(field, letterhead=theirs.pk))
    assert r.status_code == 200 and "letterhead" in r.context["form"].errors
    assert Campaign.objects.get(pk=field.campaign.pk).letterhead is None


def test_a_sibling_unit_and_anonymous_cannot_change_the_letterhead(field, make_user, login, client):
    admin = make_user("province_admin", field.tree.province)
    head = _letterhead(admin, field)
    url = reverse("campaigns:edit", args=[field.campaign.pk])
    data = _post(field, letterhead=head.pk)
    # The province admin of a neighbouring province: the campaign is not theirs.
    neighbour = make_unit("40", "Nghệ An", Level.PROVINCE)
    other_admin = make_user("province_admin", neighbour)
    assert login(other_admin).get(url).status_code == 404
    assert login(other_admin).post(url, data).status_code == 404
    # An officer of the sibling commune (inside the campaign's area) may not edit campaigns.
    sibling = make_user("commune_officer", field.tree.sibling_commune)
    assert login(sibling).get(url).status_code == 403
    assert login(sibling).post(url, data).status_code == 403
    client.logout()
    r = client.post(url, data)
    assert r.status_code == 302 and "/login" in r["Location"]
    assert Campaign.objects.get(pk=field.campaign.pk).letterhead is None
    assert not AuditEntry.objects.filter(action="campaign.update").exists()


def test_the_docx_carries_the_stored_letterhead_and_the_number(field, make_user, login, client):
    admin = make_user("province_admin", field.tree.province)
    head = _letterhead(
        admin,
        field,
        issuing_body="Sở Khoa học và Công nghệ",
        symbol="SKHCN",
        signer_authority="KT. GIÁM ĐỐC",
        signer_title="Phó Giám đốc",
        signer_name="Nguyễn Văn Ký",
        recipients="Bộ Khoa học và Công nghệ (để b/c);\nCác Sở, ban, ngành;",
    )
    assert (
        login(admin)
        .post(reverse("campaigns:edit", args=[field.campaign.pk]), _post(field, letterhead=head.pk))
        .status_code
        == 302
    )
    url = reverse("campaigns:daily", args=[field.campaign.pk])
    page = login(admin).get(url).content.decode()
    assert 'name="number"' in page and 'value="Nguyễn Văn Ký"' in page  # the stored signer

    header, sign, body = _docx(login(admin).get(url, {"format": "docx", "number": " 125 "}))
    assert header[:2] == ["UBND TỈNH THANH HÓA", "SỞ KHOA HỌC VÀ CÔNG NGHỆ"]
    assert "Số: 125/BC-SKHCN" in header
    assert "Sở Khoa học và Công nghệ báo cáo kết quả" in body
    assert sign[0] == "Nơi nhận:"
    assert "- Bộ Khoa học và Công nghệ (để b/c);" in sign and "- Các Sở, ban, ngành;" in sign
    assert "- Lưu: VT, SKHCN." in sign
    assert "KT. GIÁM ĐỐC" in sign and "PHÓ GIÁM ĐỐC" in sign and "Nguyễn Văn Ký" in sign

    # No number: blank for the clerk. Numbers below 10 take a leading zero (Decree 30).
    header, _, _ = _docx(login(admin).get(url, {"format": "docx", "number": ""}))
    assert "Số:      /BC-SKHCN" in header
    header, _, _ = _docx(login(admin).get(url, {"format": "docx", "number": "5"}))
    assert "Số: 05/BC-SKHCN" in header
    # The signer typed on the page wins; cleared, the name is left to be written by hand.
    _, sign, _ = _docx(login(admin).get(url, {"format": "docx", "signer": "Trần Thị Thay"}))
    assert "Trần Thị Thay" in sign and "Nguyễn Văn Ký" not in sign
    _, sign, _ = _docx(login(admin).get(url, {"format": "docx", "signer": ""}))
    assert "Nguyễn Văn Ký" not in sign
    # Officers who may not edit the campaign still download it; a sibling unit's may not.
    _, sign, _ = _docx(login(field.officer).get(url, {"format": "docx"}))
    assert "Nguyễn Văn Ký" in sign
    sibling = make_user("commune_officer", field.tree.sibling_commune)
    assert login(sibling).get(url, {"format": "docx", "unit": "16000"}).status_code == 404
    client.logout()
    assert client.get(url, {"format": "docx"}).status_code == 302


def test_a_report_of_the_peoples_committee_has_no_governing_body_line(field, make_user, login):
    admin = make_user("province_admin", field.tree.province)
    head = _letterhead(
        admin,
        field,
        issuing_body="ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
        symbol="UBND",
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="KT. CHỦ TỊCH",
    )
    campaign_update(actor=admin, campaign=field.campaign, letterhead=head)
    url = reverse("campaigns:daily", args=[field.campaign.pk])
    header, sign, body = _docx(login(admin).get(url, {"format": "docx"}))
    assert header[0] == "ỦY BAN NHÂN DÂN TỈNH THANH HÓA" and "UBND TỈNH THANH HÓA" not in header
    assert "Số:      /BC-UBND" in header and "TM. ỦY BAN NHÂN DÂN" in sign
    assert "Ủy ban nhân dân tỉnh thanh hóa báo cáo" in body
    # No signing authority: the signer's title heads the signature block.
    letterhead_update(actor=admin, letterhead=head, signer_authority="")
    _, sign, _ = _docx(login(admin).get(url, {"format": "docx"}))
    right = sign[sign.index("- Lưu: VT, UBND.") + 1 :]
    assert right[0] == "KT. CHỦ TỊCH"


@pytest.mark.parametrize(
    "params",
    [
        {"number": "12a"},
        {"number": "0"},
        {"number": "-3"},
        {"number": "1234567"},
        {"number": "١٢"},  # Arabic-Indic digits
        {"signer": "N" * 121},
        {"signer": "Lê\x00Văn"},
        {"signer": "Lê\x1bVăn"},
    ],
)
def test_a_bad_number_or_signer_is_a_form_error_not_a_crash(field, make_user, login, params):
    admin = make_user("province_admin", field.tree.province)
    url = reverse("campaigns:daily", args=[field.campaign.pk])
    r = login(admin).get(url, {"format": "docx", **params})
    assert r.status_code == 422 and r["Content-Type"].startswith("text/html")
    assert r.context["report_form"].errors and 'role="alert"' in r.content.decode()


def test_an_issuer_typed_in_capitals_reads_well_in_a_sentence():
    assert in_sentence("SỞ KHOA HỌC VÀ CÔNG NGHỆ") == "Sở khoa học và công nghệ"
    assert in_sentence("VĂN PHÒNG HĐND TỈNH") == "Văn phòng HĐND tỉnh"
    assert in_sentence("UBND TỈNH") == "UBND tỉnh"
    assert in_sentence("Sở Khoa học và Công nghệ") == "Sở Khoa học và Công nghệ"
