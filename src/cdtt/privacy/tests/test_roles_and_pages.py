"""Personal data by role: the figures-only leader sees none (pages, exports, API), phone numbers
are in clear only for the roles that call people, views of a record are in the access log, and
no national ID number is kept anywhere."""

import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings

from cdtt.audit.models import AuditEntry
from cdtt.audit.personal import VIEW
from cdtt.campaigns.tests.factories import token_for
from cdtt.teams.models import Person

IMAGES = Path(settings.PROJECT_DIR) / "docs" / "images"
# Field names that would hold a national ID number (CCCD/CMND, personal identification number).
NATIONAL_ID = re.compile(r"cccd|cmnd|national|citizen|identity|id_number|dinh_danh|passport", re.I)


def test_no_national_id_number_is_stored():
    """The register (docs/personal-data.md) says none is kept: a field that could hold one fails
    this test until the register and a keyed hash come with it."""
    found = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.startswith("cdtt.")
        for field in model._meta.get_fields()
        if NATIONAL_ID.search(field.name)
    ]
    assert found == []


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}


def test_leader_token_gets_figures_not_people(field, make_user, client):
    leader = make_user("province_leader", field.tree.province)
    response = client.get("/api/v1/households", **_bearer(leader))
    assert response.status_code == 403
    assert "Lê Văn Chủ" not in response.content.decode()
    assert client.get("/api/v1/members", **_bearer(leader)).status_code == 403
    assert client.get("/api/v1/school-students", **_bearer(leader)).status_code == 403
    assert client.get("/api/v1/teams", **_bearer(leader)).json()["count"] >= 1
    detail = client.get(f"/api/v1/teams/{field.team.pk}", **_bearer(leader)).json()
    assert detail["roster"] == []
    # Figures it gets.
    assert client.get("/api/v1/coverage/38", **_bearer(leader)).status_code == 200
    # The commune's officer still gets the households with their residents.
    officer = client.get("/api/v1/households", **_bearer(field.officer)).json()
    names = [r["full_name"] for h in officer["items"] for r in h["residents"]]
    assert "Lê Văn Chủ" in names
    # A sibling commune's officer does not see them; anonymous is refused.
    sibling = make_user("commune_officer", field.tree.sibling_commune)
    names = [
        r["full_name"]
        for h in client.get("/api/v1/households", **_bearer(sibling)).json()["items"]
        for r in h["residents"]
    ]
    assert "Lê Văn Chủ" not in names
    assert client.get("/api/v1/households").status_code == 401


def test_leader_lists_have_no_personal_columns(field, make_user, login):
    client = login(make_user("province_leader", field.tree.province, full_name="Lãnh Đạo"))
    page = client.get("/teams/members/")
    assert page.status_code == 200
    assert str(field.member) not in page.content.decode()
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get("/teams/members/?format=xlsx").streaming_content))
    )
    header = [c.value for c in book.active[1]]
    assert "Họ và tên" not in header and "Số điện thoại" not in header
    assert not any(str(field.member) in str(c.value) for row in book.active for c in row)
    team = client.get(f"/teams/{field.team.pk}/").content.decode()
    assert str(field.member) not in team and 'id="members-hidden"' in team
    person = Person.objects.get(user=field.member)
    assert client.get(f"/teams/people/{person.pk}/").status_code == 403
    # Nothing personal left: no export of personal data was logged.
    assert not AuditEntry.objects.filter(action="export").exists()


def test_phone_in_clear_only_for_roles_that_call_people(field, make_user, login):
    person = Person.objects.get(user=field.member)
    Person.objects.filter(pk=person.pk).update(phone="0987654321")
    url = f"/teams/people/{person.pk}/"
    agency = login(make_user("agency_officer", field.tree.province))
    html = agency.get(url).content.decode()
    assert "0987654321" not in html and "0987***321" in html
    admin = login(make_user("province_admin", field.tree.province))
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(admin.get("/teams/members/?format=xlsx").streaming_content))
    )
    values = [c.value for row in book.active for c in row]
    assert "0987***321" in values and "0987654321" not in values
    officer = login(field.officer)
    assert "0987654321" in officer.get(url).content.decode()
    household = officer.get(f"/registry/households/{field.home.pk}/").content.decode()
    assert "0912345678" in household
    team_member = login(field.member)
    assert (
        "0912***678" in team_member.get(f"/registry/households/{field.home.pk}/").content.decode()
    )


