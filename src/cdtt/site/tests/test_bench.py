"""The plumbing of ``cdtt bench`` (bench/): the percentile it reports, the rows a step leaves
when it cannot measure, the name of a results file, the table regenerated from it, and the
address the app server uses to reach the bench's database. The measures themselves need
PostgreSQL and a live server: ``cdtt bench`` runs them."""

import json
import time

import pytest
from bench import remap, report, run
from bench.common import Measure, NotMeasured, percentile
from bench.database import BenchDatabase


def _run(lines: list[str]) -> run.BenchRun:
    return run.BenchRun(
        scale="small",
        quick=True,
        database="cdtt_bench_test",
        worker_class="gthread",
        seconds=5,
        out=lines.append,
    )


def test_the_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([3.0, 1.0, 2.0], 95) == 3
    assert percentile([7.0], 50) == 7


def test_a_step_that_cannot_measure_leaves_its_planned_rows_with_the_reason():
    lines: list[str] = []
    bench = _run(lines)

    def export_missing(_run):
        raise NotMeasured("no export yet")

    bench.step("export", export_missing)
    [row] = bench.measures
    assert (row.key, row.measured, row.note) == ("export_xlsx", None, "no export yet")
    assert "   not measured: no export yet" in lines


def test_a_failing_step_keeps_the_rows_it_left_and_the_next_step_runs():
    bench = _run([])

    def half(r):
        r.add(Measure("worklist_api", "GET /api/v1/worklist", 12.5, "ms", passed=True))
        raise RuntimeError("the server went away")

    bench.step("worklist", half)
    bench.step("field app", lambda r: r.add(Measure("field_app_first_load", "x", 1.0, "KB")))
    assert [m.key for m in bench.measures] == ["worklist_api", "field_app_first_load"]
    assert bench.measures[0].measured == 12.5


def test_a_step_that_fails_is_marked_failed():
    bench = _run([])
    bench.step("roll-ups after import", lambda r: 1 / 0)
    [row] = bench.measures
    assert row.key == "rollups_after_import"
    assert row.note.startswith("failed: ZeroDivisionError")


@pytest.mark.parametrize(
    ("quick", "reused", "server", "connection", "name"),
    [
        (False, False, {"worker_class": "gthread", "threads": 2}, "Unix socket /run", "small-D"),
        (
            True,
            False,
            {"worker_class": "gthread", "threads": 2},
            "Unix socket /run",
            "small-quick-D",
        ),
        (
            True,
            True,
            {"worker_class": "sync", "threads": 1},
            "TCP 127.0.0.1",
            "small-quick-reuse-sync-tcp-D",
        ),
        (False, False, {"worker_class": "gthread", "threads": 4}, "TCP db", "small-threads4-tcp-D"),
    ],
)
def test_a_results_file_is_named_by_scale_options_and_day(
    tmp_path, monkeypatch, quick, reused, server, connection, name
):
    monkeypatch.setattr(run, "RESULTS_DIR", tmp_path)
    results = {
        "scale": "small",
        "date": "2026-12-06",
        "quick": quick,
        "reused": reused,
        "server": server,
        "app_database_connection": connection,
        "measures": [],
    }
    path = run.results_write(results)
    assert path == tmp_path / f"{name.replace('D', '2026-12-06')}.json"
    assert json.loads(path.read_text(encoding="utf-8")) == results


def test_the_table_shows_each_row_with_its_verdict():
    results = {
        "scale": "small",
        "date": "2026-12-06",
        "_file": "results/small-2026-12-06.json",
        "population": {"residents": 47110, "households": 12669, "villages": 51, "communes": 7},
        "measures": [
            {"what": "A", "measured": 2.5, "unit": "ms", "budget": "≤ 50 ms", "passed": True},
            {"what": "B", "measured": 400, "unit": "ms", "budget": "≤ 50 ms", "passed": False},
            {"what": "C|D", "measured": None, "unit": "", "note": "no server", "passed": None},
        ],
    }
    text = report.table(results)
    assert "47,110 residents, 12,669 households, 51 villages, 7 communes" in text
    assert "| A | 2.5 ms |  | ≤ 50 ms | pass |" in text
    assert "| B | 400 ms |  | ≤ 50 ms | **FAIL** |" in text
    assert "| C\\|D | not measured |  |  | no server |" in text


