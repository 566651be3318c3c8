"""The reports' JSON API: each endpoint for an officer of the report's unit, an officer of a
sibling unit (404, as for a missing report) and an anonymous caller (401); the bad input of the
issue (a cut-off in the future or before the period, a heading without number or signer, a
report issued twice)."""

import io
import json

import pytest
from openpyxl import load_workbook

from cdtt.audit.models import AuditEntry
from cdtt.campaigns.tests.factories import token_for
from cdtt.reports.models import Report, ReportStatus
from cdtt.reports.services import report_create, report_issue

from .factories import days_ago
from .test_content import docx_text

pytestmark = pytest.mark.django_db

API = "/api/v1/reports"


@pytest.fixture
def officer(tree, make_user):
    return make_user("commune_officer", tree.commune)


@pytest.fixture
def sibling(tree, make_user):
    return make_user("commune_officer", tree.sibling_commune)


@pytest.fixture
def draft(tree, officer, data):
    return report_create(
        actor=officer,
        kind="ministry",
        unit=tree.commune,
        period_from=data.period_from,
        period_to=data.period_to,
        cutoff=data.cutoff,
        achievements="Ra mắt tổ mới",
    )


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}


def post(client, path, body, user=None):
    headers = auth(user) if user else {}
    return client.post(path, json.dumps(body), content_type="application/json", **headers)


def new_body(data, **extra) -> dict:
    return {
        "kind": "chairman",
        "unit": "16000",
        "period_from": data.period_from.isoformat(),
        "period_to": data.period_to.isoformat(),
        "cutoff": data.cutoff.isoformat(),
        **extra,
    }


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_the_reports_of_the_callers_subtree(client, tree, officer, sibling, draft):
    response = client.get(API, **auth(officer))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == draft.pk and item["kind"] == "ministry" and item["status"] == "draft"
    assert item["unit"] == {"code": "16000", "name": tree.commune.full_name}
    assert item["cutoff"] == draft.cutoff.isoformat() and item["issued_by"] is None
    assert client.get(API, **auth(sibling)).json() == {"count": 0, "items": []}
    assert client.get(API).status_code == 401


def test_the_list_filters_by_unit_kind_and_status_and_pages(
    client, tree, make_user, officer, draft, data
):
    admin = make_user("province_admin", tree.province)
    province = report_create(
        actor=admin,
        kind="chairman",
        unit=tree.province,
        period_from=data.period_from,
        period_to=data.period_to,
        cutoff=data.cutoff,
        number="3",
        signer_name="Mai Văn Hà",
    )
    report_issue(actor=admin, report=province)
    headers = auth(admin)

    def ids(**query):
        return [i["id"] for i in client.get(API, query, **headers).json()["items"]]

    assert ids() == [province.pk, draft.pk]
    assert ids(unit="16000") == [draft.pk]
    assert ids(unit="400") == [draft.pk]  # the units below the district
    assert ids(kind="chairman") == [province.pk]
    assert ids(status="issued") == [province.pk]
    assert ids(status="draft", kind="chairman") == []
    assert ids(page_size=1, page=2) == [draft.pk]
    assert client.get(API, {"page_size": 1}, **headers).json()["count"] == 2
    issued = client.get(API, {"status": "issued"}, **headers).json()["items"][0]
    assert issued["number"] == "03/BC-SKHCN" and issued["issued_by"] == "Nguyễn Văn A"


def test_the_list_refuses_bad_filters(client, officer, draft):
    headers = auth(officer)
    assert client.get(API, {"unit": "16001"}, **headers).status_code == 404  # a sibling unit
    assert client.get(API, {"unit": "99999"}, **headers).status_code == 404
    assert client.get(API, {"kind": "weekly"}, **headers).status_code == 422
    assert client.get(API, {"status": "sent"}, **headers).status_code == 422
    assert client.get(API, {"page": 0}, **headers).status_code == 400
    assert client.get(API, {"page_size": 501}, **headers).status_code == 400


