"""Writes of the campaigns app: campaigns and their targets.

The visits the field app submits are written by ``cdtt.campaigns.visits`` (their payload is
``cdtt.campaigns.visit_payload``, the household's lookup ``cdtt.campaigns.visit_lookup``).
Refusals follow ``cdtt.core.errors``: a rule broken is Django's ``ValidationError``, an action
the actor's role does not allow is ``Refused``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.campaigns.models import Campaign, CampaignStatus, CampaignTarget, Service, Visit
from cdtt.core import roles
from cdtt.core.access import scope_path
from cdtt.core.errors import Refused
from cdtt.documents.models import Letterhead
from cdtt.documents.selectors import letterheads_for
from cdtt.geo.models import AdminUnit


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationError(_("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."))


def _check_letterhead(actor, letterhead: Letterhead | None) -> None:
    """A campaign's report may only take a letterhead its editor can see."""
    if letterhead is not None and not letterheads_for(actor).filter(pk=letterhead.pk).exists():
        raise ValidationError(_("Không tìm thấy mẫu phần đầu văn bản đã chọn."))


@transaction.atomic
def campaign_create(
    *,
    actor,
    name: str,
    starts_on: date,
    ends_on: date,
    scope_units: list[AdminUnit],
    services: list[Service] | None = None,
    description: str = "",
    status: str = CampaignStatus.ACTIVE,
    letterhead: Letterhead | None = None,
) -> Campaign:
    """``letterhead``: the daily report's issuer, symbol, signer and recipients; none, the
    Department of Science and Technology's."""
    if not roles.has_role(actor, roles.MANAGE_CATALOG):
        raise Refused
    _check_dates(starts_on, ends_on)
    _check_letterhead(actor, letterhead)
    if not scope_units:
        raise ValidationError(_("Cần chọn ít nhất một địa bàn triển khai."))
    campaign = Campaign(
        name=name.strip(),
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        created_by=actor,
        letterhead=letterhead,
    )
    campaign.save()
    campaign.scope_units.set(scope_units)
    campaign.services.set(services or [])
    audit_record(
        actor=actor,
        action="campaign.create",
        obj=campaign,
        changes={
            "starts_on": str(starts_on),
            "ends_on": str(ends_on),
            "scope": [u.code for u in scope_units],
        },
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign: Campaign, **fields) -> Campaign:
    if not roles.has_role(actor, roles.MANAGE_CATALOG):
        raise Refused
    scope_units = fields.pop("scope_units", None)
    services = fields.pop("services", None)
    changes = {}
    for key, value in fields.items():
        if key not in {"name", "description", "starts_on", "ends_on", "status", "letterhead"}:
            raise TypeError(key)
        if getattr(campaign, key) != value:
            changes[key] = str(value)
            setattr(campaign, key, value)
    _check_dates(campaign.starts_on, campaign.ends_on)
    if "letterhead" in changes:
        _check_letterhead(actor, campaign.letterhead)
    if fields.get("starts_on") or fields.get("ends_on"):
        outside = Visit.objects.filter(campaign=campaign).exclude(
            visited_at__date__gte=campaign.starts_on, visited_at__date__lte=campaign.ends_on
        )
        if outside.exists():
            raise ValidationError(
                _("Đã có lượt đến hộ nằm ngoài khoảng thời gian mới của chiến dịch.")
            )
    campaign.save()
    if scope_units is not None:
        if not scope_units:
            raise ValidationError(_("Cần chọn ít nhất một địa bàn triển khai."))
        campaign.scope_units.set(scope_units)
        changes["scope"] = [u.code for u in scope_units]
    if services is not None:
        campaign.services.set(services)
        changes["services"] = [s.code for s in services]
    audit_record(actor=actor, action="campaign.update", obj=campaign, changes=changes)
    return campaign


def in_campaign_scope(campaign: Campaign, unit: AdminUnit) -> bool:
    return any(unit.path.startswith(s.path) for s in campaign.scope_units.all())


def can_set_target(user, campaign: Campaign, unit: AdminUnit) -> bool:
    """Province admins set the targets of any unit in the campaign's scope; district and commune
    officers split their own unit's target down to the units below it."""
    if not in_campaign_scope(campaign, unit):
        return False
    if roles.has_role(user, roles.MANAGE_CATALOG):
        path = scope_path(user)
        return path is not None and unit.path.startswith(path)
    if roles.has_role(user, {"district_officer", "commune_officer"}):
        path = scope_path(user)
        return path is not None and unit.path.startswith(path) and unit.path != path
    return False


