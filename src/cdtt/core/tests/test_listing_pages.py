"""The list pages built on the listing mechanism: fragment, export, audit and the three personas."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from cdtt.audit.models import AuditEntry
from cdtt.core.jobs import job_create
from cdtt.teams.tests.factories import found_team

LISTS = ["/teams/", "/teams/members/", "/campaigns/", "/jobs/", "/registry/households/"]


def _rows(response) -> list[tuple]:
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))


@pytest.fixture
def team(tree):
    return found_team(tree.village)


@pytest.fixture
def officer(tree, make_user):
    return make_user("commune_officer", tree.commune)


@pytest.fixture
def sibling(tree, make_user):
    return make_user("commune_officer", tree.sibling_commune)


@pytest.mark.parametrize("url", LISTS + ["/accounts/users/", "/units/16000/"])
def test_anonymous_is_sent_to_login_from_page_and_export(client, tree, url):
    for suffix in ("", "?format=xlsx"):
        response = client.get(url + suffix)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_offers_an_excel_link_and_an_htmx_fragment(team, officer, login, url):
    client = login(officer)
    job_create(kind="x", title="Nhập thử", actor=officer)
    page = client.get(url).content.decode()
    assert "<html" in page and 'id="listing-results"' in page
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="listing-results"')


def test_members_export_is_audited_and_keeps_typed_dates(team, officer, login):
    client = login(officer)
    rows = _rows(client.get("/teams/members/?role=leader&format=xlsx"))
    assert rows[0][:3] == ("Mã xã", "Tổ", "Họ và tên")
    assert len(rows) == 2 and isinstance(rows[1][12], dt.datetime)  # joined on: a real date
    entry = AuditEntry.objects.get(action="members.export")
    assert entry.actor == officer
    assert entry.changes == {
        "list": "teams.members",
        "filters": {"role": "leader", "status": "active"},
        "rows": 1,
    }


def test_teams_export_holds_no_personal_data_and_is_not_audited(team, officer, login):
    client = login(officer)
    rows = _rows(client.get("/teams/?format=xlsx"))
    assert [r[4] for r in rows[1:]] == [team.name] and rows[1][8] == 3  # members: a number
    assert not AuditEntry.objects.filter(object_type="teams.teams").exists()


def test_sibling_commune_gets_no_row_of_another_subtree(team, sibling, login):
    client = login(sibling)
    for url in ["/teams/", "/teams/members/"]:
        assert team.name not in client.get(url).content.decode()
        assert len(_rows(client.get(url + "?format=xlsx"))) == 1  # the header alone


def test_user_export_is_audited_with_its_filters(tree, make_user, login):
    admin = make_user("province_admin", tree.province)
    make_user("commune_officer", tree.commune, username="xa1")
    client = login(admin)
    rows = _rows(client.get("/accounts/users/?role=commune_officer&format=xlsx"))
    assert [r[0] for r in rows[1:]] == ["xa1"]
    entry = AuditEntry.objects.get(action="export", object_type="accounts.users")
    assert entry.changes["filters"] == {"role": "commune_officer"} and entry.changes["rows"] == 1


def test_campaigns_and_jobs_filters_apply_to_the_export(tree, officer, login):
    client = login(officer)
    job_create(kind="x", title="Nhập dân cư", actor=officer)
    job_create(kind="x", title="Nhập tổ", actor=officer)
    rows = _rows(client.get("/jobs/?q=dân&format=xlsx"))
    assert [r[1] for r in rows[1:]] == ["Nhập dân cư"]
    assert isinstance(rows[1][0], dt.datetime)
    assert not AuditEntry.objects.filter(action="export").exists()
    body = client.get("/jobs/?q=không-có").content.decode()
    assert "Không có việc nào khớp bộ lọc." in body


def test_unit_children_search_and_export(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    rows = _rows(client.get("/units/400/?q=nhan&format=xlsx"))
    assert [r[2] for r in rows[1:]] == ["Quảng Nhân"]
    body = client.get("/units/400/?q=nhan").content.decode()
    assert "Quảng Nhân" in body and ">Quảng Định<" not in body