# --- one report ----------------------------------------------------------------------------


def test_a_draft_shows_its_figures_as_of_the_cut_off_read_now(client, officer, sibling, draft):
    response = client.get(f"{API}/{draft.pk}", **auth(officer))
    assert response.status_code == 200
    body = response.json()
    assert body["achievements"] == "Ra mắt tổ mới" and body["submissions"] == []
    assert body["figures"]["unit"]["code"] == "16000"
    assert body["figures"]["period"]["cutoff"] == draft.cutoff.isoformat()
    # The team founded after the cut-off does not count (it is in the sibling commune anyway).
    assert body["figures"]["now"]["teams"] == 1 and body["figures"]["now"]["members"] == 2
    assert client.get(f"{API}/{draft.pk}", **auth(sibling)).status_code == 404
    assert client.get(f"{API}/999999", **auth(officer)).status_code == 404
    assert client.get(f"{API}/{draft.pk}").status_code == 401


def test_an_issued_report_shows_its_frozen_figures_and_its_sendings(client, officer, draft):
    from cdtt.reports.services import report_update, submission_add

    issued = report_issue(
        actor=officer,
        report=report_update(actor=officer, report=draft, number="9", signer_name="Lê Văn Hùng"),
    )
    Report.objects.filter(pk=issued.pk).update(figures={**issued.figures, "marker": 1})
    submission_add(actor=officer, report=issued, recipient="UBND huyện", sent_on=days_ago(0))
    body = client.get(f"{API}/{draft.pk}", **auth(officer)).json()
    assert body["status"] == "issued" and body["figures"]["marker"] == 1  # the stored snapshot
    assert body["issued_on"] == days_ago(0).isoformat() and body["issued_at"]
    assert body["submissions"][0]["recipient"] == "UBND huyện"
    assert body["submissions"][0]["sent_on"] == days_ago(0).isoformat()


# --- a new draft ---------------------------------------------------------------------------


def test_an_officer_creates_a_draft(client, tree, officer, sibling, data):
    body = new_body(data, recipients="UBND huyện\nLưu: VT", proposals="Thêm kinh phí")
    response = post(client, API, body, officer)
    assert response.status_code == 201, response.json()
    created = response.json()
    report = Report.objects.get(pk=created["id"])
    assert report.unit == tree.commune and report.kind == "chairman"
    assert report.status == ReportStatus.DRAFT and report.created_by == officer
    assert created["proposals"] == "Thêm kinh phí" and created["figures"]["now"]["teams"] == 1
    assert AuditEntry.objects.filter(action="report.create", object_id=str(report.pk)).exists()
    # A sibling's officer cannot see the unit; an anonymous caller is not let in.
    assert post(client, API, body, sibling).status_code == 404
    assert post(client, API, body).status_code == 401
    assert Report.objects.count() == 1


def test_without_a_cut_off_the_draft_takes_the_end_of_the_period(client, officer, data):
    body = new_body(data)
    del body["cutoff"]
    response = post(client, API, body, officer)
    assert response.status_code == 201
    assert response.json()["cutoff"] == data.period_to.isoformat()


def test_a_cut_off_in_the_future_is_refused_with_its_message(client, officer, data):
    response = post(client, API, new_body(data, cutoff=days_ago(-1).isoformat()), officer)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "cutoff"
    assert "tương lai" in body["errors"][0]["message"] and "tương lai" in body["detail"]
    assert not Report.objects.exists()


def test_a_cut_off_before_the_period_is_refused_with_its_message(client, officer, data):
    cutoff = data.period_from.replace(day=1) if data.period_from.day > 1 else days_ago(60)
    response = post(client, API, new_body(data, cutoff=cutoff.isoformat()), officer)
    assert response.status_code == 422
    assert "trước ngày bắt đầu kỳ báo cáo" in response.json()["detail"]
    assert not Report.objects.exists()


