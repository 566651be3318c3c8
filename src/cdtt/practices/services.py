"""Writes of models and good practices: propose (or replicate), change while returned, attach
photos and documents, review (approve, return with a comment, reject), evaluate, end. Each is
one transaction with its audit entry; the proposer and reviewers are notified with it."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core import roles
from cdtt.core.access import in_scope
from cdtt.core.attachments import IMAGES, attachment_kind
from cdtt.core.errors import Conflict, Refused
from cdtt.core.notifications import notify
from cdtt.geo.models import AdminUnit, Level
from cdtt.lib.text import clean, fold
from cdtt.practices import selectors
from cdtt.practices.models import (
    Attachment,
    AttachmentKind,
    Evaluation,
    Initiative,
    Place,
    Rating,
    Status,
)
from cdtt.skills.models import Skill

MAX_FILES = 20


def _common_unit(units: Sequence[AdminUnit]) -> AdminUnit:
    """The smallest unit holding every one of the units."""
    unit = units[0]
    while unit.parent_id is not None and not all(u.path.startswith(unit.path) for u in units):
        unit = unit.parent
    return unit


def _located(unit: AdminUnit) -> dict:
    ids = unit.ancestor_ids()
    return {
        "unit": unit,
        "village_id": unit.pk if unit.level == Level.VILLAGE else None,
        "commune_id": ids["commune_id"],
        "district_id": ids["district_id"],
        "province_id": ids["province_id"] or unit.pk,
    }


def _check(actor, *, title: str, summary: str, description: str, units, skills, started_on):
    if not roles.has_role(actor, selectors.PROPOSE):
        raise Refused(_("Bạn không có quyền đề xuất mô hình."))
    errors = {}
    if not clean(title):
        errors["title"] = _("Hãy nhập tên mô hình.")
    if not clean(summary):
        errors["summary"] = _("Hãy nhập tóm tắt mô hình.")
    if not clean(description):
        errors["description"] = _("Hãy mô tả mô hình làm gì, làm thế nào.")
    if not units:
        errors["units"] = _("Hãy chọn ít nhất một thôn hoặc địa bàn triển khai.")
    else:
        outside = [u.full_name for u in units if not in_scope(actor, u)]
        if outside:
            errors["units"] = _("Địa bàn ngoài phạm vi quản lý của bạn: %(units)s.") % {
                "units": ", ".join(outside)
            }
    if not skills:
        errors["skills"] = _("Hãy chọn ít nhất một kỹ năng mô hình hướng tới.")
    if started_on is None:
        errors["started_on"] = _("Hãy nhập ngày bắt đầu.")
    if errors:
        raise ValidationError(errors)


def _skills(skills: Iterable) -> list[Skill]:
    codes = [s.code if isinstance(s, Skill) else str(s) for s in skills]
    found = list(Skill.objects.filter(code__in=codes))
    if len(found) != len(set(codes)):
        raise ValidationError({"skills": _("Có kỹ năng không có trong danh mục.")})
    return found


def _search_key(initiative: Initiative, units: Sequence[AdminUnit]) -> str:
    parts = [initiative.title, initiative.summary, initiative.leader_name]
    parts += [u.full_name for u in units]
    return fold(" ".join(parts))


def _reviewers(unit: AdminUnit):
    """The Department's officers whose scope holds the model."""
    return [
        u
        for u in get_user_model()
        .objects.filter(role__in=selectors.REVIEW, is_active=True)
        .select_related("scope_unit")
        .filter(scope_unit__isnull=False)
        if unit.path.startswith(u.scope_unit.path)
    ]


def _announce(actor, initiative: Initiative, units: Sequence[AdminUnit]) -> None:
    """The audit entry of a proposal and the notice to the Department's reviewers."""
    audit_record(
        actor=actor,
        action="initiative.propose",
        obj=initiative,
        unit=initiative.unit,
        summary=initiative.title,
        changes={
            "units": [u.code for u in units],
            "replicated_from": initiative.replicated_from_id,
        },
    )
    notify(
        recipients=_reviewers(initiative.unit),
        title=_("Mô hình mới chờ duyệt: %(t)s") % {"t": initiative.title},
        link=reverse("practices:detail", args=[initiative.pk]),
        kind="practices",
    )