def test_the_app_server_reaches_a_local_database_through_its_socket(tmp_path):
    (tmp_path / ".s.PGSQL.5432").touch()
    db = BenchDatabase("cdtt_bench_test")
    db.conninfo = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "password": "p w"}
    described = db.addresses_set(f"{tmp_path}, /tmp", use_socket=True)
    assert described == f"Unix socket {tmp_path}"
    assert db.url == "postgres://postgres:p%20w@127.0.0.1:5432/cdtt_bench_test"
    assert db.server_url.startswith("postgres://postgres:p%20w@%2F")
    assert db.server_url.endswith(":5432/cdtt_bench_test")
    assert db.addresses_set(str(tmp_path), use_socket=False) == "TCP 127.0.0.1"
    assert db.server_url == db.url
    db.conninfo["host"] = "db.example.org"
    assert db.addresses_set(str(tmp_path), use_socket=True) == "TCP db.example.org"
    assert db.kept == "cdtt_bench_test_before_import"


ROWS = """Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,Nền tảng số khác
15271,Thôn Một,A1,Nguyễn Văn An,1985,2,2,2,2,2
15271,Thôn Hai,A2,Lê Thị Bình,1987,1,,,,
15328,Thôn Ba,B1,Trần Văn Cường,1960,2,2,2,2,2
16627,Thôn Bảy,HK01,Vũ Thị Giang,1975,,,,,
16627,Thôn Bảy,HK02,Vũ Văn Hải,1976,,,,,
"""


def _province(structure: str):
    from cdtt.geo.models import AdminUnit, Level
    from cdtt.geo.services import units_load

    units_load(actor=None, province_code="38", structure=structure)
    return AdminUnit.objects.get(code="38", level=Level.PROVINCE)


def test_the_move_step_times_plan_and_move_checks_them_and_rolls_the_move_back(db):
    from cdtt.geo.models import AdminUnit, Structure
    from cdtt.registry.imports import population_import
    from cdtt.registry.models import Household

    bench = _run([])
    bench.province = _province("2024")
    assert population_import(actor=None, data=ROWS.encode()).ok
    households = list(Household.objects.values_list("pk", "commune_id", "district_id", "code"))
    bench.step("remap", remap.remap_measure)
    rows = {m.key: m for m in bench.measures}
    assert list(rows) == ["remap_plan", "remap_move", "remap_moved", "remap_rollups"]
    assert rows["remap_plan"].measured >= 0
    assert "4 villages, 5 households, 5 residents, 0 visits to move" in rows["remap_plan"].reference
    assert rows["remap_move"].passed and 0 <= rows["remap_move"].measured <= 300
    assert list(rows["remap_move"].details["phases_s"]) == list(remap.PHASES)
    moved = rows["remap_moved"]
    assert (moved.measured, moved.passed) == (0, True)
    assert moved.details["moved"] == {"households": 5, "residents": 5, "visits": 0}
    assert moved.reference == "5 households moved, 5 residents moved, 0 visits moved"
    assert (rows["remap_rollups"].measured, rows["remap_rollups"].passed) == (0, True)
    assert bench.info["remap"]["rolled_back"] is True
    # rolled back: the data is as before, ready for the next run
    assert list(Household.objects.values_list("pk", "commune_id", "district_id", "code")) == (
        households
    )
    assert not AdminUnit.objects.filter(structure=Structure.Y2025).exists()


def test_the_move_step_is_not_measured_on_data_of_the_2025_map(db):
    lines: list[str] = []
    bench = _run(lines)
    bench.province = _province("2025")
    bench.step("remap", remap.remap_measure)
    assert [m.key for m in bench.measures] == [k for k, _w, _b in remap.PLANNED]
    assert all(m.measured is None for m in bench.measures)
    assert bench.measures[1].note.startswith("the bench's data is on the 2025 structure")
    assert any(line.startswith("   not measured: the bench's data") for line in lines)


def test_only_runs_the_steps_named_and_the_move_comes_last():
    bench = run.BenchRun(
        scale="small",
        quick=True,
        database="cdtt_bench_test",
        worker_class="gthread",
        seconds=5,
        out=[].append,
        only=["remap"],
    )
    assert bench.wanted(run.SERVER_STEPS) == []
    assert bench.wanted(run.LAST_STEPS) == [("remap", remap.remap_measure)]
    assert _run([]).wanted(run.SERVER_STEPS) == run.SERVER_STEPS
    assert run.STEP_NAMES[-1] == "remap"


