"""The plumbing of ``cdtt bench`` (bench/): the percentile it reports, the rows a step leaves
when it cannot measure, the name of a results file, the table regenerated from it, and the
address the app server uses to reach the bench's database. The measures themselves need
PostgreSQL and a live server: ``cdtt bench`` runs them."""

import json

import pytest
from bench import report, run
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
