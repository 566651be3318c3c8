"""The command line: cdtt import population, cdtt export coverage, cdtt rollups; and the import job."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from cdtt.core.imports import import_job
from cdtt.core.jobs import job_create
from cdtt.core.models import Job
from cdtt.registry.models import Household, Resident, VillageCoverage

GOOD = """Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,Nền tảng số khác
16000,Yên Trung,HK01,Nguyễn Văn An,05/03/1985,2,2,2,2,2
16000,Phú Lộc,HK02,Trần Văn Cường,1960,,,,,
"""
BAD = GOOD + "16000,Phú Lộc,HK03,Lê Văn Sai,31/02/1990,,,,,\n"


def write(tmp_path, text, name="population.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_command(tree, tmp_path):
    out = io.StringIO()
    call_command("import", "population", write(tmp_path, GOOD), stdout=out)
    assert "Đã nhập 2 hộ" in out.getvalue()
    assert Resident.objects.count() == 2


def test_import_command_reports_bad_rows_and_exits_1(tree, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "population", write(tmp_path, BAD), stderr=err)
    assert "Dòng 4, cột “Ngày sinh”" in err.getvalue()
    assert not Resident.objects.exists()
    with pytest.raises(CommandError):
        call_command(
            "import",
            "population",
            write(tmp_path, BAD),
            "--skip-invalid",
            stderr=io.StringIO(),
            stdout=io.StringIO(),
        )
    assert Resident.objects.count() == 2


def test_import_command_dry_run(tree, tmp_path):
    out = io.StringIO()
    call_command("import", "population", write(tmp_path, GOOD), "--dry-run", stdout=out)
    assert "chưa ghi" in out.getvalue() and not Household.objects.exists()


def test_export_coverage(tree, tmp_path):
    call_command("import", "population", write(tmp_path, GOOD), stdout=io.StringIO())
    target = tmp_path / "coverage.xlsx"
    call_command("export", "coverage", "--unit", "16000", "-o", str(target), stdout=io.StringIO())
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Mã",
        "Tên",
        "Cấp",
        "Số hộ",
        "Hộ có người thành thạo 5 kỹ năng",
        "Tỷ lệ (%)",
    )
    assert rows[1][:6] == ("16000", "Xã Quảng Định", "Xã/Phường/Thị trấn", 2, 1, 50)
    assert {r[0] for r in rows[2:]} == {"16000-001", "16000-002"}
    call_command(
        "export", "coverage", "--unit", "38", "-o", str(target), "--villages", stdout=io.StringIO()
    )
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == 2 + 4  # header, province, its four villages
    with pytest.raises(CommandError):
        call_command("export", "coverage", "--unit", "nope", "-o", str(target))


def test_rollups_check_finds_and_rebuild_repairs(tree, tmp_path):
    call_command("import", "population", write(tmp_path, GOOD), stdout=io.StringIO())
    out = io.StringIO()
    call_command("rollups", "--check", stdout=out)
    assert "exact" in out.getvalue()
    VillageCoverage.objects.filter(village=tree.village).update(covered=5)
    Resident.objects.filter(full_name="Trần Văn Cường").update(proficient=True)
    with pytest.raises(CommandError):
        call_command("rollups", "--check", stdout=io.StringIO())
    call_command("rollups", "--rebuild", stdout=io.StringIO())
    call_command("rollups", "--check", stdout=io.StringIO())
    assert VillageCoverage.objects.get(village=tree.village).covered == 1
    call_command("rollups", "--snapshot", "2025-01-01", stdout=io.StringIO())


def test_import_job_reports_progress_and_errors(tree, tmp_path, make_user):
    officer = make_user("commune_officer", tree.commune)
    job = job_create(kind="population_import", title="t", actor=officer)
    import_job(job.pk, officer.pk, "population", write(tmp_path, BAD), False, False)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.result["errors"] == [
        {"row": 4, "column": "Ngày sinh", "reason": job.result["errors"][0]["reason"]}
    ]
    job = job_create(kind="population_import", title="t", actor=officer)
    path = write(tmp_path, GOOD)
    import_job(job.pk, officer.pk, "population", path, False, False)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.message.startswith("Đã nhập 2 hộ")
    assert job.result["residents_created"] == 2
    assert not (tmp_path / "population.csv").exists()  # the upload is removed
