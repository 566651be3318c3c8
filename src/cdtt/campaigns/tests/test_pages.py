"""Campaign pages for officers: list, form, targets and their split, dashboard, daily summary,
exports; each checked with someone allowed, someone in a sibling unit, and someone anonymous."""

import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cdtt.campaigns.models import Campaign, CampaignTarget
from cdtt.campaigns.visits import visit_submit

from .factories import all_skills

pytestmark = pytest.mark.django_db


@pytest.fixture
def visited(field):
    visit_submit(
        actor=field.member,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": "16000", "code": "HO-001"},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
            "campaign": field.campaign.pk,
            "assessments": all_skills(field.head),
        },
    )
    return field


def test_the_list_shows_campaigns_to_officers(field, make_user, login, client):
    url = reverse("campaigns:list")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    r = login(make_user("district_officer", field.tree.district)).get(url)
    assert r.status_code == 200 and field.campaign.name in r.content.decode()
    r = login(field.member).get(url)
    assert r.status_code == 403


def test_a_province_admin_creates_a_campaign(field, make_user, login, client):
    admin = make_user("province_admin", field.tree.province)
    r = login(admin).post(
        reverse("campaigns:new"),
        {
            "name": "Chiến dịch tháng 10",
            "description": "",
            "starts_on": "01/10/2024",
            "ends_on": "10/10/2024",
            "status": "active",
            "scope_units": [field.tree.district.pk],
            "services": [],
        },
    )
    assert r.status_code == 302
    campaign = Campaign.objects.get(name="Chiến dịch tháng 10")
    assert campaign.starts_on == dt.date(2024, 10, 1) and campaign.days == 10
    bad = login(admin).post(
        reverse("campaigns:new"),
        {
            "name": "Ngược",
            "starts_on": "10/10/2024",
            "ends_on": "01/10/2024",
            "status": "active",
            "scope_units": [field.tree.district.pk],
        },
    )
    assert bad.status_code == 200 and not Campaign.objects.filter(name="Ngược").exists()
    officer = make_user("district_officer", field.tree.district)
    assert login(officer).get(reverse("campaigns:new")).status_code == 403
    client.logout()
    assert client.get(reverse("campaigns:new")).status_code == 302


def test_targets_split_down_never_exceed_the_parent(field, make_user, login):
    admin = make_user("province_admin", field.tree.province)
    url = reverse("campaigns:targets", args=[field.campaign.pk])
    c = login(admin)
    r = c.post(
        f"{url}?unit=38",
        {
            "h_own": "100",
            "r_own": "300",
            f"h_{field.tree.district.pk}": "60",
            f"r_{field.tree.district.pk}": "200",
        },
    )
    assert r.status_code == 302
    officer = make_user("district_officer", field.tree.district)
    c = login(officer)
    ok = c.post(
        f"{url}?unit=400",
        {
            f"h_{field.tree.commune.pk}": "40",
            f"r_{field.tree.commune.pk}": "100",
            f"h_{field.tree.sibling_commune.pk}": "20",
        },
    )
    assert ok.status_code == 302
    too_much = c.post(f"{url}?unit=400", {f"h_{field.tree.sibling_commune.pk}": "21"})
    assert too_much.status_code == 422 and "vượt chỉ tiêu" in too_much.content.decode()
    assert CampaignTarget.objects.get(unit=field.tree.sibling_commune).households_to_visit == 20
    # The district officer cannot change the district's own target (set by the province).
    own = c.post(f"{url}?unit=400", {"h_own": "1000"})
    assert CampaignTarget.objects.get(unit=field.tree.district).households_to_visit == 60
    assert own.status_code in (302, 403)
    # Lowering a parent below what it already split is refused.
    c = login(admin)
    r = c.post(f"{url}?unit=400", {"h_own": "10"})
    assert r.status_code == 422
    assert CampaignTarget.objects.get(unit=field.tree.district).households_to_visit == 60


def test_a_sibling_officer_cannot_split_another_units_targets(field, make_user, login, client):
    url = reverse("campaigns:targets", args=[field.campaign.pk])
    sibling = make_user("commune_officer", field.tree.sibling_commune)
    r = login(sibling).get(f"{url}?unit={field.tree.commune.code}")
    assert r.status_code == 404
    r = login(sibling).post(
        f"{url}?unit={field.tree.commune.code}", {f"h_{field.tree.village.pk}": "5"}
    )
    assert r.status_code == 404 and not CampaignTarget.objects.exists()
    client.logout()
    assert client.get(url).status_code == 302


