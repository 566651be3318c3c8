"""Writes to organisations: keyword-only, one transaction, one audit entry each."""

import datetime as dt

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.access import in_scope
from cdtt.geo.models import AdminUnit
from cdtt.lib.phone import PhoneInvalid, phone_normalize
from cdtt.lib.text import clean, fold
from cdtt.organizations.models import Organization, OrganizationKind, OrganizationName
from cdtt.organizations.selectors import can_manage_organization


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


def clean_phone(value: str, field: str = "phone") -> str:
    try:
        return phone_normalize(value)
    except PhoneInvalid as exc:
        raise ValidationError({field: str(exc)}) from None


def clean_email(value: str) -> str:
    value = clean(value).lower()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                {"email": _("Địa chỉ thư điện tử không hợp lệ: “%(v)s”.") % {"v": value}}
            ) from None
    return value


def _org_values(
    *,
    name: str,
    kind: str,
    unit: AdminUnit,
    short_name: str,
    phone: str,
    email: str,
    parent: Organization | None,
) -> dict:
    name = clean(name)
    if not name:
        raise ValidationError({"name": _("Tên cơ quan, đơn vị không được để trống.")})
    if kind not in OrganizationKind.values:
        raise ValidationError({"kind": _("Loại cơ quan, đơn vị không hợp lệ.")})
    return {
        "name": name,
        "name_key": fold(name),
        "kind": kind,
        "unit": unit,
        "short_name": clean(short_name),
        "phone": clean_phone(phone),
        "email": clean_email(email),
        "parent": parent,
    }


@transaction.atomic
def organization_create(
    *,
    actor,
    name: str,
    kind: str,
    unit: AdminUnit,
    short_name: str = "",
    phone: str = "",
    email: str = "",
    parent: Organization | None = None,
) -> Organization:
    if actor is not None:
        _require(can_manage_organization(actor) and in_scope(actor, unit))
    values = _org_values(
        name=name,
        kind=kind,
        unit=unit,
        short_name=short_name,
        phone=phone,
        email=email,
        parent=parent,
    )
    if Organization.objects.filter(unit=unit, name_key=values["name_key"]).exists():
        raise ValidationError(
            {
                "name": _("%(u)s đã có cơ quan, đơn vị tên “%(n)s”.")
                % {"u": unit.full_name, "n": values["name"]}
            }
        )
    org = Organization.objects.create(**values)
    audit_record(
        actor=actor,
        action="organization.create",
        obj=org,
        unit=unit,
        summary=_("Thêm cơ quan, đơn vị %(n)s") % {"n": org.name},
    )
    return org


@transaction.atomic
def organization_update(
    *,
    actor,
    organization: Organization,
    name: str,
    kind: str,
    unit: AdminUnit,
    short_name: str = "",
    phone: str = "",
    email: str = "",
    parent: Organization | None = None,
    active: bool = True,
) -> Organization:
    org = organization
    if actor is not None:
        _require(can_manage_organization(actor, org))
    values = _org_values(
        name=name,
        kind=kind,
        unit=unit,
        short_name=short_name,
        phone=phone,
        email=email,
        parent=parent,
    )
    if parent is not None and parent.pk == org.pk:
        raise ValidationError({"parent": _("Một đơn vị không thể trực thuộc chính nó.")})
    if (
        Organization.objects.filter(unit=unit, name_key=values["name_key"])
        .exclude(pk=org.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "name": _("%(u)s đã có cơ quan, đơn vị tên “%(n)s”.")
                % {"u": unit.full_name, "n": values["name"]}
            }
        )
    for k, v in values.items():
        setattr(org, k, v)
    org.active = active
    org.save()
    audit_record(
        actor=actor,
        action="organization.update",
        obj=org,
        unit=unit,
        summary=_("Cập nhật cơ quan, đơn vị %(n)s") % {"n": org.name},
    )
    return org


@transaction.atomic
def organization_retire(*, actor, organization: Organization) -> Organization:
    """Mark an organisation as no longer active; its staff and branches keep their history."""
    org = organization
    if actor is not None:
        _require(can_manage_organization(actor, org))
    if org.active:
        org.active = False
        org.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="organization.retire",
            obj=org,
            unit=org.unit,
            summary=_("Ngừng hoạt động cơ quan, đơn vị %(n)s") % {"n": org.name},
        )
    return org


def _letterheads_follow(org: Organization, old_name: str, new_name: str) -> int:
    """Letterheads of the organisation's unit that name it as issuing body take its new name."""
    from cdtt.documents.models import Letterhead

    changed = 0
    for letterhead in Letterhead.objects.filter(unit_id=org.unit_id):
        if fold(letterhead.issuing_body) == fold(old_name):
            upper = letterhead.issuing_body.isupper()
            letterhead.issuing_body = (new_name.upper() if upper else new_name)[:120]
            letterhead.save(update_fields=["issuing_body"])
            changed += 1
    return changed


