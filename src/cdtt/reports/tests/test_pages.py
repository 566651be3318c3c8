"""The report pages with three personas: the province's officer (drafts, issues, logs sendings,
downloads), an officer of a sibling commune (sees none of another unit's reports: 404), an
anonymous visitor (the login page); the list's Excel export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cdtt.reports.models import Report, ReportStatus
from cdtt.reports.services import report_create

from .factories import days_ago
from .test_content import docx_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree, make_user):
    return make_user("district_officer", tree.district)


@pytest.fixture
def report(officer, tree, data):
    return report_create(
        actor=officer,
        kind="ministry",
        unit=tree.commune,
        period_from=data.period_from,
        period_to=data.period_to,
        cutoff=data.cutoff,
        achievements="Ra quân tại 2 thôn.",
    )


def form(tree, data, **extra):
    return {
        "kind": "chairman",
        "unit": tree.district.pk,
        "period_from": f"{data.period_from:%d/%m/%Y}",
        "period_to": f"{data.period_to:%d/%m/%Y}",
        "cutoff": f"{data.cutoff:%d/%m/%Y}",
        "number": "",
        "signer_name": "",
        "recipients": "",
        "achievements": "",
        "difficulties": "",
        "proposals": "",
        **extra,
    }


def test_an_officer_drafts_issues_and_logs_a_report(tree, data, officer, login):
    client = login(officer)
    r = client.post(reverse("reports:new"), form(tree, data, number="4", signer_name="Lê Văn A"))
    assert r.status_code == 302, r.content.decode()[:3000]
    report = Report.objects.get()
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Dự thảo" in page and 'id="report-figures"' in page
    preview = client.get(reverse("reports:file", args=[report.pk, "docx"]))
    assert "Số: 04/BC-SKHCN" in docx_text(preview.content)
    r = client.post(reverse("reports:issue", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUED
    r = client.post(
        reverse("reports:submission_new", args=[report.pk]),
        {"recipient": "Chủ tịch UBND tỉnh", "sent_on": f"{days_ago(0):%d/%m/%Y}"},
    )
    assert r.status_code == 302
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Đã ban hành" in page and "Chủ tịch UBND tỉnh" in page
    stored = client.get(reverse("reports:file", args=[report.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(stored.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        "16000",
        "16001",
        "400",
    ]


def test_the_form_refuses_a_future_cut_off_on_its_field(tree, data, officer, login):
    r = login(officer).post(
        reverse("reports:new"), form(tree, data, cutoff=f"{days_ago(-3):%d/%m/%Y}")
    )
    assert r.status_code == 200 and "ở tương lai" in r.content.decode()
    assert not Report.objects.exists()


def test_issuing_without_number_shows_what_is_missing(report, officer, login):
    client = login(officer)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "còn thiếu số văn bản, họ tên người ký" in page
    r = client.post(reverse("reports:issue", args=[report.pk]), follow=True)
    assert "còn thiếu số văn bản" in r.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_list_and_its_export(report, officer, login):
    client = login(officer)
    page = client.get(reverse("reports:list")).content.decode()
    assert "Xã Quảng Định" in page and "Dự thảo" in page
    r = client.get(reverse("reports:list") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert list(sheet.iter_rows(min_row=2, values_only=True))[0][1] == "Xã Quảng Định"
    empty = client.get(reverse("reports:list") + "?status=issued").content.decode()
    assert "Không có báo cáo nào khớp bộ lọc." in empty


def test_a_sibling_units_officer_sees_none_of_it(report, tree, make_user, login):
    sibling = make_user("commune_officer", tree.sibling_commune)
    client = login(sibling)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:file", args=[report.pk, "docx"])).status_code == 404
    assert client.post(reverse("reports:issue", args=[report.pk])).status_code == 404
    page = client.get(reverse("reports:list")).content.decode()
    assert "Chưa có báo cáo nào trong địa bàn của bạn" in page


def test_a_leader_reads_but_does_not_write(report, tree, make_user, login):
    leader = make_user("province_leader", tree.province)
    client = login(leader)
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200
    assert client.get(reverse("reports:new")).status_code == 403
    assert client.post(reverse("reports:issue", args=[report.pk])).status_code == 403


def test_anonymous_visitors_get_the_login_page(report, client):
    for url in (
        reverse("reports:list"),
        reverse("reports:new"),
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:file", args=[report.pk, "pdf"]),
    ):
        r = client.get(url)
        assert r.status_code == 302 and "login" in r["Location"], url
