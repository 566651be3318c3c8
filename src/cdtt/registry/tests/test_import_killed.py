"""The population import killed with SIGKILL at ten moments spread over its run (a process
started, reading, checking, writing, committing): each time the database is found exactly as
before (the same rows in every registry table, SQLite's integrity check clean), or, when the
kill came after the commit, exactly as a whole import leaves it: never half of a file.

The import runs as ``cdtt import population`` in its own process on a SQLite file, as in
production; the moments are fractions of one uninterrupted run of the same import on a copy."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

TABLES = [
    "registry_household",
    "registry_resident",
    "registry_populationimport",
    "registry_villagecoverage",
    "skills_skillassessment",
    "geo_adminunit",
]
HEADER = (
    "Mã xã,Thôn,Mã hộ,Địa chỉ,Họ và tên,Ngày sinh,Giới tính,Quan hệ với chủ hộ,Số điện thoại,"
    "Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,"
    "Nền tảng số khác"
)
SEED = "from cdtt.testing import Tree; Tree()"


def _cdtt(var: Path, *args, **kw):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CDTT_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="cdtt.settings")
    return subprocess.Popen(
        [sys.executable, "-m", "cdtt", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **kw,
    )


def _state(var: Path) -> dict:
    db = sqlite3.connect(var / "cdtt.sqlite3")
    try:
        state = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
        state["integrity"] = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    return state


def _population(path: Path, households: int) -> None:
    rows = [HEADER]
    for i in range(households):
        village = "Thôn Yên Trung" if i % 2 else "Thôn Phú Lộc"
        rows.append(f"16000,{village},HK{i:06d},Số {i},Nguyễn Văn {i},1980,Nam,Chủ hộ,,2,1,0,1,")
        rows.append(f"16000,{village},HK{i:06d},Số {i},Lê Thị {i},1985,Nữ,Vợ,,1,1,1,0,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_a_killed_import_leaves_the_database_as_before(tmp_path):
    base = tmp_path / "base"
    assert _cdtt(base, "migrate", "--noinput").wait(timeout=600) == 0
    assert _cdtt(base, "shell", "-c", SEED).wait(timeout=300) == 0
    data = tmp_path / "population.csv"
    _population(data, 3000)
    before = _state(base)
    assert before["integrity"] == "ok" and before["registry_household"] == 0

    measure = tmp_path / "measure"
    shutil.copytree(base, measure)
    started = time.monotonic()
    assert _cdtt(measure, "import", "population", str(data)).wait(timeout=600) == 0
    duration = time.monotonic() - started
    after = _state(measure)
    assert after["registry_household"] == 3000  # the import does write when left alone

    killed = untouched = 0
    for k in range(1, 11):
        run = tmp_path / f"run{k}"
        shutil.copytree(base, run)
        process = _cdtt(run, "import", "population", str(data))
        time.sleep(duration * k / 16)  # spread over the first two thirds, where it writes
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        if process.returncode == -signal.SIGKILL:
            killed += 1
            found = _state(run)
            assert found in (before, after), f"killed at {k}/16 of the run: {found}"
            untouched += found == before
        shutil.rmtree(run)
    assert killed >= 8 and untouched >= 3  # kills did fall before the commit
    print(
        f"\nimport killed {killed} times (run {duration:.1f} s): {untouched} found the database "
        f"as before, {killed - untouched} after the commit as a whole import; never partial"
    )