def test_the_dashboard_shows_progress_and_drills_down(visited, make_user, login, client):
    field = visited
    CampaignTarget.objects.create(
        campaign=field.campaign, unit=field.tree.commune, households_to_visit=2
    )
    officer = make_user("district_officer", field.tree.district)
    url = reverse("campaigns:detail", args=[field.campaign.pk])
    r = login(officer).get(url)
    assert r.status_code == 200
    page = r.content.decode()
    assert 'id="n-visits">1<' in page and "Quảng Định" in page
    r = login(officer).get(f"{url}?unit={field.tree.commune.code}")
    page = r.content.decode()
    assert r.status_code == 200 and field.tree.village.full_name in page and "50,0%" in page
    assert "Tổ CNSCĐ Thôn 1" in page  # team ranking
    live = login(officer).get(f"{url}?unit=16000", HTTP_HX_REQUEST="true")
    assert live.status_code == 200 and 'id="live"' in live.content.decode()
    assert "<html" not in live.content.decode()
    xlsx = login(officer).get(f"{url}?unit=16000&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    from openpyxl import load_workbook

    rows = {r[0]: r for r in load_workbook(io.BytesIO(xlsx.content)).active.values}
    assert rows[field.tree.village.code][5] == 1
    # Another district's officer sees the campaign (province-wide) but not this district.
    other = make_user("district_officer", field.tree.other_district)
    assert login(other).get(f"{url}?unit={field.tree.commune.code}").status_code == 404
    assert login(other).get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_a_campaign_outside_the_users_area_is_not_found(field, make_user, login):
    narrow = Campaign.objects.create(
        name="Riêng Nga Sơn", starts_on=dt.date(2024, 10, 1), ends_on=dt.date(2024, 10, 10)
    )
    narrow.scope_units.set([field.tree.other_district])
    officer = make_user("district_officer", field.tree.district)
    assert login(officer).get(reverse("campaigns:detail", args=[narrow.pk])).status_code == 404
    assert "Riêng Nga Sơn" not in login(officer).get(reverse("campaigns:list")).content.decode()


def test_villages_without_a_visit_for_two_days_are_flagged(visited, make_user, login):
    field = visited
    r = login(field.officer).get(reverse("campaigns:detail", args=[field.campaign.pk]))
    stale = r.content.decode().split('id="stale"')[1]
    # The first village had a visit today; the second has no household, so nothing to flag.
    assert field.tree.village.full_name not in stale
    from cdtt.campaigns.selectors import stale_villages
    from cdtt.registry.services import household_create, resident_create

    hh = household_create(actor=None, village=field.tree.village2, code="HO-777")
    resident_create(
        actor=None, household=hh, full_name="Vũ Văn Ba", birth_date=None, birth_year=1985
    )
    total, rows = stale_villages(field.campaign, field.tree.commune)
    assert total == 1 and rows[0]["unit"] == field.tree.village2 and rows[0]["last"] is None


def test_the_daily_summary_page_xlsx_and_docx(visited, make_user, login, client):
    field = visited
    admin = make_user("province_admin", field.tree.province)
    url = reverse("campaigns:daily", args=[field.campaign.pk])
    r = login(admin).get(url)
    assert r.status_code == 200 and "Ngày thứ 6" in r.content.decode()
    x = login(admin).get(f"{url}?format=xlsx")
    assert x.status_code == 200
    d = login(admin).get(f"{url}?format=docx&signer=Nguyễn Văn B")
    assert d.status_code == 200
    from docx import Document

    doc = Document(io.BytesIO(d.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    header = "\n".join(c.text for row in doc.tables[0].rows for c in row.cells)
    assert (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header and "Độc lập - Tự do - Hạnh phúc" in header
    )
    assert "/BC-" in header and "ngày" in header
    assert "BÁO CÁO" in text and field.campaign.name in text
    assert "1 lượt đến hộ" in text
    section = doc.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.page_width.mm) == 210
    assert section.different_first_page_header_footer
    sibling = make_user("commune_officer", field.tree.sibling_commune)
    assert login(sibling).get(f"{url}?unit=16000").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_daily_workbook_speaks_the_user_s_language_and_the_report_stays_vietnamese(
    visited, make_user, login
):
    from docx import Document
    from openpyxl import load_workbook

    url = reverse("campaigns:daily", args=[visited.campaign.pk])
    client = login(make_user("province_admin", visited.tree.province))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    book = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx").content))
    headers = next(book.active.values)
    assert headers[0] == "Unit" and book.active.title.startswith("Day ")
    assert list(book.active.values)[-1][0] == "Total"
    doc = Document(io.BytesIO(client.get(f"{url}?format=docx&signer=Nguyễn Văn B").content))
    (table,) = [t for t in doc.tables if t.rows[0].cells[0].text == "Đơn vị"]
    assert table.rows[-1].cells[0].text == "Tổng cộng"


def test_the_field_app_shell_is_small_and_installable(client):
    r = client.get(reverse("campaigns:field"))
    assert r.status_code == 200
    page = r.content.decode()
    assert "manifest.webmanifest" in page and "field/app.js" in page
    sw = client.get(reverse("campaigns:field_sw"))
    assert sw.status_code == 200 and sw["Content-Type"].startswith("application/javascript")
    assert "/static/field/app.js" in sw.content.decode()
    import gzip

    from django.contrib.staticfiles import finders

    total = len(gzip.compress(r.content)) + len(gzip.compress(sw.content))
    for name in [
        "field/app.js",
        "field/field.css",
        "field/manifest.webmanifest",
        "field/icon.svg",
        "training/checkin.js",
    ]:
        with open(finders.find(name), "rb") as fh:
            total += len(gzip.compress(fh.read()))
    assert total < 150 * 1024
