"""The letterhead of the daily report (issuer, symbol, signer, recipients): stored per campaign,
edited on the campaign form by whoever may edit the campaign (checked with someone allowed,
someone of a sibling unit, and someone anonymous), and printed in the DOCX with the number and
the signer typed on the daily summary page."""

import io

import pytest
from django.urls import reverse

from cdtt.audit.models import AuditEntry
from cdtt.campaigns.forms import CampaignForm
from cdtt.campaigns.models import DEFAULT_RECIPIENTS, LETTERHEAD_FIELDS, Campaign
from cdtt.campaigns.reports import in_sentence
from cdtt.campaigns.services import Refused, campaign_create, campaign_update
from cdtt.geo.models import Level
from cdtt.testing import make_unit

pytestmark = pytest.mark.django_db

LETTERHEAD = {
    "report_issuing_body": "Văn phòng UBND tỉnh Thanh Hóa",
    "report_symbol": "vpubnd",
    "report_signer_authority": "KT. CHÁNH VĂN PHÒNG",
    "report_signer_title": "Phó Chánh Văn phòng",
    "report_signer_name": "Lê Thị Hoa",
    "report_recipients": "- Bộ Khoa học và Công nghệ (để b/c);\r\n\r\n  Thường trực Tỉnh ủy (để b/c);\r\n",
}


def _post(field, **letterhead):
    """The campaign form as the browser posts it: the campaign's own values, and a letterhead."""
    c = field.campaign
    return {
        "name": c.name,
        "description": c.description,
        "starts_on": c.starts_on.strftime("%d/%m/%Y"),
        "ends_on": c.ends_on.strftime("%d/%m/%Y"),
        "status": c.status,
        "scope_units": [u.pk for u in c.scope_units.all()],
        "services": [s.pk for s in c.services.all()],
        **{key: getattr(c, key) for key in LETTERHEAD_FIELDS},
        **letterhead,
    }


def _letterhead(campaign: Campaign) -> dict:
    return {key: getattr(campaign, key) for key in LETTERHEAD_FIELDS}


def _docx(response):
    from docx import Document

    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(response.content))
    header = [p.text for row in doc.tables[0].rows for c in row.cells for p in c.paragraphs]
    sign = [p.text for c in doc.tables[-1].rows[0].cells for p in c.paragraphs]
    body = "\n".join(p.text for p in doc.paragraphs)
    return header, sign, body


def test_a_new_campaign_has_the_departments_letterhead(field):
    c = Campaign.objects.get(pk=field.campaign.pk)
    assert c.report_issuing_body == "Sở Khoa học và Công nghệ" and c.report_symbol == "SKHCN"
    assert (c.report_signer_authority, c.report_signer_title) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    assert c.report_signer_name == "" and c.report_recipients == DEFAULT_RECIPIENTS


def test_the_letterhead_is_saved_through_the_campaign_form(field, make_user, login):
    admin = make_user("province_admin", field.tree.province)
    url = reverse("campaigns:edit", args=[field.campaign.pk])
    page = login(admin).get(url).content.decode()
    assert 'name="report_symbol"' in page and 'value="SKHCN"' in page
    assert "Bộ Khoa học và Công nghệ (để b/c);" in page
    r = login(admin).post(url, _post(field, **LETTERHEAD))
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Campaign.objects.get(pk=field.campaign.pk)
    assert c.report_issuing_body == "Văn phòng UBND tỉnh Thanh Hóa"
    assert c.report_symbol == "VPUBND"  # capitals, as symbols are written
    assert c.report_signer_authority == "KT. CHÁNH VĂN PHÒNG"
    assert c.report_signer_title == "Phó Chánh Văn phòng" and c.report_signer_name == "Lê Thị Hoa"
    # One recipient a line: dashes, blank lines and spaces dropped.
    assert (
        c.report_recipients == "Bộ Khoa học và Công nghệ (để b/c);\nThường trực Tỉnh ủy (để b/c);"
    )
    # The rest of the campaign is as it was, and the change is in the audit log.
    assert c.name == field.campaign.name and c.starts_on == field.campaign.starts_on
    assert c.services.count() == 2
    entry = AuditEntry.objects.filter(action="campaign.update").latest("id")
    assert entry.changes["report_symbol"] == "VPUBND" and "name" not in entry.changes
    # An empty signing authority (the head signs in person) is allowed.
    r = login(admin).post(url, _post(field, report_signer_authority=""))
    assert r.status_code == 302
    assert Campaign.objects.get(pk=field.campaign.pk).report_signer_authority == ""


