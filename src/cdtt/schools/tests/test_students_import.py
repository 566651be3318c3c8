"""The students import: columns, scope (no class of another school), all or nothing, upsert."""

import pytest

from cdtt.core.imports import import_kind
from cdtt.schools import imports
from cdtt.schools.imports import students_import
from cdtt.schools.models import SchoolClass, Student
from cdtt.schools.tests.conftest import student_file

ROW = ["TH001", "6A", "2025-2026", "Nguyễn Văn An", "05/03/2013", "Nam", "16000", "HK0001"]


def run(actor, path, **kw):
    return students_import(actor=actor, path=path, **kw)


def test_a_teacher_imports_classes_and_students(tmp_path, teacher):
    rows = [ROW, ["TH001", "6b", "2025-2026", "Lê Thị Hoa", "2013", "Nữ", "16000", ""]]
    result = run(teacher, student_file(tmp_path, rows))
    assert result.ok and result.written
    assert result.counts["classes_created"] == 2
    assert result.counts["students_created"] == 2
    assert sorted(SchoolClass.objects.values_list("name", "grade")) == [("6A", 6), ("6B", 6)]
    an = Student.objects.get(name_key="nguyen van an")
    assert (an.birth_date.isoformat(), an.gender, an.household_code) == (
        "2013-03-05",
        "M",
        "HK0001",
    )
    assert an.commune.code == "16000"


def test_reimporting_the_same_file_changes_nothing(tmp_path, teacher):
    path = student_file(tmp_path, [ROW])
    run(teacher, path)
    again = run(teacher, path)
    assert again.counts["students_created"] == 0
    assert again.counts["classes_created"] == 0
    assert Student.objects.count() == 1


def test_a_class_of_another_school_is_refused(tmp_path, teacher, other_school):
    rows = [ROW, ["TH002", "7A", "2025-2026", "Trần Văn Bình", "01/01/2012", "Nam", "16001", ""]]
    result = run(teacher, student_file(tmp_path, rows))
    assert not result.ok and not result.written
    assert [(e.row, e.column) for e in result.errors] == [(3, "Mã trường")]
    assert "trường khác" in result.errors[0].reason
    assert Student.objects.count() == 0 and SchoolClass.objects.count() == 0


def test_skip_invalid_imports_the_good_rows(tmp_path, teacher, other_school):
    rows = [ROW, ["TH002", "7A", "2025-2026", "Trần Văn Bình", "01/01/2012", "Nam", "16001", ""]]
    result = run(teacher, student_file(tmp_path, rows), skip_invalid=True)
    assert result.written and result.errors_total == 1
    assert list(Student.objects.values_list("school_class__school__code", flat=True)) == ["TH001"]


def test_every_bad_cell_is_reported_by_row_and_column(tmp_path, teacher):
    rows = [
        ["TH999", "5A", "2025-2027", "", "31/02/2013", "X", "99999", ""],
        ROW,
        ROW,
    ]
    result = run(teacher, student_file(tmp_path, rows))
    got = [(e.row, e.column) for e in result.errors]
    assert got == [
        (2, "Mã trường"),
        (2, "Lớp"),
        (2, "Năm học"),
        (2, "Họ và tên"),
        (2, "Ngày sinh"),
        (2, "Giới tính"),
        (2, "Mã xã"),
        (4, "Họ và tên"),  # listed twice in one class
    ]
    assert Student.objects.count() == 0


