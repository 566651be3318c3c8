"""A commune officer adds, renames, retires and imports the commune's villages."""

import pytest

from cdtt.audit.models import AuditEntry
from cdtt.geo.imports import villages_import
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.tabular import FileProblem


def _villages(commune):
    return list(
        commune.children.filter(valid_to__isnull=True)
        .order_by("code")
        .values_list("name", flat=True)
    )


def test_commune_officer_adds_renames_retires(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    client.post("/units/16000/villages/new/", {"unit_type": "Tổ dân phố", "name": "  Số 5 "})
    village = AdminUnit.objects.get(parent=tree.commune, name="Số 5")
    assert village.code == "16000-003" and village.unit_type == "Tổ dân phố"
    assert village.path == "/38/400/16000/16000-003/" and village.district_id == tree.district.pk
    client.post(f"/units/{village.code}/edit/", {"unit_type": "Thôn", "name": "Đồng Tâm"})
    village.refresh_from_db()
    assert village.full_name == "Thôn Đồng Tâm"
    client.post(f"/units/{village.code}/retire/")
    village.refresh_from_db()
    assert village.valid_to is not None
    assert "Đồng Tâm" not in _villages(tree.commune)
    assert AuditEntry.objects.filter(action__startswith="village.").count() == 3


def test_duplicate_village_name_is_refused(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    response = client.post(
        "/units/16000/villages/new/", {"unit_type": "Thôn", "name": "yen trung"}, follow=True
    )
    assert "đã có thôn tên" in response.content.decode()


def test_sibling_and_anonymous_cannot_touch_villages(tree, make_user, login, client):
    assert (
        client.post("/units/16000/villages/new/", {"unit_type": "Thôn", "name": "X"}).status_code
        == 302
    )
    sibling = login(make_user("commune_officer", tree.sibling_commune))
    assert (
        sibling.post("/units/16000/villages/new/", {"unit_type": "Thôn", "name": "X"}).status_code
        == 404
    )
    assert sibling.post(f"/units/{tree.village.code}/retire/").status_code == 404
    leader = login(make_user("province_leader", tree.province))
    assert (
        leader.post("/units/16000/villages/new/", {"unit_type": "Thôn", "name": "X"}).status_code
        == 403
    )
    assert not AdminUnit.objects.filter(name="X").exists()


def test_import_villages(tree, make_user):
    officer = make_user("district_officer", tree.district)
    data = "Mã xã,Thôn\n16000,Thôn Mới\n16001,Tổ dân phố 2\n16000,Thôn Yên Trung\n".encode()
    result = villages_import(actor=officer, data=data)
    assert result.ok and result.created == 2 and result.unchanged == 1
    assert AdminUnit.objects.get(parent=tree.sibling_commune, name="2").unit_type == "Tổ dân phố"
    again = villages_import(actor=officer, data=data)
    assert again.created == 0 and again.unchanged == 3


def test_import_with_bad_rows_writes_nothing(tree, make_user):
    officer = make_user("district_officer", tree.district)
    before = AdminUnit.objects.count()
    data = (
        "MÃ XÃ;thon\n16000;Thôn Mới\n99999;Thôn A\n16100;Thôn B\n16000;thon moi\n16000;\n"
    ).encode()
    result = villages_import(actor=officer, data=data)
    assert AdminUnit.objects.count() == before
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Mã xã"),
        (4, "Mã xã"),
        (5, "Thôn"),
        (6, "Thôn"),
    ]
    assert "Không có xã mã “99999”" in result.errors[0].reason
    assert "Trùng tên thôn với dòng 2" in result.errors[2].reason


def test_import_broken_encoding_and_corrupt_files(tree, make_user):
    officer = make_user("province_admin", tree.province)
    with pytest.raises(FileProblem, match="UTF-8"):
        villages_import(
            actor=officer,
            data="Ma xa,Thon\n16000,Thôn Mới\n".encode("latin-1", "replace").replace(b"?", b"\xe1"),
        )
    with pytest.raises(FileProblem, match="hỏng"):
        villages_import(actor=officer, data=b"PK\x03\x04garbage")
    with pytest.raises(FileProblem, match="Thiếu cột bắt buộc: Thôn"):
        villages_import(actor=officer, data="Mã xã,Tên\n16000,A\n".encode())


def test_import_page_reports_rows_in_vietnamese(tree, make_user, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(make_user("commune_officer", tree.commune))
    upload = SimpleUploadedFile(
        "thon.xlsx", "Mã xã,Thôn\n16001,Thôn X\n".encode()
    )  # a CSV named .xlsx
    body = client.post("/imports/villages/", {"file": upload}, follow=True).content.decode()
    assert "chưa ghi dữ liệu nào" in body and "Không có xã mã “16001”" in body
    template = client.get("/imports/villages/template.xlsx")
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_nfd_names_match_nfc(tree, make_user):
    import unicodedata

    officer = make_user("commune_officer", tree.commune)
    data = unicodedata.normalize("NFD", "Mã xã,Thôn\n16000,Thôn Đông Hòa\n").encode()
    villages_import(actor=officer, data=data)
    assert AdminUnit.objects.filter(level=Level.VILLAGE, name="Đông Hòa").exists()
    again = villages_import(actor=officer, data=data)
    assert again.unchanged == 1
