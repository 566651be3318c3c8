"""The rules of directives, tasks, progress and urging (the issue's bad input among them)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cdtt.audit.models import AuditEntry
from cdtt.core.models import Notification
from cdtt.directives import schedule, services
from cdtt.directives.models import Recurrence, Task, TaskStatus, Urging

pytestmark = pytest.mark.django_db


def _task(w, **extra):
    values = {
        "actor": w.admin,
        "directive": w.directive,
        "clause": "2b",
        "title": "Tập huấn thành viên Tổ CNSCĐ",
        "lead": w.ict,
        "deadline": dt.date(2024, 12, 31),
    }
    values.update(extra)
    return services.task_create(**values)


def test_a_task_with_no_lead_agency_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _task(world, lead=None)
    assert "lead" in exc.value.message_dict
    assert not Task.objects.filter(clause="2b").exists()


def test_a_deadline_before_the_directive_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _task(world, deadline=dt.date(2024, 8, 1))
    assert "deadline" in exc.value.message_dict
    assert "20/08/2024" in exc.value.message_dict["deadline"][0]


def test_a_task_needs_a_deadline_or_a_recurrence(world):
    with pytest.raises(ValidationError) as exc:
        _task(world, deadline=None)
    assert "deadline" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _task(world, deadline=None, recurrence=Recurrence.YEARLY, due_day=10)
    assert "due_month" in exc.value.message_dict


def test_an_unknown_figure_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _task(world, figure_code="no_such_figure")
    assert "figure_code" in exc.value.message_dict


def test_only_the_department_registers_tasks(world):
    with pytest.raises(PermissionDenied):
        _task(world, actor=world.edu_officer)


def test_by_10_10_every_year_falls_due_on_10_october(world):
    task = _task(world, deadline=None, recurrence=Recurrence.YEARLY, due_day=10, due_month=10)
    assert schedule.next_due(task, dt.date(2024, 9, 1)) == dt.date(2024, 10, 10)
    assert schedule.next_due(task, dt.date(2024, 10, 11)) == dt.date(2025, 10, 10)
    # Passed without a report: overdue; reported after it: not any more.
    assert schedule.flags(task, dt.date(2024, 10, 11)).overdue
    services.progress_report(
        actor=world.ict_officer,
        task=task,
        status=TaskStatus.IN_PROGRESS,
        percent=50,
        text="Đã trình khen thưởng",
        today=dt.date(2024, 10, 9),
    )
    assert not schedule.flags(task, dt.date(2024, 10, 11)).overdue


def test_monthly_and_quarterly_occurrences(world):
    monthly = _task(world, clause="m", deadline=None, recurrence=Recurrence.MONTHLY, due_day=31)
    assert schedule.next_due(monthly, dt.date(2025, 2, 3)) == dt.date(2025, 2, 28)
    quarterly = _task(world, clause="q", deadline=None, recurrence=Recurrence.QUARTERLY, due_day=5)
    assert schedule.next_due(quarterly, dt.date(2025, 3, 6)) == dt.date(2025, 6, 5)


def test_overdue_and_due_soon_flags(world, settings):
    settings.CDTT_DUE_SOON_DAYS = 7
    task = world.task  # deadline 31/12/2024
    assert schedule.flags(task, dt.date(2024, 12, 26)).due_soon
    assert not schedule.flags(task, dt.date(2024, 12, 1)).due_soon
    assert schedule.flags(task, dt.date(2025, 1, 1)).overdue
    task.status = TaskStatus.DONE
    assert not schedule.flags(task, dt.date(2025, 1, 1)).overdue


def test_the_lead_and_a_co_agency_report_progress(world):
    report = services.progress_report(
        actor=world.ict_officer, task=world.task, status="in_progress", percent=40, text="Đã họp"
    )
    assert report.agency == world.ict
    world.task.refresh_from_db()
    assert (world.task.status, world.task.percent) == ("in_progress", 40)
    services.progress_report(
        actor=world.edu_officer, task=world.task, status="done", percent=80, text="Xong"
    )
    world.task.refresh_from_db()
    assert (world.task.status, world.task.percent) == ("done", 100)
    assert AuditEntry.objects.filter(action="task.progress").count() == 2


def test_progress_by_an_agency_with_no_part_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.progress_report(
            actor=world.other_officer, task=world.task, status="done", percent=100, text="Xong"
        )
    # The Department itself belongs to no agency of the task either.
    with pytest.raises(PermissionDenied):
        services.progress_report(
            actor=world.admin, task=world.task, status="done", percent=100, text="x"
        )
    assert not world.task.reports.exists()


def test_a_document_is_checked_by_its_content(world):
    fake = SimpleUploadedFile(
        "bao-cao.pdf", b"MZ this is not a pdf", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        services.progress_report(
            actor=world.edu_officer,
            task=world.task,
            status="in_progress",
            percent=10,
            text="x",
            document=fake,
        )
    assert "document" in exc.value.message_dict
    real = SimpleUploadedFile(
        "bao-cao.bin", b"%PDF-1.4\n%...", content_type="application/octet-stream"
    )
    report = services.progress_report(
        actor=world.edu_officer,
        task=world.task,
        status="in_progress",
        percent=10,
        text="x",
        document=real,
    )
    assert report.document.name.startswith("progress/")
    report.document.delete(save=False)


def test_an_attachment_over_the_limit_is_refused(world, settings):
    settings.CDTT_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("a.pdf", b"%PDF-1.4" + b"x" * 20)
    with pytest.raises(ValidationError) as exc:
        services.directive_create(
            actor=world.admin,
            number="1/X",
            issued_on=dt.date(2024, 1, 1),
            issuer="UBND",
            signer="A",
            summary="B",
            unit=world.tree.province,
            file=big,
        )
    assert "file" in exc.value.message_dict


def test_urging_notifies_the_agency_officers_and_is_logged(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        urging = services.task_urge(actor=world.admin, task=world.task, message="Khẩn trương")
    assert urging.agency == world.edu and urging.recipients == 1
    assert Notification.objects.filter(recipient=world.edu_officer, kind="task.urge").count() == 1
    assert not Notification.objects.filter(recipient=world.other_officer).exists()
    assert [m.to for m in mailoutbox] == [["edu@example.vn"]]
    assert Urging.objects.filter(task=world.task).count() == 1
    with pytest.raises(PermissionDenied):
        services.task_urge(actor=world.edu_officer, task=world.task)
    with pytest.raises(ValidationError):
        services.task_urge(actor=world.admin, task=world.task, agency=world.other)