@dataclass
class TargetValue:
    households_to_visit: int
    residents_to_guide: int


def _children_sum(
    campaign: Campaign, unit: AdminUnit, exclude: set[int] = frozenset()
) -> TargetValue:
    totals = (
        CampaignTarget.objects.filter(campaign=campaign, unit__parent=unit)
        .exclude(unit_id__in=exclude)
        .aggregate(h=Sum("households_to_visit"), r=Sum("residents_to_guide"))
    )
    return TargetValue(totals["h"] or 0, totals["r"] or 0)


def _check_against_children(campaign: Campaign, unit: AdminUnit, value: TargetValue) -> None:
    below = _children_sum(campaign, unit)
    if value.households_to_visit < below.households_to_visit or (
        value.residents_to_guide < below.residents_to_guide
    ):
        raise ValidationError(
            _(
                "Chỉ tiêu của %(unit)s không được nhỏ hơn tổng chỉ tiêu đã giao cho các "
                "đơn vị trực thuộc (%(h)s hộ, %(r)s người)."
            )
            % {
                "unit": unit.full_name,
                "h": below.households_to_visit,
                "r": below.residents_to_guide,
            }
        )


@transaction.atomic
def target_set(
    *, actor, campaign: Campaign, unit: AdminUnit, households_to_visit: int, residents_to_guide: int
) -> CampaignTarget:
    """Set one unit's target; the sum of a parent's children never exceeds the parent's."""
    return target_split(
        actor=actor,
        campaign=campaign,
        parent=unit.parent,
        values={unit: TargetValue(households_to_visit, residents_to_guide)},
    )[0]


def _check_within_parent(
    campaign: Campaign, parent: AdminUnit, values: dict[AdminUnit, TargetValue]
) -> None:
    """The children's targets, the new ones and the others, may not exceed the parent's own
    (locked while the split is written); a parent without a target caps nothing."""
    cap = CampaignTarget.objects.select_for_update().filter(campaign=campaign, unit=parent).first()
    if cap is None:
        return
    others = _children_sum(campaign, parent, exclude={u.pk for u in values})
    h = others.households_to_visit + sum(v.households_to_visit for v in values.values())
    r = others.residents_to_guide + sum(v.residents_to_guide for v in values.values())
    if h > cap.households_to_visit or r > cap.residents_to_guide:
        raise ValidationError(
            _(
                "Tổng chỉ tiêu các đơn vị trực thuộc (%(h)s hộ, %(r)s người) vượt chỉ "
                "tiêu của %(unit)s (%(cap_h)s hộ, %(cap_r)s người)."
            )
            % {
                "h": h,
                "r": r,
                "unit": parent.full_name,
                "cap_h": cap.households_to_visit,
                "cap_r": cap.residents_to_guide,
            }
        )


@transaction.atomic
def target_split(
    *, actor, campaign: Campaign, parent: AdminUnit | None, values: dict[AdminUnit, TargetValue]
) -> list[CampaignTarget]:
    """Set the targets of several children of ``parent`` at once (all or nothing)."""
    for unit, value in values.items():
        if not can_set_target(actor, campaign, unit):
            raise Refused
        if value.households_to_visit < 0 or value.residents_to_guide < 0:
            raise ValidationError(_("Chỉ tiêu phải là số không âm."))
        if unit.parent_id != getattr(parent, "pk", None):
            raise ValidationError(
                _("%(unit)s không trực thuộc đơn vị đang chia chỉ tiêu.") % {"unit": unit.full_name}
            )
        _check_against_children(campaign, unit, value)
    if parent is not None:
        _check_within_parent(campaign, parent, values)
    saved = []
    for unit, value in values.items():
        target, _created = CampaignTarget.objects.update_or_create(
            campaign=campaign,
            unit=unit,
            defaults={
                "households_to_visit": value.households_to_visit,
                "residents_to_guide": value.residents_to_guide,
                "set_by": actor,
            },
        )
        saved.append(target)
        audit_record(
            actor=actor,
            action="campaign.target",
            obj=target,
            unit=unit,
            summary=f"{campaign} · {unit.full_name}",
            changes={
                "households": value.households_to_visit,
                "residents": value.residents_to_guide,
            },
        )
    return saved
