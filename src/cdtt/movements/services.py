"""Writes of youth emulation movements: create a movement with its criteria, claim points with
evidence, approve or reject a claim. Each is one transaction with its audit entry."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.access import in_scope
from cdtt.core.attachments import attachment_kind
from cdtt.core.errors import Conflict, Refused
from cdtt.core.notifications import notify
from cdtt.geo.models import AdminUnit
from cdtt.lib.text import clean, fold
from cdtt.movements import selectors
from cdtt.movements.counters import counter
from cdtt.movements.models import (
    ClaimStatus,
    Criterion,
    CriterionKind,
    Movement,
    PointClaim,
)
from cdtt.organizations.models import Organization
from cdtt.teams.selectors import person_of


@dataclass(frozen=True)
class CriterionIn:
    name: str
    points: int
    counter: str = ""  # a counter's code: counted by the platform; empty: claimed with evidence


def _check_criteria(criteria: Sequence[CriterionIn]) -> None:
    if not criteria:
        raise ValidationError({"criteria": _("Hãy đặt ít nhất một tiêu chí.")})
    for c in criteria:
        if not clean(c.name) or c.points < 1:
            raise ValidationError({"criteria": _("Mỗi tiêu chí cần tên và số điểm từ 1 trở lên.")})
        if c.counter and counter(c.counter) is None:
            raise ValidationError(
                {"criteria": _("Không có số liệu đếm “%(c)s”.") % {"c": c.counter}}
            )


@transaction.atomic
def movement_create(
    *,
    actor,
    title: str,
    organization: Organization,
    starts_on: dt.date,
    ends_on: dt.date,
    branches: Sequence[Organization],
    criteria: Sequence[CriterionIn],
    units: Sequence[AdminUnit] = (),
    description: str = "",
) -> Movement:
    if not selectors.can_create(actor):
        raise Refused(_("Chỉ cán bộ Đoàn Thanh niên phát động phong trào."))
    errors = {}
    if not clean(title):
        errors["title"] = _("Hãy nhập tên phong trào.")
    if ends_on < starts_on:
        errors["ends_on"] = _("Ngày kết thúc trước ngày bắt đầu.")
    if not branches:
        errors["branches"] = _("Hãy chọn các cơ sở Đoàn tham gia.")
    outside = [u.full_name for u in units if not in_scope(actor, u)]
    if outside:
        errors["units"] = _("Địa bàn ngoài phạm vi quản lý của bạn: %(u)s.") % {
            "u": ", ".join(outside)
        }
    if errors:
        raise ValidationError(errors)
    _check_criteria(criteria)
    movement = Movement.objects.create(
        title=clean(title),
        description=description.strip(),
        organization=organization,
        starts_on=starts_on,
        ends_on=ends_on,
        unit=actor.scope_unit,
        path=actor.scope_unit.path,
        created_by=actor,
    )
    movement.branches.set(branches)
    movement.units.set(units)
    Criterion.objects.bulk_create(
        [
            Criterion(
                movement=movement,
                name=clean(c.name),
                kind=CriterionKind.COUNTED if c.counter else CriterionKind.CLAIMED,
                counter=c.counter,
                points=c.points,
                position=i,
            )
            for i, c in enumerate(criteria)
        ]
    )
    audit_record(actor=actor, action="movement.create", obj=movement, unit=movement.unit)
    return movement


@transaction.atomic
def points_claim(
    *,
    actor,
    criterion: Criterion,
    fact: str,
    happened_on: dt.date,
    evidence_url: str = "",
    evidence_file=None,
) -> PointClaim:
    """A member claims points for a fact with its evidence; the movement's officer approves."""
    movement = criterion.movement
    person = person_of(actor)
    if not selectors.is_participant(movement, person):
        raise Refused(_("Bạn không thuộc cơ sở Đoàn tham gia phong trào này."))
    if criterion.kind != CriterionKind.CLAIMED:
        raise ValidationError({"criterion": _("Tiêu chí này do nền tảng tự đếm.")})
    errors = {}
    if not clean(fact):
        errors["fact"] = _("Hãy ghi việc đã làm.")
    if not (movement.starts_on <= happened_on <= movement.ends_on):
        errors["happened_on"] = _("Ngày thực hiện ngoài thời gian phong trào (%(a)s – %(b)s).") % {
            "a": f"{movement.starts_on:%d/%m/%Y}",
            "b": f"{movement.ends_on:%d/%m/%Y}",
        }
    if not clean(evidence_url) and evidence_file is None:
        errors["evidence"] = _("Hãy gửi kèm minh chứng: một tệp hoặc một đường dẫn.")
    if errors:
        raise ValidationError(errors)
    if evidence_file is not None:
        attachment_kind(evidence_file, field="evidence", match_extension=True)
    claim = PointClaim(
        criterion=criterion,
        person=person,
        fact=clean(fact),
        fact_key=fold(fact)[:300],
        happened_on=happened_on,
        evidence_url=clean(evidence_url),
    )
    if evidence_file is not None:
        claim.evidence_file.save(evidence_file.name, evidence_file, save=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        raise Conflict(_("Việc này đã được đăng ký điểm rồi.")) from None
    audit_record(actor=actor, action="movement.claim", obj=claim, summary=claim.fact)
    notify(
        recipients=[movement.created_by],
        title=_("Đăng ký điểm thi đua mới: %(f)s") % {"f": claim.fact},
        link=reverse("movements:claims", args=[movement.pk]),
        kind="movements",
    )
    return claim


@transaction.atomic
def claim_review(*, actor, claim: PointClaim, approve: bool, comment: str = "") -> PointClaim:
    if not selectors.can_manage(actor, claim.criterion.movement):
        raise Refused(_("Chỉ cán bộ phụ trách phong trào duyệt điểm."))
    locked = PointClaim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != ClaimStatus.PENDING:
        raise Conflict(_("Đăng ký này đã được xét."))
    locked.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    locked.review_comment, locked.reviewed_by = clean(comment)[:300], actor
    locked.save()
    audit_record(
        actor=actor, action=f"movement.claim.{locked.status}", obj=locked, summary=locked.fact
    )
    return locked
