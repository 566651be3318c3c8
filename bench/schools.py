"""Benchmark of the students import (DESIGN.md §10): a province's student list (350k rows)
imported set-based, budget ≤ 3 × a bare COPY of the same rows in the same run (PostgreSQL):
into an unindexed table of text columns, the reference the population step measures (its
rows written to the WAL, as the students' are). A COPY into a temporary table, which skips the
WAL (the reference until 2026-12-06), is recorded beside it.

Standalone: ``python -m bench.schools --rows 20000 [--schools 40] [--shape exported]`` against
the database of DATABASE_URL (migrated first; units and schools made when missing). It writes
``bench/results/schools-<vendor>[-<shape>].json``. On SQLite the bare load is one executemany.
The shapes: the bench's own rows (``generated``: the schools in turn, every name numbered), and
the same students as schools export them (``exported``: school by school, class by class,
names that repeat, each class spelled three ways). The step of ``cdtt bench`` measures both.
"""

import argparse
import csv
import datetime as dt
import json
import os
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HEADERS = ["Mã trường", "Lớp", "Năm học", "Họ và tên", "Ngày sinh", "Giới tính", "Mã xã", "Mã hộ"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Khánh", "Lan", "Nam", "Phúc", "Quân", "Tâm", "Yến"]
BUDGET = 3.0


def _setup(n_schools: int) -> list[tuple[str, str]]:
    """(school code, commune code) of the bench's schools, made when missing."""
    from django.core.management import call_command

    from cdtt.geo.models import AdminUnit, Level
    from cdtt.schools.models import School
    from cdtt.schools.services import school_create
    from cdtt.testing import make_unit

    call_command("migrate", verbosity=0)
    communes = list(
        AdminUnit.objects.filter(level=Level.COMMUNE, valid_to__isnull=True)[:n_schools]
    )
    if not communes:
        province = make_unit("98", "Tỉnh Thử", Level.PROVINCE)
        district = make_unit("980", "Huyện Thử", Level.DISTRICT, province)
        communes = [
            make_unit(f"98{i:03d}", f"Xã Thử {i}", Level.COMMUNE, district) for i in range(20)
        ]
    out = []
    for i in range(n_schools):
        code = f"BENCH{i:04d}"
        commune = communes[i % len(communes)]
        if not School.objects.filter(code=code).exists():
            school_create(
                actor=None, name=f"Trường Thử {i}", code=code, level="lower", commune=commune
            )
        out.append((code, commune.code))
    return out


def _generated(rows: int, schools: list[tuple[str, str]]) -> Iterator[list[str]]:
    """The bench's own rows: the schools in turn, row after row; every name ends with the row's
    number (no two alike)."""
    rng = random.Random(13)
    for i in range(rows):
        code, commune = schools[i % len(schools)]
        grade = 6 + (i // len(schools)) % 7
        yield [
            code,
            f"{grade}A{(i // 7) % 8 + 1}",
            "2025-2026",
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} {i}",
            f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{2019 - grade}",
            rng.choice(["Nam", "Nữ"]),
            commune,
            f"HK{i:06d}" if i % 3 else "",
        ]


def _exported(rows: int, schools: list[tuple[str, str]]) -> Iterator[list[str]]:
    """The same students as schools export their lists: school after school, class after
    class; names that repeat across the province (576 of them, no number), told apart in a
    class by the birth date; each class spelled three ways ("6A1", "6a1", "6 A1")."""
    rng = random.Random(13)
    places = sorted(
        (schools[i % len(schools)], 6 + (i // len(schools)) % 7, (i // 7) % 8 + 1, i)
        for i in range(rows)
    )
    in_class: dict[tuple, int] = {}
    for (code, commune), grade, section, i in places:
        k = in_class[(code, grade, section)] = in_class.get((code, grade, section), -1) + 1
        born = dt.date(2019 - grade, 1, 1) + dt.timedelta(days=k)
        yield [
            code,
            rng.choice([f"{grade}A{section}", f"{grade}a{section}", f"{grade} A{section}"]),
            "2025-2026",
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            born.strftime("%d/%m/%Y"),
            rng.choice(["Nam", "Nữ"]),
            commune,
            f"HK{i:06d}" if i % 3 else "",
        ]


SHAPES = {"generated": _generated, "exported": _exported}


def _file(rows: int, schools: list[tuple[str, str]], folder: str, shape: str) -> str:
    path = os.path.join(folder, "students.csv")
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        writer.writerows(SHAPES[shape](rows, schools))
    return path


def _bare(path: str) -> float:
    """The same rows loaded as they are into a table of text columns, nothing checked."""
    from django.db import connection, transaction

    rows = []
    if connection.vendor != "postgresql":
        with open(path, encoding="utf-8") as f:
            rows = list(csv.reader(f))[1:]
    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE bench_bare ({columns})")
        if connection.vendor == "postgresql":
            with open(path, "rb") as f:
                f.readline()
                with cur.copy("COPY bench_bare FROM STDIN (FORMAT csv)") as copy:
                    copy.write(f.read())
        else:
            marks = ", ".join(["%s"] * len(HEADERS))
            cur.executemany(f"INSERT INTO bench_bare VALUES ({marks})", rows)
        cur.execute("DROP TABLE bench_bare")
    return time.perf_counter() - start


def _bare_logged(path: str) -> float | None:
    """The same rows as they are into an unindexed table of text columns that is not
    temporary (its rows written to the WAL, as the students' are), committed: the kind of
    reference the population step measures. PostgreSQL only."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        return None
    columns = ", ".join(f"c{i} text" for i in range(len(HEADERS)))
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_bare_logged")
        cur.execute(f"CREATE TABLE bench_bare_logged ({columns})")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur, open(path, "rb") as f:
        f.readline()
        with cur.copy("COPY bench_bare_logged FROM STDIN (FORMAT csv)") as copy:
            copy.write(f.read())
    took = time.perf_counter() - start
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_bare_logged")
    return took


def _clear() -> None:
    """The bench schools' classes and students, by two statements (a province's students are
    too many for the ORM's delete, which lists them), then the tables vacuumed: an import
    that follows finds them as a province's first list does, without the dead rows."""
    from django.db import connection, transaction

    classes = (
        "SELECT c.id FROM schools_schoolclass c JOIN schools_school s ON s.id = c.school_id "
        "WHERE s.code LIKE 'BENCH%%'"
    )
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM schools_student WHERE school_class_id IN ({classes})")
        cur.execute(f"DELETE FROM schools_schoolclass WHERE id IN ({classes})")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("VACUUM schools_student, schools_schoolclass")


def _settle() -> None:
    """Each measure from a quiet state (as ``bench.database``'s ``settle``): the files just
    written flushed, a checkpoint made, so that no measure pays for the writes of the one
    before it."""
    from django.db import connection

    os.sync()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("CHECKPOINT")


def schools_bench(rows: int, n_schools: int, shape: str = "generated") -> dict:
    """The first import and the same file again, each beside a bare load of the same rows
    taken before, between and after them (the best of the three is the reference: other work
    on the machine only ever adds time)."""
    from django.db import connection

    from cdtt.schools.imports import students_import

    schools = _setup(n_schools)
    _clear()
    with tempfile.TemporaryDirectory() as folder:
        path = _file(rows, schools, folder, shape)
        bares, logged = [], []

        def bare() -> None:
            _settle()
            bares.append(_bare(path))
            _settle()
            logged.append(_bare_logged(path))
            _settle()

        bare()
        start = time.perf_counter()
        result = students_import(actor=None, path=path)
        took = time.perf_counter() - start
        assert result.ok, result.errors[:5]
        bare()
        start = time.perf_counter()
        again = students_import(actor=None, path=path)
        took_again = time.perf_counter() - start
        assert again.ok and again.counts["students_created"] == 0
        bare()
    _clear()
    # The reference is the COPY into a table like the population step's (its rows written to
    # the WAL, as the students' are); the temporary table's, which skips the WAL, is recorded.
    reference = bares if None in logged else logged
    bare = min(reference)
    return {
        "vendor": connection.vendor,
        "rows": rows,
        "schools": n_schools,
        "shape": shape,
        "bare_load_s": round(bare, 3),
        "bare_loads_s": [round(b, 3) for b in reference],
        "bare_temporary_s": round(min(bares), 3),
        "bare_temporary_loads_s": [round(b, 3) for b in bares],
        "import_s": round(took, 3),
        "reimport_s": round(took_again, 3),
        "ratio": round(took / bare, 2) if bare else None,
        "reimport_ratio": round(took_again / bare, 2) if bare else None,
        "ratio_temporary": round(took / min(bares), 2),
        "budget_ratio": BUDGET,
        "within_budget": bool(bare) and took / bare <= BUDGET,
        "reimport_within_budget": bool(bare) and took_again / bare <= BUDGET,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default="generated",
        help="the bench's own rows, or the same students as schools export them",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdtt.settings")
    import django

    django.setup()
    figures = schools_bench(args.rows, args.schools, args.shape)
    suffix = "" if args.shape == "generated" else f"-{args.shape}"
    out = Path(__file__).parent / "results" / f"schools-{figures['vendor']}{suffix}.json"
    out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()


PROVINCE_ROWS = 350_000
PROVINCE_SCHOOLS = 600


# The shapes the step measures: (shape, key suffix, how the rows read).
MEASURED_SHAPES = [
    ("generated", "", "the bench's rows, the schools in turn"),
    (
        "exported",
        "_exported",
        "as schools export them: school by school, class by class, names that repeat, each "
        "class spelled three ways",
    ),
]


def students_measure(run) -> None:
    """The step of ``cdtt bench``: a province's student list (350k rows, 600 schools), in the
    bench's own shape and as schools export their lists."""
    for shape, suffix, how in MEASURED_SHAPES:
        figures = schools_bench(PROVINCE_ROWS, PROVINCE_SCHOOLS, shape)
        run.out(f"   students ({shape}): {figures}")
        _shape_rows(run, figures, suffix, how)


def _shape_rows(run, figures: dict, suffix: str, how: str) -> None:
    """The rows of one shape: the first import and the same file again."""
    from bench.common import Measure

    bare = (
        f"bare COPY of the same rows into an unindexed table {figures['bare_load_s']} s (best "
        f"of {', '.join(str(b) for b in figures['bare_loads_s'])} s; into a temporary table, "
        f"which skips the WAL, {figures['bare_temporary_s']} s)"
    )
    what = f"Student lists of a province ({PROVINCE_ROWS:,} rows, {PROVINCE_SCHOOLS} schools"
    what += f"; {how})" if suffix else ")"
    run.add(
        Measure(
            f"students_import{suffix}",
            f"{what}, first import",
            figures["import_s"],
            "s",
            reference=f"{bare}: × {figures['ratio']}",
            budget=f"≤ {BUDGET:g} × bare COPY",
            passed=figures["within_budget"],
            details=figures,
        )
    )
    run.add(
        Measure(
            f"students_reimport{suffix}",
            f"{what}, the same file again (nothing new)",
            figures["reimport_s"],
            "s",
            reference=f"{bare}: × {figures['reimport_ratio']}",
            budget=f"≤ {BUDGET:g} × bare COPY",
            passed=figures["reimport_within_budget"],
        )
    )