def test_other_bad_drafts_are_refused(client, tree, officer, make_user, data):
    assert post(client, API, new_body(data, kind="weekly"), officer).status_code == 422
    assert post(client, API, new_body(data, period_from="13/01/2026"), officer).status_code == 422
    body = new_body(data, period_to=days_ago(50).isoformat())  # ends before it starts
    response = post(client, API, body, officer)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "period_to"
    village = post(client, API, new_body(data, unit="16000-001"), officer)
    assert village.status_code == 422 and village.json()["errors"][0]["field"] == "unit"
    assert post(client, API, new_body(data, unit="99999"), officer).status_code == 404
    leader = make_user("province_leader", tree.province)  # reads reports, drafts none
    assert post(client, API, new_body(data), leader).status_code == 403
    assert not Report.objects.exists()


# --- issuing -------------------------------------------------------------------------------


def test_an_officer_issues_a_draft_with_its_number_and_signer(client, officer, sibling, draft):
    body = {"number": "4", "signer": "Lê Văn Hùng"}
    assert post(client, f"{API}/{draft.pk}/issue", body, sibling).status_code == 404
    assert post(client, f"{API}/{draft.pk}/issue", body).status_code == 401
    response = post(client, f"{API}/{draft.pk}/issue", body, officer)
    assert response.status_code == 200, response.json()
    issued = response.json()
    assert issued["status"] == "issued" and issued["number"] == "04/BC-SKHCN"
    assert issued["signer_name"] == "Lê Văn Hùng" and issued["issued_by"] == "Nguyễn Văn A"
    draft.refresh_from_db()
    assert draft.status == ReportStatus.ISSUED and draft.docx and draft.xlsx
    assert issued["figures"] == draft.figures
    # Issued twice: refused, nothing changes.
    again = post(client, f"{API}/{draft.pk}/issue", {"number": "5"}, officer)
    assert again.status_code == 409
    draft.refresh_from_db()
    assert draft.number == "4"


def test_issuing_without_number_or_signer_names_what_is_missing(client, officer, draft):
    response = post(client, f"{API}/{draft.pk}/issue", {}, officer)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "số văn bản" in detail and "họ tên người ký" in detail
    response = post(client, f"{API}/{draft.pk}/issue", {"number": "4"}, officer)
    assert response.status_code == 422
    assert "họ tên người ký" in response.json()["detail"]
    assert "số văn bản" not in response.json()["detail"]
    draft.refresh_from_db()  # all or nothing: the number given with a refused issue is not kept
    assert draft.status == ReportStatus.DRAFT and draft.number == "" and not draft.docx


# --- files ---------------------------------------------------------------------------------


def test_a_drafts_files_are_previews(client, officer, sibling, draft):
    docx = client.get(f"{API}/{draft.pk}/files/docx", **auth(officer))
    assert docx.status_code == 200
    assert docx["Content-Disposition"].endswith('-du-thao.docx"')
    assert "Ra mắt tổ mới" in docx_text(docx.content)
    xlsx = client.get(f"{API}/{draft.pk}/files/xlsx", **auth(officer))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row > 1
    assert client.get(f"{API}/{draft.pk}/files/docx", **auth(sibling)).status_code == 404
    assert client.get(f"{API}/{draft.pk}/files/docx").status_code == 401
    assert client.get(f"{API}/{draft.pk}/files/pdf", **auth(officer)).status_code == 422


def test_an_issued_reports_files_are_the_stored_ones(client, officer, draft):
    post(client, f"{API}/{draft.pk}/issue", {"number": "4", "signer": "Lê Văn Hùng"}, officer)
    draft.refresh_from_db()
    for fmt, stored in (("docx", draft.docx), ("xlsx", draft.xlsx)):
        response = client.get(f"{API}/{draft.pk}/files/{fmt}", **auth(officer))
        assert response.status_code == 200
        with stored.open("rb") as f:
            assert response.content == f.read()
        assert "du-thao" not in response["Content-Disposition"]
    assert "Số: 04/BC-SKHCN" in docx_text(
        client.get(f"{API}/{draft.pk}/files/docx", **auth(officer)).content
    )
