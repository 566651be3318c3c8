"""Writes to organisations: keyword-only, one transaction, one audit entry each."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from cdtt.audit.services import audit_record
from cdtt.core.access import in_scope
from cdtt.geo.models import AdminUnit
from cdtt.lib.phone import PhoneInvalid, phone_normalize
from cdtt.lib.text import clean, fold
from cdtt.organizations.models import Organization, OrganizationKind
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
