"""Importing teams and members: all or nothing, a row-by-row report, re-import changes nothing."""

import pytest

from cdtt.lib.xlsx import xlsx_bytes
from cdtt.teams.imports import TEMPLATE_HEADERS, teams_import
from cdtt.teams.models import Membership, Person, Team

HEADER = (
    "Mã xã,Thôn,Họ và tên,Vai trò trong tổ,Số điện thoại,Năm sinh,Lực lượng nòng cốt,"
    "Kỹ năng hướng dẫn\n"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # where the page saves the upload for its job


@pytest.fixture
def officer(tree, make_user):
    return make_user("commune_officer", tree.commune)


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def test_import_founds_teams_and_is_idempotent(tree, officer):
    data = _csv(
        f"16000,{tree.village.name},Lê Văn Hùng,Tổ trưởng,912345678,1975,,Dịch vụ công",
        f"16000,{tree.village.name},Nguyễn Thị Mai,Tổ phó,+84 987 654 321,1998,Có,payment;safety",
        "16000,,Trần Văn Nam,Tổ trưởng,0388123456,1980,,",
    )
    result = teams_import(actor=officer, data=data)
    assert result.ok, result.errors
    assert (result.teams_created, result.members_added) == (2, 3)
    village_team = Team.objects.get(unit=tree.village)
    mai = village_team.memberships.get(person__full_name="Nguyễn Thị Mai")
    assert (
        mai.person.phone == "0987654321" and mai.core_force and mai.skills == ["payment", "safety"]
    )
    assert Team.objects.get(unit=tree.commune).level == "commune"
    again = teams_import(actor=officer, data=data)
    assert (
        again.ok and again.teams_created == 0 and again.members_added == 0 and again.unchanged == 3
    )
    assert Membership.objects.count() == 3


def test_bad_rows_change_nothing_and_are_reported(tree, officer):
    data = _csv(
        f"16000,{tree.village.name},Lê Văn Hùng,Tổ trưởng,0912345678,1975,,",
        f"16000,{tree.sibling_village.name},Nguyễn Thị Mai,Tổ trưởng,0987654321,,,",
        f"16000,{tree.village.name},Phạm Văn A,Thành viên,12345,,,",
        f"16000,{tree.village2.name},Phạm Văn B,Thành viên,,,,",
        f"16000,{tree.village.name},Lê Văn Hùng,Thành viên,0912345678,1975,,",
        f"16001,{tree.sibling_village.name},Ngô Văn C,Tổ trưởng,,,,",
    )
    result = teams_import(actor=officer, data=data)
    assert not result.ok
    by_row = {(e.row, e.column): e.reason for e in result.errors}
    assert "thuộc Xã Quảng Nhân" in by_row[(3, "Thôn")]  # a village of another commune
    assert by_row[(4, "Số điện thoại")]
    assert "tổ trưởng" in by_row[(5, "Vai trò trong tổ")]  # a new team with no leader
    assert "Trùng thành viên với dòng 2" in by_row[(6, "Họ và tên")]
    assert "Không có xã mã" in by_row[(7, "Mã xã")]  # outside the officer's scope
    assert not Team.objects.exists() and not Person.objects.exists()


def test_xlsx_template_round_trip(tree, officer, login):
    client = login(officer)
    response = client.get("/imports/teams/template.xlsx")
    assert response.status_code == 200
    rows = [
        [
            tree.commune.code,
            tree.village.name,
            "",
            "",
            "",
            "Lê Văn Hùng",
            "Nam",
            1975,
            "0912345678",
            "",
            "Tổ trưởng",
            "",
            "",
            "Trưởng thôn",
            "",
            "01/10/2024",
        ]
    ]
    data = xlsx_bytes("Tổ", TEMPLATE_HEADERS, rows)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/imports/teams/", {"file": SimpleUploadedFile("t.xlsx", data)})
    assert response.status_code == 302  # to the page following the import's job
    page = client.get(response["Location"])
    assert "Đã nhập: 1 tổ mới, 1 thành viên mới" in page.content.decode()
    m = Membership.objects.get()
    assert m.joined_on.isoformat() == "2024-10-01" and m.person.gender == "M"


MIXED = (
    "16000,{v},Lê Văn Hùng,Tổ trưởng,0912345678,1975,,",
    "16000,{v},Nguyễn Thị Mai,Tổ phó,12345,1998,,",  # an impossible phone number
    "16000,{v},Trần Văn Nam,Thành viên,0388123456,1980,,",
    "16000,{v2},Phạm Văn B,Thành viên,,,,",  # a new team without a leader...
    "16000,{v2},Phạm Văn C,Tổ phó,,,,",  # ...takes its other rows with it
    "16001,{sv},Ngô Văn D,Tổ trưởng,,,,",  # a commune outside the officer's scope
)


def _mixed(tree) -> bytes:
    v, v2, sv = tree.village.name, tree.village2.name, tree.sibling_village.name
    return _csv(*(line.format(v=v, v2=v2, sv=sv) for line in MIXED))


def test_skip_invalid_imports_good_rows_and_reports_bad_ones(tree, officer):
    data = _mixed(tree)
    assert not teams_import(actor=officer, data=data).ok
    assert not Team.objects.exists() and not Person.objects.exists()

    dry = teams_import(actor=officer, data=data, skip_invalid=True, dry_run=True)
    assert (dry.teams_created, dry.members_added) == (1, 2)
    assert not Team.objects.exists() and not Person.objects.exists()

    result = teams_import(actor=officer, data=data, skip_invalid=True)
    assert not result.ok
    assert (result.teams_created, result.members_added) == (1, 2)
    by_row = {(e.row, e.column): e.reason for e in result.errors}
    assert set(by_row) == {
        (3, "Số điện thoại"),
        (5, "Vai trò trong tổ"),
        (6, "Vai trò trong tổ"),
        (7, "Mã xã"),
    }
    assert result.rows_skipped == 4
    team = Team.objects.get()
    assert team.unit == tree.village
    assert set(team.memberships.values_list("person__full_name", flat=True)) == {
        "Lê Văn Hùng",
        "Trần Văn Nam",
    }
    # Re-importing changes nothing and reports the same rows.
    again = teams_import(actor=officer, data=data, skip_invalid=True)
    assert (again.teams_created, again.members_added, again.unchanged) == (0, 0, 2)
    assert {(e.row, e.column) for e in again.errors} == set(by_row)
    assert Membership.objects.count() == 2 and Person.objects.count() == 2


def test_import_page_skip_invalid_checkbox(tree, officer, make_user, login, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _mixed(tree)
    page = login(officer).post(
        "/imports/teams/",
        {"file": SimpleUploadedFile("t.csv", data), "skip_invalid": "on"},
        follow=True,
    )
    html = page.content.decode()
    assert "Bỏ qua dòng lỗi" in html and 'name="skip_invalid"' in html
    assert "Đã nhập: 1 tổ mới, 2 thành viên mới" in html
    assert "Bỏ qua 4 dòng lỗi" in html and '<td data-label="Dòng">7</td>' in html
    assert Membership.objects.count() == 2
    # The sibling commune's officer sees only the rows of its own commune as importable.
    sibling = login(make_user("commune_officer", tree.sibling_commune))
    html = sibling.post(
        "/imports/teams/",
        {"file": SimpleUploadedFile("t.csv", data), "skip_invalid": "on"},
        follow=True,
    ).content.decode()
    assert "1 tổ mới" in html
    assert Team.objects.filter(unit=tree.sibling_village).exists()
    client.logout()
    anonymous = client.post("/imports/teams/", {"file": SimpleUploadedFile("t.csv", data)})
    assert anonymous.status_code == 302 and Team.objects.count() == 2
