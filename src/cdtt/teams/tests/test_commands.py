"""cdtt import teams FILE [--dry-run] [--skip-invalid]: exit 0 on success, 1 with a report."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cdtt.teams.models import Membership, Team

GOOD = """Mã xã,Thôn,Họ và tên,Vai trò trong tổ,Số điện thoại,Năm sinh
16000,Yên Trung,Lê Văn Hùng,Tổ trưởng,0912345678,1975
16000,Yên Trung,Nguyễn Thị Mai,Tổ phó,0987654321,1998
16100,Bắc,Trần Văn Nam,Tổ trưởng,0388123456,1980
"""
BAD = (
    GOOD + "16000,Yên Trung,Phạm Văn Sai,Thành viên,12345,1990\n16000,Đông,Ngô Văn D,Tổ trưởng,,\n"
)


def write(tmp_path, text, name="teams.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", "teams", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_import_teams_command_exits_0_and_is_idempotent(tree, tmp_path):
    path = write(tmp_path, GOOD)
    code, out, _err = run(path, "--dry-run")
    assert code == 0 and "Chạy thử, chưa ghi gì" in out and not Team.objects.exists()
    code, out, _err = run(path)
    assert code == 0 and "2 tổ mới, 3 thành viên mới" in out
    assert Team.objects.count() == 2 and Membership.objects.count() == 3
    code, out, _err = run(path)
    assert code == 0 and "0 tổ mới, 0 thành viên mới; 3 thành viên đã có từ trước" in out
    assert Membership.objects.count() == 3


def test_import_teams_command_reports_bad_rows_and_exits_1(tree, tmp_path):
    path = write(tmp_path, BAD)
    code, out, err = run(path)
    assert code == 1
    assert "Dòng 5, cột “Số điện thoại”" in err
    assert "Dòng 6, cột “Thôn”" in err and "thuộc Xã Quảng Nhân" in err
    assert "chưa ghi dữ liệu nào" in err
    assert not Team.objects.exists()

    code, out, err = run(path, "--skip-invalid")
    assert code == 1 and "Dòng 5, cột “Số điện thoại”" in err and "đã bỏ qua" in err
    assert "Đã nhập: 2 tổ mới, 3 thành viên mới" in out and "Bỏ qua 2 dòng lỗi" in out
    assert Membership.objects.count() == 3


def test_import_teams_command_unreadable_file(tree, tmp_path):
    code, _out, err = run(str(tmp_path / "missing.csv"))
    assert code == 1 and "Không mở được tệp" in err
    code, _out, err = run(write(tmp_path, "Họ và tên\nAn\n"))
    assert code == 1 and "Mã xã" in err
    with pytest.raises(CommandError):
        call_command("import", "teams", write(tmp_path, ""), stderr=io.StringIO())