@transaction.atomic
def organization_rename(
    *, actor, organization: Organization, name: str, on: dt.date, short_name: str = ""
) -> Organization:
    """Rename an organisation from a day on, keeping its former name with that day (the
    Department of Information and Communications became the Department of Science and
    Technology on 01/03/2025); letterheads that named it follow."""
    org = organization
    if actor is not None:
        _require(can_manage_organization(actor, org))
    if org.merged_into_id:
        raise ValidationError(_("Cơ quan, đơn vị đã hợp nhất vào đơn vị khác: không đổi tên."))
    name, short_name = clean(name), clean(short_name)
    if not name:
        raise ValidationError({"name": _("Tên mới không được để trống.")})
    if fold(name) == org.name_key and short_name == org.short_name:
        raise ValidationError({"name": _("Tên mới trùng tên hiện tại.")})
    last = org.former_names.first()
    if last is not None and on <= last.renamed_on:
        raise ValidationError(
            {
                "on": _("Ngày đổi tên phải sau lần đổi tên trước (%(d)s).")
                % {"d": last.renamed_on.strftime("%d/%m/%Y")}
            }
        )
    taken = Organization.objects.filter(unit=org.unit, name_key=fold(name)).exclude(pk=org.pk)
    if taken.exists():
        raise ValidationError(
            {
                "name": _("%(u)s đã có cơ quan, đơn vị tên “%(n)s”.")
                % {"u": org.unit.full_name, "n": name}
            }
        )
    old = org.name
    org.former_names.create(name=org.name, short_name=org.short_name, renamed_on=on)
    org.name, org.short_name, org.name_key = name, short_name, fold(name)
    org.save(update_fields=["name", "short_name", "name_key"])
    letterheads = _letterheads_follow(org, old, name)
    audit_record(
        actor=actor,
        action="organization.rename",
        obj=org,
        unit=org.unit,
        summary=_("Đổi tên %(o)s thành %(n)s từ %(d)s")
        % {"o": old, "n": name, "d": on.strftime("%d/%m/%Y")},
        changes={"name": [old, name], "on": on.isoformat(), "letterheads": letterheads},
    )
    return org


def _organization_references() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) that points to an organisation, found at run time (people, users,
    branches and whatever the apps above add), except an organisation's own history."""
    out = []
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if (
                isinstance(f, models.ForeignKey)
                and f.related_model is Organization
                and f.concrete
                and not (model is Organization and f.name == "merged_into")
                and model is not OrganizationName
            ):
                out.append((model, f.name))
    return out


@transaction.atomic
def organization_merge(
    *, actor, source: Organization, target: Organization, on: dt.date
) -> dict[str, int]:
    """Merge ``source`` into ``target`` from a day on: its people, users and branches (every
    reference) move to the target, letterheads that named it take the target's name; the
    source is kept as history, closed and marked as merged. Returns the rows moved per table."""
    if actor is not None:
        _require(can_manage_organization(actor, source))
        _require(can_manage_organization(actor, target))
    if source.pk == target.pk:
        raise ValidationError(_("Không thể hợp nhất một cơ quan, đơn vị vào chính nó."))
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError(_("Cơ quan, đơn vị này đã được hợp nhất trước đó."))
    if target.pk in _branches_of(source):
        raise ValidationError(_("Không thể hợp nhất một đơn vị vào đơn vị trực thuộc nó."))
    moved: dict[str, int] = {}
    for model, field in _organization_references():
        rows = model.objects.filter(**{field: source})
        if model is Organization:
            rows = rows.exclude(pk=target.pk)
        n = rows.update(**{field: target})
        if n:
            moved[f"{model._meta.label}.{field}"] = n
    moved["letterheads"] = _letterheads_follow(target, source.name, target.name)
    source.merged_into, source.closed_on, source.active = target, on, False
    source.save(update_fields=["merged_into", "closed_on", "active"])
    audit_record(
        actor=actor,
        action="organization.merge",
        obj=source,
        unit=target.unit,
        summary=_("Hợp nhất %(s)s vào %(t)s từ %(d)s")
        % {"s": source.name, "t": target.name, "d": on.strftime("%d/%m/%Y")},
        changes={"into": target.pk, "on": on.isoformat(), "moved": moved},
    )
    return moved


def _branches_of(org: Organization) -> set[int]:
    from cdtt.organizations.selectors import organization_tree

    return set(organization_tree(org)) - {org.pk}
