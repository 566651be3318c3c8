"""Population import page: upload, job with progress, result or the row-by-row error table."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cdtt.core.models import Job
from cdtt.registry.models import Household, Resident

HEADER = "Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Số điện thoại,Thanh toán trực tuyến\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(rows: str, name: str = "dan-so.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + rows).encode("utf-8"), content_type="text/csv")


def run(client, rows: str, **choices):
    response = client.post("/imports/population/", {"file": upload(rows), **choices})
    assert response.status_code == 302, response.content.decode()[:1000]
    return client.get(response["Location"])


def test_import_writes_and_reports(tree, make_user, login, settings):
    client = login(make_user("commune_officer", tree.commune))
    page = run(
        client,
        "16000,Yên Trung,HK1,Nguyễn Văn An,05/03/1985,912345678,Thành thạo\n"
        "16000,Thôn Mới,HK2,Lê Thị Bình,1990,,Cơ bản\n",
    )
    job = page.context["job"]
    assert job.status == Job.Status.DONE and job.created_by.role == "commune_officer"
    html = page.content.decode()
    assert 'id="job-' in html and "Đã nhập" in html
    assert (
        Household.objects.count() == 2
        and Resident.objects.get(full_name="Nguyễn Văn An").phone == "0912345678"
    )
    # The upload was saved under MEDIA_ROOT/imports/ for the job, which removed it when done.
    assert (settings.MEDIA_ROOT / "imports").is_dir()
    assert not list((settings.MEDIA_ROOT / "imports").iterdir())


def test_bad_rows_are_listed_and_nothing_is_written(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    page = run(
        client,
        "16000,Yên Trung,HK1,Nguyễn Văn An,05/03/1985,,\n"
        "16000,Yên Trung,HK2,Lê Thị Bình,31/02/1990,,\n"
        "16001,Đông,HK3,Trần Văn C,1980,,\n",
    )
    html = page.content.decode()
    assert page.context["job"].result["errors"]
    assert (
        '<td data-label="Dòng">3</td>' in html and "Ngày sinh" in html
    )  # row 3: the impossible date
    assert '<td data-label="Dòng">4</td>' in html  # row 4: a commune outside the officer's scope
    assert not Household.objects.exists()


def test_skip_invalid_imports_the_good_rows(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    run(
        client,
        "16000,Yên Trung,HK1,Nguyễn Văn An,05/03/1985,,\n16000,Yên Trung,HK2,Lê Thị Bình,1890,,\n",
        skip_invalid="on",
    )
    assert list(Household.objects.values_list("code", flat=True)) == ["HK1"]


def test_dry_run_writes_nothing(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    page = run(client, "16000,Yên Trung,HK1,Nguyễn Văn An,05/03/1985,,\n", dry_run="on")
    assert page.context["job"].status == Job.Status.DONE
    assert not Household.objects.exists()


def test_personas(tree, make_user, login, client):
    assert client.get("/imports/population/").status_code == 302
    assert client.get("/imports/population/template.xlsx").status_code == 302
    login(make_user("province_leader", tree.province))
    assert client.get("/imports/population/").status_code == 403
    officer = make_user("commune_officer", tree.commune)
    login(officer)
    run(client, "16000,Yên Trung,HK1,Nguyễn Văn An,05/03/1985,,\n")
    job = Job.objects.get()
    # Another commune's officer cannot look at this job.
    login(make_user("commune_officer", tree.sibling_commune))
    assert client.get(f"/imports/population/?job={job.pk}").status_code == 404
    assert client.get(f"/jobs/{job.pk}/").status_code == 404


def test_template_has_the_exact_headers(tree, make_user, login):
    client = login(make_user("district_officer", tree.district))
    assert (
        'href="/imports/population/template.xlsx"'
        in client.get("/imports/population/").content.decode()
    )
    response = client.get("/imports/population/template.xlsx")
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][:5] == ("Mã xã", "Thôn", "Mã hộ", "Địa chỉ", "Họ và tên") and len(rows) == 2


def test_a_missing_file_is_refused(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    response = client.post("/imports/population/", {})
    assert response.status_code == 200 and not Job.objects.exists()