def test_a_list_checked_in_parts_reports_as_one(tmp_path, teacher, monkeypatch):
    """A list checked in parts at once (a province's is): the bad rows of every part reported
    in the file's order, a student listed again in a later part found, the same values judged
    in both parts."""
    monkeypatch.setattr(imports, "CHUNK", 3)
    given = ["An", "Bình", "Chi", "Dũng", "Hà", "Lan", "Nam", "Yến"]
    rows = [[*ROW[:3], f"Nguyễn Văn {g}", *ROW[4:]] for g in given]
    rows[1][4] = "31/02/2013"  # first part
    rows[6][5] = "X"  # second part
    rows.append(rows[0])  # listed again, in the second part (parts of five rows)
    result = run(teacher, student_file(tmp_path, rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Ngày sinh"),
        (8, "Giới tính"),
        (10, "Họ và tên"),
    ]
    assert "dòng 2" in result.errors[2].reason
    assert result.counts["rows"] == 9 and Student.objects.count() == 0
    rows[1][4], rows[6][5] = ROW[4], ROW[5]
    result = run(teacher, student_file(tmp_path, rows[:-1]))
    assert result.ok and result.counts["students_created"] == 8
    assert set(Student.objects.values_list("birth_key", "gender")) == {("2013-03-05", "M")}


def test_a_missing_column_is_reported(tmp_path, teacher):
    path = student_file(
        tmp_path,
        [ROW[:6]],
        header=["Mã trường", "Lớp", "Năm học", "Họ và tên", "Ngày sinh", "Giới tính"],
    )
    result = run(teacher, path)
    assert [(e.row, e.column) for e in result.errors] == [(1, "Mã xã")]


def test_a_dry_run_writes_nothing(tmp_path, teacher):
    result = run(teacher, student_file(tmp_path, [ROW]), dry_run=True)
    assert result.ok and result.counts["students_created"] == 1
    assert Student.objects.count() == 0


def test_an_officer_imports_schools_of_their_area_only(
    tmp_path, tree, school, other_school, make_user
):
    officer = make_user("commune_officer", tree.commune)
    rows = [ROW, ["TH002", "7A", "2025-2026", "Trần Văn Bình", "01/01/2012", "Nam", "16001", ""]]
    result = run(officer, student_file(tmp_path, rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "Mã trường")]


def test_the_command_line_runs_the_kind(tmp_path, school):
    from django.core.management import CommandError, call_command

    path = student_file(tmp_path, [ROW])
    call_command("import", "students", path, "--dry-run")
    assert Student.objects.count() == 0
    call_command("import", "students", path)
    assert Student.objects.count() == 1
    bad = student_file(tmp_path, [["TH001", "6A", "2025-2026", "", "2013", "", "16000", ""]])
    with pytest.raises(CommandError):  # exit 1 from the command line
        call_command("import", "students", bad)
    assert import_kind("students").headers[-1] == "Mã hộ"


def test_an_xlsx_file_is_read_too(tmp_path, teacher):
    from cdtt.lib.xlsx import xlsx_bytes

    path = tmp_path / "hs.xlsx"
    path.write_bytes(xlsx_bytes("Học sinh", import_kind("students").headers, [ROW]))
    result = run(teacher, str(path))
    assert result.ok and Student.objects.count() == 1


def test_a_list_for_a_filled_class_and_a_new_one_in_one_file(tmp_path, teacher):
    """The upsert for the class that holds students, the plain insert for the new class."""
    run(teacher, student_file(tmp_path, [ROW], name="a.csv"))
    rows = [
        [*ROW[:5], "Nam", "16000", ""],  # the same student: nothing changes (code kept)
        ["TH001", "6A", "2025-2026", "Lê Văn Cường", "2013", "Nam", "16000", ""],
        ["TH001", "7A", "2025-2026", "Trần Thị Dung", "2012", "Nữ", "16000", ""],
    ]
    result = run(teacher, student_file(tmp_path, rows, name="b.csv"))
    assert result.counts == {
        "rows": 3,
        "classes_created": 1,
        "students_created": 2,
        "students_updated": 1,
    }
    assert Student.objects.get(name_key="nguyen van an").household_code == "HK0001"
    assert Student.objects.filter(school_class__name="7A").count() == 1


def test_a_first_list_large_enough_builds_the_keys_after_the_load(tmp_path, teacher, monkeypatch):
    """Past the bulk threshold (PostgreSQL) the unique key is dropped for the load and built
    again: it still refuses a second copy of a student afterwards."""
    from django.db import IntegrityError, connection, transaction

    monkeypatch.setattr("cdtt.lib.pgbulk.BULK_MIN_ROWS", 2)
    rows = [ROW, ["TH001", "6A", "2025-2026", "Lê Văn Cường", "2013", "Nam", "16000", ""]]
    result = run(teacher, student_file(tmp_path, rows))
    assert result.ok and result.counts["students_created"] == 2
    an = Student.objects.get(name_key="nguyen van an")
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Student.objects.create(
                school_class_id=an.school_class_id,
                full_name=an.full_name,
                name_key=an.name_key,
                birth_year=an.birth_year,
                birth_key=an.birth_key,
                commune_id=an.commune_id,
            )


def test_a_list_again_updates_what_changed_and_keeps_a_household_code(tmp_path, teacher):
    """A known student takes the file's name spelling, gender and commune; an empty household
    code keeps the one known, another code replaces it. Nothing else is written."""
    other = ["TH001", "6A", "2025-2026", "Lê Văn Cường", "2013", "Nam", "16000", "HK0002"]
    run(teacher, student_file(tmp_path, [ROW, other], name="a.csv"))
    before = Student.objects.get(name_key="le van cuong")
    rows = [
        ["TH001", "6A", "2025-2026", "NGUYỄN Văn An", "05/03/2013", "Nữ", "16000", ""],
        ["TH001", "6A", "2025-2026", "Lê Văn Cường", "2013", "Nam", "16000", "HK0003"],
    ]
    result = run(teacher, student_file(tmp_path, rows, name="b.csv"))
    assert result.counts == {
        "rows": 2,
        "classes_created": 0,
        "students_created": 0,
        "students_updated": 2,
    }
    an = Student.objects.get(name_key="nguyen van an")
    assert (an.full_name, an.gender, an.household_code) == ("NGUYỄN Văn An", "F", "HK0001")
    cuong = Student.objects.get(name_key="le van cuong")
    assert (cuong.pk, cuong.household_code) == (before.pk, "HK0003")
    assert Student.objects.count() == 2


def test_a_concurrent_write_falls_back_to_the_staged_upsert(tmp_path, teacher, monkeypatch):
    """Should the copy meet a student written meanwhile (its unique key refuses it), the
    import rolls the copy back and upserts from a staging table: the same result."""
    from django.db import IntegrityError

    from cdtt.schools import imports

    def refused(cur, good, now):
        cur.execute(
            "INSERT INTO schools_schoolclass (school_id, name, name_key, grade, school_year, "
            "created_at) SELECT id, '9Z', '9z', 9, '2025-2026', %s FROM schools_school",
            [now],
        )
        raise IntegrityError("duplicate key value violates unique constraint")

    run(teacher, student_file(tmp_path, [ROW], name="a.csv"))
    monkeypatch.setattr(imports, "students_load", refused)
    rows = [ROW, ["TH001", "7A", "2025-2026", "Trần Thị Dung", "2012", "Nữ", "16000", ""]]
    result = run(teacher, student_file(tmp_path, rows, name="b.csv"))
    assert result.ok and result.counts == {
        "rows": 2,
        "classes_created": 1,
        "students_created": 1,
        "students_updated": 1,
    }
    assert sorted(SchoolClass.objects.values_list("name", flat=True)) == ["6A", "7A"]
    assert Student.objects.count() == 2


def _watched(monkeypatch):
    """The classes whose students an import reads back, and the students it updates, call by
    call."""
    from cdtt.schools import student_load

    compared, updated = [], []
    existing, update = student_load._existing, student_load._update

    def read(cur, classes):
        compared.append(sorted(classes.to_list()))
        return existing(cur, classes)

    def write(cur, changed):
        updated.append(sorted(changed.get_column("id")) if "id" in changed.columns else [])
        return update(cur, changed)

    monkeypatch.setattr(student_load, "_existing", read)
    monkeypatch.setattr(student_load, "_update", write)
    return compared, updated


ROWS = [
    ROW,
    ["TH001", "6A", "2025-2026", "Lê Văn Cường", "2013", "", "16000", ""],
    ["TH001", "7A", "2025-2026", "Trần Thị Dung", "2012", "Nữ", "16000", "HK\\9"],
]


def _postgresql_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the comparison in memory and the lists' digests are PostgreSQL's")


def test_a_class_listed_again_is_compared_row_by_row(tmp_path, teacher, monkeypatch):
    """PostgreSQL: the students of a class whose list differs from the one last imported are
    read back and compared with its rows; a changed one updates that student alone. The same
    list again reads nothing back and writes nothing."""
    _postgresql_only()
    rows = [list(r) for r in ROWS]
    first = run(teacher, student_file(tmp_path, rows, name="a.csv"))
    assert first.ok, first.errors
    assert SchoolClass.objects.filter(list_digest__isnull=True).count() == 0
    compared, updated = _watched(monkeypatch)
    again = run(teacher, student_file(tmp_path, rows, name="b.csv"))
    assert again.counts["students_created"] == 0
    assert compared == [[]] and updated == [[]]
    rows[2] = [*rows[2][:5], "Nam", *rows[2][6:]]
    changed = run(teacher, student_file(tmp_path, rows, name="c.csv"))
    dung = Student.objects.get(school_class__name="7A")
    assert changed.counts["students_created"] == 0 and updated[-1] == [dung.pk]
    assert compared[-1] == [dung.school_class_id]
    assert dung.gender == "M" and dung.household_code == "HK\\9"
    run(teacher, student_file(tmp_path, rows, name="d.csv"))
    assert compared[-1] == [] and updated[-1] == []


def test_a_student_written_otherwise_makes_the_same_list_compared_again(
    tmp_path, teacher, monkeypatch
):
    """A household code a teacher sets after the import clears the digest of the student's
    class: the same list again is compared row by row, and its code stands, as it would have
    without the digest; the other class is not read."""
    from cdtt.schools.services import student_household_code_set

    _postgresql_only()
    path = student_file(tmp_path, [list(r) for r in ROWS], name="a.csv")
    run(teacher, path)
    an = Student.objects.get(name_key="nguyen van an")
    student_household_code_set(actor=teacher, student=an, household_code="HK7777")
    assert SchoolClass.objects.get(pk=an.school_class_id).list_digest is None
    compared, updated = _watched(monkeypatch)
    again = run(teacher, path)
    assert compared == [[an.school_class_id]] and updated == [[an.pk]]
    assert again.counts["students_updated"] == 3
    assert Student.objects.get(pk=an.pk).household_code == "HK0001"
    assert SchoolClass.objects.filter(list_digest__isnull=True).count() == 0


def test_a_list_written_row_by_row_forgets_the_classes_digests(tmp_path, teacher, monkeypatch):
    """The staged upsert (a concurrent import, SQLite) keeps no digest: the next import of the
    list compares its classes."""
    from django.db import IntegrityError

    from cdtt.schools import imports

    _postgresql_only()
    path = student_file(tmp_path, [list(r) for r in ROWS], name="a.csv")
    run(teacher, path)

    def refused(cur, good, now):
        raise IntegrityError("duplicate key value violates unique constraint")

    with monkeypatch.context() as patched:
        patched.setattr(imports, "students_load", refused)
        assert run(teacher, path).ok
    assert SchoolClass.objects.filter(list_digest__isnull=False).count() == 0
    compared, _updated = _watched(monkeypatch)
    run(teacher, path)
    assert compared == [sorted(SchoolClass.objects.values_list("pk", flat=True))]
