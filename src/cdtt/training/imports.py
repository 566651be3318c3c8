"""The paper sign-in sheet of a session as an import kind (``attendance``) of cdtt.core.imports:
one row per member who signed; the member is found among the course's enrolled by name (and
phone, when two share a name). All or nothing with a row-by-row report unless
``skip_invalid``; a dry run writes nothing; re-importing the same sheet changes nothing."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit.services import audit_record
from cdtt.core.imports import Column, ImportKind, ImportResult, import_kind_register
from cdtt.lib.phone import PhoneInvalid, phone_normalize
from cdtt.lib.tabular import FileProblem, RowError, cell, open_table
from cdtt.lib.text import fold, header_key
from cdtt.training import selectors
from cdtt.training.models import Attendance, AttendanceMethod, Session

COLUMNS = (
    Column("Mã buổi học", True, _lazy("mã buổi học, in trên trang điểm danh của buổi")),
    Column("Họ và tên", True, _lazy("họ và tên thành viên đã ký")),
    Column("Số điện thoại", False, _lazy("để phân biệt khi hai người trùng tên")),
)
SESSION, NAME, PHONE = (header_key(c.header) for c in COLUMNS)


class _Rollback(Exception):
    pass


def _sessions(actor) -> dict[str, Session]:
    courses = selectors.courses_for(actor) if actor is not None else None
    sessions = Session.objects.select_related("course")
    if courses is not None:
        sessions = sessions.filter(course__in=courses.values("pk"))
    return {str(s.pk): s for s in sessions}


def _match(session: Session, name: str, phone: str, cache: dict) -> tuple[object, str]:
    """(person, "") or (None, reason)."""
    people = cache.get(session.course_id)
    if people is None:
        people = [e.person for e in selectors.enrolments_of(session.course)]
        cache[session.course_id] = people
    found = [p for p in people if p.name_key == fold(name)]
    if phone and len(found) > 1:
        found = [p for p in found if p.phone == phone]
    if not found:
        return None, _("Không có thành viên tên “%(n)s” đăng ký khóa này.") % {"n": name}
    if len(found) > 1:
        return None, _("Có %(k)d thành viên trùng tên; hãy ghi số điện thoại.") % {"k": len(found)}
    return found[0], ""


def _planned(table, actor, errors: list[RowError]) -> list[tuple[Session, object]]:
    cols = table.require({SESSION: "Mã buổi học", NAME: "Họ và tên"})
    phone_col = table.optional([PHONE]).get(PHONE)
    sessions = _sessions(actor)
    cache: dict = {}
    planned, seen = [], set()
    for number, cells in table.rows:
        session = sessions.get(cell(cells, cols[SESSION]))
        if session is None:
            reason = _("Không có buổi học mã “%(c)s” trong phạm vi của bạn.")
            errors.append(
                RowError(number, "Mã buổi học", reason % {"c": cell(cells, cols[SESSION])})
            )
            continue
        name = cell(cells, cols[NAME])
        if not name:
            errors.append(RowError(number, "Họ và tên", _("Họ và tên không được để trống.")))
            continue
        try:
            phone = phone_normalize(cell(cells, phone_col)) if cell(cells, phone_col) else ""
        except PhoneInvalid:
            errors.append(RowError(number, "Số điện thoại", _("Số điện thoại không hợp lệ.")))
            continue
        person, reason = _match(session, name, phone, cache)
        if person is None:
            errors.append(RowError(number, "Họ và tên", reason))
            continue
        if (session.pk, person.pk) not in seen:
            seen.add((session.pk, person.pk))
            planned.append((session, person))
    return planned


def _attendance_write(*, actor, planned: list, dry_run: bool, progress) -> int:
    """Record each planned presence not yet recorded, re-evaluating its completion; returns how
    many were added (a dry run rolls them back)."""
    from cdtt.training.services import completion_evaluate

    added = 0
    try:
        with transaction.atomic():
            for done, (session, person) in enumerate(planned, start=1):
                if not Attendance.objects.filter(session=session, person=person).exists():
                    Attendance.objects.create(
                        session=session,
                        person=person,
                        method=AttendanceMethod.SHEET,
                        recorded_by=actor if getattr(actor, "pk", None) else None,
                    )
                    added += 1
                    completion_evaluate(course=session.course, person=person)
                if progress and (done % 100 == 0 or done == len(planned)):
                    progress(done, len(planned))
            if added:
                audit_record(
                    actor=actor,
                    action="course.attendance_import",
                    object_type="training.Attendance",
                    unit=getattr(actor, "scope_unit", None),
                    summary=_("Nhập danh sách ký tên: %(n)d lượt có mặt") % {"n": added},
                )
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return added


def attendance_run(
    *,
    actor,
    path: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress=None,
    file_name: str = "",
) -> ImportResult:
    """The sign-in sheet as an import kind runs it (command line, upload page, job)."""
    errors: list[RowError] = []
    try:
        with open(path, "rb") as f:
            planned = _planned(open_table(f.read()), actor, errors)
    except FileProblem as exc:
        return ImportResult.unreadable(exc, dry_run=dry_run, skip_invalid=skip_invalid)
    result = ImportResult(
        message="",
        errors=errors,
        errors_total=len(errors),
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    if errors and not skip_invalid:
        result.message = _("Tệp có %(n)d lỗi, chưa ghi dữ liệu nào.") % {"n": len(errors)}
        return result
    added = _attendance_write(actor=actor, planned=planned, dry_run=dry_run, progress=progress)
    text = (
        _("Chạy thử, chưa ghi gì: sẽ ghi %(a)d lượt có mặt; %(u)d lượt đã có.")
        if dry_run
        else _("Đã ghi %(a)d lượt có mặt; %(u)d lượt đã có từ trước.")
    )
    result.message = text % {"a": added, "u": len(planned) - added}
    if errors:
        result.message += " " + _("Bỏ qua %(n)d dòng lỗi.") % {"n": len(errors)}
    result.counts = {"added": added, "unchanged": len(planned) - added}
    result.imported = len(planned)
    result.written = not errors or (skip_invalid and bool(planned))
    return result


def _template_rows(user) -> list[list]:
    """An example row the user can import: their latest session and one member enrolled in its
    course; a made-up row when they have none yet."""
    courses = selectors.courses_for(user) if user is not None else None
    sessions = Session.objects.order_by("-starts_at", "-pk")
    if courses is not None:
        sessions = sessions.filter(course__in=courses.values("pk"))
    for session in sessions[:20]:
        enrolment = selectors.enrolments_of(session.course).first()
        if enrolment is not None:
            person = enrolment.person
            return [[str(session.pk), person.full_name, person.phone]]
    return [["12", "Nguyễn Văn An", "0912345678"]]


ATTENDANCE = import_kind_register(
    ImportKind(
        code="attendance",
        label=_lazy("Danh sách ký tên buổi học"),
        columns=COLUMNS,
        roles=frozenset(selectors.MANAGE),
        run=attendance_run,
        job_title=_lazy("Nhập danh sách ký tên từ %(f)s"),
        help=_lazy("Tệp XLSX hoặc CSV (UTF-8), mỗi dòng một thành viên đã ký tên có mặt."),
        sheet=_lazy("Danh sách ký tên"),
        template_name="mau-danh-sach-ky-ten.xlsx",
        template_rows=_template_rows,
    )
)