def test_viewing_a_record_is_logged(field, make_user, login, client):
    url = f"/registry/households/{field.home.pk}/"
    assert client.get(url).status_code == 302
    assert not AuditEntry.objects.filter(action=VIEW).exists()
    sibling = login(make_user("commune_officer", field.tree.sibling_commune))
    assert sibling.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=VIEW).exists()
    login(field.officer).get(url)
    entry = AuditEntry.objects.get(action=VIEW)
    assert entry.actor == field.officer and entry.object_id == str(field.home.pk)
    assert field.head.pk in entry.changes["residents"]


def test_access_log_is_the_province_admins(field, make_user, login, client):
    assert client.get("/privacy/access-log/").status_code == 302
    login(field.officer).get(f"/registry/households/{field.home.pk}/")
    assert login(field.officer).get("/privacy/access-log/").status_code == 403
    assert (
        login(make_user("district_officer", field.tree.district)).get("/privacy/access-log/")
    ).status_code == 403
    admin = login(make_user("province_admin", field.tree.province))
    page = admin.get("/privacy/access-log/").content.decode()
    assert "Xem hộ HO-001" in page and "Xem hồ sơ" in page
    assert "Xem hộ HO-001" not in admin.get("/privacy/access-log/?kind=export").content.decode()


def test_notice_is_public_and_linked_from_every_page(db, client):
    page = client.get("/privacy/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "91/2025/QH15" in html and "căn cước" in html
    assert 'href="/privacy/"' in client.get("/public/").content.decode()


@pytest.mark.parametrize(
    "part, title",
    [
        ("officer", "Cán bộ Sở, huyện, xã"),
        ("leader", "Lãnh đạo tỉnh"),
        ("team", "Tổ trưởng, thành viên Tổ CNSCĐ"),
        ("teacher", "Giáo viên"),
        ("organization", "Cán bộ cơ quan, tổ chức"),
    ],
)
def test_user_guide_has_a_part_per_role(db, client, part, title):
    page = client.get(f"/help/{part}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<h1>{title}</h1>" in html
    # Each part shows its role's pages, as the browser test took them.
    for src in re.findall(r'<img alt="[^"]*" src="/help/images/([^"]+)"', html) or ["none"]:
        assert (IMAGES / src).is_file(), src


def test_user_guide_index_images_and_link(client, make_user, tree, login):
    index = login(make_user("province_leader", tree.province)).get("/help/")
    html = index.content.decode()
    assert index.status_code == 200 and 'href="/help/leader/"' in html and "vai trò của bạn" in html
    assert 'id="help-link"' in html
    images = re.findall(
        r'src="(/help/images/[^"]+)"', client.get("/help/officer/").content.decode()
    )
    assert images, "the guide shows screenshots"
    image = client.get(images[0])
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert client.get("/help/images/..%2Fhuong-dan-su-dung.md").status_code == 404
    assert client.get("/help/nobody/").status_code == 404


def test_list_export_keeps_its_purpose_in_the_access_log(field, make_user, login):
    admin = login(make_user("province_admin", field.tree.province))
    # The list asks the purpose beside its export button, keeping the filters applied.
    page = admin.get("/registry/households/?covered=no").content.decode()
    assert 'name="purpose"' in page and '<input type="hidden" name="covered" value="no">' in page
    response = admin.get("/registry/households/?format=xlsx&purpose=Rà soát hộ chưa đạt")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="registry.households_export")
    assert entry.changes["purpose"] == "Rà soát hộ chưa đạt" and entry.changes["rows"] == 3
    page = admin.get("/privacy/access-log/?kind=export").content.decode()
    assert "Rà soát hộ chưa đạt" in page and "Xuất danh sách" in page
