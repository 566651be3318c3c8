"""Teams import page: the upload runs as a background job with progress, then the job shows the
message or the row-by-row report (row, column, reason). In tests the job queue runs inline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cdtt.core.jobs import job_create
from cdtt.core.models import Job
from cdtt.teams.imports import teams_import
from cdtt.teams.models import Membership, Person, Team

HEADER = "Mã xã,Thôn,Họ và tên,Vai trò trong tổ,Số điện thoại,Năm sinh\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def officer(tree, make_user):
    return make_user("commune_officer", tree.commune)


def upload(*lines: str) -> SimpleUploadedFile:
    data = (HEADER + "\n".join(lines) + "\n").encode("utf-8")
    return SimpleUploadedFile("to-cnscd.csv", data, content_type="text/csv")


def good(tree) -> list[str]:
    return [
        f"16000,{tree.village.name},Lê Văn Hùng,Tổ trưởng,0912345678,1975",
        f"16000,{tree.village.name},Nguyễn Thị Mai,Tổ phó,0987654321,1998",
        "16000,,Trần Văn Nam,Tổ trưởng,0388123456,1980",
    ]


def start(client, file, **choices):
    response = client.post("/imports/teams/", {"file": file, **choices})
    assert response.status_code == 302, response.content.decode()[:1000]
    assert response["Location"].startswith("/imports/teams/?job=")
    return client.get(response["Location"])


def test_good_file_is_imported_by_a_job(tree, officer, login, settings):
    page = start(login(officer), upload(*good(tree)))
    job = page.context["job"]
    assert job.kind == "teams_import" and job.created_by == officer
    assert job.status == Job.Status.DONE and job.percent == 100
    assert job.message == "Đã nhập: 2 tổ mới, 3 thành viên mới; 0 thành viên đã có từ trước."
    assert job.result["teams_created"] == 2 and job.result["errors"] == []
    html = page.content.decode()
    assert f'id="job-{job.pk}"' in html and "<progress" in html and job.message in html
    assert "hx-get" not in html  # a finished job is not polled any more
    assert Team.objects.count() == 2 and Membership.objects.count() == 3
    # The upload was saved for the job, which removed it when done.
    assert not list((settings.MEDIA_ROOT / "imports").iterdir())
    # The job's own fragment (what the progress bar polls) shows the same.
    fragment = login(officer).get(f"/jobs/{job.pk}/").content.decode()
    assert job.message in fragment


def test_bad_file_yields_the_report_and_writes_nothing(tree, officer, login):
    page = start(
        login(officer),
        upload(
            f"16000,{tree.village.name},Lê Văn Hùng,Tổ trưởng,0912345678,1975",
            f"16000,{tree.village.name},Phạm Văn A,Thành viên,12345,",
            f"16001,{tree.sibling_village.name},Ngô Văn C,Tổ trưởng,,",
        ),
    )
    job = page.context["job"]
    assert job.status == Job.Status.FAILED
    assert job.message == "Tệp có 2 lỗi, chưa ghi dữ liệu nào."
    assert {(e["row"], e["column"]) for e in job.result["errors"]} == {
        (3, "Số điện thoại"),
        (4, "Mã xã"),
    }
    html = page.content.decode()
    assert "<th>Dòng</th><th>Cột</th><th>Lý do</th>" in html
    assert '<td data-label="Dòng">3</td><td data-label="Cột">Số điện thoại</td>' in html
    assert '<td data-label="Dòng">4</td><td data-label="Cột">Mã xã</td>' in html
    assert not Team.objects.exists() and not Person.objects.exists()


def test_unreadable_file_fails_the_job_with_the_reason(tree, officer, login, settings):
    file = SimpleUploadedFile("t.csv", "Mã xã,Thôn\n16000,Yên Trung\n".encode())
    job = start(login(officer), file).context["job"]
    assert job.status == Job.Status.FAILED and "Họ và tên" in job.message
    assert not Team.objects.exists()
    assert not list((settings.MEDIA_ROOT / "imports").iterdir())


def test_skip_invalid_imports_the_good_rows(tree, officer, login):
    page = start(
        login(officer),
        upload(*good(tree), f"16000,{tree.village.name},Phạm Văn A,Thành viên,12345,"),
        skip_invalid="on",
    )
    job = page.context["job"]
    assert job.status == Job.Status.DONE
    assert job.message == (
        "Đã nhập: 2 tổ mới, 3 thành viên mới; 0 thành viên đã có từ trước. Bỏ qua 1 dòng lỗi."
    )
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [(5, "Số điện thoại")]
    assert (
        '<td data-label="Dòng">5</td><td data-label="Cột">Số điện thoại</td>'
        in page.content.decode()
    )
    assert Membership.objects.count() == 3
    assert not Person.objects.filter(full_name="Phạm Văn A").exists()


def test_dry_run_writes_nothing(tree, officer, login):
    job = start(login(officer), upload(*good(tree)), dry_run="on").context["job"]
    assert job.status == Job.Status.DONE and job.title == "Kiểm tra tệp to-cnscd.csv"
    assert job.message.startswith("Chạy thử, chưa ghi gì: sẽ có 2 tổ mới")
    assert job.result["dry_run"] is True
    assert not Team.objects.exists() and not Person.objects.exists()


def test_progress_is_reported_every_few_hundred_rows(tree, officer):
    names = [f"Thành viên số {i:03d}" for i in range(1, 300)]
    data = (
        HEADER
        + f"16000,{tree.village.name},Lê Văn Hùng,Tổ trưởng,0912345678,1975\n"
        + "".join(f"16000,{tree.village.name},{n},Thành viên,,1990\n" for n in names)
    ).encode()
    calls = []
    result = teams_import(actor=officer, data=data, progress=lambda d, t: calls.append((d, t)))
    assert result.ok and result.members_added == 300
    # 300 rows read and checked, then 300 written: a report every 250 steps and at the end.
    assert calls[-1] == (600, 600) and 3 <= len(calls) <= 5
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)
    assert all(d <= t for d, t in calls)
    # Bad rows are read but never written: the total shrinks to what is done.
    calls.clear()
    outside = data.replace(b"16000,", b"99999,")
    bad = teams_import(actor=officer, data=outside, progress=lambda d, t: calls.append((d, t)))
    assert not bad.ok and calls[-1] == (300, 300)


# --- who may start an import, who may follow its job ------------------------------------


def test_personas_starting_an_import(tree, officer, make_user, login, client):
    # Anonymous: sent to the login page, no job, nothing written.
    response = client.post("/imports/teams/", {"file": upload(*good(tree))})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert client.get("/imports/teams/").status_code == 302
    assert not Job.objects.exists()
    # A read-only leader may not import.
    login(make_user("province_leader", tree.province))
    assert client.post("/imports/teams/", {"file": upload(*good(tree))}).status_code == 403
    assert not Job.objects.exists()
    # The sibling commune's officer may start a job, but the rows of another commune are
    # outside their scope: reported, nothing written.
    login(make_user("commune_officer", tree.sibling_commune))
    job = start(client, upload(*good(tree))).context["job"]
    assert job.status == Job.Status.FAILED
    assert {e["column"] for e in job.result["errors"]} == {"Mã xã"}
    assert not Team.objects.exists()
    # The commune's own officer imports them.
    login(officer)
    assert start(client, upload(*good(tree))).context["job"].status == Job.Status.DONE
    assert Team.objects.count() == 2


def test_personas_viewing_the_job(tree, officer, make_user, login, client):
    start(login(officer), upload(*good(tree)))
    job = Job.objects.get()
    assert client.get(f"/imports/teams/?job={job.pk}").status_code == 200
    assert client.get(f"/jobs/{job.pk}/").status_code == 200
    # Another commune's officer cannot look at this job.
    login(make_user("commune_officer", tree.sibling_commune))
    assert client.get(f"/imports/teams/?job={job.pk}").status_code == 404
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    # Nor can someone not logged in.
    client.logout()
    assert client.get(f"/imports/teams/?job={job.pk}").status_code == 302
    assert client.get(f"/jobs/{job.pk}/").status_code == 302


def test_a_job_of_another_kind_is_not_shown_here(tree, officer, login):
    other = job_create(kind="population_import", title="Nhập nhân khẩu", actor=officer)
    assert login(officer).get(f"/imports/teams/?job={other.pk}").status_code == 404


def test_a_missing_file_is_refused(tree, officer, login):
    response = login(officer).post("/imports/teams/", {})
    assert response.status_code == 200 and not Job.objects.exists()


def test_progress_of_an_xlsx_file(tree, officer):
    from cdtt.lib.xlsx import xlsx_bytes

    headers = ["Mã xã", "Thôn", "Họ và tên", "Vai trò trong tổ", "Năm sinh"]
    rows = [["16000", tree.village.name, "Lê Văn Hùng", "Tổ trưởng", 1975]] + [
        ["16000", tree.village.name, f"Thành viên số {i:03d}", "Thành viên", 1990]
        for i in range(1, 260)
    ]
    calls = []
    result = teams_import(
        actor=officer,
        data=xlsx_bytes("Tổ", headers, rows),
        progress=lambda d, t: calls.append((d, t)),
    )
    assert result.ok and result.members_added == 260
    assert calls[0] == (250, 500)  # while reading, the rows to come are not known yet
    assert calls[-1] == (520, 520)
    assert all(d <= t for d, t in calls)
