"""Data subjects' requests and retention (Law 91/2025/QH15): everything about one resident as a
file, a resident anonymised, and the periodic clean-up of the access log and of former residents.

An erased resident is anonymised, not deleted: the row keeps its household, status and levels, so
that the coverage counters, the daily counters and every figure as of a past date that counted
them stay right, while nothing left in it names the person."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cdtt.audit import personal as personal_log
from cdtt.audit.models import AuditEntry
from cdtt.lib import xlsx
from cdtt.privacy.selectors import ANONYMOUS_KEY, ResidentRecord, is_anonymised, resident_record
from cdtt.registry.models import Resident, ResidentStatus
from cdtt.schools.models import Student
from cdtt.schools.services import class_list_changed

FORMATS = ("xlsx", "json")
# The name an anonymised resident (and their student records) keeps: stored data, the same in
# every language, like the names it replaces.
ANONYMOUS_NAME = "(đã ẩn danh)"
# The workbook's columns: one row per fact (the resident, each assessment, each student record,
# each visit to the household), each value in the column of its kind.
COLUMNS = (
    (_lazy("Loại thông tin"), xlsx.TEXT),
    (_lazy("Mã xã"), xlsx.TEXT),
    (_lazy("Mã hộ"), xlsx.TEXT),
    (_lazy("Họ và tên"), xlsx.TEXT),
    (_lazy("Ngày sinh"), xlsx.DATE),
    (_lazy("Năm sinh"), xlsx.INTEGER),
    (_lazy("Giới tính"), xlsx.TEXT),
    (_lazy("Quan hệ với chủ hộ"), xlsx.TEXT),
    (_lazy("Số điện thoại"), xlsx.PHONE),
    (_lazy("Tình trạng"), xlsx.TEXT),
    (_lazy("Kỹ năng"), xlsx.TEXT),
    (_lazy("Mức"), xlsx.INTEGER),
    (_lazy("Hình thức"), xlsx.TEXT),
    (_lazy("Thời điểm"), xlsx.DATETIME),
    (_lazy("Ghi chú"), xlsx.TEXT),
)


def _purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if len(purpose) < 5:
        raise ValidationError(
            {"purpose": _("Hãy ghi mục đích (ví dụ: yêu cầu của người dân ngày …).")}
        )
    return purpose[:300]


def record_data(record: ResidentRecord) -> dict[str, Any]:
    """The record as plain data (the JSON file, and the rows of the workbook)."""
    r, h = record.resident, record.household
    return {
        "resident": {
            "id": r.pk,
            "full_name": r.full_name,
            "birth_date": r.birth_date.isoformat() if r.birth_date else None,
            "birth_year": r.birth_year,
            "gender": r.get_gender_display() if r.gender else "",
            "relation": r.relation,
            "phone": r.phone,
            "status": r.get_status_display(),
            "status_changed_on": r.status_changed_on.isoformat() if r.status_changed_on else None,
            "levels": r.levels,
            "proficient": r.proficient,
        },
        "household": {
            "commune_code": h.commune.code,
            "code": h.code,
            "village": h.village.full_name,
            "address": h.address,
        },
        "assessments": [
            {
                "skill": a.skill.code,
                "skill_name": a.skill.name,
                "level": a.level,
                "method": a.get_method_display(),
                "assessor": a.assessor_name,
                "assessed_at": a.assessed_at.isoformat(),
            }
            for a in record.assessments
        ],
        "students": [
            {
                "school": str(s.school_class.school),
                "class": s.school_class.name,
                "full_name": s.full_name,
                "birth_date": s.birth_date.isoformat() if s.birth_date else None,
            }
            for s in record.students
        ],
        "household_visits": [
            {
                "visited_at": v.visited_at.isoformat(),
                "outcome": v.get_outcome_display(),
                "services": v.services,
                "present": r.pk in (v.residents_present or []),
            }
            for v in record.visits
        ],
    }


def _rows(record: ResidentRecord) -> list[list]:
    r, h = record.resident, record.household
    code, commune = h.code, h.commune.code
    rows = [
        [
            _("Nhân khẩu"),
            commune,
            code,
            r.full_name,
            r.birth_date,
            r.birth_year,
            r.get_gender_display() if r.gender else "",
            r.relation,
            r.phone,
            r.get_status_display(),
            "",
            None,
            "",
            None,
            h.address,
        ]
    ]
    for a in record.assessments:
        rows.append(
            [_("Đánh giá kỹ năng"), commune, code, r.full_name, None, None, "", "", "", ""]
            + [a.skill.name, a.level, a.get_method_display(), a.assessed_at, a.assessor_name]
        )
    for s in record.students:
        rows.append(
            [_("Học sinh"), commune, code, s.full_name, s.birth_date, s.birth_year]
            + ["", "", "", "", "", None, "", None]
            + [f"{s.school_class.school} · {s.school_class.name}"]
        )
    for v in record.visits:
        present = _("có mặt") if r.pk in (v.residents_present or []) else ""
        rows.append(
            [_("Lượt đến hộ"), commune, code, "", None, None, "", "", "", ""]
            + ["", None, v.get_outcome_display(), v.visited_at, present]
        )
    return rows


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    content_type: str


def subject_export(*, actor: Any, resident: Resident, purpose: str, fmt: str) -> ExportFile:
    """Everything about one resident as XLSX or JSON, for a data subject's request; the access
    log keeps who took it and why."""
    purpose = _purpose(purpose)
    if fmt not in FORMATS:
        raise ValidationError({"fmt": _("Định dạng tệp phải là XLSX hoặc JSON.")})
    record = resident_record(resident)
    if fmt == "json":
        data = json.dumps(record_data(record), ensure_ascii=False, indent=2).encode()
        content_type = "application/json"
    else:
        data = xlsx.xlsx_bytes(
            _("Dữ liệu cá nhân"),
            [xlsx.XlsxColumn(str(header), kind) for header, kind in COLUMNS],
            _rows(record),
            unit=record.household.village.full_name,
            as_of=timezone.localdate(),
        )
        content_type = xlsx.XLSX_TYPE
    personal_log.personal_record(
        actor=actor,
        action=personal_log.SUBJECT_EXPORT,
        obj=resident,
        summary=_("Xuất toàn bộ dữ liệu của nhân khẩu #%(id)s (%(fmt)s)")
        % {"id": resident.pk, "fmt": fmt.upper()},
        unit=record.household.village,
        purpose=purpose,
        details={"format": fmt},
    )
    return ExportFile(data, f"du-lieu-ca-nhan-{resident.pk}.{fmt}", content_type)


def _anonymise(resident: Resident) -> None:
    name, village_path = resident.full_name, resident.village.path
    resident.full_name = ANONYMOUS_NAME
    resident.name_key = f"{ANONYMOUS_KEY}{resident.pk}"
    resident.birth_date = None
    resident.birth_key = str(resident.birth_year)
    resident.gender = resident.relation = resident.phone = ""
    resident.save(
        update_fields=[
            "full_name",
            "name_key",
            "birth_date",
            "birth_key",
            "gender",
            "relation",
            "phone",
            "updated_at",
        ]
    )
    students = list(Student.objects.filter(resident=resident))
    for student in students:
        student.full_name = ANONYMOUS_NAME
        student.name_key = f"{ANONYMOUS_KEY}{student.pk}"
        student.birth_date = None
        student.birth_key = str(student.birth_year)
        student.save(update_fields=["full_name", "name_key", "birth_date", "birth_key"])
    class_list_changed({s.school_class_id for s in students})
    # Earlier entries of the audit log named the resident: in their changes (the resident's own
    # entries) and in their text (those of the household, the assessments) within the village.
    AuditEntry.objects.filter(object_type=Resident._meta.label, object_id=str(resident.pk)).exclude(
        action__startswith="personal."
    ).update(changes={})
    if name:
        AuditEntry.objects.filter(
            unit_path__startswith=village_path, summary__contains=name
        ).update(summary=Replace("summary", Value(name), Value(resident.full_name)))


@transaction.atomic
def resident_erase(*, actor: Any, resident: Resident, reason: str) -> Resident:
    """Anonymise the resident: name, birth date, gender, relation and phone go; the household,
    the status and the levels stay, so every figure that counted them stays right."""
    reason = _purpose(reason)
    resident = Resident.objects.select_related("village").select_for_update().get(pk=resident.pk)
    if is_anonymised(resident):
        raise ValidationError(_("Nhân khẩu này đã được ẩn danh."))
    _anonymise(resident)
    personal_log.personal_record(
        actor=actor,
        action=personal_log.ERASE,
        obj=resident,
        summary=_("Ẩn danh nhân khẩu #%(id)s") % {"id": resident.pk},
        unit=resident.village,
        purpose=reason,
    )
    return resident


@dataclass(frozen=True)
class RetentionOutcome:
    residents: int  # former residents anonymised
    log_entries: int  # access log entries deleted


@transaction.atomic
def retention_apply(*, today: dt.date | None = None, dry_run: bool = False) -> RetentionOutcome:
    """Anonymise residents who moved out or died longer ago than the retention setting, and
    delete access log entries older than theirs; ``dry_run`` only counts."""
    today = today or timezone.localdate()
    former_before = today - dt.timedelta(days=settings.CDTT_FORMER_RESIDENT_RETENTION_DAYS)
    log_before = today - dt.timedelta(days=settings.CDTT_ACCESS_LOG_RETENTION_DAYS)
    former = (
        Resident.objects.exclude(status=ResidentStatus.CURRENT)
        .filter(status_changed_on__lt=former_before)
        .exclude(name_key__startswith=ANONYMOUS_KEY)
    )
    old_log = personal_log.personal_entries().filter(
        at__lt=timezone.make_aware(dt.datetime.combine(log_before, dt.time.min))
    )
    if dry_run:
        return RetentionOutcome(former.count(), old_log.count())
    residents = 0
    for resident in former.select_related("village").select_for_update().iterator(chunk_size=500):
        _anonymise(resident)
        residents += 1
    log_entries, _by_model = old_log.delete()
    personal_log.personal_record(
        actor=None,
        action=personal_log.RETENTION,
        summary=_(
            "Hết thời hạn lưu trữ: ẩn danh %(r)s nhân khẩu cũ, xoá %(l)s dòng nhật ký truy cập"
        )
        % {"r": residents, "l": log_entries},
        details={"residents": residents, "log_entries": log_entries},
    )
    return RetentionOutcome(residents, log_entries)