@transaction.atomic
def initiative_propose(
    *,
    actor,
    title: str,
    summary: str,
    description: str,
    units: Sequence[AdminUnit],
    skills: Iterable,
    started_on: dt.date | None,
    leader_name: str = "",
    leader_person=None,
    lead_team=None,
    organization=None,
    replicated_from: Initiative | None = None,
    files: Sequence = (),
) -> Initiative:
    """Propose a model for villages or units of the proposer's scope; the Department reviews it."""
    units = list(dict.fromkeys(units))
    _check(
        actor,
        title=title,
        summary=summary,
        description=description,
        units=units,
        skills=list(skills),
        started_on=started_on,
    )
    if replicated_from is not None and replicated_from.status != Status.APPROVED:
        raise ValidationError({"replicated_from": _("Chỉ nhân rộng mô hình đã được duyệt.")})
    found_skills = _skills(skills)
    unit = _common_unit(units)
    initiative = Initiative(
        title=clean(title),
        summary=clean(summary),
        description=description.strip(),
        unit=unit,
        path=unit.path,
        started_on=started_on,
        leader_name=clean(leader_name) or getattr(actor, "full_name", "") or str(actor),
        leader_person=leader_person,
        lead_team=lead_team,
        organization=organization or getattr(actor, "organization", None),
        replicated_from=replicated_from,
        created_by=actor,
    )
    initiative.search_key = _search_key(initiative, units)
    initiative.save()
    initiative.skills.set(found_skills)
    Place.objects.bulk_create([Place(initiative=initiative, **_located(u)) for u in units])
    for upload in files:
        attachment_add(actor=actor, initiative=initiative, upload=upload)
    _announce(actor, initiative, units)
    return initiative


@transaction.atomic
def initiative_update(
    *,
    actor,
    initiative: Initiative,
    title: str,
    summary: str,
    description: str,
    units,
    skills,
    started_on,
    leader_name: str = "",
) -> Initiative:
    """The proposer completes a returned model; it goes back to the Department."""
    if not selectors.can_edit(actor, initiative):
        raise Refused(_("Mô hình này không còn sửa được."))
    units = list(dict.fromkeys(units))
    _check(
        actor,
        title=title,
        summary=summary,
        description=description,
        units=units,
        skills=list(skills),
        started_on=started_on,
    )
    initiative.title, initiative.summary = clean(title), clean(summary)
    initiative.description, initiative.started_on = description.strip(), started_on
    initiative.leader_name = clean(leader_name) or initiative.leader_name
    unit = _common_unit(units)
    initiative.unit, initiative.path = unit, unit.path
    if initiative.status == Status.RETURNED:
        initiative.status = Status.PROPOSED
    initiative.search_key = _search_key(initiative, units)
    initiative.save()
    initiative.skills.set(_skills(skills))
    initiative.places.all().delete()
    Place.objects.bulk_create([Place(initiative=initiative, **_located(u)) for u in units])
    audit_record(actor=actor, action="initiative.update", obj=initiative, unit=unit)
    return initiative


@transaction.atomic
def attachment_add(*, actor, initiative: Initiative, upload) -> Attachment:
    """A photo or a document, checked by its content, stored by the storage setting."""
    if not selectors.can_edit(actor, initiative):
        raise Refused(_("Bạn không thể thêm tệp vào mô hình này."))
    if initiative.files.count() >= MAX_FILES:
        raise ValidationError({"files": _("Mỗi mô hình có tối đa %(n)s tệp.") % {"n": MAX_FILES}})
    kind = attachment_kind(upload, field="files", match_extension=True)
    attachment = Attachment(
        initiative=initiative,
        name=clean(upload.name)[:200],
        kind=AttachmentKind.PHOTO if kind in IMAGES else AttachmentKind.DOCUMENT,
        content_type=kind,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="initiative.attach",
        obj=initiative,
        unit=initiative.unit,
        summary=attachment.name,
        changes={"file": attachment.file.name, "size": attachment.size},
    )
    return attachment


