"""The import mechanism: the registry of kinds, one command for every kind, one upload page
(three personas for each kind), the village import as a job, the former addresses redirecting."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from cdtt.core.imports import (
    Column,
    ImportKind,
    ImportResult,
    RowError,
    import_kind,
    import_kind_register,
    import_kinds,
    import_kinds_for,
)
from cdtt.core.models import Job
from cdtt.geo.models import AdminUnit, Level
from cdtt.registry.models import Household
from cdtt.teams.models import Team

# One good file per kind, all of it in the commune 16000 (tree.commune).
GOOD = {
    "population": "Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh\n16000,Yên Trung,HK01,Nguyễn Văn An,1985\n",
    "teams": "Mã xã,Thôn,Họ và tên,Vai trò trong tổ\n16000,Yên Trung,Lê Văn Hùng,Tổ trưởng\n",
    "villages": "Mã xã,Thôn\n16000,Thôn Mới\n",
}
# The same with a second row whose date, phone or commune is wrong (row 3).
BAD = {
    "population": GOOD["population"] + "16000,Yên Trung,HK02,Lê Văn Sai,31/02/1990\n",
    "teams": GOOD["teams"] + "16000,Yên Trung,Phạm Văn Sai,Chủ tịch\n",
    "villages": GOOD["villages"] + "99999,Thôn Khác\n",
}
BAD_COLUMN = {"population": "Ngày sinh", "teams": "Vai trò trong tổ", "villages": "Mã xã"}


def written(code: str) -> int:
    """What a kind's file writes, counted."""
    if code == "population":
        return Household.objects.count()
    if code == "teams":
        return Team.objects.count()
    return AdminUnit.objects.filter(level=Level.VILLAGE, name="Mới").count()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def write(tmp_path, text: str, name: str = "file.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


# --- the registry of kinds -------------------------------------------------------------------


def test_every_kind_is_registered_once_with_its_columns():
    kinds = {kind.code: kind for kind in import_kinds()}
    assert {"population", "teams", "villages"} <= set(kinds)
    population = kinds["population"]
    assert population.headers[:5] == ["Mã xã", "Thôn", "Mã hộ", "Địa chỉ", "Họ và tên"]
    assert [c.header for c in population.columns if c.required] == [
        "Mã xã",
        "Thôn",
        "Mã hộ",
        "Họ và tên",
        "Ngày sinh",
    ]
    assert all(str(c.meaning) for kind in kinds.values() for c in kind.columns)
    assert kinds["villages"].job_kind == "villages_import"
    assert import_kind("teams") is kinds["teams"]
    with pytest.raises(KeyError):
        import_kind("nope")


def test_a_second_kind_with_a_code_taken_is_refused():
    twin = ImportKind(
        code="villages",
        label="x",
        columns=(Column("A", True, "a"),),
        roles=frozenset(),
        run=lambda **kwargs: ImportResult(message=""),
        job_title="%(f)s",
    )
    with pytest.raises(ValueError, match="twice"):
        import_kind_register(twin)
    assert import_kind("villages") is not twin


def test_kinds_for_each_role(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    assert {k.code for k in import_kinds_for(officer)} >= {"population", "teams", "villages"}
    assert import_kinds_for(make_user("province_leader", tree.province)) == []
    assert import_kinds_for(make_user("team_member", tree.commune)) == []


def test_the_result_shape_of_a_job():
    result = ImportResult(
        message="m",
        counts={"created": 1},
        errors=[RowError(3, "Thôn", "r")],
        errors_total=1,
        imported=1,
        skip_invalid=True,
    )
    assert not result.ok
    ok, message, stored = result.job_outcome()
    assert (ok, message) == (True, "m")
    assert stored == {
        "created": 1,
        "dry_run": False,
        "errors_total": 1,
        "errors": [{"row": 3, "column": "Thôn", "reason": "r"}],
    }
    refused = ImportResult(message="m", errors=[RowError(2, "A", "r")], errors_total=1)
    assert refused.job_outcome()[:2] == (False, "Tệp có 1 lỗi, chưa ghi dữ liệu nào.")
    unreadable = ImportResult(message="hỏng", problem="hỏng", dry_run=True)
    assert unreadable.job_outcome() == (False, "hỏng", {"dry_run": True})


# --- one command for every kind -------------------------------------------------------------


@pytest.mark.parametrize("code", ["population", "teams", "villages"])
def test_command_imports_each_kind(tree, tmp_path, code):
    path = write(tmp_path, GOOD[code])
    status, out, _err = cli(code, path, "--dry-run")
    assert status == 0 and "chưa ghi" in out and written(code) == 0
    status, out, _err = cli(code, path)
    assert status == 0 and out.strip() and written(code) == 1
    assert cli(code, path)[0] == 0 and written(code) == 1  # again: nothing new


@pytest.mark.parametrize("code", ["population", "teams", "villages"])
def test_command_reports_a_bad_file_and_exits_1(tree, tmp_path, code):
    path = write(tmp_path, BAD[code])
    status, _out, err = cli(code, path)
    assert status == 1
    assert f"Dòng 3, cột “{BAD_COLUMN[code]}”: " in err
    assert "chưa ghi dữ liệu nào." in err and written(code) == 0
    status, out, err = cli(code, path, "--skip-invalid")
    assert status == 1 and "các dòng lỗi đã bỏ qua." in err
    assert out.strip() and written(code) == 1


def test_command_for_villages_says_what_it_did(tree, tmp_path):
    path = write(tmp_path, GOOD["villages"] + "16001,Bản Mây\n")
    status, out, _err = cli("villages", path)
    assert status == 0 and out.strip() == "Đã thêm 2 thôn; 0 thôn đã có từ trước."
    assert AdminUnit.objects.get(name="Mây", parent=tree.sibling_commune).unit_type == "Bản"
    status, out, _err = cli("villages", path, "--dry-run")
    assert out.strip() == "Chạy thử, chưa ghi gì: sẽ thêm 0 thôn; 2 thôn đã có từ trước."


def test_command_refuses_an_unreadable_file_and_an_unknown_kind(tree, tmp_path):
    status, _out, err = cli("villages", write(tmp_path, "Mã xã,Tên\n16000,A\n"))
    assert status == 1 and "Thiếu cột bắt buộc: Thôn" in err
    status, _out, err = cli("villages", str(tmp_path / "none.csv"))
    assert status == 1 and "Không mở được tệp" in err
    with pytest.raises(CommandError):
        call_command("import", "nope", "x.csv")


# --- one upload page -------------------------------------------------------------------------


def upload(code: str, text: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{code}.csv", (text or GOOD[code]).encode(), content_type="text/csv")


def start(client, code: str, text: str | None = None, **choices):
    response = client.post(f"/imports/{code}/", {"file": upload(code, text), **choices})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"].startswith(f"/imports/{code}/?job=")
    return client.get(response["Location"])


@pytest.mark.parametrize("code", ["population", "teams", "villages"])
def test_upload_page_for_each_kind_and_its_three_personas(tree, make_user, login, client, code):
    # Anonymous: the login page, no job.
    response = client.post(f"/imports/{code}/", {"file": upload(code)})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.get(f"/imports/{code}/template.xlsx").status_code == 302
    assert not Job.objects.exists()
    # A user of the sibling commune may start a job, but the rows of 16000 are outside their
    # scope: reported by row and column, nothing written.
    login(make_user("commune_officer", tree.sibling_commune))
    job = start(client, code).context["job"]
    assert job.status == Job.Status.FAILED and job.kind == f"{code}_import"
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [(2, "Mã xã")]
    assert written(code) == 0
    # The commune's own officer imports the file; the page shows the job's report.
    officer = make_user("commune_officer", tree.commune)
    page = start(login(officer), code)
    job = page.context["job"]
    assert job.status == Job.Status.DONE and job.percent == 100 and job.created_by == officer
    assert job.message in page.content.decode() and written(code) == 1
    # The sibling's officer cannot follow this job.
    login(make_user("commune_officer", tree.sibling_commune, username="other"))
    assert client.get(f"/imports/{code}/?job={job.pk}").status_code == 404


@pytest.mark.parametrize("code", ["population", "teams", "villages"])
def test_upload_page_shows_the_columns_and_serves_the_template(tree, make_user, login, code):
    client = login(make_user("district_officer", tree.district))
    html = client.get(f"/imports/{code}/").content.decode()
    kind = import_kind(code)
    assert f'href="/imports/{code}/template.xlsx"' in html
    assert all(f'<td data-label="Cột">{c.header}</td>' in html for c in kind.columns)
    assert 'name="dry_run"' in html and 'name="skip_invalid"' in html
    response = client.get(f"/imports/{code}/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == kind.headers and len(rows) >= 2


def test_upload_pages_are_refused_to_roles_without_imports(tree, make_user, login, client):
    login(make_user("province_leader", tree.province))
    assert client.get("/imports/").status_code == 403
    for code in ["population", "teams", "villages"]:
        assert client.get(f"/imports/{code}/").status_code == 403
        assert client.post(f"/imports/{code}/", {"file": upload(code)}).status_code == 403
    assert not Job.objects.exists()
    login(make_user("commune_officer", tree.commune))
    assert client.get("/imports/nope/").status_code == 404
    html = client.get("/imports/").content.decode()
    assert all(f'href="/imports/{c}/"' in html for c in ["population", "teams", "villages"])


def test_a_job_of_another_kind_is_not_shown_on_a_kind_s_page(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    job = start(client, "villages").context["job"]
    assert client.get(f"/imports/teams/?job={job.pk}").status_code == 404


def test_the_village_import_runs_as_a_job(tree, make_user, login, settings):
    client = login(make_user("commune_officer", tree.commune))
    page = start(client, "villages", BAD["villages"], dry_run="on")
    job = page.context["job"]
    assert job.title == "Kiểm tra tệp villages.csv" and job.status == Job.Status.FAILED
    assert job.result["errors"][0]["row"] == 3
    job = start(client, "villages", BAD["villages"], skip_invalid="on").context["job"]
    assert job.status == Job.Status.DONE and job.title == "Nhập danh sách thôn từ villages.csv"
    assert job.message == "Đã thêm 1 thôn; 0 thôn đã có từ trước. Bỏ qua 1 dòng lỗi."
    assert job.result["created"] == 1 and job.result["errors_total"] == 1
    assert AdminUnit.objects.filter(parent=tree.commune, name="Mới").exists()
    # The error report downloads as a workbook; the upload was removed once read.
    assert client.get(f"/jobs/{job.pk}/errors.xlsx").status_code == 200
    assert not list((settings.MEDIA_ROOT / "imports").iterdir())


# --- the former addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    "old,new",
    [
        ("/registry/import/", "/imports/population/"),
        ("/registry/import/?job=7", "/imports/population/?job=7"),
        ("/registry/import/template.xlsx", "/imports/population/template.xlsx"),
        ("/teams/import/", "/imports/teams/"),
        ("/teams/import/template.xlsx", "/imports/teams/template.xlsx"),
        ("/units/villages/import/", "/imports/villages/"),
        ("/units/villages/template.xlsx", "/imports/villages/template.xlsx"),
    ],
)
def test_former_upload_addresses_redirect(tree, make_user, login, client, old, new):
    assert "/login" in client.get(old)["Location"]  # anonymous: the login page first
    login(make_user("commune_officer", tree.commune))
    response = client.get(old)
    assert response.status_code == 302 and response["Location"] == new


def test_menus_link_to_the_upload_page(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    assert 'href="/imports/population/"' in client.get("/registry/households/").content.decode()
    assert 'href="/imports/teams/"' in client.get("/teams/").content.decode()
    assert 'href="/imports/villages/"' in client.get("/units/16000/").content.decode()
