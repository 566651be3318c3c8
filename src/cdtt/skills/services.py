"""Writes to the skill catalog: the skills and their checklists.

Assessments of residents are written by cdtt.registry.assessments (with the roll-ups they move).
Switching a skill on or off changes who is proficient everywhere: the full rebuild of the
roll-ups is reached through cdtt.core.rollups, not by importing the apps that keep them.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.models import Job
from cdtt.core.rollups import rebuild_job_start
from cdtt.lib.text import clean
from cdtt.skills.models import ChecklistItem, Skill


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
        job = rebuild_job_start(actor=actor, title=_("Tính lại số liệu phổ cập"))
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