REVIEW_ACTIONS = {
    "approve": Status.APPROVED,
    "return": Status.RETURNED,
    "reject": Status.REJECTED,
}


@transaction.atomic
def initiative_review(*, actor, initiative: Initiative, decision: str, comment: str = ""):
    """The Department approves, returns with a comment (the proposer completes it), or rejects."""
    if not selectors.can_review(actor, initiative):
        raise Refused(_("Chỉ Sở Thông tin và Truyền thông duyệt mô hình."))
    if decision not in REVIEW_ACTIONS:
        raise ValidationError({"decision": _("Quyết định không hợp lệ.")})
    locked = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if locked.status != Status.PROPOSED:
        raise Conflict(_("Mô hình không ở trạng thái chờ duyệt."))
    if decision in ("return", "reject") and not clean(comment):
        raise ValidationError({"comment": _("Hãy ghi rõ lý do để đơn vị đề xuất biết.")})
    locked.status = REVIEW_ACTIONS[decision]
    locked.review_comment = comment.strip()
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    if decision == "approve":
        locked.approved_on = timezone.localdate()
    locked.save()
    audit_record(
        actor=actor,
        action=f"initiative.{decision}",
        obj=locked,
        unit=locked.unit,
        summary=f"{locked.title}: {locked.get_status_display()}",
        changes={"comment": locked.review_comment},
    )
    notify(
        recipients=[locked.created_by],
        title=_("Mô hình “%(t)s”: %(s)s") % {"t": locked.title, "s": locked.get_status_display()},
        body=locked.review_comment,
        link=reverse("practices:detail", args=[locked.pk]),
        kind="practices",
    )
    return locked


@transaction.atomic
def initiative_evaluate(
    *,
    actor,
    initiative: Initiative,
    period_start: dt.date,
    period_end: dt.date,
    reported: str,
    rating: str,
    comment: str = "",
) -> Evaluation:
    """The evaluation at the end of a period: the platform's measures for the places are kept
    as of that day beside what the proposer reports."""
    if not selectors.can_review(actor, initiative):
        raise Refused(_("Chỉ Sở Thông tin và Truyền thông đánh giá mô hình."))
    if initiative.status != Status.APPROVED:
        raise Conflict(_("Chỉ đánh giá mô hình đã được duyệt."))
    errors = {}
    if period_end < period_start:
        errors["period_end"] = _("Ngày kết thúc trước ngày bắt đầu.")
    if period_end > timezone.localdate():
        errors["period_end"] = _("Chưa đến cuối kỳ đánh giá.")
    if not clean(reported):
        errors["reported"] = _("Hãy nhập kết quả đơn vị báo cáo.")
    if rating not in Rating.values:
        errors["rating"] = _("Hãy chọn mức đánh giá.")
    if errors:
        raise ValidationError(errors)
    evaluation = Evaluation.objects.create(
        initiative=initiative,
        period_start=period_start,
        period_end=period_end,
        measured=selectors.measured(initiative, period_start, period_end),
        reported=reported.strip(),
        rating=rating,
        comment=comment.strip(),
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="initiative.evaluate",
        obj=initiative,
        unit=initiative.unit,
        summary=f"{initiative.title}: {evaluation.get_rating_display()}",
        changes={"measured": evaluation.measured},
    )
    return evaluation


@transaction.atomic
def initiative_end(*, actor, initiative: Initiative, ended_on: dt.date) -> Initiative:
    """A model that no longer runs (it stays in the library, no longer counted as running)."""
    if not (selectors.can_review(actor, initiative) or initiative.created_by_id == actor.pk):
        raise Refused()
    if ended_on < initiative.started_on:
        raise ValidationError({"ended_on": _("Ngày kết thúc trước ngày bắt đầu.")})
    initiative.ended_on = ended_on
    initiative.save(update_fields=["ended_on", "updated_at"])
    audit_record(actor=actor, action="initiative.end", obj=initiative, unit=initiative.unit)
    return initiative
