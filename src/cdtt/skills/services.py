"""Writes to the skill catalog and skill assessments.

An assessment moves, in one transaction: the resident's current level in the skill (if it is
the latest), the resident's proficient flag, the household's covered flag and the village's
counters (see cdtt.registry.rollups).
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.lib.text import clean
from cdtt.core.jobs import job_create
from cdtt.core.models import Job
from cdtt.registry.rollups import household_change, resident_proficient_refresh
from cdtt.registry.tasks import rollups_rebuild_job
from cdtt.skills.models import ChecklistItem, Level, Method, ResidentSkill, Skill, SkillAssessment


def _skill(code: str) -> Skill:
    skill = Skill.objects.filter(code=code).first()
    if skill is None:
        raise ValidationError(_("Không có kỹ năng mã “%(c)s”.") % {"c": code})
    return skill


@transaction.atomic
def assessment_record(
    *,
    actor,
    resident,
    skill_code: str,
    level: int,
    method: str,
    assessed_at: dt.datetime | None = None,
    checklist: list[int] | None = None,
    assessor_name: str = "",
    visit_id: uuid.UUID | None = None,
) -> SkillAssessment:
    skill = _skill(skill_code)
    if level not in Level.values:
        raise ValidationError(_("Mức kỹ năng phải là 0, 1 hoặc 2."))
    if method not in Method.values:
        raise ValidationError(_("Hình thức đánh giá không hợp lệ."))
    assessed_at = assessed_at or timezone.now()
    if timezone.is_naive(assessed_at):
        assessed_at = timezone.make_aware(assessed_at)
    if assessed_at > timezone.now() + dt.timedelta(minutes=10):
        raise ValidationError(_("Thời điểm đánh giá ở tương lai."))
    checklist = sorted(set(int(i) for i in (checklist or [])))
    if checklist:
        known = set(
            ChecklistItem.objects.filter(skill=skill, pk__in=checklist).values_list("pk", flat=True)
        )
        if set(checklist) - known:
            raise ValidationError(_("Có việc quan sát không thuộc kỹ năng này."))
    assessor = actor if getattr(actor, "pk", None) else None
    with household_change(resident.household_id):
        assessment = SkillAssessment.objects.create(
            resident_id=resident.pk,
            skill=skill,
            level=level,
            method=method,
            assessor=assessor,
            assessor_name=clean(assessor_name)[:120] or (str(actor) if assessor else ""),
            assessed_at=assessed_at,
            checklist=checklist,
            visit_id=visit_id,
        )
        current = (
            ResidentSkill.objects.select_for_update()
            .filter(resident_id=resident.pk, skill=skill)
            .first()
        )
        if current is None:
            ResidentSkill.objects.create(
                resident_id=resident.pk, skill=skill, level=level, assessed_at=assessed_at
            )
        elif (
            assessed_at >= current.assessed_at
        ):  # ties: the later record wins, as in rollups_rebuild
            current.level, current.assessed_at = level, assessed_at
            current.save(update_fields=["level", "assessed_at"])
        resident.refresh_from_db(fields=["proficient"])
        resident_proficient_refresh(resident)
    audit_record(
        actor=actor,
        action="assessment.record",
        obj=assessment,
        unit=resident.village,
        summary=_("%(n)s: %(s)s — %(l)s")
        % {"n": resident.full_name, "s": skill.name, "l": Level(level).label},
    )
    return assessment


@dataclass
class SkillUpdate:
    skill: Skill
    rebuild_job: Job | None  # set when the change needs every roll-up recomputed


@transaction.atomic
def skill_update(*, actor, skill: Skill, name: str, description: str, active: bool) -> SkillUpdate:
    """Edit a skill. Switching it on or off changes who is proficient everywhere, so a full
    rebuild of the roll-ups runs as a background job once the change is committed."""
    name = clean(name)
    if not name:
        raise ValidationError(_("Tên kỹ năng không được để trống."))
    rebuild = bool(active) != skill.active
    before = {"name": skill.name, "description": skill.description, "active": skill.active}
    skill.name, skill.description, skill.active = (
        name[:160],
        (description or "").strip(),
        bool(active),
    )
    skill.save(update_fields=["name", "description", "active"])
    job = None
    if rebuild:
        job = job_create(kind="rollups_rebuild", title=_("Tính lại số liệu phổ cập"), actor=actor)
        transaction.on_commit(lambda: rollups_rebuild_job(job.pk))
    audit_record(
        actor=actor,
        action="skill.update",
        obj=skill,
        summary=_("Sửa kỹ năng %(n)s") % {"n": skill.name},
        changes={
            "before": before,
            "after": {"name": skill.name, "description": skill.description, "active": skill.active},
        },
    )
    return SkillUpdate(skill=skill, rebuild_job=job)


@transaction.atomic
def checklist_item_add(
    *, actor, skill: Skill, text: str, position: int | None = None
) -> ChecklistItem:
    text = clean(text)
    if not text:
        raise ValidationError(_("Nội dung không được để trống."))
    if position is None:
        position = (skill.checklist.aggregate(m=Max("position"))["m"] or 0) + 1
    item = ChecklistItem.objects.create(skill=skill, text=text[:300], position=position)
    audit_record(
        actor=actor,
        action="checklist.add",
        obj=item,
        summary=_("Thêm việc quan sát cho %(s)s: %(t)s") % {"s": skill.name, "t": item.text},
    )
    return item


@transaction.atomic
def checklist_item_update(
    *, actor, item: ChecklistItem, text: str, position: int | None = None
) -> ChecklistItem:
    text = clean(text)
    if not text:
        raise ValidationError(_("Nội dung không được để trống."))
    before = item.text
    item.text = text[:300]
    if position is not None:
        item.position = position
    item.save(update_fields=["text", "position"])
    audit_record(
        actor=actor,
        action="checklist.update",
        obj=item,
        summary=item.text,
        changes={"before": before, "after": item.text},
    )
    return item


@transaction.atomic
def checklist_item_remove(*, actor, item: ChecklistItem) -> None:
    """Hide an item from the catalog; assessments that recorded it keep their history."""
    item.active = False
    item.save(update_fields=["active"])
    audit_record(actor=actor, action="checklist.remove", obj=item, summary=item.text)
