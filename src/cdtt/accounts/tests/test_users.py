"""Managing users: the province admin creates, edits and deactivates; others cannot."""

import pytest
from django.core.exceptions import ValidationError

from cdtt.accounts.models import User
from cdtt.accounts.services import user_create
from cdtt.audit.models import AuditEntry


def _form(**over):
    data = {
        "username": "moi",
        "full_name": "Lê Thị Mới",
        "role": "commune_officer",
        "scope_unit": "16000",
        "email": "",
        "phone": "",
        "password": "mat-khau-dai-2024",
    }
    data.update(over)
    return data


def test_admin_creates_a_user_and_it_is_audited(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    response = client.post("/accounts/users/new/", _form())
    assert response.status_code == 302
    user = User.objects.get(username="moi")
    assert user.scope_unit == tree.commune and user.password.startswith(("argon2", "md5"))
    entry = AuditEntry.objects.filter(action="user.create").first()
    assert "moi" in entry.summary
    log = client.get("/audit/").content.decode()
    assert "moi" in log


def test_role_must_fit_the_unit_level(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    response = client.post("/accounts/users/new/", _form(role="district_officer"))
    assert response.status_code == 200
    assert "không dùng cho đơn vị cấp" in response.content.decode()
    assert not User.objects.filter(username="moi").exists()


def test_unknown_unit_is_reported(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    response = client.post("/accounts/users/new/", _form(scope_unit="99999"))
    assert "Không tìm thấy đơn vị" in response.content.decode()


def test_deactivate_and_reactivate(tree, make_user, login):
    admin = make_user("province_admin", tree.province)
    target = make_user("commune_officer", tree.commune)
    client = login(admin)
    client.post(f"/accounts/users/{target.pk}/deactivate/")
    target.refresh_from_db()
    assert not target.is_active
    client.post(f"/accounts/users/{target.pk}/deactivate/")
    target.refresh_from_db()
    assert target.is_active


@pytest.mark.parametrize("role", ["commune_officer", "province_leader"])
def test_other_roles_cannot_manage_users(tree, make_user, login, role):
    unit = tree.commune if role == "commune_officer" else tree.province
    client = login(make_user(role, unit))
    assert client.get("/accounts/users/").status_code == 403
    assert client.post("/accounts/users/new/", _form()).status_code == 403


def test_anonymous_cannot_manage_users(client, tree):
    assert client.get("/accounts/users/").status_code == 302


def test_actor_cannot_create_outside_own_scope(tree, make_user):
    district_admin = make_user("district_officer", tree.district)
    with pytest.raises(ValidationError):
        user_create(
            actor=district_admin,
            username="x",
            password="mat-khau-dai-2024",
            role="commune_officer",
            scope_unit=tree.far_commune,
        )


def test_user_list_filters_and_exports(tree, make_user, login):
    from io import BytesIO

    from openpyxl import load_workbook

    client = login(make_user("province_admin", tree.province))
    make_user("commune_officer", tree.commune, username="xa1")
    make_user("district_officer", tree.district, username="huyen1")
    body = client.get("/accounts/users/?role=district_officer").content.decode()
    assert "huyen1" in body and "xa1" not in body
    response = client.get("/accounts/users/?format=xlsx&q=xa1")
    rows = list(load_workbook(BytesIO(response.getvalue())).active.values)
    assert rows[0][0] == "Tên đăng nhập" and rows[1][0] == "xa1" and len(rows) == 2