def test_a_run_of_some_steps_has_its_own_file_and_section(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RESULTS_DIR", tmp_path / "results")
    monkeypatch.setattr(report, "BENCH_DIR", tmp_path)
    results = {
        "scale": "province",
        "date": "2026-12-06",
        "only": ["remap"],
        "app_database_connection": "TCP 127.0.0.1",
        "measures": [],
    }
    # no step needed the app server: no mark of its workers or of its connection
    assert run.results_write(results).name == "province-only-remap-2026-12-06.json"
    server = {"worker_class": "gthread", "threads": 2}
    full = {**results, "only": None, "server": server, "started_at": "2026-12-06T05:00"}
    assert run.results_write(full).name == "province-tcp-2026-12-06.json"
    (tmp_path / "results" / "schools-postgresql.json").write_text('{"rows": 20000}')
    latest = report._latest()
    assert [r.get("only") for r in latest] == [None, ["remap"]]
    assert report.table(latest[1]).startswith(
        "### Scale `province` — only remap — 2026-12-06 ([results/province-only-remap-"
    )


def test_the_command_refuses_a_step_it_does_not_know(monkeypatch):
    from django.core.management import CommandError, call_command
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    monkeypatch.setitem(settings_dict, "ENGINE", "django.db.backends.postgresql")
    with pytest.raises(CommandError, match="--only: no step remapp"):
        call_command("bench", "--only", "remapp")


def test_of_the_runs_of_some_steps_the_newest_is_shown_reused_or_not():
    fresh = {"scale": "province", "only": ["remap"], "reused": False, "started_at": "1"}
    reused = {**fresh, "reused": True, "started_at": "2"}
    assert report._rank(reused) > report._rank(fresh)
    full, full_reused = {**fresh, "only": None}, {**reused, "only": None}
    assert report._rank(full) > report._rank(full_reused)


def test_the_cpu_of_a_block_counts_this_process_and_the_machine():
    from bench.import_run import CpuAccount

    with CpuAccount() as cpu:
        deadline = time.process_time() + 0.05
        while time.process_time() < deadline:  # busy in this process
            pass
    assert cpu.figures["importer_s"] >= 0.04
    assert cpu.figures["cores"] >= 1
    # On Linux the machine was busy at least as long as this process was.
    if "machine_busy_s" in cpu.figures:
        assert cpu.figures["machine_busy_s"] + 0.05 >= cpu.figures["importer_s"]
        assert cpu.figures["machine_idle_s"] >= 0


def test_an_imports_cpu_reads_as_core_seconds_used_of_those_offered():
    from bench.population import cpu_account

    child = {"cpu": {"importer_s": 14.2, "machine_busy_s": 29.0, "machine_idle_s": 6.4, "cores": 2}}
    assert cpu_account(child) == (
        "; CPU meanwhile: the importer 14.2 s, the machine busy 29.0 of 35.4 core-seconds (2 cores)"
    )
    assert cpu_account({"cpu": {"importer_s": 3.0, "cores": 2}}) == "; the importer's CPU 3.0 s"
    assert cpu_account({}) == ""


def test_the_students_step_measures_both_shapes_each_against_its_own_copy(monkeypatch):
    from bench import schools

    def figures(rows, n_schools, shape="generated"):
        first = {"generated": 1.5, "exported": 1.2}[shape]
        return {
            "bare_load_s": 0.3,
            "bare_loads_s": [0.3, 0.31],
            "bare_temporary_s": 0.25,
            "import_s": first,
            "reimport_s": 0.5,
            "ratio": round(first / 0.3, 2),
            "reimport_ratio": 1.67,
            "within_budget": first / 0.3 <= 3,
            "reimport_within_budget": True,
        }

    monkeypatch.setattr(schools, "schools_bench", figures)
    lines: list[str] = []
    bench = _run(lines)
    schools.students_measure(bench)
    rows = {m.key: m for m in bench.measures}
    assert list(rows) == [
        "students_import",
        "students_reimport",
        "students_import_exported",
        "students_reimport_exported",
    ]
    assert rows["students_import"].measured == 1.5 and not rows["students_import"].passed
    assert rows["students_import_exported"].measured == 1.2
    assert "as schools export them" in rows["students_import_exported"].what
    assert "× 4.0" in rows["students_import_exported"].reference
    assert rows["students_reimport_exported"].passed


def test_a_reused_database_carries_the_import_of_the_newest_run_that_measured_it(tmp_path):
    from bench.population import earlier_import

    def write(name: str, started: str, ratio, carried_from: str | None = None) -> None:
        data = {
            "scale": "province",
            "started_at": started,
            "measures": [{"key": "import_vs_copy", "measured": ratio}],
        }
        if carried_from:
            data["import_from"] = carried_from
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")

    write("province-2026-12-06.json", "2026-12-06T12:00:00+07:00", 3.5)
    write("province-2026-12-07-0823.json", "2026-12-07T08:23:00+07:00", 2.9)
    write("province-2026-12-07-0900.json", "2026-12-07T09:00:00+07:00", None)  # failed import
    # Later, and last by name, but it carried an older import over: passed by.
    write(
        "province-reuse-only-visits-2026-12-07.json",
        "2026-12-07T10:00:00+07:00",
        3.5,
        carried_from="province-2026-12-06.json",
    )
    write("small-2026-12-08.json", "2026-12-08T00:00:00+07:00", 1.0)
    path, data = earlier_import("province", tmp_path)
    assert path.name == "province-2026-12-07-0823.json"
    assert data["measures"][0]["measured"] == 2.9
    assert earlier_import("medium", tmp_path) is None