def test_a_new_campaign_starts_with_the_default_letterhead(field, make_user, login):
    """The create form leaves the letterhead out (edited afterwards on the campaign's form);
    the service takes one for the command line and other callers."""
    admin = make_user("province_admin", field.tree.province)
    page = login(admin).get(reverse("campaigns:new")).content.decode()
    assert 'name="report_symbol"' not in page
    c = campaign_create(
        actor=admin,
        name="Chiến dịch có phần đầu văn bản",
        starts_on=field.campaign.starts_on,
        ends_on=field.campaign.ends_on,
        scope_units=[field.tree.province],
        report_symbol="VPUBND",
        report_signer_name="Lê Thị Hoa",
    )
    c.refresh_from_db()
    assert c.report_symbol == "VPUBND" and c.report_signer_name == "Lê Thị Hoa"
    assert c.report_issuing_body == "Sở Khoa học và Công nghệ"
    with pytest.raises(Refused):
        campaign_create(
            actor=admin,
            name="Ký hiệu sai",
            starts_on=field.campaign.starts_on,
            ends_on=field.campaign.ends_on,
            scope_units=[field.tree.province],
            report_symbol="BC/X",
        )
    assert not Campaign.objects.filter(name="Ký hiệu sai").exists()


def test_a_sibling_unit_and_anonymous_cannot_change_the_letterhead(field, make_user, login, client):
    before = _letterhead(Campaign.objects.get(pk=field.campaign.pk))
    url = reverse("campaigns:edit", args=[field.campaign.pk])
    data = _post(field, **LETTERHEAD)
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
    assert _letterhead(Campaign.objects.get(pk=field.campaign.pk)) == before
    assert not AuditEntry.objects.filter(action="campaign.update").exists()


@pytest.mark.parametrize(
    "bad, field_name",
    [
        ({"report_issuing_body": "S" * 121}, "report_issuing_body"),
        ({"report_issuing_body": ""}, "report_issuing_body"),
        ({"report_symbol": "BC/SKHCN"}, "report_symbol"),
        ({"report_symbol": "S KHCN"}, "report_symbol"),
        ({"report_symbol": "S" * 21}, "report_symbol"),
        ({"report_signer_authority": "K" * 81}, "report_signer_authority"),
        ({"report_signer_title": ""}, "report_signer_title"),
        ({"report_signer_name": "Lê\x07Văn"}, "report_signer_name"),
        ({"report_recipients": "\n".join(f"Nơi {i};" for i in range(21))}, "report_recipients"),
        ({"report_recipients": "N" * 201}, "report_recipients"),
        ({"report_recipients": "N" * 2001}, "report_recipients"),
    ],
)
def test_a_bad_letterhead_is_a_form_error_and_nothing_is_saved(
    field, make_user, login, bad, field_name
):
    admin = make_user("province_admin", field.tree.province)
    before = _letterhead(Campaign.objects.get(pk=field.campaign.pk))
    url = reverse("campaigns:edit", args=[field.campaign.pk])
    r = login(admin).post(url, _post(field, **{**LETTERHEAD, **bad}))
    assert r.status_code == 200
    assert field_name in r.context["form"].errors
    assert 'class="errorlist' in r.content.decode()
    assert _letterhead(Campaign.objects.get(pk=field.campaign.pk)) == before


def test_the_service_refuses_a_bad_letterhead(field, make_user):
    admin = make_user("province_admin", field.tree.province)
    with pytest.raises(Refused) as exc:
        campaign_update(actor=admin, campaign=field.campaign, report_symbol="a b")
    assert exc.value.status == 422
    assert Campaign.objects.get(pk=field.campaign.pk).report_symbol == "SKHCN"
    with pytest.raises(TypeError):
        campaign_update(actor=admin, campaign=field.campaign, created_by=admin)


def test_the_docx_carries_the_stored_letterhead_and_the_number(field, make_user, login, client):
    admin = make_user("province_admin", field.tree.province)
    assert (
        login(admin)
        .post(
            reverse("campaigns:edit", args=[field.campaign.pk]),
            _post(
                field,
                report_issuing_body="Sở Khoa học và Công nghệ",
                report_symbol="SKHCN",
                report_signer_title="Phó Giám đốc",
                report_signer_name="Nguyễn Văn Ký",
                report_recipients="Bộ Khoa học và Công nghệ (để b/c);\nCác Sở, ban, ngành;",
            ),
        )
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
    campaign_update(
        actor=admin,
        campaign=field.campaign,
        report_issuing_body="ỦY BAN NHÂN DÂN TỈNH THANH HÓA",
        report_symbol="UBND",
        report_signer_authority="TM. ỦY BAN NHÂN DÂN",
        report_signer_title="KT. CHỦ TỊCH",
    )
    url = reverse("campaigns:daily", args=[field.campaign.pk])
    header, sign, body = _docx(login(admin).get(url, {"format": "docx"}))
    assert header[0] == "ỦY BAN NHÂN DÂN TỈNH THANH HÓA" and "UBND TỈNH THANH HÓA" not in header
    assert "Số:      /BC-UBND" in header and "TM. ỦY BAN NHÂN DÂN" in sign
    assert "Ủy ban nhân dân tỉnh thanh hóa báo cáo" in body
    # No signing authority: the signer's title heads the signature block.
    campaign_update(actor=admin, campaign=field.campaign, report_signer_authority="")
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


def test_the_form_shows_the_letterhead_apart(field, make_user):
    admin = make_user("province_admin", field.tree.province)
    form = CampaignForm(instance=field.campaign, user=admin)
    assert [f.name for f in form.letterhead_fields()] == list(LETTERHEAD_FIELDS)
    assert not {f.name for f in form.main_fields()} & set(LETTERHEAD_FIELDS)
